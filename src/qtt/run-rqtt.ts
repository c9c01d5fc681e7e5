import { parseStatements } from '../../grammar/parse.js'
import type { StatementKind } from '../ast/statements.js'
import type { EngineApi } from '../engine/engine.js'
import { type PushQueryResult, type StatementResult, selectOrder } from '../engine/results.js'
import { bytesToBase64, javaDoubleToString } from '../expr/cast.js'
import { formatDate, formatTime, formatTimestamp } from '../expr/time.js'
import { Decimal } from '../types/decimal.js'
import { type Type, typeToString } from '../types/type.js'
import type { Value } from '../types/values.js'
import { matchesExpected } from './compare.js'
import { type CaughtError, checkExpectedError } from './exceptions.js'
import { JsonDecimal, type JsonObject, type JsonValue } from './jsonc.js'
import type { CaseOutcome } from './run-case.js'
import type { ExpectedError, RestResponse, RqttCaseNode, TestVariant } from './types.js'

/**
 * ksqlDB's REST query validation tests (RestTestExecutor) on the in-process engine:
 *
 * 1. the statements before the first one starting with `SELECT ` run as one script (the `/ksql`
 *    request): one `currentStatus` admin entity per statement that returns one (not INSERT VALUES,
 *    SET, DEFINE ...);
 * 2. the inputs are produced and the persistent queries run until idle;
 * 3. each SELECT runs as a `/query` request: a header (`schema` as ksqlDB writes it), one `row`
 *    per result row in ksqlDB's REST JSON, and for stream pull queries a final message
 *    (`Query Completed`, or `Limit Reached` when LIMIT stopped it);
 * 4. the responses are compared by position (subset match, `key|starts_with`, `{STATEMENT}`,
 *    row columns as a multiset unless `verifyOrder`), then topic `outputs` as in QTT.
 *
 * An `expectedError` applies to the request that fails. Push queries run on an engine that
 * does not follow its topics: they end at LIMIT (`Limit Reached`) or when their input is read;
 * those without LIMIT, `waitForActivePushQuery` and `queryProto` responses need a live server:
 * such cases are unsupported.
 */

export interface RqttHooks {
  /** Produces the case's inputs and runs the queries until idle (QTT's `runInputs`, batch feed). */
  readonly runInputs: () => Promise<CaughtError | undefined>
  /** Compares the case's `outputs` with the topics (QTT's rules); a reason when they differ. */
  readonly compareOutputs: () => Promise<string | undefined>
  /** One line for an error. */
  readonly describe: (err: unknown) => string
}

/** Why an RQTT variant cannot run here, or undefined. */
export function rqttUnsupportedReason(node: RqttCaseNode, statements: readonly string[]): string | undefined {
  if (
    node.responses?.some((r) => r.kind === 'queryProto') === true ||
    node.testPullWithProtoFormat === true
  ) {
    return 'REST (RQTT) case: protobuf query responses need the REST server'
  }
  if (node.inputConditions?.waitForActivePushQuery === true) {
    return 'REST (RQTT) case: waits for an active push query (needs the REST server)'
  }
  // A push query ends here when its LIMIT is reached or it has read its input (the engine does not
  // follow the topics in a test); one without LIMIT only ends on a live server.
  const endless = statements.some((s) => isPushQuery(s) && pushLimit(s) === undefined)
  if (endless && node.expectedError === undefined) {
    return 'REST (RQTT) case: a push query without LIMIT needs the REST server'
  }
  return undefined
}

function isPushQuery(sql: string): boolean {
  return /^\s*SELECT\s/i.test(sql) && /\bEMIT\s+(CHANGES|FINAL)\b/i.test(sql)
}

function pushLimit(sql: string): number | undefined {
  const m = /\bLIMIT\s+(\d+)\s*;?\s*$/i.exec(sql)
  return m === null ? undefined : Number(m[1])
}

const FINAL_COMPLETED = 'Query Completed'
const FINAL_LIMIT = 'Limit Reached'

/** Statement kinds whose `/ksql` response has no entity. */
const NO_ENTITY: ReadonlySet<StatementKind> = new Set<StatementKind>([
  'InsertValues',
  'SetProperty',
  'UnsetProperty',
  'DefineVariable',
  'UndefineVariable',
])

/** Expected-error check for a REST error: the entity class is not an exception type, so only the message counts. */
function checkRestError(expected: ExpectedError, caught: CaughtError | undefined): CaseOutcome {
  const { type: _type, status: _status, ...rest } = expected
  const check = checkExpectedError(rest.message === undefined ? { ...rest, message: '' } : rest, caught)
  return check.ok ? { status: 'pass' } : { status: 'fail', reason: check.reason }
}

export async function runRqttCase(
  variant: TestVariant,
  engine: EngineApi,
  hooks: RqttHooks,
): Promise<CaseOutcome> {
  const node = variant.case as RqttCaseNode
  const expected = variant.expected
  const firstQuery = variant.statements.findIndex((s) => s.startsWith('SELECT '))
  const admin = firstQuery < 0 ? variant.statements : variant.statements.slice(0, firstQuery)
  const queries = firstQuery < 0 ? [] : variant.statements.slice(firstQuery)
  if (queries.some((s) => !s.startsWith('SELECT '))) {
    return { status: 'fail', reason: 'invalid test case: a statement follows the queries but is not a query' }
  }
  const actual: ActualResponse[] = []

  // 1. admin statements, one script
  if (admin.length > 0) {
    const script = admin.join('\n')
    let results: StatementResult[]
    try {
      results = await engine.execute(script)
    } catch (error) {
      const caught: CaughtError = { error, phase: 'statement', ...statementOf(admin, error) }
      if (expected === undefined) {
        return { status: 'fail', reason: `statement failed: ${hooks.describe(error)}` }
      }
      return checkRestError(expected, caught)
    }
    const kinds = statementKinds(script)
    results.forEach((r, i) => {
      const kind = kinds?.[i]
      if (kind !== undefined && NO_ENTITY.has(kind)) return
      actual.push({ kind: 'admin', entity: adminEntity(r) })
    })
  }

  // 2. inputs
  const runtime = await hooks.runInputs()
  if (runtime !== undefined) {
    if (expected === undefined)
      return { status: 'fail', reason: `query failed: ${hooks.describe(runtime.error)}` }
    return checkRestError(expected, runtime)
  }

  // 3. queries
  for (const sql of queries) {
    let response: ActualResponse
    try {
      const [result] = await engine.execute(sql)
      if (result?.kind !== 'PushQuery') {
        return { status: 'fail', reason: `${JSON.stringify(sql)} did not return query rows` }
      }
      response = await queryResponse(result, pushLimit(sql))
    } catch (error) {
      if (expected === undefined) {
        return { status: 'fail', reason: `query failed: ${hooks.describe(error)} in ${JSON.stringify(sql)}` }
      }
      return checkRestError(expected, { error, phase: 'statement', statement: sql })
    }
    actual.push(response)
  }
  // RestTestExecutor insists on the expected error only once a query returned rows: when every
  // request succeeds and there is no query, the case goes on to its responses and outputs.
  if (expected !== undefined && queries.length > 0) return checkRestError(expected, undefined)

  // 4. responses, then outputs
  const problem = verifyResponses(
    actual,
    node.responses ?? [],
    variant.statements,
    node.outputConditions?.verifyOrder === true,
  )
  if (problem !== undefined) return { status: 'fail', reason: problem }
  const outputs = await hooks.compareOutputs()
  if (outputs !== undefined) return { status: 'fail', reason: outputs }
  return { status: 'pass' }
}

function statementKinds(script: string): StatementKind[] | undefined {
  try {
    return parseStatements(script, { substituteVariables: false }).map((p) => p.statement.kind)
  } catch {
    return undefined
  }
}

function statementOf(statements: readonly string[], error: unknown): { statement?: string } {
  const text = (error as { statement?: unknown }).statement
  if (typeof text !== 'string') return {}
  const bare = (s: string): string => s.trim().replace(/;$/, '').trim()
  return { statement: statements.find((s) => bare(s) === bare(text)) ?? text }
}

type ActualResponse =
  | { readonly kind: 'admin'; readonly entity: JsonObject }
  | { readonly kind: 'query'; readonly rows: readonly JsonObject[]; readonly types: readonly Type[] }

function adminEntity(r: StatementResult): JsonObject {
  // ksqlDB's statement text keeps the terminating semicolon.
  const statementText = r.statement.trimEnd().endsWith(';') ? r.statement : `${r.statement};`
  switch (r.kind) {
    case 'CommandStatus':
    case 'QueryStarted':
      return {
        '@type': 'currentStatus',
        statementText,
        commandStatus: { status: 'SUCCESS', message: r.message },
      }
    case 'Listing':
      return { '@type': r.type, statementText }
    case 'PushQuery':
      return { '@type': 'query', statementText }
  }
}

/**
 * ksqlDB's header schema text: `` `ID` STRING KEY, `COUNT` BIGINT ``; only table pull queries mark
 * keys and header columns. A schema with header columns lists them after the key columns (as
 * ksqlDB's LogicalSchema of a source does), though the rows hold them in the source's order.
 */
export function headerSchema(result: PushQueryResult): string {
  let cols = selectOrder(result).columns
  const table = result.pull === 'TABLE'
  if (table && cols.some((c) => c.headerKey !== undefined)) {
    const header = (c: (typeof cols)[number]): boolean => c.headerKey !== undefined
    cols = [
      ...cols.filter((c) => c.namespace === 'KEY'),
      ...cols.filter(header),
      ...cols.filter((c) => c.namespace !== 'KEY' && !header(c)),
    ]
  }
  return cols
    .map((c) => {
      let text = `\`${c.name}\` ${typeToString(c.type)}`
      if (table && c.namespace === 'KEY') text += ' KEY'
      if (table && c.headerKey !== undefined)
        text += c.headerKey === null ? ' HEADERS' : ` HEADER('${c.headerKey}')`
      return text
    })
    .join(', ')
}

async function queryResponse(
  result: PushQueryResult,
  pushQueryLimit: number | undefined,
): Promise<ActualResponse> {
  const order = selectOrder(result)
  const cols = order.columns
  const rows: JsonObject[] = [{ header: { queryId: result.queryId, schema: headerSchema(result) } }]
  let count = 0
  for await (const row of result.rows) {
    const columns = order.values(row).map((v, i) => restJson(v, cols[i]?.type))
    rows.push({ row: row.tombstone === true ? { columns, tombstone: true } : { columns } })
    count++
  }
  if (result.pull === 'STREAM') {
    const limited = result.limit !== undefined && count >= result.limit
    rows.push({ finalMessage: limited ? FINAL_LIMIT : FINAL_COMPLETED })
  } else if (result.pull === undefined && pushQueryLimit !== undefined && count >= pushQueryLimit) {
    rows.push({ finalMessage: FINAL_LIMIT })
  }
  return { kind: 'query', rows, types: cols.map((c) => c.type) }
}

/** A value as ksqlDB's REST API writes it in JSON. */
export function restJson(v: Value, t: Type | undefined): JsonValue {
  if (v === null) return null
  if (typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'bigint') {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : v
  }
  if (typeof v === 'number') {
    switch (t?.kind) {
      case 'DATE':
        return formatDate(v)
      case 'TIME':
        return formatTime(v)
      case 'TIMESTAMP':
        return formatTimestamp(v)
      case 'DOUBLE':
        return Number.isFinite(v) ? new JsonDecimal(javaDoubleToString(v)) : v
      default:
        return v
    }
  }
  if (v instanceof Decimal) return new JsonDecimal(v.toString())
  if (v instanceof Uint8Array) return bytesToBase64(v)
  if (Array.isArray(v)) {
    const element = t?.kind === 'ARRAY' ? t.element : undefined
    return v.map((x) => restJson(x, element))
  }
  if (v instanceof Map) {
    const out: { [k: string]: JsonValue } = {}
    for (const [k, x] of v) out[String(k)] = restJson(x, t?.kind === 'MAP' ? t.value : undefined)
    return out
  }
  const out: { [k: string]: JsonValue } = {}
  const s = v as { readonly [field: string]: Value }
  for (const [k, x] of Object.entries(s)) {
    const field = t?.kind === 'STRUCT' ? t.fields.find((f) => f.name === k)?.type : undefined
    out[k] = restJson(x, field)
  }
  return out
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
}

function text(v: JsonValue | undefined): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? x.toString() : x instanceof JsonDecimal ? Number(x.text) : x,
  )
}

/**
 * ksqlDB's matchResponseFields: every expected key must be present; objects recurse; `key|starts_with`
 * does a prefix match; `{STATEMENT}` in an expected string is the statement at this response's index.
 * Returns a reason or undefined.
 */
function matchFields(
  actual: JsonObject,
  expected: JsonObject,
  statement: string | undefined,
  path: string,
  columnTypes?: readonly Type[],
): string | undefined {
  for (const [rawKey, rawValue] of Object.entries(expected)) {
    const bar = rawKey.indexOf('|')
    const key = bar < 0 ? rawKey : rawKey.slice(0, bar)
    const operator = bar < 0 ? 'equals' : rawKey.slice(bar + 1).toLowerCase()
    const value =
      typeof rawValue === 'string' && statement !== undefined
        ? rawValue.replaceAll('{STATEMENT}', statement)
        : rawValue
    if (!Object.hasOwn(actual, key)) return `response mismatch at ${path}: no ${key} in ${text(actual)}`
    const got = actual[key]
    const at = `${path}->${key}`
    if (isObject(value)) {
      if (!isObject(got)) return `response mismatch at ${at}: expected an object but was ${text(got)}`
      const inner = matchFields(got, value, statement, at, key === 'row' ? columnTypes : undefined)
      if (inner !== undefined) return inner
      continue
    }
    if (operator === 'starts_with') {
      if (typeof got !== 'string' || typeof value !== 'string' || !got.startsWith(value)) {
        return `response mismatch at ${at}: expected to start with ${text(value)} but was ${text(got)}`
      }
      continue
    }
    if (key === 'columns' && Array.isArray(value) && Array.isArray(got) && columnTypes !== undefined) {
      if (!columnsMatch(value, got, columnTypes)) {
        return `response mismatch at ${at}: expected ${text(value)} but was ${text(got)}`
      }
      continue
    }
    if (!matchesExpected(value ?? null, got ?? null)) {
      return `response mismatch at ${at}: expected ${text(value)} but was ${text(got)}`
    }
  }
  return undefined
}

function columnsMatch(
  expected: readonly JsonValue[],
  actual: readonly JsonValue[],
  types: readonly Type[],
): boolean {
  if (expected.length !== actual.length) return false
  return expected.every((e, i) => matchesExpected(e, actual[i] ?? null, types[i]))
}

function isRow(v: JsonValue | undefined): boolean {
  return isObject(v) && isObject(v.row)
}

function verifyResponses(
  actual: readonly ActualResponse[],
  expected: readonly RestResponse[],
  statements: readonly string[],
  verifyOrder: boolean,
): string | undefined {
  if (actual.length < expected.length) {
    return `not enough responses: expected ${expected.length} but got ${actual.length}`
  }
  for (let idx = 0; idx < expected.length; idx++) {
    const e = expected[idx] as RestResponse
    const a = actual[idx] as ActualResponse
    const path = `responses[${idx}]`
    const statement = statements[idx]
    if (e.kind === 'admin') {
      if (a.kind !== 'admin') return `${path}: expected an admin response but got a query response`
      if (!isObject(e.admin)) return `${path}: the admin payload should be a JSON object`
      const problem = matchFields(a.entity, e.admin, statement, `${path}->admin`)
      if (problem !== undefined) return problem
      continue
    }
    if (e.kind !== 'query') return `${path}: ${e.kind} responses are not supported`
    if (a.kind !== 'query') return `${path}: expected a query response but got an admin response`
    const rows = a.rows
    if (rows.length !== e.query.length) {
      return `${path}: row count mismatch: expected ${e.query.length} but got ${rows.length}: ${rows.map(text).join(', ')}`
    }
    // Non-row entries (header, final message) by position; rows by position or as a multiset.
    const unmatched = rows.map((_, i) => i).filter((i) => isRow(rows[i]))
    for (let i = 0; i < e.query.length; i++) {
      const want = e.query[i]
      if (!isObject(want)) return `${path}->query[${i}]: each row should be a JSON object`
      const at = `${path}->query[${i}]`
      if (!verifyOrder && isRow(want) && isRow(rows[i])) {
        const k = unmatched.findIndex(
          (j) => matchFields(rows[j] as JsonObject, want, statement, at, a.types) === undefined,
        )
        if (k < 0)
          return `response mismatch at ${at}: no row matches ${text(want)} among ${unmatched.map((j) => text(rows[j])).join(', ')}`
        unmatched.splice(k, 1)
        continue
      }
      const problem = matchFields(rows[i] as JsonObject, want, statement, at, a.types)
      if (problem !== undefined) return problem
      const j = unmatched.indexOf(i)
      if (j >= 0) unmatched.splice(j, 1)
    }
  }
  return undefined
}
