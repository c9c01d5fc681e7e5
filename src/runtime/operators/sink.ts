import { QueryRuntimeError } from '../../errors.js'
import { partitionForKey } from '../../log/murmur2.js'
import type { OutRecord, RecordHeader } from '../../log/topic-backend.js'
import type { SinkStep, StepColumn } from '../../plan/physical/steps.js'
import { createSerde, type RowSerde } from '../../serde/serde.js'
import { encodeWindowedKey } from '../../serde/windowed-key.js'
import type { Column } from '../../types/schema.js'
import type { Value } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'
import { keyOptions, valueOptions } from './source.js'
import { timestampReader } from './timestamps.js'

/**
 * Serializes rows into records for the sink topic and buffers them; the query runner produces
 * the buffer in one call per batch. Input headers are carried to the output, as Kafka Streams does.
 */
export class SinkOperator implements Operator {
  readonly buffer: OutRecord[] = []
  private readonly keySerde: RowSerde
  private readonly valueSerde: RowSerde
  private readonly keyIdx: number[]
  private readonly valueIdx: number[]
  /** Reused arrays the key and value columns are picked into (serializers do not keep them). */
  private readonly keyValues: Value[]
  private readonly valueValues: Value[]
  private readonly readTs: ((row: readonly Value[]) => number | null) | undefined
  /** Windowed sink: whether its windows are sessions (key layout); undefined when not windowed. */
  private readonly session: boolean | undefined
  /**
   * The sink topic's partition count, once known: a windowed key then goes to the partition of
   * its inner key, as Kafka Streams' WindowedStreamPartitioner does (the window is not hashed).
   */
  partitions: number | undefined

  constructor(
    private readonly step: SinkStep,
    columns: readonly StepColumn[],
    private readonly ctx: OperatorContext,
  ) {
    const keyCols: Column[] = []
    const valueCols: Column[] = []
    this.keyIdx = []
    this.valueIdx = []
    columns.forEach((c, i) => {
      if (c.namespace === 'KEY') {
        keyCols.push({ name: c.name, type: c.type, namespace: 'KEY' })
        this.keyIdx.push(i)
      } else if (c.namespace === 'VALUE' && c.headerKey === undefined) {
        valueCols.push({ name: c.name, type: c.type, namespace: 'VALUE' })
        this.valueIdx.push(i)
      }
    })
    this.keyValues = new Array<Value>(this.keyIdx.length).fill(null)
    this.valueValues = new Array<Value>(this.valueIdx.length).fill(null)
    this.session = step.window === undefined ? undefined : step.window.type === 'SESSION'
    const f = step.formats
    const sr = {
      topic: step.topicName,
      ...(ctx.schemaRegistry !== undefined ? { registry: ctx.schemaRegistry } : {}),
    }
    this.keySerde = createSerde(f.keyFormat, keyCols, { ...keyOptions(f.keyFeatures.wrapSingle), ...sr })
    this.valueSerde = createSerde(f.valueFormat, valueCols, {
      ...valueOptions(f.valueFeatures.wrapSingle),
      ...sr,
    })
    if (step.timestampColumn !== undefined) {
      const i = columns.findIndex((c) => c.name === step.timestampColumn)
      const col = columns[i]
      if (col !== undefined) {
        const read = timestampReader(col.type, step.timestampFormat)
        this.readTs = (row) => read(row[i] ?? null)
      }
    }
  }

  onChange(c: Change): void {
    const row = c.row
    let key: Uint8Array | null
    let value: Uint8Array | null
    try {
      key =
        this.keyIdx.length === 0 || c.nullKey
          ? null
          : this.keySerde.serialize(pick(row, this.keyIdx, this.keyValues))
      value = c.tombstone ? null : this.valueSerde.serialize(pick(row, this.valueIdx, this.valueValues))
    } catch (e) {
      // Kafka Streams' record collector fails the task on a serialization error (after ksqlDB's
      // logging serializer has written it to the processing log).
      this.ctx.logError(`Failed to serialize row: ${(e as Error).message}`, c)
      throw new QueryRuntimeError(
        `Unable to serialize record. ProducerRecord(topic=${this.step.topicName}, timestamp=${c.ts}): ${(e as Error).message}`,
        undefined,
        { cause: e },
      )
    }
    let partition: number | undefined
    if (this.session !== undefined && c.window !== undefined && key !== null) {
      if (this.partitions !== undefined) partition = partitionForKey(key, this.partitions)
      key = encodeWindowedKey(key, c.window, this.session)
    }
    let ts = c.ts
    if (this.readTs !== undefined && !c.tombstone) {
      const t = this.readTs(row)
      if (t === null || t < 0) {
        this.ctx.logError(`Failed to extract timestamp from the sink row: ${String(t)}`, c)
        return
      }
      ts = t
    }
    const rec: {
      key: Uint8Array | null
      value: Uint8Array | null
      timestamp: number
      headers: readonly RecordHeader[]
      partition?: number
    } = {
      key,
      value,
      timestamp: ts,
      headers: c.headers,
    }
    if (partition !== undefined) rec.partition = partition
    this.buffer.push(rec)
  }

  onControl(_m: Control): void {}
}

/** `idx.map((i) => row[i] ?? null)`, into `into`. */
function pick(row: readonly Value[], idx: readonly number[], into: Value[]): Value[] {
  for (let k = 0; k < idx.length; k++) into[k] = row[idx[k]!] ?? null
  return into
}
