import type { CstNode, IToken } from 'chevrotain'
import type {
  ArithmeticOp,
  ComparisonOp,
  DecimalLiteral,
  DoubleLiteral,
  Expr,
  IntegerLiteral,
  Lambda,
  Literal,
  LongLiteral,
  MapEntry,
  StructFieldValue,
  WhenClause,
} from '../src/ast/expressions.js'
import { type Span, spanOf } from '../src/ast/span.js'
import type {
  AliasedRelation,
  ColumnConstraint,
  JoinType,
  JoinWindow,
  OrderItem,
  Property,
  Query,
  Relation,
  SelectItem,
  Show,
  ShowTarget,
  Statement,
  TableElement,
  WindowExpression,
} from '../src/ast/statements.js'
import type { Duration, PrimitiveTypeName, SqlType, TimeUnit } from '../src/ast/types.js'
import { InternalError } from '../src/errors.js'
import type * as C from './cst.js'
import { parseFailed, prepareError, syntaxErrorAtToken, tokenSpan } from './error-messages.js'
import {
  BACKQUOTED_IDENTIFIER,
  DECIMAL_VALUE,
  EQ,
  FLOATING_POINT_VALUE,
  GT,
  GTE,
  LT,
  LTE,
  MINUS,
  NEQ,
  QUOTED_IDENTIFIER,
  VARIABLE,
} from './tokens.js'

/**
 * CST → AST. One function per grammar rule, typed by the generated `cst.d.ts`. Besides building
 * nodes it runs the checks ksqlDB makes while building its AST (its ParseFailedExceptions):
 * numeric literal ranges, KEY vs PRIMARY KEY, WINDOW_TYPE / WINDOW_SIZE, and undefined `${var}`s.
 */

// ---------------------------------------------------------------------------------------------
// Entry points

export function singleStatementToAst(
  node: C.SingleStatementCstNode | C.TestSingleStatementCstNode,
): Statement {
  const c = node.children
  if ('testAssertStatement' in c && c.testAssertStatement !== undefined) {
    return testAssertStatement(one(c.testAssertStatement))
  }
  if ('runScript' in c && c.runScript !== undefined) {
    const run = one(c.runScript)
    return { kind: 'RunScript', span: span(run), path: unquote(one(run.children.STRING)) }
  }
  return statement(one(c.statement))
}

export function singleExpressionToAst(node: C.SingleExpressionCstNode): Expr {
  return expression(one(node.children.expression))
}

// ---------------------------------------------------------------------------------------------
// Helpers

function one<T>(items: readonly T[] | undefined): T {
  const item = items?.[0]
  if (item === undefined) throw new InternalError('CST node is missing an expected child')
  return item
}

function span(node: CstNode): Span {
  const loc = node.location
  if (loc === undefined || Number.isNaN(loc.startOffset))
    throw new InternalError(`CST node ${node.name} has no location`)
  return {
    start: { offset: loc.startOffset, line: loc.startLine ?? 1, column: loc.startColumn ?? 1 },
    end: {
      offset: (loc.endOffset ?? loc.startOffset) + 1,
      line: loc.endLine ?? 1,
      column: (loc.endColumn ?? 0) + 1,
    },
  }
}

function unquote(token: IToken): string {
  const quote = token.image[0] ?? "'"
  return token.image.slice(1, -1).replaceAll(quote + quote, quote)
}

/** ksqlDB's NodeLocation text: `Line: 1, Col: 8`. */
function location(s: Span): string {
  return `Line: ${s.start.line}, Col: ${s.start.column}`
}

/** An identifier: upper-cased unless quoted (`"..."` or `` `...` ``). */
function identifier(node: C.IdentifierCstNode): string {
  const token = one(node.children.IdentifierLike)
  switch (token.tokenType) {
    case QUOTED_IDENTIFIER:
    case BACKQUOTED_IDENTIFIER:
      return unquote(token)
    case VARIABLE:
      throw undefinedIdentifierVariable(token)
    default:
      return token.image.toUpperCase()
  }
}

/** An identifier that keeps its case even unquoted (topic names). */
function caseSensitiveIdentifier(node: C.IdentifierCstNode): string {
  const token = one(node.children.IdentifierLike)
  if (token.tokenType === VARIABLE) throw undefinedIdentifierVariable(token)
  if (token.tokenType === QUOTED_IDENTIFIER || token.tokenType === BACKQUOTED_IDENTIFIER)
    return unquote(token)
  return token.image
}

function undefinedIdentifierVariable(token: IToken) {
  const s = tokenSpan(token)
  return prepareError(
    `Illegal argument at ${location(s)}. Identifier names cannot start with '@' and may only contain ` +
      `alphanumeric values and '_'. Got: '${token.image}'`,
    s,
    token.image,
  )
}

function undefinedLiteralVariable(token: IToken) {
  const s = tokenSpan(token)
  return prepareError(`Illegal argument at ${location(s)}. Got: '${token.image}'`, s, token.image)
}

/** A STRING token, or a `${var}` that was never defined. */
function stringOrVariable(token: IToken): string {
  if (token.tokenType === VARIABLE) throw undefinedLiteralVariable(token)
  return unquote(token)
}

function resourceName(node: C.ResourceNameCstNode): string {
  const c = node.children
  return c.STRING !== undefined ? unquote(one(c.STRING)) : caseSensitiveIdentifier(one(c.identifier))
}

// ---------------------------------------------------------------------------------------------
// Statements

function statement(node: C.StatementCstNode): Statement {
  const c = node.children
  const s = span(node)
  if (c.query !== undefined) return query(one(c.query))
  if (c.showStatement !== undefined) return showStatement(one(c.showStatement), s)
  if (c.describeStatement !== undefined) return describeStatement(one(c.describeStatement), s)
  if (c.printStatement !== undefined) return printStatement(one(c.printStatement), s)
  if (c.terminateStatement !== undefined) {
    return {
      kind: 'TerminateQuery',
      span: s,
      ...queryTarget(one(one(c.terminateStatement).children.queryTarget)),
    }
  }
  if (c.pauseStatement !== undefined) {
    return { kind: 'PauseQuery', span: s, ...queryTarget(one(one(c.pauseStatement).children.queryTarget)) }
  }
  if (c.reloadFunctions !== undefined) return { kind: 'ReloadFunctions', span: s }
  if (c.resumeStatement !== undefined) {
    return { kind: 'ResumeQuery', span: s, ...queryTarget(one(one(c.resumeStatement).children.queryTarget)) }
  }
  if (c.setProperty !== undefined) {
    const set = one(c.setProperty).children
    return {
      kind: 'SetProperty',
      span: s,
      name: stringOrVariable(one(set.name)),
      value: stringOrVariable(one(set.value)),
    }
  }
  if (c.unsetProperty !== undefined) {
    return { kind: 'UnsetProperty', span: s, name: stringOrVariable(one(one(c.unsetProperty).children.name)) }
  }
  if (c.alterStatement !== undefined) return alterStatement(one(c.alterStatement), s)
  if (c.defineVariable !== undefined) {
    const define = one(c.defineVariable).children
    return {
      kind: 'DefineVariable',
      span: s,
      name: variableName(one(define.variableName)),
      value: unquote(one(define.STRING)),
    }
  }
  if (c.undefineVariable !== undefined) {
    return {
      kind: 'UndefineVariable',
      span: s,
      name: variableName(one(one(c.undefineVariable).children.variableName)),
    }
  }
  if (c.createStatement !== undefined) return createStatement(one(c.createStatement), s)
  if (c.insertStatement !== undefined) return insertStatement(one(c.insertStatement), s)
  if (c.dropStatement !== undefined) return dropStatement(one(c.dropStatement), s)
  if (c.explainStatement !== undefined) {
    const explain = one(c.explainStatement).children
    if (explain.identifier !== undefined)
      return { kind: 'Explain', span: s, queryId: identifier(one(explain.identifier)) }
    return { kind: 'Explain', span: s, statement: statement(one(explain.statement)) }
  }
  if (c.assertStatement !== undefined) return assertStatement(one(c.assertStatement), s)
  throw new InternalError('unknown statement form')
}

function variableName(node: C.VariableNameCstNode): string {
  return one(node.children.IDENTIFIER ?? node.children.Keyword).image
}

function queryTarget(node: C.QueryTargetCstNode): { queryId?: string } {
  const c = node.children
  return c.ALL !== undefined ? {} : { queryId: identifier(one(c.identifier)) }
}

function showStatement(node: C.ShowStatementCstNode, s: Span): Show {
  const c = node.children
  const extended = c.EXTENDED !== undefined
  let target: ShowTarget
  if (c.PROPERTIES) target = 'PROPERTIES'
  else if (c.TOPICS) target = 'TOPICS'
  else if (c.STREAMS) target = 'STREAMS'
  else if (c.TABLES) target = 'TABLES'
  else if (c.FUNCTIONS) target = 'FUNCTIONS'
  else if (c.CONNECTORS) target = 'CONNECTORS'
  else if (c.PLUGINS) target = 'CONNECTOR_PLUGINS'
  else if (c.TYPES) target = 'TYPES'
  else if (c.VARIABLES) target = 'VARIABLES'
  else target = 'QUERIES'
  const show: Show = { kind: 'Show', span: s, target, all: c.ALL !== undefined, extended }
  if (c.SOURCE !== undefined) return { ...show, connectorType: 'SOURCE' }
  if (c.SINK !== undefined) return { ...show, connectorType: 'SINK' }
  return show
}

function describeStatement(node: C.DescribeStatementCstNode, s: Span): Statement {
  const c = node.children
  const extended = c.EXTENDED !== undefined
  if (c.STREAMS !== undefined) return { kind: 'DescribeStreams', span: s, extended }
  if (c.functionName !== undefined)
    return { kind: 'DescribeFunction', span: s, name: identifier(one(c.functionName)) }
  if (c.connectorName !== undefined) {
    return { kind: 'DescribeConnector', span: s, name: identifier(one(c.connectorName)) }
  }
  return { kind: 'DescribeSource', span: s, name: identifier(one(c.sourceName)), extended }
}

function printStatement(node: C.PrintStatementCstNode, s: Span): Statement {
  const c = node.children
  return {
    kind: 'PrintTopic',
    span: s,
    topic: resourceName(one(c.resourceName)),
    fromBeginning: c.BEGINNING !== undefined,
    ...(c.interval !== undefined ? { interval: numberValue(one(c.interval)) } : {}),
    ...(c.limit !== undefined ? { limit: numberValue(one(c.limit)) } : {}),
  }
}

function alterStatement(node: C.AlterStatementCstNode, s: Span): Statement {
  const c = node.children
  if (c.SYSTEM !== undefined) {
    return { kind: 'AlterSystemProperty', span: s, name: unquote(one(c.name)), value: unquote(one(c.value)) }
  }
  return {
    kind: 'AlterSource',
    span: s,
    sourceType: c.STREAM !== undefined ? 'STREAM' : 'TABLE',
    name: identifier(one(c.identifier)),
    columns: (c.alterOption ?? []).map((option) => ({
      name: identifier(one(option.children.identifier)),
      type: sqlType(one(option.children.sqlType)),
    })),
  }
}

function createStatement(node: C.CreateStatementCstNode, s: Span): Statement {
  const c = node.children
  if (c.createConnector !== undefined) {
    const connector = one(c.createConnector).children
    return {
      kind: 'CreateConnector',
      span: s,
      connectorType: connector.SOURCE !== undefined ? 'SOURCE' : 'SINK',
      ifNotExists: one(connector.ifNotExists).children.EXISTS !== undefined,
      name: identifier(one(connector.identifier)),
      properties: tableProperties(one(connector.tableProperties)),
    }
  }
  if (c.createType !== undefined) {
    const type = one(c.createType).children
    return {
      kind: 'RegisterType',
      span: s,
      ifNotExists: one(type.ifNotExists).children.EXISTS !== undefined,
      name: identifier(one(type.identifier)),
      type: sqlType(one(type.sqlType)),
    }
  }
  return createSource(one(c.createSource), s)
}

function createSource(node: C.CreateSourceCstNode, s: Span): Statement {
  const c = node.children
  const isStream = c.STREAM !== undefined
  const name = identifier(one(c.identifier))
  const ifNotExists = one(c.ifNotExists).children.EXISTS !== undefined
  const orReplace = c.REPLACE !== undefined
  const properties = c.tableProperties !== undefined ? tableProperties(one(c.tableProperties)) : []
  if (c.query !== undefined) {
    // CSAS / CTAS: ksqlDB's grammar has neither SOURCE nor a column list there.
    if (c.SOURCE !== undefined || c.tableElements !== undefined) throw syntaxErrorAtToken(one(c.AS))
    const fields = { span: s, orReplace, ifNotExists, name, properties, query: query(one(c.query)) }
    return isStream ? { kind: 'CreateStreamAsSelect', ...fields } : { kind: 'CreateTableAsSelect', ...fields }
  }
  const elements = c.tableElements !== undefined ? tableElements(one(c.tableElements)) : undefined
  checkKeyConstraints(elements ?? [], isStream)
  checkWindowProperties(properties)
  const fields = {
    span: s,
    orReplace,
    isSource: c.SOURCE !== undefined,
    ifNotExists,
    name,
    ...(elements !== undefined ? { elements } : {}),
    properties,
  }
  return isStream ? { kind: 'CreateStream', ...fields } : { kind: 'CreateTable', ...fields }
}

function insertStatement(node: C.InsertStatementCstNode, s: Span): Statement {
  const c = node.children
  const target = identifier(one(c.identifier))
  if (c.query !== undefined) {
    return {
      kind: 'InsertInto',
      span: s,
      target,
      properties: c.tableProperties !== undefined ? tableProperties(one(c.tableProperties)) : [],
      query: query(one(c.query)),
    }
  }
  return {
    kind: 'InsertValues',
    span: s,
    target,
    ...(c.columns !== undefined ? { columns: columns(one(c.columns)) } : {}),
    values: values(one(c.values)),
  }
}

function dropStatement(node: C.DropStatementCstNode, s: Span): Statement {
  const c = node.children
  const ifExists = one(c.ifExists).children.EXISTS !== undefined
  const name = identifier(one(c.identifier))
  if (c.CONNECTOR !== undefined) return { kind: 'DropConnector', span: s, ifExists, name }
  if (c.TYPE !== undefined) return { kind: 'DropType', span: s, ifExists, name }
  const fields = { span: s, ifExists, name, deleteTopic: c.DELETE !== undefined }
  return c.STREAM !== undefined ? { kind: 'DropStream', ...fields } : { kind: 'DropTable', ...fields }
}

function assertStatement(node: C.AssertStatementCstNode, s: Span): Statement {
  const c = node.children
  const exists = c.NOT === undefined
  const timeout = c.timeout !== undefined ? { timeout: duration(one(one(c.timeout).children.duration)) } : {}
  if (c.TOPIC !== undefined) {
    return {
      kind: 'AssertTopic',
      span: s,
      exists,
      topic: resourceName(one(c.topic)),
      properties: c.tableProperties !== undefined ? tableProperties(one(c.tableProperties)) : [],
      ...timeout,
    }
  }
  let id: { id?: number } = {}
  if (c.literal !== undefined) {
    const value = literal(one(c.literal))
    if (value.kind !== 'IntegerLiteral' && value.kind !== 'LongLiteral') {
      throw prepareError('ID must be an integer', value.span, 'ID')
    }
    id = { id: Number(value.value) }
  }
  return {
    kind: 'AssertSchema',
    span: s,
    exists,
    ...(c.subject !== undefined ? { subject: resourceName(one(c.subject)) } : {}),
    ...id,
    ...timeout,
  }
}

function testAssertStatement(node: C.TestAssertStatementCstNode): Statement {
  const c = node.children
  const s = span(node)
  const source = identifier(one(c.identifier))
  const cols = c.columns !== undefined ? { columns: columns(one(c.columns)) } : {}
  if (c.NULL !== undefined)
    return { kind: 'AssertTombstone', span: s, source, ...cols, keys: values(one(c.values)) }
  if (c.VALUES !== undefined)
    return { kind: 'AssertValues', span: s, source, ...cols, values: values(one(c.values)) }
  const isStream = c.STREAM !== undefined
  const elements = c.tableElements !== undefined ? tableElements(one(c.tableElements)) : undefined
  const properties = c.tableProperties !== undefined ? tableProperties(one(c.tableProperties)) : []
  checkKeyConstraints(elements ?? [], isStream)
  checkWindowProperties(properties)
  const fields = { span: s, name: source, ...(elements !== undefined ? { elements } : {}), properties }
  return isStream ? { kind: 'AssertStream', ...fields } : { kind: 'AssertTable', ...fields }
}

function columns(node: C.ColumnsCstNode): string[] {
  return node.children.identifier.map(identifier)
}

function values(node: C.ValuesCstNode): Expr[] {
  return (node.children.valueExpression ?? []).map(valueExpression)
}

function tableElements(node: C.TableElementsCstNode): TableElement[] {
  return node.children.tableElement.map((element) => {
    const c = element.children
    const constraint =
      c.columnConstraints !== undefined ? columnConstraint(one(c.columnConstraints)) : undefined
    return {
      kind: 'TableElement',
      span: span(element),
      name: identifier(one(c.identifier)),
      type: sqlType(one(c.sqlType)),
      ...(constraint !== undefined ? { constraint } : {}),
    }
  })
}

function columnConstraint(node: C.ColumnConstraintsCstNode): ColumnConstraint {
  const c = node.children
  if (c.HEADERS !== undefined) return { kind: 'Headers' }
  if (c.HEADER !== undefined) return { kind: 'Header', key: unquote(one(c.STRING)) }
  return c.PRIMARY !== undefined ? { kind: 'PrimaryKey' } : { kind: 'Key' }
}

const KEY_HELP =
  '\nTables have PRIMARY KEYs, which are unique and NON NULL.' +
  '\nStreams have KEYs, which have no uniqueness or NON NULL constraints.'

/** ksqlDB's CreateStream / CreateTable constructors: streams have KEY, tables PRIMARY KEY columns. */
function checkKeyConstraints(elements: readonly TableElement[], isStream: boolean): void {
  for (const element of elements) {
    const kind = element.constraint?.kind
    const name = `\`${element.name.replaceAll('`', '``')}\``
    if (isStream && kind === 'PrimaryKey') {
      throw parseFailed(
        `${location(element.span)}: Column ${name} is a 'PRIMARY KEY' column: please use 'KEY' for streams.${KEY_HELP}`,
        element.span,
        element.name,
      )
    }
    if (!isStream && kind === 'Key') {
      throw parseFailed(
        `${location(element.span)}: Column ${name} is a 'KEY' column: please use 'PRIMARY KEY' for tables.${KEY_HELP}`,
        element.span,
        element.name,
      )
    }
  }
}

function tableProperties(node: C.TablePropertiesCstNode): Property[] {
  return node.children.tableProperty.map((property) => {
    const c = property.children
    const name = c.STRING !== undefined ? unquote(one(c.STRING)) : identifier(one(c.identifier))
    return { kind: 'Property', span: span(property), name, value: literal(one(c.literal)) }
  })
}

const JAVA_TIME_UNITS = ['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS']

/** ksqlDB's CreateSourceProperties: WINDOW_TYPE must be a window type, WINDOW_SIZE a duration, ... */
function checkWindowProperties(properties: readonly Property[]): void {
  const find = (name: string) => properties.find((p) => p.name.toUpperCase() === name)
  const typeProperty = find('WINDOW_TYPE')
  const sizeProperty = find('WINDOW_SIZE')
  let windowType: string | undefined
  if (typeProperty?.value.kind === 'StringLiteral') {
    windowType = typeProperty.value.value.toUpperCase()
    if (!['SESSION', 'HOPPING', 'TUMBLING'].includes(windowType)) {
      throw prepareError(
        `Invalid value ${typeProperty.value.value} for property WINDOW_TYPE: ` +
          'String must be one of: SESSION, HOPPING, TUMBLING, null',
        typeProperty.span,
        typeProperty.name,
      )
    }
  }
  const size = sizeProperty?.value.kind === 'StringLiteral' ? sizeProperty.value.value : undefined
  if (sizeProperty !== undefined && size !== undefined) {
    const problem = durationProblem(size)
    if (problem !== undefined) {
      throw prepareError(
        `Configuration WINDOW_SIZE is invalid: Invalid duration: '${size}'. ${problem}`,
        sizeProperty.span,
        sizeProperty.name,
      )
    }
  }
  const requiresSize = windowType !== undefined && windowType !== 'SESSION'
  if (requiresSize && sizeProperty === undefined && typeProperty !== undefined) {
    throw prepareError(
      `${windowType} windows require 'WINDOW_SIZE' to be provided in the WITH clause. ` +
        "For example: 'WINDOW_SIZE'='10 SECONDS'",
      typeProperty.span,
      typeProperty.name,
    )
  }
  if (!requiresSize && sizeProperty !== undefined) {
    throw prepareError(
      "'WINDOW_SIZE' should not be set for SESSION windows.",
      sizeProperty.span,
      sizeProperty.name,
    )
  }
}

/** ksqlDB's DurationParser: `<long> <unit>`; returns what is wrong, if anything. */
function durationProblem(text: string): string | undefined {
  const parts = text.split(/[ \t\n\v\f\r]/)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  if (parts.length !== 2) return `Expected 2 tokens, got: ${parts.length}`
  const [amount = '', unit = ''] = parts
  if (!/^[+-]?[0-9]+$/.test(amount) || !fitsLong(BigInt(amount))) return `Not numeric: '${amount}'`
  const upper = unit.toUpperCase()
  const plural = upper.endsWith('S') ? upper : `${upper}S`
  if (!JAVA_TIME_UNITS.includes(plural)) {
    return `Unknown time unit: '${upper}'\nSupported time units are: ${JAVA_TIME_UNITS.join(', ')}`
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Queries

function query(node: C.QueryCstNode): Query {
  const c = node.children
  const q: {
    -readonly [K in keyof Query]: Query[K]
  } = {
    kind: 'Query',
    span: span(node),
    select: c.selectItem.map(selectItem),
    from: relation(one(c.relation)),
  }
  if (c.windowExpression !== undefined) q.window = windowExpression(one(c.windowExpression))
  if (c.where !== undefined) q.where = expression(one(c.where))
  if (c.groupBy !== undefined) q.groupBy = groupingExpressions(one(c.groupBy))
  if (c.partitionBy !== undefined) q.partitionBy = groupingExpressions(one(c.partitionBy))
  if (c.having !== undefined) q.having = expression(one(c.having))
  if (c.EMIT !== undefined) q.emit = c.FINAL !== undefined ? 'FINAL' : 'CHANGES'
  if (c.orderItem !== undefined) q.orderBy = c.orderItem.map(orderItem)
  if (c.limit !== undefined) q.limit = numberValue(one(c.limit))
  return q
}

function selectItem(node: C.SelectItemCstNode): SelectItem {
  const c = node.children
  const s = span(node)
  if (c.expression === undefined) {
    return c.source !== undefined
      ? { kind: 'AllColumns', span: s, source: identifier(one(c.source)) }
      : { kind: 'AllColumns', span: s }
  }
  const exprNode = one(c.expression)
  const expr = expression(exprNode)
  if (c.STRUCT_FIELD_REF !== undefined) {
    // ksqlDB's selectStructAll: `primaryExpression -> *`, no operators around the base.
    if (!isPrimaryOnly(exprNode)) throw syntaxErrorAtToken(one(c.STRUCT_FIELD_REF))
    return { kind: 'StructAll', span: s, base: expr }
  }
  if (c.alias !== undefined) return { kind: 'SingleColumn', span: s, expr, alias: identifier(one(c.alias)) }
  return { kind: 'SingleColumn', span: s, expr }
}

function isPrimaryOnly(node: C.ExpressionCstNode): boolean {
  const term = node.children.booleanTerm
  if (term.length !== 1) return false
  const predicated = one(term).children.predicated
  if (predicated === undefined) return false
  const p = one(predicated).children
  if (p.predicate !== undefined) return false
  const units = one(p.valueExpression).children.unaryExpression
  if (units.length !== 1) return false
  const atTz = one(units).children.atTimeZoneExpression
  return atTz !== undefined && one(atTz).children.AT === undefined
}

function orderItem(node: C.OrderItemCstNode): OrderItem {
  return {
    kind: 'OrderItem',
    span: span(node),
    expr: valueExpression(one(node.children.valueExpression)),
    descending: node.children.DESC !== undefined,
  }
}

function groupingExpressions(node: C.GroupingExpressionsCstNode): Expr[] {
  return (node.children.valueExpression ?? []).map(valueExpression)
}

function relation(node: C.RelationCstNode): Relation {
  let result: Relation = aliasedRelation(one(node.children.aliasedRelation))
  for (const joined of node.children.joinedSource ?? []) {
    const c = joined.children
    let joinType: JoinType = 'INNER'
    if (c.LEFT !== undefined) joinType = 'LEFT'
    else if (c.RIGHT !== undefined) joinType = 'RIGHT'
    else if (c.FULL !== undefined) joinType = 'FULL'
    const within = c.withinExpression !== undefined ? withinExpression(one(c.withinExpression)) : undefined
    result = {
      kind: 'Join',
      span: spanOf(result.span, span(joined)),
      joinType,
      left: result,
      right: aliasedRelation(one(c.aliasedRelation)),
      ...(within !== undefined ? { within } : {}),
      on: expression(one(c.expression)),
    }
  }
  return result
}

function aliasedRelation(node: C.AliasedRelationCstNode): AliasedRelation {
  const c = node.children
  const name = identifier(one(c.name))
  return c.alias !== undefined
    ? { kind: 'AliasedRelation', span: span(node), name, alias: identifier(one(c.alias)) }
    : { kind: 'AliasedRelation', span: span(node), name }
}

function withinExpression(node: C.WithinExpressionCstNode): JoinWindow {
  const c = node.children
  const grace = c.gracePeriodClause !== undefined ? gracePeriod(one(c.gracePeriodClause)) : {}
  if (c.size !== undefined) {
    const size = duration(one(c.size))
    return { kind: 'JoinWindow', span: span(node), before: size, after: size, symmetric: true, ...grace }
  }
  return {
    kind: 'JoinWindow',
    span: span(node),
    before: duration(one(c.before)),
    after: duration(one(c.after)),
    symmetric: false,
    ...grace,
  }
}

function gracePeriod(node: C.GracePeriodClauseCstNode): { grace: Duration } {
  return { grace: duration(one(node.children.duration)) }
}

function windowExpression(node: C.WindowExpressionCstNode): WindowExpression {
  const c = node.children
  if (c.tumblingWindow !== undefined) {
    const w = one(c.tumblingWindow)
    return {
      kind: 'TumblingWindow',
      span: span(w),
      size: duration(one(w.children.duration)),
      ...windowOptions(one(w.children.windowOptions)),
    }
  }
  if (c.hoppingWindow !== undefined) {
    const w = one(c.hoppingWindow)
    return {
      kind: 'HoppingWindow',
      span: span(w),
      size: duration(one(w.children.size)),
      advance: duration(one(w.children.advance)),
      ...windowOptions(one(w.children.windowOptions)),
    }
  }
  const w = one(c.sessionWindow)
  return {
    kind: 'SessionWindow',
    span: span(w),
    gap: duration(one(w.children.duration)),
    ...windowOptions(one(w.children.windowOptions)),
  }
}

function windowOptions(node: C.WindowOptionsCstNode): { retention?: Duration; grace?: Duration } {
  const c = node.children
  return {
    ...(c.retentionClause !== undefined
      ? { retention: duration(one(one(c.retentionClause).children.duration)) }
      : {}),
    ...(c.gracePeriodClause !== undefined ? gracePeriod(one(c.gracePeriodClause)) : {}),
  }
}

function duration(node: C.DurationCstNode): Duration {
  const number = one(node.children.number)
  const text = numberText(number)
  if (!/^-?[0-9]+$/.test(text) || !fitsLong(BigInt(text))) {
    throw prepareError(`For input string: "${text}"`, span(number), text)
  }
  return {
    kind: 'Duration',
    span: span(node),
    value: Number(text),
    unit: timeUnit(one(node.children.TimeUnitToken)),
  }
}

function timeUnit(token: IToken): TimeUnit {
  const upper = token.image.toUpperCase()
  return (upper.endsWith('S') ? upper : `${upper}S`) as TimeUnit
}

// ---------------------------------------------------------------------------------------------
// Expressions

const ARITHMETIC_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '+': 2,
  '-': 2,
  '*': 3,
  '/': 3,
  '%': 3,
}
const LOGICAL_PRECEDENCE: Readonly<Record<string, number>> = { OR: 1, AND: 2 }

/**
 * Folds `operand (op operand)*` into a left-associative tree by operator precedence
 * (precedence climbing), as ksqlDB's left-recursive ANTLR rules do.
 */
function climb(
  operands: readonly Expr[],
  ops: readonly string[],
  precedence: Readonly<Record<string, number>>,
  build: (op: string, left: Expr, right: Expr) => Expr,
): Expr {
  let position = 0
  const parse = (minPrecedence: number): Expr => {
    let left = operands[position] as Expr
    for (;;) {
      const op = ops[position]
      const p = op === undefined ? -1 : (precedence[op] ?? -1)
      if (op === undefined || p < minPrecedence) return left
      position++
      const right = parse(p + 1)
      left = build(op, left, right)
    }
  }
  return parse(0)
}

function expression(node: C.ExpressionCstNode): Expr {
  const terms = node.children.booleanTerm.map(booleanTerm)
  const ops = (node.children.LogicalOp ?? []).map((t) => t.image.toUpperCase())
  if (ops.length === 0) return one(terms)
  return climb(terms, ops, LOGICAL_PRECEDENCE, (op, left, right) => ({
    kind: 'LogicalBinary',
    span: spanOf(left.span, right.span),
    op: op === 'AND' ? 'AND' : 'OR',
    left,
    right,
  }))
}

function booleanTerm(node: C.BooleanTermCstNode): Expr {
  const c = node.children
  if (c.NOT !== undefined) return { kind: 'Not', span: span(node), operand: booleanTerm(one(c.booleanTerm)) }
  return predicated(one(c.predicated))
}

const COMPARISON_OPS = new Map<unknown, ComparisonOp>([
  [EQ, '='],
  [NEQ, '<>'],
  [LT, '<'],
  [LTE, '<='],
  [GT, '>'],
  [GTE, '>='],
])

function predicated(node: C.PredicatedCstNode): Expr {
  const value = valueExpression(one(node.children.valueExpression))
  if (node.children.predicate === undefined) return value
  const p = one(node.children.predicate)
  const c = p.children
  const s = spanOf(value.span, span(p))
  const negated = c.NOT !== undefined
  if (c.ComparisonOp !== undefined) {
    const op = COMPARISON_OPS.get(one(c.ComparisonOp).tokenType) ?? '='
    return { kind: 'Comparison', span: s, op, left: value, right: valueExpression(one(c.right)) }
  }
  if (c.BETWEEN !== undefined) {
    return {
      kind: 'Between',
      span: s,
      value,
      lower: valueExpression(one(c.lower)),
      upper: valueExpression(one(c.upper)),
      negated,
    }
  }
  if (c.IN !== undefined)
    return { kind: 'InList', span: s, value, list: (c.expression ?? []).map(expression), negated }
  if (c.LIKE !== undefined) {
    const pattern = valueExpression(one(c.pattern))
    return c.ESCAPE !== undefined
      ? { kind: 'Like', span: s, value, pattern, escape: unquote(one(c.STRING)), negated }
      : { kind: 'Like', span: s, value, pattern, negated }
  }
  if (c.NULL !== undefined) return { kind: 'IsNull', span: s, value, negated }
  return { kind: 'IsDistinctFrom', span: s, left: value, right: valueExpression(one(c.right)), negated }
}

function valueExpression(node: C.ValueExpressionCstNode): Expr {
  const operands = node.children.unaryExpression.map(unaryExpression)
  const ops = (node.children.ArithmeticOp ?? []).map((t) => t.image)
  if (ops.length === 0) return one(operands)
  return climb(operands, ops, ARITHMETIC_PRECEDENCE, (op, left, right) =>
    op === '||'
      ? { kind: 'Concat', span: spanOf(left.span, right.span), left, right }
      : {
          kind: 'ArithmeticBinary',
          span: spanOf(left.span, right.span),
          op: op as ArithmeticOp,
          left,
          right,
        },
  )
}

function unaryExpression(node: C.UnaryExpressionCstNode): Expr {
  const c = node.children
  if (c.Sign !== undefined) {
    return {
      kind: 'ArithmeticUnary',
      span: span(node),
      op: one(c.Sign).tokenType === MINUS ? '-' : '+',
      operand: unaryExpression(one(c.unaryExpression)),
    }
  }
  const atTz = one(c.atTimeZoneExpression)
  let result = primaryExpression(one(atTz.children.primaryExpression))
  for (const zone of atTz.children.STRING ?? []) {
    result = {
      kind: 'AtTimeZone',
      span: spanOf(result.span, tokenSpan(zone)),
      value: result,
      zone: unquote(zone),
    }
  }
  return result
}

function primaryExpression(node: C.PrimaryExpressionCstNode): Expr {
  let result = primaryBase(one(node.children.primaryBase))
  for (const postfix of node.children.postfix ?? []) {
    const c = postfix.children
    const s = spanOf(result.span, span(postfix))
    result =
      c.valueExpression !== undefined
        ? { kind: 'Subscript', span: s, base: result, index: valueExpression(one(c.valueExpression)) }
        : { kind: 'Dereference', span: s, base: result, field: identifier(one(c.identifier)) }
  }
  return result
}

function primaryBase(node: C.PrimaryBaseCstNode): Expr {
  const c = node.children
  if (c.literal !== undefined) return literal(one(c.literal))
  if (c.identifierExpression !== undefined) return identifierExpression(one(c.identifierExpression))
  if (c.expression !== undefined) return expression(one(c.expression))
  if (c.caseExpression !== undefined) return caseExpression(one(c.caseExpression))
  if (c.castExpression !== undefined) {
    const cast = one(c.castExpression)
    return {
      kind: 'Cast',
      span: span(cast),
      expr: expression(one(cast.children.expression)),
      type: sqlType(one(cast.children.sqlType)),
    }
  }
  if (c.arrayConstructor !== undefined) {
    const array = one(c.arrayConstructor)
    return {
      kind: 'ArrayConstructor',
      span: span(array),
      items: (array.children.expression ?? []).map(expression),
    }
  }
  if (c.mapConstructor !== undefined) {
    const map = one(c.mapConstructor)
    const entries: MapEntry[] = (map.children.mapEntry ?? []).map((entry) => ({
      key: expression(one(entry.children.key)),
      value: expression(one(entry.children.value)),
    }))
    return { kind: 'MapConstructor', span: span(map), entries }
  }
  const struct = one(c.structConstructor)
  const fields: StructFieldValue[] = (struct.children.structField ?? []).map((field) => ({
    name: identifier(one(field.children.identifier)),
    value: expression(one(field.children.expression)),
  }))
  return { kind: 'StructConstructor', span: span(struct), fields }
}

function identifierExpression(node: C.IdentifierExpressionCstNode): Expr {
  const c = node.children
  const s = span(node)
  const name = identifier(one(c.identifier))
  if (c.ASTERISK !== undefined) return { kind: 'FunctionCall', span: s, name, args: [], star: true }
  if (c.LPAREN !== undefined) {
    const args = c.functionArguments !== undefined ? functionArguments(one(c.functionArguments)) : []
    return { kind: 'FunctionCall', span: s, name, args, star: false }
  }
  if (c.column !== undefined)
    return { kind: 'ColumnRef', span: s, source: name, name: identifier(one(c.column)) }
  if (c.STRING !== undefined)
    return { kind: 'TypeConstructor', span: s, type: name, value: unquote(one(c.STRING)) }
  return { kind: 'ColumnRef', span: s, name }
}

function functionArguments(node: C.FunctionArgumentsCstNode): Expr[] {
  const args: Expr[] = node.children.functionArgument.map((argument) => {
    const c = argument.children
    if (c.TimeUnitToken !== undefined) {
      const token = one(c.TimeUnitToken)
      return { kind: 'IntervalUnit', span: tokenSpan(token), unit: timeUnit(token) }
    }
    return expression(one(c.expression))
  })
  for (const lambda of node.children.lambdaExpression ?? []) args.push(lambdaExpression(lambda))
  return args
}

function lambdaExpression(node: C.LambdaExpressionCstNode): Lambda {
  const c = node.children
  return {
    kind: 'Lambda',
    span: span(node),
    params: (c.identifier ?? []).map(identifier),
    body: expression(one(c.expression)),
  }
}

function caseExpression(node: C.CaseExpressionCstNode): Expr {
  const c = node.children
  const whens: WhenClause[] = c.whenClause.map((when) => ({
    condition: expression(one(when.children.condition)),
    result: expression(one(when.children.result)),
  }))
  const otherwise = c.else !== undefined ? { else: expression(one(c.else)) } : {}
  if (c.operand !== undefined) {
    return {
      kind: 'SimpleCase',
      span: span(node),
      operand: valueExpression(one(c.operand)),
      whens,
      ...otherwise,
    }
  }
  return { kind: 'SearchedCase', span: span(node), whens, ...otherwise }
}

// ---------------------------------------------------------------------------------------------
// Literals

function literal(node: C.LiteralCstNode): Literal {
  const c = node.children
  const s = span(node)
  if (c.NULL !== undefined) return { kind: 'NullLiteral', span: s }
  if (c.TRUE !== undefined) return { kind: 'BooleanLiteral', span: s, value: true }
  if (c.FALSE !== undefined) return { kind: 'BooleanLiteral', span: s, value: false }
  if (c.STRING !== undefined) return { kind: 'StringLiteral', span: s, value: unquote(one(c.STRING)) }
  if (c.VARIABLE !== undefined) throw undefinedLiteralVariable(one(c.VARIABLE))
  return numberLiteral(one(c.number))
}

const INT_MIN = -(2n ** 31n)
const INT_MAX = 2n ** 31n - 1n
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

function fitsLong(value: bigint): boolean {
  return value >= LONG_MIN && value <= LONG_MAX
}

function numberText(node: C.NumberCstNode): string {
  return (node.children.MINUS !== undefined ? '-' : '') + one(node.children.NumberValue).image
}

/**
 * ksqlDB's ParsingException for a literal says `line L:C` with the column one too far (it adds 1
 * to an already 1-based column); conformance cases assert that text, so the message keeps it.
 * The span is exact.
 */
function literalError(problem: string, text: string, s: Span): Error {
  return prepareError(`line ${s.start.line}:${s.start.column + 1}: ${problem}: ${text}`, s, text)
}

function numberLiteral(node: C.NumberCstNode): IntegerLiteral | LongLiteral | DecimalLiteral | DoubleLiteral {
  const s = span(node)
  const text = numberText(node)
  const type = one(node.children.NumberValue).tokenType
  if (type === DECIMAL_VALUE) return { kind: 'DecimalLiteral', span: s, value: text }
  if (type === FLOATING_POINT_VALUE) {
    const value = Number(text)
    if (!Number.isFinite(value)) throw literalError('Number overflows DOUBLE', text, s)
    return { kind: 'DoubleLiteral', span: s, value: value === 0 ? 0 : value }
  }
  const value = BigInt(text)
  if (value >= INT_MIN && value <= INT_MAX) return { kind: 'IntegerLiteral', span: s, value: Number(value) }
  if (fitsLong(value)) return { kind: 'LongLiteral', span: s, value: value.toString() }
  throw literalError('Invalid numeric literal', text, s)
}

/** A `number` where a plain JS number is wanted (LIMIT, INTERVAL): checked like a literal. */
function numberValue(node: C.NumberCstNode): number {
  const value = numberLiteral(node)
  return Number(value.value)
}

// ---------------------------------------------------------------------------------------------
// Types

const PRIMITIVE_TYPES: ReadonlyMap<string, PrimitiveTypeName> = new Map([
  ['BOOLEAN', 'BOOLEAN'],
  ['INT', 'INTEGER'],
  ['INTEGER', 'INTEGER'],
  ['BIGINT', 'BIGINT'],
  ['DOUBLE', 'DOUBLE'],
  ['STRING', 'STRING'],
  ['VARCHAR', 'STRING'],
  ['BYTES', 'BYTES'],
  ['DATE', 'DATE'],
  ['TIME', 'TIME'],
  ['TIMESTAMP', 'TIMESTAMP'],
])

function sqlType(node: C.SqlTypeCstNode): SqlType {
  let result = baseSqlType(one(node.children.baseSqlType))
  for (const array of node.children.ARRAY ?? []) {
    result = { kind: 'ArrayType', span: spanOf(result.span, tokenSpan(array)), element: result }
  }
  return result
}

function baseSqlType(node: C.BaseSqlTypeCstNode): SqlType {
  const c = node.children
  const s = span(node)
  if (c.ARRAY !== undefined) return { kind: 'ArrayType', span: s, element: sqlType(one(c.sqlType)) }
  if (c.MAP !== undefined)
    return { kind: 'MapType', span: s, key: sqlType(one(c.key)), value: sqlType(one(c.value)) }
  if (c.STRUCT !== undefined) {
    const fields = (c.structTypeField ?? []).map((field) => ({
      name: identifier(one(field.children.identifier)),
      type: sqlType(one(field.children.sqlType)),
    }))
    return { kind: 'StructType', span: s, fields }
  }
  if (c.DECIMAL !== undefined) {
    return {
      kind: 'DecimalType',
      span: s,
      precision: typeInteger(one(c.precision)),
      scale: typeInteger(one(c.scale)),
    }
  }
  const name = identifier(one(c.identifier))
  const primitive = PRIMITIVE_TYPES.get(name)
  return primitive !== undefined
    ? { kind: 'PrimitiveType', span: s, name: primitive }
    : { kind: 'TypeRef', span: s, name }
}

function typeInteger(node: C.NumberCstNode): number {
  const text = numberText(node)
  if (!/^-?[0-9]+$/.test(text) || BigInt(text) < INT_MIN || BigInt(text) > INT_MAX) {
    throw prepareError(`For input string: "${text}"`, span(node), text)
  }
  return Number(text)
}
