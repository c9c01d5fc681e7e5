import type { Evaluator } from '../../expr/compile.js'
import type { Row } from '../../types/values.js'
import type { StateTable } from '../../state/state-store.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'
import { keyText } from './join.js'

/**
 * WHERE: forwards rows whose predicate is TRUE. On a table, a row that does not match becomes a
 * delete of its key (the key may have matched before), as Kafka Streams' KTable#filter does.
 * An evaluation error logs the record and counts as not matching.
 */
export class FilterOperator implements Operator {
  constructor(
    private readonly predicate: Evaluator,
    private readonly table: boolean,
    private readonly keyCount: number,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
    /**
     * Keys whose last row passed (a table filter over a join): a row that does not match deletes
     * its key only when the key's previous row was emitted, as KTableFilter with old values does.
     */
    private readonly emitted?: StateTable<boolean>,
  ) {}

  onChange(c: Change): void {
    if (c.tombstone) {
      // A table delete passes (with old values: only when its key's row was emitted); a stream
      // record with a null value has nothing to filter on.
      const emitted = this.emitted
      if (emitted !== undefined && !emitted.delete(keyText(c.row.slice(0, this.keyCount), c.window))) return
      if (this.table) this.downstream.onChange(c)
      return
    }
    let ok = false
    try {
      ok = this.predicate(c.row) === true
    } catch (e) {
      this.ctx.logError(`Error in WHERE expression: ${(e as Error).message}`, c)
    }
    const emitted = this.emitted
    if (emitted !== undefined) {
      const k = keyText(c.row.slice(0, this.keyCount), c.window)
      if (ok) emitted.set(k, true)
      else if (!emitted.delete(k)) return
    }
    if (ok) this.downstream.onChange(c)
    else if (this.table)
      this.downstream.onChange({ ...c, row: keyOnly(c.row, this.keyCount), tombstone: true })
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}

/** The row with every value column set to null. */
export function keyOnly(row: Row, keyCount: number): Row {
  const out: Row = new Array(row.length).fill(null)
  for (let i = 0; i < keyCount; i++) out[i] = row[i] ?? null
  return out
}
