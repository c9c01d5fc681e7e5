import type { SourceDef } from '../catalog/source.js'
import type { InRecord, TopicBackend } from '../log/topic-backend.js'
import type { SchemaRegistry } from '../serde/schema-registry.js'
import { createSerde, type RowSerde } from '../serde/serde.js'
import { decodeWindowedKey } from '../serde/windowed-key.js'
import { compareBytes, createKeyCodec, type KeyCodec, prefixUpperBound } from '../state/key-codec.js'
import { type Column, valueBodyColumns } from '../types/schema.js'
import type { Row, Value } from '../types/values.js'
import { keyOptions, valueOptions } from './operators/source.js'
import { timestampReader } from './operators/timestamps.js'

/** One row of a materialized table. */
export interface MaterializedRow {
  readonly key: readonly Value[]
  readonly window?: { readonly start: number; readonly end: number }
  /** The full row: key columns then value columns (header columns included), as the table's schema. */
  readonly row: Row
  /** The row's timestamp (ROWTIME). */
  readonly ts: number
}

export interface ScanOptions {
  /** Lower bound on the encoded key (src/state/key-codec.ts, window suffix included). */
  readonly from?: Uint8Array
  readonly to?: Uint8Array
  /** Default true. */
  readonly fromInclusive?: boolean
  /** Default false. */
  readonly toInclusive?: boolean
  /** Descending key order. */
  readonly reverse?: boolean
}

/**
 * Read access to a table's current state (ksqlDB's Materialization): what pull queries read.
 * Implementations: `TopicMaterialization` (replays the table's topic), and the state store of a
 * CTAS query.
 */
export interface Materialization {
  /** Rows in key order (then window start); bounds inclusive/exclusive on the encoded key. */
  scan(options?: ScanOptions): AsyncIterable<MaterializedRow>
  /** The row of a key; for a windowed table every window of the key, in window order. */
  get(key: readonly Value[]): Promise<readonly MaterializedRow[]>
  /** The codec of the encoded keys `scan` bounds are given in. */
  readonly keyCodec: KeyCodec
}

/** A topic record decoded with a source's serdes: key, window, the full row and its timestamp. */
export interface DecodedRecord {
  readonly key: Value[]
  readonly window?: { readonly start: number; readonly end: number }
  /** Key columns then value columns; null for a tombstone. */
  readonly row: Row | null
  readonly ts: number
  /** The record had no key. */
  readonly nullKey: boolean
}

/** Why a record could not be decoded (its coordinates are in `record`). */
export type DecodeErrorHandler = (message: string, record: InRecord) => void

/**
 * Decodes a source's records as the source operator does (src/runtime/operators/source.ts): key
 * (windowed or not) and value with the source's formats, header columns from the record headers,
 * the TIMESTAMP column as the timestamp. Returns undefined (after `onError`) for a record that
 * cannot be decoded.
 */
export function sourceRecordDecoder(
  source: SourceDef,
  onError: DecodeErrorHandler = () => {},
  /** Where AVRO / PROTOBUF / JSON_SR records find their schemas. */
  registry?: SchemaRegistry,
): (r: InRecord) => DecodedRecord | undefined {
  const { schema } = source
  const body = valueBodyColumns(schema)
  const sr = { topic: source.topic, ...(registry !== undefined ? { registry } : {}) }
  const keySerde: RowSerde = createSerde(source.keyFormat, schema.key, {
    ...keyOptions(source.keyFeatures.wrapSingle),
    ...sr,
  })
  const valueSerde: RowSerde = createSerde(source.valueFormat, body, {
    ...valueOptions(source.valueFeatures.wrapSingle),
    ...sr,
  })
  const keyCount = schema.key.length
  const valueGetters = schema.value.map((c) => valueGetter(c, body))
  let readTs: ((key: readonly Value[], value: readonly Value[]) => number | null) | undefined
  if (source.timestampColumn !== undefined) {
    const name = source.timestampColumn
    const ki = schema.key.findIndex((c) => c.name === name)
    const vi = body.findIndex((c) => c.name === name)
    const col = ki >= 0 ? schema.key[ki] : body[vi]
    if (col !== undefined) {
      const read = timestampReader(col.type, source.timestampFormat)
      readTs = (k, v) => read(ki >= 0 ? (k[ki] ?? null) : (v[vi] ?? null))
    }
  }
  return (r) => {
    let keyBytes = r.key
    let window: { start: number; end: number } | undefined
    let key: Value[]
    try {
      if (source.window !== undefined && keyBytes !== null) {
        const split = decodeWindowedKey(keyBytes, source.window)
        keyBytes = split.inner
        window = { start: split.window.start, end: split.window.end }
      }
      key = keyCount === 0 ? [] : (keySerde.deserialize(keyBytes) ?? schema.key.map(() => null))
    } catch (e) {
      onError(`Failed to deserialize key from topic: ${r.topic}. ${(e as Error).message}`, r)
      return undefined
    }
    let value: Value[] | null
    try {
      value = valueSerde.deserialize(r.value)
    } catch (e) {
      onError(`Failed to deserialize value from topic: ${r.topic}. ${(e as Error).message}`, r)
      return undefined
    }
    let ts = r.timestamp
    if (value !== null && readTs !== undefined) {
      try {
        const t = readTs(key, value)
        if (t === null || t < 0) {
          onError(`Failed to extract timestamp: invalid timestamp ${String(t)}`, r)
          return undefined
        }
        ts = t
      } catch (e) {
        onError(`Failed to extract timestamp: ${(e as Error).message}`, r)
        return undefined
      }
    }
    const v = value
    const row: Row | null = v === null ? null : [...key, ...valueGetters.map((g) => g(v, r))]
    return {
      key,
      ...(window !== undefined ? { window } : {}),
      row,
      ts,
      nullKey: r.key === null,
    }
  }
}

function valueGetter(col: Column, body: readonly Column[]): (value: readonly Value[], r: InRecord) => Value {
  const hk = col.headerKey
  if (hk === null) return (_v, r) => r.headers.map((h) => ({ KEY: h.key, VALUE: h.value }))
  if (hk !== undefined) {
    return (_v, r) => {
      let found: Uint8Array | null = null
      for (const h of r.headers) if (h.key === hk) found = h.value
      return found
    }
  }
  const i = body.findIndex((c) => c.name === col.name)
  return (v) => v[i] ?? null
}

interface Entry {
  readonly bytes: Uint8Array
  readonly row: MaterializedRow
}

/**
 * A table's state rebuilt from its topic: reads every partition from the start to the end offsets
 * seen when `load` runs (consume with follow: false), applies upserts and tombstones (records
 * without a key are ignored, as a KTable source does), and keeps the rows sorted by encoded key.
 * Built on first use; `refresh()` reads the topic again.
 */
export class TopicMaterialization implements Materialization {
  readonly keyCodec: KeyCodec
  private entries: Entry[] | undefined

  constructor(
    private readonly backend: TopicBackend,
    private readonly source: SourceDef,
    private readonly onError?: DecodeErrorHandler,
    private readonly registry?: SchemaRegistry,
  ) {
    this.keyCodec = createKeyCodec(
      source.schema.key.map((c) => c.type),
      { windowed: source.window !== undefined },
    )
  }

  async refresh(): Promise<void> {
    this.entries = await this.load()
  }

  private async state(): Promise<Entry[]> {
    if (this.entries === undefined) this.entries = await this.load()
    return this.entries
  }

  private async load(): Promise<Entry[]> {
    const decode = sourceRecordDecoder(this.source, this.onError, this.registry)
    const byKey = new Map<string, Entry>()
    if (!(await this.backend.topicExists(this.source.topic))) return []
    for await (const batch of this.backend.consume(this.source.topic, { follow: false, reset: 'earliest' })) {
      for (const r of batch.records) {
        if (r.key === null && this.source.schema.key.length > 0) continue
        const d = decode(r)
        if (d === undefined) continue
        let bytes: Uint8Array
        try {
          bytes = this.keyCodec.encode(d.key, d.window)
        } catch (e) {
          this.onError?.(`Failed to materialize key from topic: ${r.topic}. ${(e as Error).message}`, r)
          continue
        }
        const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
        if (d.row === null) byKey.delete(id)
        else {
          byKey.set(id, {
            bytes,
            row: {
              key: d.key,
              ...(d.window !== undefined ? { window: d.window } : {}),
              row: d.row,
              ts: d.ts,
            },
          })
        }
      }
    }
    return [...byKey.values()].sort((a, b) => compareBytes(a.bytes, b.bytes))
  }

  async *scan(options: ScanOptions = {}): AsyncGenerator<MaterializedRow> {
    const entries = await this.state()
    const [lo, hi] = bounds(entries, options)
    if (options.reverse === true) {
      for (let i = hi - 1; i >= lo; i--) yield (entries[i] as Entry).row
    } else {
      for (let i = lo; i < hi; i++) yield (entries[i] as Entry).row
    }
  }

  async get(key: readonly Value[]): Promise<readonly MaterializedRow[]> {
    const prefix = this.keyCodec.encodePrefix(key)
    const upper = prefixUpperBound(prefix)
    const out: MaterializedRow[] = []
    for await (const r of this.scan({ from: prefix, ...(upper !== undefined ? { to: upper } : {}) })) {
      out.push(r)
    }
    return out
  }
}

/** Index range [lo, hi) of the entries within the scan bounds (binary search). */
function bounds(entries: readonly Entry[], options: ScanOptions): [number, number] {
  const lowerBound = (key: Uint8Array, strict: boolean): number => {
    // First index whose bytes are >= key (or > key when strict).
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const c = compareBytes((entries[mid] as Entry).bytes, key)
      if (c < 0 || (strict && c === 0)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const lo = options.from === undefined ? 0 : lowerBound(options.from, options.fromInclusive === false)
  const hi = options.to === undefined ? entries.length : lowerBound(options.to, options.toInclusive === true)
  return [lo, Math.max(lo, hi)]
}
