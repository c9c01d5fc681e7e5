import type { Evaluator } from '../../expr/compile.js'
import type { Row } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'

/**
 * SELECT: computes the output columns. A failing expression logs the record and yields null for
 * that column (ksqlDB's behaviour). A table delete computes only the key columns.
 */
export class ProjectOperator implements Operator {
  constructor(
    private readonly evaluators: readonly Evaluator[],
    private readonly keyCount: number,
    private readonly names: readonly string[],
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {}

  onChange(c: Change): void {
    const ev = this.evaluators
    const n = c.tombstone ? this.keyCount : ev.length
    const out: Row = new Array(ev.length)
    for (let i = 0; i < ev.length; i++) {
      if (i >= n) {
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
    this.downstream.onChange(c)
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}
