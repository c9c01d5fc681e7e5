import type { Evaluator } from '../../expr/compile.js'
import type { ResolvedUdaf } from '../../functions/aggregate/udaf.js'
import type { Row, Value } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { OperatorContext } from './context.js'

/** One aggregate call: its function and the evaluators of its per-row arguments. */
export interface AggregateCall {
  readonly udaf: ResolvedUdaf
  readonly args: readonly Evaluator[]
}

interface Group {
  readonly key: readonly Value[]
  states: Value[]
}

/** A stable text for a group key (values of the value model), used as a map key. */
export function keyText(values: readonly Value[]): string {
  return JSON.stringify(values, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`
    if (v instanceof Map) return { $map: [...v] }
    if (v instanceof Uint8Array) return { $bytes: [...v] }
    return v
  })
}

/**
 * GROUP BY. Over a stream every row is added to its group; over a table a row's previous
 * version is first retracted from its group (ksqlDB's undo) and a delete only retracts. Each
 * change emits the affected group's new row (group keys, then aggregate results). A row whose
 * group key has a NULL is dropped and logged, as ksqlDB does.
 *
 * State lives in memory here; after a restart the query runner rebuilds it by replaying the
 * source up to the committed offsets (see PersistentQuery.init).
 */
export class AggregateOperator implements Operator {
  private readonly groups = new Map<string, Group>()
  /** Table input: each input key's last row, as group key + argument values. */
  private readonly previous = new Map<string, { group: string; args: Value[][] }>()

  constructor(
    private readonly keys: readonly Evaluator[],
    private readonly calls: readonly AggregateCall[],
    private readonly table: boolean,
    private readonly inputKeyCount: number,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {}

  onChange(c: Change): void {
    if (!this.table) {
      if (c.tombstone) return
      const key = this.groupKey(c)
      if (key === undefined) return
      const args = this.args(c.row)
      const g = this.group(key)
      g.states = g.states.map((s, i) => this.call(i).udaf.add(s, args[i] ?? []))
      this.emit(g, c)
      return
    }
    const inputKey = keyText(c.row.slice(0, this.inputKeyCount))
    const prev = this.previous.get(inputKey)
    if (prev !== undefined) {
      const g = this.groups.get(prev.group)
      if (g !== undefined) {
        g.states = g.states.map((s, i) => {
          const undo = this.call(i).udaf.undo
          return undo === undefined ? s : undo(s, prev.args[i] ?? [])
        })
        this.previous.delete(inputKey)
        this.emit(g, c)
      }
    }
    if (c.tombstone) return
    const key = this.groupKey(c)
    if (key === undefined) return
    const args = this.args(c.row)
    const g = this.group(key)
    g.states = g.states.map((s, i) => this.call(i).udaf.add(s, args[i] ?? []))
    this.previous.set(inputKey, { group: keyText(key), args })
    this.emit(g, c)
  }

  onControl(m: Control): void {
    this.downstream.onControl(m)
  }

  private call(i: number): AggregateCall {
    return this.calls[i] as AggregateCall
  }

  private groupKey(c: Change): Value[] | undefined {
    const key: Value[] = []
    for (const k of this.keys) {
      let v: Value
      try {
        v = k(c.row)
      } catch (e) {
        this.ctx.logError(`Error computing the GROUP BY key: ${(e as Error).message}`, c)
        return undefined
      }
      if (v === null) {
        this.ctx.logError('GROUP BY key is NULL: the record is dropped', c)
        return undefined
      }
      key.push(v)
    }
    return key
  }

  private args(row: Row): Value[][] {
    return this.calls.map((call) =>
      call.args.map((a) => {
        try {
          return a(row)
        } catch (e) {
          this.ctx.logError(
            `Error computing an aggregate argument: ${(e as Error).message}`,
            this.ctx.current,
          )
          return null
        }
      }),
    )
  }

  private group(key: Value[]): Group {
    const text = keyText(key)
    let g = this.groups.get(text)
    if (g === undefined) {
      g = { key, states: this.calls.map((c) => c.udaf.init()) }
      this.groups.set(text, g)
    }
    return g
  }

  private emit(g: Group, c: Change): void {
    const row: Row = [...g.key, ...g.states.map((s, i) => this.call(i).udaf.result(s))]
    this.downstream.onChange({ ...c, row, tombstone: false, nullKey: false })
  }
}
