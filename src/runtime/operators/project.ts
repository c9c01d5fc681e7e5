import type { Evaluator } from '../../expr/compile.js'
import type { Row } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'

/**
 * SELECT: computes the output columns. A failing expression logs the record and yields null for
 * that column (ksqlDB's behaviour). A table delete or a stream record with a null value computes
 * only the key columns that depend on nothing but the input key; everything else is null.
 */
export class ProjectOperator implements Operator {
  constructor(
    private readonly evaluators: readonly Evaluator[],
    /** Per output column: computed for a null-value row (a key column that reads only key columns). */
    private readonly onNullValue: readonly boolean[],
    private readonly names: readonly string[],
    /** The key columns are the input's key columns, unchanged (a null key stays null). */
    private readonly keepsKey: boolean,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {}

  onChange(c: Change): void {
    const ev = this.evaluators
    const out: Row = new Array(ev.length)
    const tomb = c.tombstone
    for (let i = 0; i < ev.length; i++) {
      if (tomb && this.onNullValue[i] !== true) {
        out[i] = null
        continue
      }
      try {
        out[i] = (ev[i] as Evaluator)(c.row)
      } catch (e) {
        this.ctx.logError(`Error computing expression ${this.names[i]}: ${(e as Error).message}`, c)
        out[i] = null
      }
    }
    c.row = out
    if (!this.keepsKey) c.nullKey = false
    this.downstream.onChange(c)
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}
