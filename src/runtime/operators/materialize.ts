import type { StepColumn } from '../../plan/physical/steps.js'
import type { LevelStateStore, OutputTable } from '../../state/level-store.js'
import { createKeyCodec, type KeyCodec } from '../../state/key-codec.js'
import type { Value } from '../../types/values.js'
import type { MaterializedRow } from '../materialization.js'
import type { Change, Control, Operator } from '../messages.js'
import { keyText } from './aggregate.js'

/** Hex keeps the key codec's byte order in LevelDB's (utf8 string) key order. */
export function hexKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/**
 * A CTAS query's table as pull queries read it (ksqlDB materializes the table in the query's
 * state store): every change on its way to the sink also upserts or deletes the table's row in a
 * state table keyed by the order-preserving key codec, so pull queries scan LevelDB's sorted keys
 * (src/runtime/store-materialization.ts). Written with the rest of the state at each commit.
 */
export class MaterializeOperator implements Operator {
  readonly keyCodec: KeyCodec
  readonly rows: OutputTable<MaterializedRow>
  private readonly keyCount: number

  constructor(
    columns: readonly StepColumn[],
    windowed: boolean,
    readonly store: LevelStateStore,
    private readonly downstream: Operator,
  ) {
    const key = columns.filter((c) => c.namespace === 'KEY')
    this.keyCount = key.length
    this.keyCodec = createKeyCodec(
      key.map((c) => c.type),
      { windowed },
    )
    const codec = this.keyCodec
    // The key codec runs once per key and commit, not per record.
    this.rows = store.outputTable<MaterializedRow>('materialized', (r) =>
      hexKey(codec.encode(r.key, r.window)),
    )
  }

  onChange(c: Change): void {
    this.downstream.onChange(c)
    const key = c.row.slice(0, this.keyCount) as Value[]
    if (c.nullKey || key.some((v) => v === null)) return
    const w = c.window
    const id = w === undefined ? keyText(key) : `${keyText(key)}@${w.start}`
    const row: MaterializedRow = { key, ...(w !== undefined ? { window: w } : {}), row: c.row, ts: c.ts }
    if (c.tombstone) this.rows.remove(id, row)
    else this.rows.put(id, row)
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}
