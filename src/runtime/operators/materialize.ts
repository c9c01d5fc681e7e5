import type { StepColumn } from '../../plan/physical/steps.js'
import type { LevelStateStore, OutputTable } from '../../state/level-store.js'
import { createKeyCodec, type KeyCodec } from '../../state/key-codec.js'
import type { Row, Value } from '../../types/values.js'
import type { MaterializedRow } from '../materialization.js'
import type { Change, Control, Operator } from '../messages.js'
import { keyText } from './aggregate.js'

/**
 * A CTAS query's table as pull queries read it (ksqlDB materializes the table in the query's
 * state store): every change on its way to the sink also upserts or deletes the table's row in a
 * state table keyed by the order-preserving key codec, so pull queries scan LevelDB's sorted keys
 * (src/runtime/store-materialization.ts). Written with the rest of the state at each commit.
 */
/** A materialized row as stored: the row and its time (+ window); the key is the row's first columns. */
export type StoredRow = readonly [Row, number] | readonly [Row, number, number, number]

function storedRow(r: MaterializedRow): StoredRow {
  return r.window === undefined ? [r.row, r.ts] : [r.row, r.ts, r.window.start, r.window.end]
}

/** Back from the stored form. */
export function materializedRow(s: StoredRow, keyCount: number): MaterializedRow {
  const [row, ts, start, end] = s
  const key = row.slice(0, keyCount)
  return start === undefined || end === undefined
    ? { key, row, ts }
    : { key, window: { start, end }, row, ts }
}

export class MaterializeOperator implements Operator {
  readonly keyCodec: KeyCodec
  readonly rows: OutputTable<MaterializedRow>
  readonly keyCount: number

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
    this.rows = store.outputTable<MaterializedRow>(
      'materialized',
      (r) => codec.encodeString(r.key, r.window),
      storedRow,
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
