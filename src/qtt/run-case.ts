import { parseStatements } from '../../grammar/parse.js'
import type { Literal } from '../ast/expressions.js'
import type { Statement } from '../ast/statements.js'
import type { FormatSpec, SourceDef, WindowInfo } from '../catalog/source.js'
import { decodeWindowedKey as decodeKey, encodeWindowedKey as encodeKey } from '../serde/windowed-key.js'
import type { EngineApi, EngineOptions } from '../engine/engine.js'
import { EddyError, SqlSyntaxError } from '../errors.js'
import type {
  ConsumeOptions,
  CreateTopicOptions,
  InRecord,
  OutRecord,
  RecordBatch,
  TopicBackend,
  TopicDescription,
  TopicPartitionOffset,
} from '../log/topic-backend.js'
import { type Column, valueBodyColumns } from '../types/schema.js'
import { type ActualRecord, compareTopicRecords, rowType } from './compare.js'
import { type CaughtError, checkExpectedError } from './exceptions.js'
import { JsonDecimal, type JsonValue } from './jsonc.js'
import { checkPost } from './post.js'
import { TEST_FUNCTION_NAMES } from './test-functions.js'
import { decodeToSpecValue, encodeSpecValue } from './record-codec.js'
import {
  decodeRegistrySpec,
  encodeRegistrySpec,
  isRegistrySerdeFormat,
  registryFor,
} from './registry-codec.js'
import type { SchemaRegistry } from '../serde/schema-registry.js'
import type { CaseStatus } from './results.js'
import type { RecordWindow, TestRecord, TestVariant, TopicNode } from './types.js'
import { rqttUnsupportedReason, runRqttCase } from './run-rqtt.js'

/**
 * Runs one QTT variant against a fresh engine, as ksqlDB's TestExecutor does
 * (shared/conformance/FORMAT.md, "How a case runs"):
 *
 * 1. create the topics the case names (topic nodes: their partitions; topics of CREATE
 *    STREAM/TABLE statements and of records: 4, ksqlDB's legacy default);
 * 2. execute the statements in order (a syntax error anywhere in the joined script fails first,
 *    as ksqlDB parses the whole script before running it);
 * 3. produce the inputs, encoded with the formats of a source reading the topic, and run the
 *    queries until idle;
 * 4. compare each expected topic's records in order, then the `post` conditions.
 *
 * Every record is written to partition 0 (the test backend forces it), as Kafka Streams'
 * TopologyTestDriver runs one task: ROWPARTITION is 0, ROWOFFSET counts every record, and a
 * topic's records read back in the order they were written. RQTT cases run on a Kafka cluster
 * in ksqlDB: there records go where Kafka's partitioner puts them (by key).
 */

export type EngineFactory = (options: EngineOptions) => Promise<EngineApi>

/** `pass`/`fail`, `skip` (disabled), `unsupported` (needs a schema registry, REST, test-only UDFs). */
export interface CaseOutcome {
  readonly status: CaseStatus
  readonly reason?: string
}

/**
 * How inputs reach the queries:
 * - `record` (default): produce one input record, run until idle, then the next. Every query
 *   sees the records of all its source topics in file order (joins), as TopologyTestDriver
 *   pipes them one at a time.
 * - `batch`: produce all inputs, then run until idle once.
 */
export type FeedMode = 'record' | 'batch'

export interface RunCaseOptions {
  readonly createEngine: EngineFactory
  /** A fresh, empty backend per variant (EmbeddedBackend.inMemory() in `run.ts`). */
  readonly createBackend: () => TopicBackend
  /** Per variant; 10 s by default. */
  readonly timeoutMs?: number
  readonly feed?: FeedMode
  /** Test-only functions (TEST_UDF, ...) the engine's registry has; variants using others are unsupported. */
  readonly testFunctions?: ReadonlySet<string>
  /** Passed to the engine (e.g. a registry with test-only functions). */
  readonly functions?: EngineOptions['functions']
}

const DEFAULT_TIMEOUT_MS = 10_000

/** ksqlDB's TestExecutor base config (plus record cache 0 = test mode). */
export const TEST_DEFAULT_PROPERTIES: Readonly<Record<string, string>> = {
  'ksql.service.id': 'some.ksql.service.id',
  'auto.offset.reset': 'earliest',
  'cache.max.bytes.buffering': '0',
}

/** Properties of the test runner itself, not given to the engine. */
const RUNNER_PROPERTIES = new Set(['use.exact.numeric.comparison'])

/** ksqlDB's KsqlConstants.legacyDefaultSinkPartitionCount: topics inferred from statements and records. */
const INFERRED_TOPIC_PARTITIONS = 4

/**
 * Formats that cannot run: none today. PROTOBUF_NOSR needs no registry (its schema comes from the
 * columns); AVRO, JSON_SR and PROTOBUF run on an embedded registry (registryFor).
 */
const REGISTRY_FORMATS: readonly string[] = []

/** A call of one of ksqlDB's test-only functions (FORMAT.md), registered only by the runner. */
const TEST_FUNCTION_CALL = new RegExp(`\\b(${TEST_FUNCTION_NAMES.join('|')})\\s*\\(`, 'i')

function isRegistryFormat(name: string | undefined): boolean {
  return name !== undefined && REGISTRY_FORMATS.includes(name.trim().toUpperCase())
}

/** Why a variant cannot run yet (schema registry formats, test-only UDFs, REST cases), or undefined. */
export function unsupportedReason(
  variant: TestVariant,
  testFunctions: ReadonlySet<string> = new Set(),
): string | undefined {
  if (variant.case.kind === 'rqtt') {
    const rest = rqttUnsupportedReason(variant.case, variant.statements)
    if (rest !== undefined) return rest
  }
  if (isRegistryFormat(variant.format)) return `format ${variant.format} needs a schema registry`
  for (const t of variant.case.topics) {
    if (isRegistryFormat(t.keyFormat)) return `format ${t.keyFormat} needs a schema registry`
    if (isRegistryFormat(t.valueFormat)) return `format ${t.valueFormat} needs a schema registry`
  }
  for (const v of Object.values(variant.properties)) {
    if (typeof v === 'string' && isRegistryFormat(v)) return `format ${v} needs a schema registry`
  }
  for (const s of variant.statements) {
    const m = TEST_FUNCTION_CALL.exec(s)
    if (m !== null && !testFunctions.has(m[1]!.toUpperCase())) {
      return `test-only function ${m[1]!.toUpperCase()} is not registered`
    }
  }
  return undefined
}

function propertyText(v: JsonValue): string {
  if (typeof v === 'string') return v
  if (v instanceof JsonDecimal) return v.text
  if (v === null) return ''
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
  return String(v)
}

/** The engine properties of a variant: ksqlDB's test defaults, then the case's own. */
export function engineProperties(variant: TestVariant): Record<string, string> {
  const props: Record<string, string> = { ...TEST_DEFAULT_PROPERTIES }
  for (const [k, v] of Object.entries(variant.properties)) {
    if (!RUNNER_PROPERTIES.has(k)) props[k] = propertyText(v)
  }
  return props
}

function exactNumbers(variant: TestVariant): boolean {
  const v = variant.properties['use.exact.numeric.comparison']
  return !(v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false'))
}

function literalText(v: Literal): string | undefined {
  return v.kind === 'StringLiteral' ? v.value : undefined
}

function literalInt(v: Literal): number | undefined {
  if (v.kind === 'IntegerLiteral') return v.value
  if (v.kind === 'StringLiteral' && /^\s*\d+\s*$/.test(v.value)) return Number(v.value)
  return undefined
}

/** A topic the runner creates before the statements run. */
export interface TopicToCreate {
  readonly partitions: number
  readonly replicas: number
}

/**
 * The topic of a CREATE STREAM/TABLE (not AS SELECT) statement, as ksqlDB's test builder reads it:
 * KAFKA_TOPIC, with PARTITIONS and REPLICAS when given (else 4 and 1).
 */
function createdTopic(
  stmt: Statement,
): ({ readonly name: string; readonly statedPartitions?: number } & TopicToCreate) | undefined {
  if (stmt.kind !== 'CreateStream' && stmt.kind !== 'CreateTable') return undefined
  const prop = (name: string): Literal | undefined =>
    stmt.properties.find((x) => x.name.toUpperCase() === name)?.value
  const topic = prop('KAFKA_TOPIC')
  const name = topic === undefined ? undefined : literalText(topic)
  if (name === undefined) return undefined
  const partitions = prop('PARTITIONS')
  const replicas = prop('REPLICAS')
  const stated = partitions === undefined ? undefined : literalInt(partitions)
  return {
    name,
    ...(stated !== undefined ? { statedPartitions: stated } : {}),
    partitions: stated ?? INFERRED_TOPIC_PARTITIONS,
    replicas: (replicas === undefined ? undefined : literalInt(replicas)) ?? 1,
  }
}

/**
 * The topics to create before the statements run (ksqlDB's TestCaseBuilderUtil.getAllTopics):
 * topic nodes first, then topics of CREATE STREAM/TABLE statements, then topics of input and
 * output records (4 partitions); the first mention wins.
 */
export function topicsToCreate(variant: TestVariant): Map<string, TopicToCreate> {
  const topics = new Map<string, TopicToCreate>()
  // Statement topics with PARTITIONS: what a topic node without partitions takes.
  const stated = new Map<string, number>()
  for (const text of variant.statements) {
    try {
      for (const p of parseStatements(text)) {
        const topic = createdTopic(p.statement)
        if (topic?.statedPartitions !== undefined && !stated.has(topic.name))
          stated.set(topic.name, topic.statedPartitions)
      }
    } catch {}
  }
  for (const t of variant.case.topics) {
    if (!topics.has(t.name))
      topics.set(t.name, { partitions: t.partitions ?? stated.get(t.name) ?? 1, replicas: t.replicas })
  }
  for (const text of variant.statements) {
    let parsed: ReturnType<typeof parseStatements>
    try {
      parsed = parseStatements(text)
    } catch {
      continue
    }
    for (const p of parsed) {
      const topic = createdTopic(p.statement)
      if (topic !== undefined && !topics.has(topic.name)) {
        topics.set(topic.name, { partitions: topic.partitions, replicas: topic.replicas })
      }
    }
  }
  for (const r of [...variant.case.inputs, ...variant.case.outputs]) {
    if (!topics.has(r.topic)) topics.set(r.topic, { partitions: INFERRED_TOPIC_PARTITIONS, replicas: 1 })
  }
  return topics
}

/** The runner ran out of time for a variant. */
export class CaseTimeoutError extends Error {
  override readonly name = 'CaseTimeoutError'
}

/**
 * The backend the engine gets in a test: every produced record goes to partition 0 (QTT), and every
 * call checks the variant's deadline (the in-memory backend resolves at once, so a timer alone
 * could never interrupt a run that does not stop).
 */
export class TestBackend implements TopicBackend {
  deadline = Number.POSITIVE_INFINITY

  constructor(
    readonly inner: TopicBackend,
    /** Send every record to partition 0 (QTT); false: Kafka's partitioner (RQTT runs on a cluster). */
    readonly partitionZero = true,
  ) {}

  private check(): void {
    if (Date.now() > this.deadline) throw new CaseTimeoutError('timed out')
  }

  createTopic(name: string, options: CreateTopicOptions): Promise<void> {
    this.check()
    return this.inner.createTopic(name, options)
  }
  topicExists(name: string): Promise<boolean> {
    return this.inner.topicExists(name)
  }
  listTopics(): Promise<readonly string[]> {
    return this.inner.listTopics()
  }
  describeTopic(name: string): Promise<TopicDescription> {
    return this.inner.describeTopic(name)
  }
  deleteTopic(name: string): Promise<void> {
    return this.inner.deleteTopic(name)
  }
  produce(topic: string, records: readonly OutRecord[]): ReturnType<TopicBackend['produce']> {
    this.check()
    let out = records
    if (this.partitionZero && records.some((r) => r.partition !== 0))
      out = records.map((r) => ({ ...r, partition: 0 }))
    return this.inner.produce(topic, out)
  }
  consume(topic: string, options?: ConsumeOptions): AsyncIterable<RecordBatch> {
    this.check()
    const source = this.inner.consume(topic, options)
    return {
      [Symbol.asyncIterator]: () => {
        const it = source[Symbol.asyncIterator]()
        return {
          next: async () => {
            this.check()
            return it.next()
          },
          return: async () => (it.return !== undefined ? it.return() : { done: true, value: undefined }),
        }
      },
    }
  }
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.inner.commitOffsets(group, offsets)
  }
  committedOffsets(group: string, topic?: string): Promise<readonly TopicPartitionOffset[]> {
    return this.inner.committedOffsets(group, topic)
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}

// ---- windowed keys (Kafka Streams' layouts, src/serde/windowed-key.ts) ----

export function encodeWindowedKey(inner: Uint8Array | null, window: RecordWindow): Uint8Array {
  return encodeKey(inner, window, window.type === 'session')
}

export function decodeWindowedKey(
  bytes: Uint8Array,
  info: WindowInfo,
): { readonly inner: Uint8Array; readonly window: RecordWindow } {
  const d = decodeKey(bytes, info)
  return { inner: d.inner, window: { ...d.window, type: info.type === 'SESSION' ? 'session' : 'time' } }
}

// ---- topic formats ----

interface TopicInfo {
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
  readonly keyColumns?: readonly Column[]
  readonly valueColumns?: readonly Column[]
  readonly window?: WindowInfo
}

const DEFAULT_KEY_FORMAT: FormatSpec = { format: 'KAFKA' }
const DEFAULT_VALUE_FORMAT: FormatSpec = { format: 'JSON' }

function fromSource(s: SourceDef): TopicInfo {
  return {
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    keyColumns: s.schema.key,
    valueColumns: valueBodyColumns(s.schema),
    ...(s.window !== undefined ? { window: s.window } : {}),
  }
}

/**
 * How a topic's records are (de)serialized: a source on the topic (one created by CREATE
 * STREAM/TABLE for inputs, the query's sink for outputs, when both exist), else the topic
 * node's formats, else KAFKA keys and JSON values.
 */
function topicInfo(
  engine: EngineApi,
  topic: string,
  nodes: readonly TopicNode[],
  forOutput: boolean,
): TopicInfo {
  const sources = engine.sources().filter((s) => s.topic === topic)
  const preferred =
    sources.find((s) => (forOutput ? s.writtenBy !== undefined : s.writtenBy === undefined)) ?? sources[0]
  if (preferred !== undefined) return fromSource(preferred)
  const node = nodes.find((n) => n.name === topic)
  return {
    keyFormat: node?.keyFormat !== undefined ? { format: node.keyFormat.toUpperCase() } : DEFAULT_KEY_FORMAT,
    valueFormat:
      node?.valueFormat !== undefined ? { format: node.valueFormat.toUpperCase() } : DEFAULT_VALUE_FORMAT,
  }
}

function base64Bytes(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length)
}

function encodeInput(r: TestRecord, info: TopicInfo, registry?: SchemaRegistry): OutRecord {
  const encode = (
    v: TestRecord['key'],
    format: FormatSpec,
    columns: readonly Column[] | undefined,
    isKey: boolean,
  ) =>
    registry !== undefined && isRegistrySerdeFormat(format)
      ? encodeRegistrySpec(v, format, registry, r.topic, isKey)
      : encodeSpecValue(v, format, columns, isKey)
  let key = encode(r.key, info.keyFormat, info.keyColumns, true)
  if (info.window !== undefined && r.window !== undefined) key = encodeWindowedKey(key, r.window)
  return {
    key,
    value: encode(r.value, info.valueFormat, info.valueColumns, false),
    timestamp: r.timestamp ?? 0,
    ...(r.headers !== undefined
      ? {
          headers: r.headers.map((h) => ({
            key: h.key,
            value: h.value === null ? null : base64Bytes(h.value),
          })),
        }
      : {}),
  }
}

function decodeOutput(rec: InRecord, info: TopicInfo, registry?: SchemaRegistry): ActualRecord {
  const decode = (
    b: Uint8Array | null,
    format: FormatSpec,
    columns: readonly Column[] | undefined,
    isKey: boolean,
  ) =>
    registry !== undefined && isRegistrySerdeFormat(format)
      ? decodeRegistrySpec(b, format, registry)
      : decodeToSpecValue(b, format, columns, isKey)
  let keyBytes = rec.key
  let window: RecordWindow | undefined
  if (info.window !== undefined && keyBytes !== null) {
    const w = decodeWindowedKey(keyBytes, info.window)
    keyBytes = w.inner.length === 0 ? null : w.inner
    window = w.window
  }
  return {
    key: decode(keyBytes, info.keyFormat, info.keyColumns, true),
    ...(window !== undefined ? { window } : {}),
    value: decode(rec.value, info.valueFormat, info.valueColumns, false),
    timestamp: rec.timestamp,
    headers: rec.headers,
  }
}

/** Every record of a topic, partition by partition, in offset order. */
export async function readTopic(backend: TopicBackend, topic: string): Promise<InRecord[]> {
  if (!(await backend.topicExists(topic))) return []
  const byPartition = new Map<number, InRecord[]>()
  for await (const batch of backend.consume(topic, { follow: false, reset: 'earliest' })) {
    let list = byPartition.get(batch.partition)
    if (list === undefined) {
      list = []
      byPartition.set(batch.partition, list)
    }
    for (const r of batch.records) list.push(r)
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? [])
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  const line = text.split('\n')[0] ?? text
  return line.length > 300 ? `${line.slice(0, 300)}...` : line
}

class CaseFailure extends Error {}

function fail(reason: string): CaseOutcome {
  return { status: 'fail', reason }
}

/** Runs one variant. Never throws: every problem is a `fail` outcome. */
export async function runCase(variant: TestVariant, options: RunCaseOptions): Promise<CaseOutcome> {
  if (!variant.enabled) return { status: 'skip', reason: 'disabled (enabled: false)' }
  const unsupported = unsupportedReason(variant, options.testFunctions)
  if (unsupported !== undefined) return { status: 'unsupported', reason: unsupported }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const backend = new TestBackend(options.createBackend(), variant.case.kind !== 'rqtt')
  const registry = registryFor(variant)
  backend.deadline = Date.now() + timeoutMs
  let engine: EngineApi | undefined
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CaseOutcome>((resolve) => {
    timer = setTimeout(() => resolve(fail(`timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  const run = (async (): Promise<CaseOutcome> => {
    try {
      for (const [name, t] of topicsToCreate(variant)) {
        if (!(await backend.topicExists(name))) await backend.createTopic(name, t)
      }
      try {
        engine = await options.createEngine({
          backend,
          properties: engineProperties(variant),
          testMode: true,
          schemaRegistry: registry,
          // RQTT push queries end once they have read their input (no live server to cancel them).
          ...(variant.case.kind === 'rqtt' ? { followPushQueries: false } : {}),
          ...(options.functions !== undefined ? { functions: options.functions } : {}),
        })
      } catch (error) {
        // A bad case property: ksqlDB rejects it as it handles the first statement.
        if (!(error instanceof EddyError)) throw error
        const caught: CaughtError = { error, phase: 'statement' }
        if (variant.expected === undefined)
          return fail(`engine rejected the case properties: ${describe(error)}`)
        const check = checkExpectedError(variant.expected, caught)
        return check.ok ? { status: 'pass' } : fail(check.reason)
      }
      return await execute(variant, engine, backend, options.feed ?? 'record', registry)
    } catch (err) {
      if (err instanceof CaseTimeoutError) return fail(`timed out after ${timeoutMs} ms`)
      if (err instanceof CaseFailure) return fail(err.message)
      return fail(`runner error: ${describe(err)}`)
    }
  })()
  try {
    return await Promise.race([run, timeout])
  } finally {
    clearTimeout(timer)
    backend.deadline = Number.NEGATIVE_INFINITY
    try {
      const created = engine as EngineApi | undefined
      // The engine closes its backend; without one, close the backend here.
      if (created !== undefined) await created.close()
      else await backend.close()
    } catch {
      // The engine may already be closed or broken; the outcome is decided.
    }
  }
}

async function execute(
  variant: TestVariant,
  engine: EngineApi,
  backend: TestBackend,
  feed: FeedMode,
  registry?: SchemaRegistry,
): Promise<CaseOutcome> {
  if (variant.case.kind === 'rqtt') {
    return runRqttCase(variant, engine, {
      runInputs: async () => {
        const caught = await runInputs(variant, engine, feed, registry)
        if (caught?.error instanceof CaseTimeoutError || caught?.error instanceof CaseFailure)
          throw caught.error
        return caught
      },
      compareOutputs: () => compareOutputs(variant, engine, backend, registry),
      describe,
    })
  }
  const expected = variant.expected
  const { caught, queries } = await runStatements(variant, engine)
  if (caught?.error instanceof CaseTimeoutError) throw caught.error
  if (caught !== undefined) {
    if (expected === undefined) {
      const where = caught.statement === undefined ? '' : ` in ${JSON.stringify(caught.statement)}`
      return fail(`statement failed: ${describe(caught.error)}${where}`)
    }
    const check = checkExpectedError(expected, caught)
    return check.ok ? { status: 'pass' } : fail(check.reason)
  }
  const inputs = variant.case.inputs
  if (expected !== undefined && inputs.length === 0) return fail(checkFailed(expected))
  if (queries === 0) return fail('test did not generate any queries.')
  const runtime = await runInputs(variant, engine, feed, registry)
  if (runtime?.error instanceof CaseTimeoutError) throw runtime.error
  if (runtime?.error instanceof CaseFailure) throw runtime.error
  if (runtime !== undefined) {
    if (expected === undefined) return fail(`query failed: ${describe(runtime.error)}`)
    const check = checkExpectedError(expected, runtime)
    return check.ok ? { status: 'pass' } : fail(check.reason)
  }
  if (expected !== undefined) return fail(checkFailed(expected))
  const problem = await compareOutputs(variant, engine, backend, registry)
  if (problem !== undefined) return fail(problem)
  const post = variant.case.kind === 'qtt' ? variant.case.post : undefined
  if (post !== undefined) {
    const postProblem = await checkPost(post, {
      source: (n) => engine.source(n),
      sources: () => engine.sources(),
      backend,
    })
    if (postProblem !== undefined) return fail(postProblem)
  }
  return { status: 'pass' }
}

function checkFailed(expected: NonNullable<TestVariant['expected']>): string {
  const r = checkExpectedError(expected, undefined)
  return r.ok ? 'expected an error, but nothing failed' : r.reason
}

function substituteVariables(variant: TestVariant): boolean {
  const v = variant.properties['ksql.variable.substitution.enable']
  return !(v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false'))
}

/**
 * Executes the statements; returns the first error. ksqlDB parses the statements as one script
 * (joined with "\n") before running any, so a syntax error is reported with its line in that
 * script and nothing runs.
 */
async function runStatements(
  variant: TestVariant,
  engine: EngineApi,
): Promise<{ readonly caught?: CaughtError; readonly queries: number }> {
  try {
    parseStatements(variant.statements.join('\n'), { substituteVariables: substituteVariables(variant) })
  } catch (err) {
    if (err instanceof SqlSyntaxError) return { caught: { error: err, phase: 'statement' }, queries: 0 }
    // Anything else the parser throws is reported by the engine's own parse below.
  }
  // One script, as ksqlDB runs it: positions in messages (`Line: 2, Col: 13: ...`) are relative to it.
  const script = variant.statements.join('\n')
  let queries = 0
  try {
    const results = await engine.execute(script)
    for (const r of results) if (r.kind === 'QueryStarted') queries++
  } catch (error) {
    const statement = statementAt(variant.statements, error)
    return {
      caught: { error, phase: 'statement', ...(statement !== undefined ? { statement } : {}) },
      queries,
    }
  }
  return { queries }
}

/** Produces the inputs and runs the queries; returns a runtime error (or a CaseFailure for bad inputs). */
async function runInputs(
  variant: TestVariant,
  engine: EngineApi,
  feed: FeedMode,
  registry?: SchemaRegistry,
): Promise<CaughtError | undefined> {
  const inputs = variant.case.inputs
  const encoded: { topic: string; record: OutRecord }[] = []
  const infos = new Map<string, TopicInfo>()
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i]!
    let info = infos.get(r.topic)
    if (info === undefined) {
      info = topicInfo(engine, r.topic, variant.case.topics, false)
      infos.set(r.topic, info)
    }
    try {
      encoded.push({ topic: r.topic, record: encodeInput(r, info, registry) })
    } catch (err) {
      return {
        error: new CaseFailure(`cannot encode input ${i} (topic ${r.topic}): ${describe(err)}`),
        phase: 'runtime',
      }
    }
  }
  try {
    if (feed === 'record') {
      for (const { topic, record } of encoded) {
        await engine.backend.produce(topic, [record])
        await engine.runUntilIdle()
      }
    } else {
      // Consecutive records of one topic in one call; the order across topics is kept.
      let i = 0
      while (i < encoded.length) {
        const topic = encoded[i]!.topic
        const batch: OutRecord[] = []
        while (i < encoded.length && encoded[i]!.topic === topic) batch.push(encoded[i++]!.record)
        await engine.backend.produce(topic, batch)
      }
    }
    await engine.runUntilIdle()
  } catch (error) {
    return { error, phase: 'runtime' }
  }
  return undefined
}

async function compareOutputs(
  variant: TestVariant,
  engine: EngineApi,
  backend: TopicBackend,
  registry?: SchemaRegistry,
): Promise<string | undefined> {
  const byTopic = new Map<string, TestRecord[]>()
  for (const r of variant.case.outputs) {
    const list = byTopic.get(r.topic)
    if (list === undefined) byTopic.set(r.topic, [r])
    else list.push(r)
  }
  const ranWithInsertStatements = variant.case.inputs.length === 0
  const exact = exactNumbers(variant)
  for (const [topic, expected] of byTopic) {
    const info = topicInfo(engine, topic, variant.case.topics, true)
    const records = await readTopic(backend, topic)
    const actual: ActualRecord[] = []
    for (let i = 0; i < records.length; i++) {
      try {
        actual.push(decodeOutput(records[i]!, info, registry))
      } catch (err) {
        return `topic ${topic}, record ${i}: cannot decode: ${describe(err)}`
      }
    }
    const keyType = rowType(info.keyColumns)
    const valueType = rowType(info.valueColumns)
    const problem = compareTopicRecords(topic, expected, actual, {
      exactNumbers: exact,
      ranWithInsertStatements,
      ...(keyType !== undefined ? { keyType } : {}),
      ...(valueType !== undefined ? { valueType } : {}),
    })
    if (problem !== undefined) return problem
  }
  return undefined
}

/** The statement an error's position points into (statements joined with "\n", one per line or more). */
function statementAt(statements: readonly string[], error: unknown): string | undefined {
  const text = (error as { statement?: unknown }).statement
  const bare = (s: string): string => s.trim().replace(/;$/, '').trim()
  if (typeof text === 'string') return statements.find((s) => bare(s) === bare(text)) ?? text
  const span = (error as { span?: { start: { offset: number } } }).span
  if (span === undefined) return undefined
  let offset = 0
  for (const st of statements) {
    if (span.start.offset <= offset + st.length) return st
    offset += st.length + 1
  }
  return undefined
}
