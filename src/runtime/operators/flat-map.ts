import type { Value } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'

export type TableFunctionEvaluator = (row: readonly Value[]) => readonly Value[] | null

/**
 * Table functions (EXPLODE ...): each input row becomes as many rows as the longest function
 * result; shorter results are padded with null. Function results are appended to the row.
 */
export class FlatMapOperator implements Operator {
  constructor(
    private readonly functions: readonly TableFunctionEvaluator[],
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {}

  onChange(c: Change): void {
    const results: (readonly Value[])[] = []
    let max = 0
    for (const f of this.functions) {
      let r: readonly Value[] | null = null
      try {
        r = f(c.row)
      } catch (e) {
        this.ctx.logError(`Error in table function: ${(e as Error).message}`, c)
        return
      }
      const arr = r ?? []
      results.push(arr)
      if (arr.length > max) max = arr.length
    }
    for (let i = 0; i < max; i++) {
      const row = c.row.slice()
      for (const r of results) row.push(i < r.length ? (r[i] as Value) : null)
      this.downstream.onChange({ ...c, row })
    }
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }
}
