import type { PullQueryPlan } from '../analyzer/pull-query.js'
import { columnScope } from '../analyzer/column-scope.js'
import type { SourceDef } from '../catalog/source.js'
import { compareValues, compileExpr, type Evaluator, type ExprEvalError } from '../expr/compile.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type { SchemaRegistry } from '../serde/schema-registry.js'
import type { InRecord, TopicBackend } from '../log/topic-backend.js'
import {
  type DecodeErrorHandler,
  type Materialization,
  type MaterializedRow,
  sourceRecordDecoder,
} from '../runtime/materialization.js'
import { compareBytes, prefixUpperBound } from '../state/key-codec.js'
import { partitionForKey } from '../log/murmur2.js'
import { createSerde } from '../serde/serde.js'
import { keyOptions } from '../runtime/operators/source.js'
import type { Row, Value } from '../types/values.js'
import type { PushRow } from './results.js'

/** What a pull query reads through: the engine's resolver of table state, and its topics. */
export interface PullQueryDeps {
  readonly backend: TopicBackend
  readonly functions: FunctionRegistry
  /** The one place the engine decides how a table's state is read (topic replay, state store). */
  readonly materialization: (source: SourceDef) => Materialization
  /** Where AVRO / PROTOBUF / JSON_SR records find their schemas. */
  readonly schemaRegistry?: SchemaRegistry
  /** Records that cannot be decoded, expressions that fail on a row. */
  readonly onError?: (message: string, record?: InRecord) => void
}

/**
 * Runs a pull query plan (src/analyzer/pull-query.ts) once: reads the table's state (key
 * lookups, a key range or a full scan) or the stream's topic up to its current end, filters
 * with WHERE, projects, sorts when ORDER BY does not follow the key order, and stops at LIMIT.
 * Rows come in output column order (`plan.columns`).
 */
export class PullQueryExecution {
  private cancelled = false
  private readonly where: Evaluator | undefined
  private readonly project: readonly Evaluator[]
  private readonly sortKeys: readonly { readonly ev: Evaluator; readonly descending: boolean }[]
  /** True when the rows need sorting (ORDER BY not served by the key order). */
  private readonly sorts: boolean

  constructor(
    readonly plan: PullQueryPlan,
    private readonly deps: PullQueryDeps,
  ) {
    const onError = (e: ExprEvalError): void => deps.onError?.(e.message)
    const inputCtx = { scope: columnScope(plan.inputColumns, 'WHERE'), functions: deps.functions, onError }
    this.where = plan.where === undefined ? undefined : compileExpr(plan.where, inputCtx).evaluate
    this.project = plan.items.map((it) => compileExpr(it.expr, inputCtx).evaluate)
    const sortCtx = { scope: columnScope(plan.sortColumns, 'ORDER BY'), functions: deps.functions, onError }
    this.sortKeys = (plan.orderBy ?? []).map((o) => ({
      ev: compileExpr(o.expr, sortCtx).evaluate,
      descending: o.descending,
    }))
    this.sorts = plan.orderBy !== undefined && plan.keyOrdered === undefined
  }

  cancel(): void {
    this.cancelled = true
  }

  /** The result rows (values in `plan.columns` order). */
  async *rows(): AsyncGenerator<PushRow> {
    const limit = this.plan.limit
    if (limit === 0) return
    let emitted = 0
    if (!this.sorts) {
      const partitions = await this.scanPartitions()
      const outputs =
        partitions === undefined ? this.outputs(this.inputRows()) : this.partitionOrdered(partitions)
      for await (const out of outputs) {
        if (this.cancelled) return
        yield { values: out }
        if (limit !== undefined && ++emitted >= limit) return
      }
      return
    }
    const collected: { out: Row; keys: Value[] }[] = []
    for await (const input of this.inputRows()) {
      if (this.cancelled) return
      const out = this.output(input)
      if (out === undefined) continue
      const sortRow = [...out, ...input]
      collected.push({ out, keys: this.sortKeys.map((k) => this.safe(k.ev, sortRow)) })
    }
    collected.sort((a, b) => {
      for (let i = 0; i < this.sortKeys.length; i++) {
        const c = compareValues(a.keys[i] ?? null, b.keys[i] ?? null)
        if (c !== 0) return this.sortKeys[i]?.descending === true ? -c : c
      }
      return 0
    })
    for (const { out } of collected) {
      if (this.cancelled) return
      yield { values: out }
      if (limit !== undefined && ++emitted >= limit) return
    }
  }

  private safe(ev: Evaluator, row: Row): Value {
    try {
      return ev(row)
    } catch (e) {
      this.deps.onError?.((e as Error).message)
      return null
    }
  }

  /** The output rows of these input rows (WHERE, projection). */
  private async *outputs(inputs: AsyncIterable<Row>): AsyncGenerator<Row> {
    for await (const input of inputs) {
      if (this.cancelled) return
      const out = this.output(input)
      if (out !== undefined) yield out
    }
  }

  /** The projected row, or undefined when WHERE rejects the input row (or fails on it). */
  private output(input: Row): Row | undefined {
    if (this.where !== undefined && this.safe(this.where, input) !== true) return undefined
    return this.project.map((ev) => this.safe(ev, input))
  }

  /**
   * The partition count when a table scan (or key range) without ORDER BY reads rows in ksqlDB's
   * order: ksqlDB reads each partition's state store in turn (partitions ascending), each in the
   * order of its serialized keys, so which rows a LIMIT keeps depends on it. Undefined: the store's
   * own key order (a stream, key lookups, ORDER BY, or a table with one partition).
   */
  private async scanPartitions(): Promise<number | undefined> {
    const { plan } = this
    if (plan.sourceKind !== 'TABLE' || plan.orderBy !== undefined || plan.access.kind === 'lookup')
      return undefined
    if (plan.source.schema.key.length === 0) return undefined
    if (!(await this.deps.backend.topicExists(plan.source.topic))) return undefined
    const n = (await this.deps.backend.describeTopic(plan.source.topic)).partitions.length
    return n > 1 ? n : undefined
  }

  /**
   * The table's rows in ksqlDB's scan order over `partitions` partitions: by the partition Kafka's
   * default partitioner gives the serialized (unwindowed) key, then by the serialized key's bytes
   * (RocksDB's order), then window start. Yields output rows (WHERE and projection applied).
   */
  private async *partitionOrdered(partitions: number): AsyncGenerator<Row> {
    const { source } = this.plan
    const keySerde = createSerde(source.keyFormat, source.schema.key, {
      ...keyOptions(source.keyFeatures.wrapSingle),
      topic: source.topic,
      ...(this.deps.schemaRegistry !== undefined ? { registry: this.deps.schemaRegistry } : {}),
    })
    const empty = new Uint8Array(0)
    const serialized = (key: readonly Value[]): Uint8Array => {
      try {
        return keySerde.serialize(key) ?? empty
      } catch {
        return empty
      }
    }
    const collected: { row: Row; partition: number; bytes: Uint8Array; start: number }[] = []
    for await (const { row, entry } of this.tableEntries()) {
      if (this.cancelled) return
      const out = this.output(row)
      if (out === undefined) continue
      const bytes = serialized(entry.key)
      collected.push({
        row: out,
        partition: bytes.length === 0 ? 0 : partitionForKey(bytes, partitions),
        bytes,
        start: entry.window?.start ?? 0,
      })
    }
    collected.sort((a, b) => a.partition - b.partition || compareBytes(a.bytes, b.bytes) || a.start - b.start)
    for (const c of collected) yield c.row
  }

  private inputRows(): AsyncIterable<Row> {
    return this.plan.sourceKind === 'STREAM' ? this.streamRows() : this.tableRows()
  }

  private async *streamRows(): AsyncGenerator<Row> {
    const { source } = this.plan
    if (!(await this.deps.backend.topicExists(source.topic))) return
    const onError: DecodeErrorHandler = (m, r) => this.deps.onError?.(m, r)
    const decode = sourceRecordDecoder(source, onError, this.deps.schemaRegistry)
    const windowed = source.window !== undefined
    for await (const batch of this.deps.backend.consume(source.topic, { follow: false, reset: 'earliest' })) {
      for (const r of batch.records) {
        if (this.cancelled) return
        const d = decode(r)
        if (d === undefined || d.row === null) continue
        const row: Row = [...d.row, BigInt(d.ts), r.partition, BigInt(r.offset)]
        if (windowed)
          row.push(
            d.window === undefined ? null : BigInt(d.window.start),
            d.window === undefined ? null : BigInt(d.window.end),
          )
        yield row
      }
    }
  }

  private async *tableRows(): AsyncGenerator<Row> {
    for await (const { row } of this.tableEntries()) yield row
  }

  /** The table's rows (as pull query input rows) with the materialized entries they come from. */
  private async *tableEntries(): AsyncGenerator<{ readonly row: Row; readonly entry: MaterializedRow }> {
    const { source, access, keyOrdered } = this.plan
    const m = this.deps.materialization(source)
    const reverse = keyOrdered?.reverse === true
    const windowed = source.window !== undefined
    const toRow = (r: MaterializedRow): Row => {
      const row: Row = [...r.row, BigInt(r.ts), null, null]
      if (windowed)
        row.push(
          r.window === undefined ? null : BigInt(r.window.start),
          r.window === undefined ? null : BigInt(r.window.end),
        )
      return row
    }
    switch (access.kind) {
      case 'lookup': {
        const codec = m.keyCodec
        const keys = access.keys
          .map((k) => ({ k, bytes: codec.encodePrefix(k) }))
          .sort((a, b) => compareBytes(a.bytes, b.bytes))
        if (reverse) keys.reverse()
        for (const { k } of keys) {
          const rows = await m.get(k)
          const ordered = reverse ? [...rows].reverse() : rows
          for (const r of ordered) {
            if (this.cancelled) return
            yield { row: toRow(r), entry: r }
          }
        }
        return
      }
      case 'range': {
        const codec = m.keyCodec
        const prefix = codec.encodePrefix(access.prefix)
        const n = access.prefix.length
        const boundBytes = (v: Value): Uint8Array => codec.encodePrefix([...access.prefix, v])
        // Lower: the prefix (inclusive), or the bound value's bytes; a strict bound skips every
        // key starting with it (the rest of the key columns, the window).
        let from: Uint8Array | undefined = n > 0 ? prefix : undefined
        if (access.lower !== undefined) {
          const b = boundBytes(access.lower.value)
          from = access.lower.inclusive ? b : (prefixUpperBound(b) ?? b)
        }
        let to: Uint8Array | undefined = n > 0 ? prefixUpperBound(prefix) : undefined
        if (access.upper !== undefined) {
          const b = boundBytes(access.upper.value)
          to = access.upper.inclusive ? prefixUpperBound(b) : b
        }
        for await (const r of m.scan({
          ...(from !== undefined ? { from, fromInclusive: true } : {}),
          ...(to !== undefined ? { to, toInclusive: false } : {}),
          reverse,
        })) {
          if (this.cancelled) return
          yield { row: toRow(r), entry: r }
        }
        return
      }
      case 'scan':
        for await (const r of m.scan({ reverse })) {
          if (this.cancelled) return
          yield { row: toRow(r), entry: r }
        }
    }
  }
}
