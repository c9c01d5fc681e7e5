import { QueryRuntimeError } from '../../errors.js'
import type { InRecord } from '../../log/topic-backend.js'
import type { SourceStep } from '../../plan/physical/steps.js'
import { createSerde, type RowSerde } from '../../serde/serde.js'
import { decodeWindowedKey, type WindowBounds } from '../../serde/windowed-key.js'
import { type Column, HEADERS_TYPE, valueBodyColumns } from '../../types/schema.js'
import type { Row, Value } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'
import { timestampReader } from './timestamps.js'

type Getter = (key: readonly Value[] | null, value: readonly Value[] | null, r: InRecord) => Value

/**
 * Turns topic records into changes: deserializes key and value, reads header columns, sets the
 * event time (record timestamp, or the TIMESTAMP column) and fills the pseudo columns. A record
 * that cannot be deserialized goes to the processing log with its coordinates.
 */
export class SourceOperator {
  private readonly keySerde: RowSerde
  private readonly valueSerde: RowSerde
  private readonly getters: Getter[]
  private readonly isTable: boolean
  private readonly readTs:
    | ((key: readonly Value[] | null, value: readonly Value[] | null) => number | null)
    | undefined
  private readonly keyCount: number

  constructor(
    private readonly step: SourceStep,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {
    const { formats, schema } = step
    const body = valueBodyColumns(schema)
    this.keyCount = schema.key.length
    const sr = {
      topic: step.topicName,
      ...(ctx.schemaRegistry !== undefined ? { registry: ctx.schemaRegistry } : {}),
    }
    this.keySerde = createSerde(formats.keyFormat, schema.key, {
      ...keyOptions(formats.keyFeatures.wrapSingle),
      ...sr,
    })
    this.valueSerde = createSerde(formats.valueFormat, body, {
      ...valueOptions(formats.valueFeatures.wrapSingle),
      ...sr,
    })
    this.isTable = step['@type'] === 'tableSourceV1'
    this.getters = step.columns.map((c) => getterFor(c.name, c.namespace, schema.key, body, schema.value))
    if (step.timestampColumn !== undefined) {
      const name = step.timestampColumn
      const ki = schema.key.findIndex((c) => c.name === name)
      const vi = body.findIndex((c) => c.name === name)
      const col = ki >= 0 ? schema.key[ki] : body[vi]
      if (col !== undefined) {
        const read = timestampReader(col.type, step.timestampFormat)
        this.readTs = (k, v) => read(ki >= 0 ? (k?.[ki] ?? null) : (v?.[vi] ?? null))
      }
    }
  }

  onRecord(r: InRecord): void {
    const cur = this.ctx.current
    cur.topic = r.topic
    cur.partition = r.partition
    cur.offset = r.offset
    let key: Value[] | null
    let value: Value[] | null
    let window: WindowBounds | undefined
    let keyBytes = r.key
    try {
      if (this.step.window !== undefined && keyBytes !== null) {
        const split = decodeWindowedKey(keyBytes, this.step.window)
        keyBytes = split.inner
        window = split.window
      }
      key = this.keyCount === 0 ? null : this.keySerde.deserialize(keyBytes)
    } catch (e) {
      this.ctx.logError(`Failed to deserialize key from topic: ${r.topic}. ${(e as Error).message}`, r)
      return
    }
    try {
      value = this.valueSerde.deserialize(r.value)
    } catch (e) {
      this.ctx.logError(`Failed to deserialize value from topic: ${r.topic}. ${(e as Error).message}`, r)
      return
    }
    const tombstone = value === null
    // Tables ignore records without a key (Kafka Streams' KTable source does the same).
    if (this.isTable && r.key === null && this.keyCount > 0) return
    let ts = r.timestamp
    if (this.readTs !== undefined && !tombstone) {
      let t: number | null
      let problem: string | undefined
      try {
        t = this.readTs(key, value)
        if (t === null || t < 0) problem = `invalid timestamp ${String(t)}`
      } catch (e) {
        t = null
        problem = (e as Error).message
      }
      if (problem !== undefined || t === null) {
        if (this.ctx.throwOnInvalidTimestamp === true) {
          throw new QueryRuntimeError(
            `Fatal user code error in TimestampExtractor callback for record ${r.topic}-${r.partition}@${r.offset}: ${problem ?? ''}`,
            r,
            { topLevel: true },
          )
        }
        this.ctx.logError(`Failed to extract timestamp: ${problem ?? ''}`, r)
        return
      }
      ts = t
    }
    const getters = this.getters
    const row: Row = new Array(getters.length)
    for (let i = 0; i < getters.length; i++) row[i] = (getters[i] as Getter)(key, value, r)
    if (ts !== r.timestamp) setRowtime(row, this.step, ts)
    if (window !== undefined) setWindow(row, this.step, window)
    const c: Change = {
      row,
      ts,
      headers: r.headers,
      tombstone,
      nullKey: r.key === null,
      window,
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
    }
    this.downstream.onChange(c)
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}

function setWindow(row: Row, step: SourceStep, w: WindowBounds): void {
  step.columns.forEach((c, i) => {
    if (c.namespace !== 'PSEUDO') return
    if (c.name === 'WINDOWSTART') row[i] = BigInt(w.start)
    else if (c.name === 'WINDOWEND') row[i] = BigInt(w.end)
  })
}

function setRowtime(row: Row, step: SourceStep, ts: number): void {
  const i = step.columns.findIndex((c) => c.name === 'ROWTIME' && c.namespace === 'PSEUDO')
  if (i >= 0) row[i] = BigInt(ts)
}

export function keyOptions(wrapSingle: boolean | undefined): { isKey: boolean; wrapSingle?: boolean } {
  return wrapSingle === undefined ? { isKey: true } : { isKey: true, wrapSingle }
}
export function valueOptions(wrapSingle: boolean | undefined): { isKey: boolean; wrapSingle?: boolean } {
  return wrapSingle === undefined ? { isKey: false } : { isKey: false, wrapSingle }
}

function getterFor(
  name: string,
  namespace: 'KEY' | 'VALUE' | 'PSEUDO',
  key: readonly Column[],
  body: readonly Column[],
  allValue: readonly Column[],
): Getter {
  if (namespace === 'KEY') {
    const i = key.findIndex((c) => c.name === name)
    return (k) => (k === null ? null : (k[i] ?? null))
  }
  if (namespace === 'PSEUDO') {
    switch (name) {
      case 'ROWTIME':
        return (_k, _v, r) => BigInt(r.timestamp)
      case 'ROWPARTITION':
        return (_k, _v, r) => r.partition
      case 'ROWOFFSET':
        return (_k, _v, r) => BigInt(r.offset)
      default:
        return () => null
    }
  }
  const col = allValue.find((c) => c.name === name)
  if (col?.headerKey !== undefined) {
    const hk = col.headerKey
    if (hk === null) {
      void HEADERS_TYPE
      return (_k, _v, r) => r.headers.map((h) => ({ KEY: h.key, VALUE: h.value }))
    }
    return (_k, _v, r) => {
      let found: Uint8Array | null = null
      for (const h of r.headers) if (h.key === hk) found = h.value
      return found
    }
  }
  const i = body.findIndex((c) => c.name === name)
  return (_k, v) => (v === null ? null : (v[i] ?? null))
}
