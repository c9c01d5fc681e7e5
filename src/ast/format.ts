import { InternalError } from '../errors.js'
import { RESERVED_WORDS } from './keywords.js'
import type { Expr, Literal } from './expressions.js'
import type {
  ColumnConstraint,
  JoinType,
  JoinWindow,
  Property,
  Query,
  Relation,
  SelectItem,
  Show,
  Statement,
  TableElement,
  WindowExpression,
} from './statements.js'
import type { Duration, SqlType } from './types.js'

/**
 * AST → SQL text, the inverse of the parser: `parse(format(ast))` equals `ast` (spans aside).
 * The layout follows ksqlDB's SqlFormatter (the text DESCRIBE / EXPLAIN / SHOW QUERIES show):
 * upper-case keywords, one clause per line in queries, identifiers back-quoted only when needed,
 * and only the parentheses that precedence requires.
 */

/** An identifier that reads back unquoted: ksqlDB's IDENTIFIER token (after upper-casing). */
const PLAIN_IDENTIFIER = /^[A-Z_][A-Z0-9_@]*$/

/**
 * Non-reserved words that change meaning in some positions; an identifier spelled like one is
 * back-quoted there: a bare time unit in a function argument is an IntervalUnit, `ARRAY[..]`
 * is a constructor, a type name is a built-in type.
 */
const UNIT_WORDS: ReadonlySet<string> = new Set(['DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND'])
const CONSTRUCTOR_WORDS: ReadonlySet<string> = new Set(['ARRAY', 'MAP', 'STRUCT'])
const TYPE_WORDS: ReadonlySet<string> = new Set([
  'BOOLEAN',
  'INT',
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'STRING',
  'VARCHAR',
  'BYTES',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'DECIMAL',
  'ARRAY',
  'MAP',
  'STRUCT',
])

/** `name` as it must be written to read back as `name`: bare when it can be, else back-quoted. */
export function quoteIdentifier(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !RESERVED_WORDS.has(name)) return name
  return `\`${name.replaceAll('`', '``')}\``
}

function quoteIdentifierUnless(name: string, also: ReadonlySet<string>): string {
  return also.has(name) ? `\`${name}\`` : quoteIdentifier(name)
}

/** A single-quoted SQL string literal (`'` doubled). */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** A name that may be written either as an identifier or as a string (topics, subjects, properties). */
function resourceName(name: string): string {
  return PLAIN_IDENTIFIER.test(name) && !RESERVED_WORDS.has(name) ? name : quoteString(name)
}

// ---------------------------------------------------------------------------------------------
// Expressions

/**
 * Binding strength, loosest first (SqlBase.g4's booleanExpression / predicated / valueExpression
 * / primaryExpression layering). An operand is parenthesised when it binds more loosely than its
 * position requires.
 */
const Prec = {
  Or: 1,
  And: 2,
  Not: 3,
  Predicate: 4,
  Concat: 5,
  Additive: 6,
  Multiplicative: 7,
  Unary: 8,
  AtTimeZone: 9,
  Primary: 10,
} as const
type Prec = number

/** The grammar's `expression` (any boolean expression) and `valueExpression` positions. */
const EXPRESSION = Prec.Or
const VALUE_EXPRESSION = Prec.Concat

function precedence(e: Expr): Prec {
  switch (e.kind) {
    case 'LogicalBinary':
      return e.op === 'OR' ? Prec.Or : Prec.And
    case 'Not':
      return Prec.Not
    case 'Comparison':
    case 'Between':
    case 'InList':
    case 'Like':
    case 'IsNull':
    case 'IsDistinctFrom':
      return Prec.Predicate
    case 'Concat':
      return Prec.Concat
    case 'ArithmeticBinary':
      return e.op === '+' || e.op === '-' ? Prec.Additive : Prec.Multiplicative
    case 'ArithmeticUnary':
      return Prec.Unary
    case 'AtTimeZone':
      return Prec.AtTimeZone
    case 'IntegerLiteral':
    case 'LongLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
      // A negative literal reads like a unary minus: keep it out of postfix positions (`(-5)[1]`).
      return isNegativeNumber(e) ? Prec.Unary : Prec.Primary
    case 'Lambda':
      // Only valid as a function argument, where it is written bare.
      return Prec.Or
    case 'NullLiteral':
    case 'BooleanLiteral':
    case 'StringLiteral':
    case 'TypeConstructor':
    case 'ColumnRef':
    case 'Dereference':
    case 'Subscript':
    case 'FunctionCall':
    case 'IntervalUnit':
    case 'Cast':
    case 'SearchedCase':
    case 'SimpleCase':
    case 'ArrayConstructor':
    case 'MapConstructor':
    case 'StructConstructor':
      return Prec.Primary
    default:
      return assertNever(e)
  }
}

function isNegativeNumber(e: Expr): boolean {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DoubleLiteral':
      return e.value < 0 || Object.is(e.value, -0)
    case 'LongLiteral':
    case 'DecimalLiteral':
      return e.value.startsWith('-')
    default:
      return false
  }
}

/** Formats an expression with only the parentheses its tree shape needs. */
export function formatExpression(e: Expr): string {
  return expr(e, EXPRESSION)
}

/** `e` in a position that needs at least `min` binding strength. */
function expr(e: Expr, min: Prec): string {
  const text = exprText(e)
  return precedence(e) < min ? `(${text})` : text
}

function exprs(list: readonly Expr[], min: Prec = EXPRESSION): string {
  return list.map((e) => expr(e, min)).join(', ')
}

function exprText(e: Expr): string {
  switch (e.kind) {
    case 'NullLiteral':
    case 'BooleanLiteral':
    case 'IntegerLiteral':
    case 'LongLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
      return formatLiteral(e)
    case 'TypeConstructor':
      return `${quoteIdentifier(e.type)} ${quoteString(e.value)}`
    case 'ColumnRef':
      return e.source === undefined
        ? quoteIdentifier(e.name)
        : `${quoteIdentifier(e.source)}.${quoteIdentifier(e.name)}`
    case 'Dereference':
      return `${postfixBase(e.base)}->${quoteIdentifier(e.field)}`
    case 'Subscript':
      return `${postfixBase(e.base)}[${expr(e.index, VALUE_EXPRESSION)}]`
    case 'FunctionCall':
      return `${quoteIdentifierUnless(e.name, CONSTRUCTOR_WORDS)}(${e.star ? '*' : e.args.map(functionArgument).join(', ')})`
    case 'IntervalUnit':
      return e.unit
    case 'Lambda': {
      const params = e.params.map(quoteIdentifier)
      const head = params.length === 1 ? params[0] : `(${params.join(', ')})`
      return `${head} => ${expr(e.body, EXPRESSION)}`
    }
    case 'Cast':
      return `CAST(${expr(e.expr, EXPRESSION)} AS ${formatType(e.type)})`
    case 'SearchedCase':
      return `CASE${whens(e.whens)}${caseElse(e.else)} END`
    case 'SimpleCase':
      return `CASE ${expr(e.operand, VALUE_EXPRESSION)}${whens(e.whens)}${caseElse(e.else)} END`
    case 'ArrayConstructor':
      return `ARRAY[${exprs(e.items)}]`
    case 'MapConstructor':
      return `MAP(${e.entries.map((m) => `${expr(m.key, EXPRESSION)} := ${expr(m.value, EXPRESSION)}`).join(', ')})`
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${quoteIdentifier(f.name)} := ${expr(f.value, EXPRESSION)}`).join(', ')})`
    case 'ArithmeticUnary': {
      const operand = expr(e.operand, Prec.Unary)
      // `-5` would read back as a negative literal and `--` starts a comment.
      return /^[-+.0-9]/.test(operand) ? `${e.op}(${operand})` : `${e.op}${operand}`
    }
    case 'ArithmeticBinary': {
      const p = precedence(e)
      return `${expr(e.left, p)} ${e.op} ${expr(e.right, p + 1)}`
    }
    case 'Concat':
      return `${expr(e.left, Prec.Concat)} || ${expr(e.right, Prec.Additive)}`
    case 'AtTimeZone':
      return `${expr(e.value, Prec.AtTimeZone)} AT TIME ZONE ${quoteString(e.zone)}`
    case 'Comparison':
      return `${expr(e.left, VALUE_EXPRESSION)} ${e.op} ${expr(e.right, VALUE_EXPRESSION)}`
    case 'Between':
      return `${expr(e.value, VALUE_EXPRESSION)} ${not(e.negated)}BETWEEN ${expr(e.lower, VALUE_EXPRESSION)} AND ${expr(e.upper, VALUE_EXPRESSION)}`
    case 'InList':
      return `${expr(e.value, VALUE_EXPRESSION)} ${not(e.negated)}IN (${exprs(e.list)})`
    case 'Like': {
      const escapeClause = e.escape === undefined ? '' : ` ESCAPE ${quoteString(e.escape)}`
      return `${expr(e.value, VALUE_EXPRESSION)} ${not(e.negated)}LIKE ${expr(e.pattern, VALUE_EXPRESSION)}${escapeClause}`
    }
    case 'IsNull':
      return `${expr(e.value, VALUE_EXPRESSION)} IS ${not(e.negated)}NULL`
    case 'IsDistinctFrom':
      return `${expr(e.left, VALUE_EXPRESSION)} IS ${not(e.negated)}DISTINCT FROM ${expr(e.right, VALUE_EXPRESSION)}`
    case 'Not':
      return `NOT ${expr(e.operand, Prec.Not)}`
    case 'LogicalBinary': {
      const p = precedence(e)
      return `${expr(e.left, p)} ${e.op} ${expr(e.right, p + 1)}`
    }
    default:
      return assertNever(e)
  }
}

function not(negated: boolean): string {
  return negated ? 'NOT ' : ''
}

/** The base of `->`, `[..]` and `->*`: a primary expression. */
function postfixBase(base: Expr): string {
  if (base.kind === 'ColumnRef' && base.source === undefined && CONSTRUCTOR_WORDS.has(base.name)) {
    return quoteIdentifierUnless(base.name, CONSTRUCTOR_WORDS)
  }
  return expr(base, Prec.Primary)
}

function functionArgument(arg: Expr): string {
  // A column spelled like a time unit would read back as an IntervalUnit.
  if (arg.kind === 'ColumnRef' && arg.source === undefined) return quoteIdentifierUnless(arg.name, UNIT_WORDS)
  return expr(arg, EXPRESSION)
}

function whens(list: readonly { readonly condition: Expr; readonly result: Expr }[]): string {
  return list.map((w) => ` WHEN ${expr(w.condition, EXPRESSION)} THEN ${expr(w.result, EXPRESSION)}`).join('')
}

function caseElse(e: Expr | undefined): string {
  return e === undefined ? '' : ` ELSE ${expr(e, EXPRESSION)}`
}

function formatLiteral(e: Literal): string {
  switch (e.kind) {
    case 'NullLiteral':
      return 'NULL'
    case 'BooleanLiteral':
      return e.value ? 'TRUE' : 'FALSE'
    case 'IntegerLiteral':
      return Object.is(e.value, -0) ? '-0' : String(e.value)
    case 'LongLiteral':
    case 'DecimalLiteral':
      return e.value
    case 'DoubleLiteral':
      return formatDouble(e.value)
    case 'StringLiteral':
      return quoteString(e.value)
    default:
      return assertNever(e)
  }
}

/**
 * A double as a literal that reads back as the same double: always with an exponent (`1.0E3`),
 * since a literal without one is a DECIMAL. Uses the shortest digits that identify the value.
 */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`A DOUBLE literal must be finite: ${value}`)
  if (Object.is(value, -0)) return '-0.0E0'
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
}

// ---------------------------------------------------------------------------------------------
// Types

/** Formats a SQL type: `INTEGER`, `DECIMAL(4, 2)`, `ARRAY<STRING>`, `MAP<K, V>`, `STRUCT<A INTEGER>`. */
export function formatType(t: SqlType): string {
  switch (t.kind) {
    case 'PrimitiveType':
      return t.name
    case 'DecimalType':
      return `DECIMAL(${t.precision}, ${t.scale})`
    case 'ArrayType':
      return `ARRAY<${formatType(t.element)}>`
    case 'MapType':
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`
    case 'StructType':
      // `STRUCT<>` would lex as STRUCT followed by the `<>` operator.
      return t.fields.length === 0
        ? 'STRUCT< >'
        : `STRUCT<${t.fields.map((f) => `${quoteIdentifier(f.name)} ${formatType(f.type)}`).join(', ')}>`
    case 'TypeRef':
      return quoteIdentifierUnless(t.name, TYPE_WORDS)
    default:
      return assertNever(t)
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

/** Formats a statement (without the trailing `;`). Queries span several lines, one per clause. */
export function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'Query':
      return formatQuery(s)
    case 'Show':
      return formatShow(s)
    case 'DescribeSource':
      // `DESCRIBE FUNCTION x` / `DESCRIBE CONNECTOR x` are other statements.
      return `DESCRIBE ${quoteIdentifierUnless(s.name, DESCRIBE_WORDS)}${s.extended ? ' EXTENDED' : ''}`
    case 'DescribeStreams':
      return `DESCRIBE STREAMS${s.extended ? ' EXTENDED' : ''}`
    case 'DescribeFunction':
      return `DESCRIBE FUNCTION ${quoteIdentifier(s.name)}`
    case 'DescribeConnector':
      return `DESCRIBE CONNECTOR ${quoteIdentifier(s.name)}`
    case 'ReloadFunctions':
      return 'RELOAD FUNCTIONS'
    case 'PrintTopic':
      return joinWords([
        'PRINT',
        resourceName(s.topic),
        s.fromBeginning ? 'FROM BEGINNING' : undefined,
        s.interval === undefined ? undefined : `INTERVAL ${s.interval}`,
        s.limit === undefined ? undefined : `LIMIT ${s.limit}`,
      ])
    case 'TerminateQuery':
      return `TERMINATE ${queryIdOrAll(s.queryId)}`
    case 'PauseQuery':
      return `PAUSE ${queryIdOrAll(s.queryId)}`
    case 'ResumeQuery':
      return `RESUME ${queryIdOrAll(s.queryId)}`
    case 'SetProperty':
      return `SET ${quoteString(s.name)}=${quoteString(s.value)}`
    case 'UnsetProperty':
      return `UNSET ${quoteString(s.name)}`
    case 'AlterSystemProperty':
      return `ALTER SYSTEM ${quoteString(s.name)}=${quoteString(s.value)}`
    case 'DefineVariable':
      return `DEFINE ${s.name}=${quoteString(s.value)}`
    case 'UndefineVariable':
      return `UNDEFINE ${s.name}`
    case 'CreateStream':
    case 'CreateTable':
      return joinWords([
        'CREATE',
        s.orReplace ? 'OR REPLACE' : undefined,
        s.isSource ? 'SOURCE' : undefined,
        s.kind === 'CreateStream' ? 'STREAM' : 'TABLE',
        s.ifNotExists ? 'IF NOT EXISTS' : undefined,
        `${quoteIdentifier(s.name)}${tableElements(s.elements)}${withProperties(s.properties)}`,
      ])
    case 'CreateStreamAsSelect':
    case 'CreateTableAsSelect':
      return joinWords([
        'CREATE',
        s.orReplace ? 'OR REPLACE' : undefined,
        s.kind === 'CreateStreamAsSelect' ? 'STREAM' : 'TABLE',
        s.ifNotExists ? 'IF NOT EXISTS' : undefined,
        `${quoteIdentifier(s.name)}${withProperties(s.properties)}`,
        'AS',
        formatQuery(s.query),
      ])
    case 'CreateConnector':
      return joinWords([
        'CREATE',
        s.connectorType,
        'CONNECTOR',
        s.ifNotExists ? 'IF NOT EXISTS' : undefined,
        `${quoteIdentifier(s.name)}${withProperties(s.properties)}`,
      ])
    case 'InsertInto':
      return `INSERT INTO ${quoteIdentifier(s.target)}${withProperties(s.properties)} ${formatQuery(s.query)}`
    case 'InsertValues':
      return `INSERT INTO ${quoteIdentifier(s.target)}${columnList(s.columns)} VALUES ${valueList(s.values)}`
    case 'DropStream':
    case 'DropTable':
      return joinWords([
        'DROP',
        s.kind === 'DropStream' ? 'STREAM' : 'TABLE',
        s.ifExists ? 'IF EXISTS' : undefined,
        quoteIdentifier(s.name),
        s.deleteTopic ? 'DELETE TOPIC' : undefined,
      ])
    case 'DropConnector':
      return joinWords(['DROP CONNECTOR', s.ifExists ? 'IF EXISTS' : undefined, quoteIdentifier(s.name)])
    case 'DropType':
      return joinWords(['DROP TYPE', s.ifExists ? 'IF EXISTS' : undefined, quoteIdentifier(s.name)])
    case 'Explain':
      return s.statement !== undefined
        ? `EXPLAIN ${formatStatement(s.statement)}`
        : `EXPLAIN ${quoteIdentifier(s.queryId ?? '')}`
    case 'RegisterType':
      return joinWords([
        'CREATE TYPE',
        s.ifNotExists ? 'IF NOT EXISTS' : undefined,
        quoteIdentifier(s.name),
        'AS',
        formatType(s.type),
      ])
    case 'AlterSource':
      return `ALTER ${s.sourceType} ${quoteIdentifier(s.name)} ${s.columns
        .map((c) => `ADD COLUMN ${quoteIdentifier(c.name)} ${formatType(c.type)}`)
        .join(', ')}`
    case 'AssertTopic':
      return joinWords([
        'ASSERT',
        s.exists ? undefined : 'NOT EXISTS',
        'TOPIC',
        `${resourceName(s.topic)}${withProperties(s.properties)}`,
        timeout(s.timeout),
      ])
    case 'AssertSchema':
      return joinWords([
        'ASSERT',
        s.exists ? undefined : 'NOT EXISTS',
        'SCHEMA',
        s.subject === undefined ? undefined : `SUBJECT ${resourceName(s.subject)}`,
        s.id === undefined ? undefined : `ID ${s.id}`,
        timeout(s.timeout),
      ])
    case 'AssertValues':
      return `ASSERT VALUES ${quoteIdentifier(s.source)}${columnList(s.columns)} VALUES ${valueList(s.values)}`
    case 'AssertTombstone':
      return `ASSERT NULL VALUES ${quoteIdentifier(s.source)}${columnList(s.columns)} KEY ${valueList(s.keys)}`
    case 'AssertStream':
    case 'AssertTable':
      return `ASSERT ${s.kind === 'AssertStream' ? 'STREAM' : 'TABLE'} ${quoteIdentifier(s.name)}${tableElements(s.elements)}${withProperties(s.properties)}`
    case 'RunScript':
      return `RUN SCRIPT ${quoteString(s.path)}`
    default:
      return assertNever(s)
  }
}

const DESCRIBE_WORDS: ReadonlySet<string> = new Set(['FUNCTION', 'CONNECTOR'])

function joinWords(words: readonly (string | undefined)[]): string {
  return words.filter((w) => w !== undefined).join(' ')
}

function queryIdOrAll(queryId: string | undefined): string {
  return queryId === undefined ? 'ALL' : quoteIdentifier(queryId)
}

function formatShow(s: Show): string {
  const extended = s.extended ? ' EXTENDED' : ''
  switch (s.target) {
    case 'TOPICS':
      return `SHOW ${s.all ? 'ALL ' : ''}TOPICS${extended}`
    case 'CONNECTORS':
      return `SHOW ${s.connectorType === undefined ? '' : `${s.connectorType} `}CONNECTORS`
    case 'CONNECTOR_PLUGINS':
      return 'SHOW CONNECTOR PLUGINS'
    case 'PROPERTIES':
    case 'STREAMS':
    case 'TABLES':
    case 'FUNCTIONS':
    case 'TYPES':
    case 'VARIABLES':
    case 'QUERIES':
      return `SHOW ${s.target}${extended}`
    default:
      return assertNever(s.target)
  }
}

/** ` WITH (NAME=value, ...)`, or nothing. Names that are not plain identifiers are written as strings. */
function withProperties(properties: readonly Property[]): string {
  if (properties.length === 0) return ''
  return ` WITH (${properties.map((p) => `${resourceName(p.name)}=${formatLiteral(p.value)}`).join(', ')})`
}

function tableElements(elements: readonly TableElement[] | undefined): string {
  if (elements === undefined || elements.length === 0) return ''
  return ` (${elements.map(tableElement).join(', ')})`
}

function tableElement(e: TableElement): string {
  const constraint = e.constraint === undefined ? '' : ` ${columnConstraint(e.constraint)}`
  return `${quoteIdentifier(e.name)} ${formatType(e.type)}${constraint}`
}

function columnConstraint(c: ColumnConstraint): string {
  switch (c.kind) {
    case 'Key':
      return 'KEY'
    case 'PrimaryKey':
      return 'PRIMARY KEY'
    case 'Headers':
      return 'HEADERS'
    case 'Header':
      return `HEADER(${quoteString(c.key)})`
    default:
      return assertNever(c)
  }
}

function columnList(columns: readonly string[] | undefined): string {
  return columns === undefined ? '' : ` (${columns.map(quoteIdentifier).join(', ')})`
}

function valueList(values: readonly Expr[]): string {
  return `(${exprs(values, VALUE_EXPRESSION)})`
}

function duration(d: Duration): string {
  return `${d.value} ${d.unit}`
}

function timeout(d: Duration | undefined): string | undefined {
  return d === undefined ? undefined : `TIMEOUT ${duration(d)}`
}

function formatQuery(q: Query): string {
  const lines = [selectClause(q.select), `FROM ${relation(q.from)}`]
  if (q.window !== undefined) lines.push(`WINDOW ${windowExpression(q.window)}`)
  if (q.where !== undefined) lines.push(`WHERE ${expr(q.where, EXPRESSION)}`)
  if (q.groupBy !== undefined) lines.push(`GROUP BY ${groupingList(q.groupBy)}`)
  if (q.partitionBy !== undefined) lines.push(`PARTITION BY ${groupingList(q.partitionBy)}`)
  if (q.having !== undefined) lines.push(`HAVING ${expr(q.having, EXPRESSION)}`)
  if (q.emit !== undefined) lines.push(`EMIT ${q.emit}`)
  if (q.orderBy !== undefined) {
    const items = q.orderBy.map((o) => `${expr(o.expr, VALUE_EXPRESSION)}${o.descending ? ' DESC' : ''}`)
    lines.push(`ORDER BY ${items.join(', ')}`)
  }
  if (q.limit !== undefined) lines.push(`LIMIT ${q.limit}`)
  return lines.join('\n')
}

/** GROUP BY / PARTITION BY expressions; an empty list is written `()`. */
function groupingList(list: readonly Expr[]): string {
  return list.length === 0 ? '()' : exprs(list, VALUE_EXPRESSION)
}

function selectClause(items: readonly SelectItem[]): string {
  const formatted = items.map(selectItem)
  return formatted.length === 1 ? `SELECT ${formatted[0]}` : `SELECT\n  ${formatted.join(',\n  ')}`
}

function selectItem(item: SelectItem): string {
  switch (item.kind) {
    case 'SingleColumn':
      return item.alias === undefined
        ? expr(item.expr, EXPRESSION)
        : `${expr(item.expr, EXPRESSION)} AS ${quoteIdentifier(item.alias)}`
    case 'AllColumns':
      return item.source === undefined ? '*' : `${quoteIdentifier(item.source)}.*`
    case 'StructAll':
      return `${postfixBase(item.base)}->*`
    default:
      return assertNever(item)
  }
}

function relation(r: Relation): string {
  switch (r.kind) {
    case 'AliasedRelation':
      return r.alias === undefined
        ? quoteIdentifier(r.name)
        : `${quoteIdentifier(r.name)} ${quoteIdentifier(r.alias)}`
    case 'Join': {
      const within = r.within === undefined ? '' : ` ${joinWindow(r.within)}`
      return `${relation(r.left)}\n${JOIN_KEYWORDS[r.joinType]} ${relation(r.right)}${within} ON ${expr(r.on, EXPRESSION)}`
    }
    default:
      return assertNever(r)
  }
}

const JOIN_KEYWORDS: Readonly<Record<JoinType, string>> = {
  INNER: 'INNER JOIN',
  LEFT: 'LEFT OUTER JOIN',
  RIGHT: 'RIGHT OUTER JOIN',
  FULL: 'FULL OUTER JOIN',
}

function joinWindow(w: JoinWindow): string {
  const size = w.symmetric ? duration(w.before) : `(${duration(w.before)}, ${duration(w.after)})`
  return `WITHIN ${size}${w.grace === undefined ? '' : ` GRACE PERIOD ${duration(w.grace)}`}`
}

function windowExpression(w: WindowExpression): string {
  const tail = (retention: Duration | undefined, grace: Duration | undefined): string =>
    `${retention === undefined ? '' : `, RETENTION ${duration(retention)}`}${grace === undefined ? '' : `, GRACE PERIOD ${duration(grace)}`}`
  switch (w.kind) {
    case 'TumblingWindow':
      return `TUMBLING (SIZE ${duration(w.size)}${tail(w.retention, w.grace)})`
    case 'HoppingWindow':
      return `HOPPING (SIZE ${duration(w.size)}, ADVANCE BY ${duration(w.advance)}${tail(w.retention, w.grace)})`
    case 'SessionWindow':
      return `SESSION (${duration(w.gap)}${tail(w.retention, w.grace)})`
    default:
      return assertNever(w)
  }
}

function assertNever(x: never): never {
  throw new InternalError(`Unhandled AST node: ${JSON.stringify(x)}`)
}
