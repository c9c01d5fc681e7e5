import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type ParsedStatement, parseStatements } from '../../grammar/parse.js'
import type { Expr } from '../ast/expressions.js'
import type { Span } from '../ast/span.js'
import type {
  AssertStream,
  AssertTable,
  AssertTombstone,
  AssertValues,
  CreateStream,
  CreateTable,
  Statement,
} from '../ast/statements.js'
import type { SourceDef } from '../catalog/source.js'
import { EddyError, SqlPlanError, SqlSyntaxError } from '../errors.js'
import { valueEquals, valueToString } from '../expr/cast.js'
import { compileExpr } from '../expr/compile.js'
import { typeOf } from '../expr/typer.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { InRecord, TopicBackend } from '../log/topic-backend.js'
import { keyOptions, valueOptions } from '../runtime/operators/source.js'
import type { SchemaRegistry } from '../serde/schema-registry.js'
import { createSerde } from '../serde/serde.js'
import { decodeWindowedKey } from '../serde/windowed-key.js'
import { type Column, valueBodyColumns } from '../types/schema.js'
import type { Type } from '../types/type.js'
import type { Value } from '../types/values.js'
import { type DdlContext, planCreateSource } from './ddl.js'
import { insertValue, schemaText } from './engine.js'

/**
 * The test-runner-only statements of ksqlDB's run-ksql-test (AssertExecutor):
 *
 * - `ASSERT VALUES src (cols) VALUES (...)`: the next unread record of the source's topic has
 *   these values (columns not listed are null; ROWTIME compared only when listed).
 * - `ASSERT NULL VALUES src (cols) KEY (...)`: the next unread record is a tombstone for that key.
 * - `ASSERT STREAM|TABLE name (elements) WITH (...)`: the source exists with this schema, type,
 *   topic, formats, delimiter, wrapping and timestamp column, as a CREATE with that text would
 *   declare it.
 *
 * An assertion that does not hold throws an `AssertionFailure` whose message shows the expected
 * and actual rows. Read positions are kept per backend (one per engine) and topic.
 */

export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure'
  /**
   * The class ksqlDB throws for it: `java.lang.AssertionError` for record assertions,
   * `io.confluent.ksql.util.KsqlException` for ASSERT STREAM / TABLE (`--@expected.error` names it).
   */
  readonly javaClass: string

  constructor(message: string, javaClass = 'java.lang.AssertionError') {
    super(message)
    this.javaClass = javaClass
  }
}

export type AssertStatement = AssertValues | AssertTombstone | AssertStream | AssertTable

export interface AssertContext extends DdlContext {
  readonly functions: FunctionRegistry
  /** Lets the persistent queries process what was produced before the assertion reads. */
  runUntilIdle(): Promise<void>
}

/** Next record index to read, per backend and topic. */
const positions = new WeakMap<TopicBackend, Map<string, number>>()

/** Runs one ASSERT statement; resolves with a status message, throws `AssertionFailure` when it does not hold. */
export async function executeAssert(stmt: AssertStatement, ctx: AssertContext): Promise<string> {
  await ctx.runUntilIdle()
  if (stmt.kind === 'AssertStream' || stmt.kind === 'AssertTable') {
    await assertSource(stmt, ctx)
    return `${stmt.kind === 'AssertStream' ? 'Stream' : 'Table'} ${stmt.name} matches`
  }
  await assertContent(stmt, ctx)
  return 'Record matches'
}

// ---------------------------------------------------------------------------------------------
// ASSERT VALUES / ASSERT NULL VALUES

const PSEUDO = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND'])

interface RecordRow {
  readonly key: readonly Value[]
  readonly value: readonly Value[] | null
  readonly timestamp: number | undefined
  readonly window?: { readonly start: number; readonly end: number }
}

function lookupSource(ctx: AssertContext, name: string, span: Span): SourceDef {
  const source = ctx.catalog.source(name)
  if (source === undefined) throw new SqlPlanError(`Unknown data source ${name}`, span)
  return source
}

/** The values of an ASSERT (VALUES or NULL VALUES), by column name, typed as the columns. */
function givenValues(
  source: SourceDef,
  names: readonly string[],
  exprs: readonly Expr[],
  ctx: AssertContext,
  span: Span,
): Map<string, Value> {
  if (names.length !== exprs.length) {
    throw new SqlPlanError(
      `Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got [${exprs.map(() => '?').join(', ')}]`,
      span,
    )
  }
  const all = [...source.schema.key, ...source.schema.value]
  const scope = {
    scope: {
      resolveColumn(ref: { name: string; span: Span }): never {
        throw new SqlPlanError(`Column '${ref.name}' cannot be resolved in ASSERT VALUES.`, ref.span)
      },
    },
    functions: ctx.functions,
  }
  const given = new Map<string, Value>()
  names.forEach((n, i) => {
    const expr = exprs[i] as Expr
    const col = all.find((c) => c.name === n)
    if (col === undefined && !PSEUDO.has(n)) throw new SqlPlanError(`Column name ${n} does not exist.`, span)
    const from = typeOf(expr, scope)
    const v = compileExpr(expr, scope).evaluate([])
    given.set(n, col === undefined ? v : insertValue(v, from, col))
  })
  return given
}

async function readAll(backend: TopicBackend, topic: string): Promise<InRecord[]> {
  if (!(await backend.topicExists(topic))) return []
  const byPartition = new Map<number, InRecord[]>()
  for await (const batch of backend.consume(topic, { follow: false, reset: 'earliest' })) {
    const list = byPartition.get(batch.partition) ?? []
    list.push(...batch.records)
    byPartition.set(batch.partition, list)
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? [])
}

function decodeRecord(source: SourceDef, r: InRecord, registry: SchemaRegistry | undefined): RecordRow {
  const sr = { topic: source.topic, ...(registry !== undefined ? { registry } : {}) }
  const keySerde = createSerde(source.keyFormat, source.schema.key, {
    ...keyOptions(source.keyFeatures.wrapSingle),
    ...sr,
  })
  const body = valueBodyColumns(source.schema)
  const valueSerde = createSerde(source.valueFormat, body, {
    ...valueOptions(source.valueFeatures.wrapSingle),
    ...sr,
  })
  let keyBytes = r.key
  let window: RecordRow['window']
  if (source.window !== undefined && keyBytes !== null) {
    const w = decodeWindowedKey(keyBytes, source.window)
    keyBytes = w.inner
    window = w.window
  }
  const key =
    source.schema.key.length === 0
      ? []
      : (keySerde.deserialize(keyBytes) ?? source.schema.key.map((): Value => null))
  return {
    key,
    value: valueSerde.deserialize(r.value),
    timestamp: r.timestamp,
    ...(window !== undefined ? { window } : {}),
  }
}

async function assertContent(stmt: AssertValues | AssertTombstone, ctx: AssertContext): Promise<void> {
  const source = lookupSource(ctx, stmt.source, stmt.span)
  const body = valueBodyColumns(source.schema)
  const names = stmt.columns ?? [...source.schema.key, ...body].map((c) => c.name)
  const tombstone = stmt.kind === 'AssertTombstone'
  const given = givenValues(source, names, tombstone ? stmt.keys : stmt.values, ctx, stmt.span)
  const expectedValue = body.map((c) => given.get(c.name) ?? null)
  if (tombstone && expectedValue.some((v) => v !== null)) {
    throw new AssertionFailure('Unexpected value columns specified in ASSERT NULL VALUES.')
  }
  const rowtime = given.get('ROWTIME')
  const ws = given.get('WINDOWSTART')
  const we = given.get('WINDOWEND')
  const expected: RecordRow = {
    key: source.schema.key.map((c) => given.get(c.name) ?? null),
    value: tombstone ? null : expectedValue,
    timestamp: rowtime === undefined || rowtime === null ? undefined : Number(rowtime as number | bigint),
    ...(ws !== undefined || we !== undefined
      ? { window: { start: Number((ws ?? 0) as number | bigint), end: Number((we ?? 0) as number | bigint) } }
      : {}),
  }
  let read = positions.get(ctx.backend)
  if (read === undefined) {
    read = new Map()
    positions.set(ctx.backend, read)
  }
  const records = await readAll(ctx.backend, source.topic)
  const at = read.get(source.topic) ?? 0
  const next = records[at]
  if (next === undefined) {
    throw new AssertionFailure(
      `Expected another record, but all records have already been read:\n${table(
        source,
        expected,
        records.map((r) => decodeRecord(source, r, ctx.schemaRegistry)),
      )}`,
    )
  }
  read.set(source.topic, at + 1)
  const actual = decodeRecord(source, next, ctx.schemaRegistry)
  if (!rowMatches(source, expected, actual, new Set(names))) {
    throw new AssertionFailure(`Expected record does not match actual.\n${table(source, expected, [actual])}`)
  }
}

/** Only the columns the ASSERT lists are compared (ROWTIME and window bounds too); a tombstone's value always. */
function rowMatches(
  source: SourceDef,
  expected: RecordRow,
  actual: RecordRow,
  listed: ReadonlySet<string>,
): boolean {
  const same = (columns: readonly Column[], e: readonly Value[], a: readonly Value[]): boolean =>
    columns.every((c, i) => !listed.has(c.name) || valueEquals(e[i] ?? null, a[i] ?? null))
  if (!same(source.schema.key, expected.key, actual.key)) return false
  if (expected.value === null || actual.value === null) {
    if (expected.value !== actual.value) return false
  } else if (!same(valueBodyColumns(source.schema), expected.value, actual.value)) return false
  if (expected.timestamp !== undefined && expected.timestamp !== actual.timestamp) return false
  if (expected.window !== undefined) {
    const w = actual.window
    if (w === undefined) return false
    if (listed.has('WINDOWSTART') && expected.window.start !== w.start) return false
    if (listed.has('WINDOWEND') && expected.window.end !== w.end) return false
  }
  return true
}

function cell(v: Value, t: Type | null): string {
  return v === null ? 'null' : valueToString(v, t)
}

/** ksqlDB's assertion table: `.`, ROWTIME, the key columns, then the value columns. */
function table(source: SourceDef, expected: RecordRow, actual: readonly RecordRow[]): string {
  const body = valueBodyColumns(source.schema)
  const header = ['.', 'ROWTIME', ...source.schema.key.map((c) => c.name), ...body.map((c) => c.name)]
  const row = (label: string, r: RecordRow): string[] => [
    label,
    r.timestamp === undefined ? '<any>' : String(r.timestamp),
    ...source.schema.key.map((c: Column, i) => cell(r.key[i] ?? null, c.type)),
    ...body.map((c: Column, i) => (r.value === null ? '<tombstone>' : cell(r.value[i] ?? null, c.type))),
  ]
  const rows = [header, row('EXPECTED', expected), ...actual.map((a) => row('ACTUAL', a))]
  const widths = header.map((_h, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string => `|${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('|')}|`
  const rule = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`
  return [rule, line(header), rule, ...rows.slice(1).map(line), rule].join('\n')
}

// ---------------------------------------------------------------------------------------------
// ASSERT STREAM / ASSERT TABLE

async function assertSource(stmt: AssertStream | AssertTable, ctx: AssertContext): Promise<void> {
  const actual = lookupSource(ctx, stmt.name, stmt.span)
  // The source the statement describes, declared as CREATE STREAM/TABLE would (on a sandbox).
  const sandbox = ctx.catalog.clone()
  sandbox.removeSource(stmt.name)
  const create: CreateStream | CreateTable = {
    kind: stmt.kind === 'AssertStream' ? 'CreateStream' : 'CreateTable',
    span: stmt.span,
    orReplace: false,
    isSource: false,
    ifNotExists: false,
    name: stmt.name,
    ...(stmt.elements !== undefined ? { elements: stmt.elements } : {}),
    // Planned on the actual topic (a CREATE on a missing topic fails); the written one is compared below.
    properties: stmt.properties.map((p) =>
      p.name.toUpperCase() === 'KAFKA_TOPIC'
        ? { ...p, value: { ...p.value, kind: 'StringLiteral', value: actual.topic } }
        : p,
    ),
  }
  const topicProperty = stmt.properties.find((p) => p.name.toUpperCase() === 'KAFKA_TOPIC')?.value
  const expectedTopic = topicProperty?.kind === 'StringLiteral' ? topicProperty.value : undefined
  const planned = await planCreateSource(create, '', { ...ctx, catalog: sandbox })
  const expected = planned.source
  if (expected === undefined) return
  const checks: [string, unknown, unknown][] = [
    ['schema', schemaText(expected.schema), schemaText(actual.schema)],
    ['type', expected.kind, actual.kind],
    ['kafka topic', expectedTopic, actual.topic],
    ['key format', expected.keyFormat.format, actual.keyFormat.format],
    ['value format', expected.valueFormat.format, actual.valueFormat.format],
    ['delimiter', expected.valueFormat.delimiter, actual.valueFormat.delimiter],
    ['value serde features', expected.valueFeatures.wrapSingle, actual.valueFeatures.wrapSingle],
    ['timestamp column', expected.timestampColumn, actual.timestampColumn],
    ['timestamp format', expected.timestampFormat, actual.timestampFormat],
  ]
  for (const [property, e, a] of checks) {
    if (e !== a) {
      throw new AssertionFailure(
        `Expected ${property} does not match actual for source ${actual.name}.\n\tExpected: ${String(e ?? '')}\n\tActual: ${String(a ?? '')}`,
        'io.confluent.ksql.util.KsqlException',
      )
    }
  }
}

// ---------------------------------------------------------------------------------------------
// run-ksql-test files

export interface SqlTestResult {
  readonly name: string
  readonly status: 'pass' | 'fail'
  readonly reason?: string
}

export interface SqlTestOptions {
  readonly functions?: FunctionRegistry
  /** Per test; 10 s by default. */
  readonly timeoutMs?: number
  /**
   * Folders a `RUN SCRIPT 'path'` is looked up in first (ksqlDB's SqlTestReader looks the path
   * up as a class-path resource); when it is in none of them, the path is read as given.
   */
  readonly scriptDirs?: readonly string[]
}

interface SqlTest {
  readonly name: string
  /** The test's text: every line of the file outside it blanked, so positions stay the file's. */
  readonly text: string
  readonly expectedError?: string
  readonly expectedMessage?: string
}

const DIRECTIVE = /^\s*--@(test|expected\.error|expected\.message):\s*(.*?)\s*$/

/** Splits a file into its `--@test: name` sections with their `--@expected.*` directives. */
export function splitSqlTests(text: string): SqlTest[] {
  const lines = text.split('\n')
  const tests: { name: string; from: number; to: number; error?: string; message?: string }[] = []
  lines.forEach((line, i) => {
    const m = DIRECTIVE.exec(line)
    if (m === null) return
    const [, kind, value] = m as unknown as [string, string, string]
    if (kind === 'test') {
      const last = tests[tests.length - 1]
      if (last !== undefined) last.to = i
      tests.push({ name: value, from: i + 1, to: lines.length })
      return
    }
    const current = tests[tests.length - 1]
    if (current === undefined) return
    if (kind === 'expected.error') current.error = value
    else current.message = value
  })
  return tests.map((t) => ({
    name: t.name,
    text: lines.map((l, i) => (i >= t.from && i < t.to ? l : '')).join('\n'),
    ...(t.error !== undefined ? { expectedError: t.error } : {}),
    ...(t.message !== undefined ? { expectedMessage: t.message } : {}),
  }))
}

/**
 * Runs every `--@test` of a run-ksql-test file, each on a fresh in-memory engine (ksqlDB's
 * SqlTestExecutor): statements in order, ASSERTs checked against what the queries wrote. A test
 * passes when every statement runs (or when the first failure is the expected error).
 */
export async function runSqlTestFile(text: string, options: SqlTestOptions = {}): Promise<SqlTestResult[]> {
  const results: SqlTestResult[] = []
  for (const test of splitSqlTests(text)) results.push(await runSqlTest(test, options))
  return results
}

async function runSqlTest(test: SqlTest, options: SqlTestOptions): Promise<SqlTestResult> {
  const [{ Engine }, { EmbeddedBackend }, { TEST_DEFAULT_PROPERTIES }, { checkExpectedError }] =
    await Promise.all([
      import('./engine.js'),
      import('../log/embedded/embedded-backend.js'),
      import('../qtt/run-case.js'),
      import('../qtt/exceptions.js'),
    ])
  const engine = await Engine.create({
    backend: EmbeddedBackend.inMemory(),
    // ksqlDB's SqlTestExecutor pipes each inserted record to the queries running at that moment
    // (TestDriverPipeline): a query started later does not see records inserted before it.
    properties: {
      ...TEST_DEFAULT_PROPERTIES,
      'auto.offset.reset': 'latest',
      'ksql.headers.columns.enabled': 'true',
    },
    testMode: true,
    ...(options.functions !== undefined ? { functions: options.functions } : {}),
  })
  const expecting = test.expectedError !== undefined || test.expectedMessage !== undefined
  const timeoutMs = options.timeoutMs ?? 10_000
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  let statement: string | undefined
  const run = async (): Promise<unknown> => {
    try {
      for (const parsed of parseStatements(test.text, { testStatements: true })) {
        statement = parsed.text
        const statements = parsed.statement.kind === 'RunScript' ? runScript(parsed, options) : [parsed]
        for (const p of statements) {
          statement = p.text
          await createTopic(p.statement, engine.backend)
          await engine.executeStatement(p.statement, p.text)
          await engine.runUntilIdle()
        }
      }
      return undefined
    } catch (err) {
      return err ?? new Error('failed')
    }
  }
  try {
    const error = await Promise.race([run(), timeout])
    if (error instanceof Error && error.message.startsWith('timed out after')) {
      return { name: test.name, status: 'fail', reason: error.message }
    }
    if (error === undefined) {
      if (!expecting) return { name: test.name, status: 'pass' }
      return {
        name: test.name,
        status: 'fail',
        reason: `Did not get expected exception of type ${test.expectedError ?? '<any>'} with message ${test.expectedMessage ?? '<any>'}`,
      }
    }
    const message = engineMessage(error)
    const where = statement === undefined ? '' : `\nin: ${statement}`
    if (!expecting) return { name: test.name, status: 'fail', reason: `${message}${where}` }
    // ksqlDB's SqlTestExecutor: the message must contain the expected text; the class must match.
    if (test.expectedMessage !== undefined && !message.includes(test.expectedMessage)) {
      return {
        name: test.name,
        status: 'fail',
        reason: `Expected exception with message "${test.expectedMessage}" but got ${message}`,
      }
    }
    if (test.expectedError === undefined) return { name: test.name, status: 'pass' }
    if (error instanceof AssertionFailure) {
      const simple = (c: string): string => c.slice(c.lastIndexOf('.') + 1)
      const want = simple(test.expectedError)
      const got = simple(error.javaClass)
      const ok = want === got || (want === 'KsqlException' && got !== 'AssertionError')
      return ok
        ? { name: test.name, status: 'pass' }
        : {
            name: test.name,
            status: 'fail',
            reason: `Expected exception of type ${test.expectedError} but got ${error.javaClass}: ${message}`,
          }
    }
    const check = checkExpectedError(
      { type: test.expectedError },
      { error, phase: 'statement', ...(statement !== undefined ? { statement } : {}) },
    )
    return check.ok
      ? { name: test.name, status: 'pass' }
      : { name: test.name, status: 'fail', reason: check.reason }
  } finally {
    clearTimeout(timer)
    await engine.close().catch(() => {})
  }
}

/**
 * ksqlDB's SqlTestReader expands `RUN SCRIPT 'path'` into the script's statements: the path is a
 * class-path resource when one exists (here: a file under one of `scriptDirs`), else a file path.
 * The script holds ordinary statements (no test-only ASSERTs) and must hold at least one.
 */
function runScript(run: ParsedStatement, options: SqlTestOptions): ParsedStatement[] {
  if (run.statement.kind !== 'RunScript') return [run]
  const script = run.statement.path
  const resource = (options.scriptDirs ?? []).map((dir) => join(dir, script)).find((file) => existsSync(file))
  let text: string
  try {
    text = readFileSync(resource ?? script, 'utf8')
  } catch (err) {
    throw new Error(`Could not read ${script}`, { cause: err })
  }
  let statements: ParsedStatement[]
  try {
    statements = parseStatements(text)
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) throw err
    throw new Error(`Failed to parse contents of RUN SCRIPT\nStatement: RUN SCRIPT '${script}';`, {
      cause: err,
    })
  }
  if (statements.length === 0) throw new Error(`Empty run script: ${script}`)
  return statements
}

const PREPARING = 'Exception while preparing statement: '

/**
 * The message of an error as ksqlDB's engine reports it to SqlTestExecutor: EngineContext.prepare
 * wraps every error of the prepare phase (AST building and sanitizing: unknown sources, ambiguous
 * columns, ...) other than a parse error in `Exception while preparing statement: <message>`.
 */
function engineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const wrapped =
    error instanceof EddyError &&
    error.prepare &&
    !(error instanceof SqlSyntaxError) &&
    !message.startsWith(PREPARING)
  return wrapped ? `${PREPARING}${message}` : message
}

/**
 * ksqlDB's SqlTestExecutor creates the topic of a CREATE STREAM/TABLE before running it
 * (KAFKA_TOPIC, with PARTITIONS when given, else 1).
 */
async function createTopic(stmt: Statement, backend: TopicBackend): Promise<void> {
  if (stmt.kind !== 'CreateStream' && stmt.kind !== 'CreateTable') return
  const prop = (name: string) => stmt.properties.find((x) => x.name.toUpperCase() === name)?.value
  const topic = prop('KAFKA_TOPIC')
  if (topic?.kind !== 'StringLiteral' || (await backend.topicExists(topic.value))) return
  const partitions = prop('PARTITIONS')
  await backend.createTopic(topic.value, {
    partitions: partitions?.kind === 'IntegerLiteral' ? partitions.value : 1,
    replicas: 1,
  })
}
