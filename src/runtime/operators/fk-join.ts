import type { Evaluator } from '../../expr/compile.js'
import type { Row, Value } from '../../types/values.js'
import type { StateTable } from '../../state/state-store.js'
import type { Change, Operator } from '../messages.js'
import { compareKeys } from './aggregate.js'
import type { OperatorContext } from './context.js'
import { joinedChange, keyText, Port } from './join.js'

/** The latest row of one side's key, with its event time. */
interface SideRow {
  readonly key: Value
  readonly row: Row
  readonly ts: number
}

/** A left row's subscription: the right key it joins (null: none). */
interface LeftRow extends SideRow {
  readonly foreignKey: Value
}

/**
 * Foreign-key table-table join (ksqlDB's ForeignKeyTableTableJoin on Kafka Streams' KTable
 * foreign-key join), INNER or LEFT. Left rows are `[leftKey, ...leftValues]`, right rows
 * `[rightKey, ...rightValues]`; each left row joins the right row whose key its foreign-key
 * expression computes. Results are keyed by the left key: `[leftKey, ...leftValues,
 * ...rightValues, ROWTIME]`.
 *
 * As Kafka Streams (subscription / response, resolved synchronously here):
 * - a left insert joins if the right row exists (LEFT: always, with nulls when it does not);
 * - a left update whose foreign key changed re-joins and, when the new key has no right row,
 *   deletes the previous result (INNER) or emits the left row with nulls (LEFT); with the same
 *   key it only emits when the right row exists (LEFT: always);
 * - a left delete (or, INNER, a NULL foreign key) deletes the result;
 * - a right change re-emits every left row subscribed to its key (a right delete deletes INNER
 *   results, LEFT rows lose their right values), in left-key order, at the right record's time.
 * Left-triggered results carry the later of the two rows' times.
 */
export class ForeignKeyJoinOperator {
  readonly left: Operator
  readonly right: Operator

  /** Left table: each left key's row and the foreign key it subscribes to. */
  private readonly leftRows: StateTable<LeftRow>
  /** Right table: each right key's row. */
  private readonly rightRows: StateTable<SideRow>
  /** Subscriptions: per right key, the left keys whose foreign key it is. */
  private readonly subscribers: StateTable<Map<string, Value>>

  constructor(
    private readonly type: 'INNER' | 'LEFT',
    private readonly leftWidth: number,
    private readonly rightWidth: number,
    private readonly foreignKey: Evaluator,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
  ) {
    this.left = new Port(
      (c) => this.onLeft(c),
      (m) => this.downstream.onControl(m),
    )
    this.right = new Port((c) => this.onRight(c), undefined)
    this.leftRows = ctx.state.table('left')
    this.rightRows = ctx.state.table('right')
    this.subscribers = ctx.state.table('subscribers')
  }

  private onLeft(c: Change): void {
    const key = c.row[0] ?? null
    if (key === null) return
    const lk = keyText(key, c.window)
    const old = this.leftRows.get(lk)
    const oldFk = old === undefined ? null : old.foreignKey
    const newFk = c.tombstone ? null : this.extract(c)
    if (!c.tombstone) this.leftRows.set(lk, { key, row: c.row, ts: c.ts, foreignKey: newFk })
    else this.leftRows.delete(lk)
    const fkChanged =
      oldFk === null || newFk === null || keyText(oldFk, undefined) !== keyText(newFk, undefined)
    if (oldFk !== null && fkChanged) this.unsubscribe(oldFk, lk)
    if (newFk !== null) this.subscribe(newFk, lk, key)
    const right = newFk === null ? undefined : this.rightRows.get(keyText(newFk, undefined))
    const ts = right === undefined ? c.ts : Math.max(c.ts, right.ts)

    if (this.type === 'LEFT') {
      if (c.tombstone) {
        if (old !== undefined) this.emit(c, key, undefined, undefined, ts, true)
        return
      }
      this.emit(c, key, c.row, right?.row, ts)
      return
    }
    // INNER
    if (c.tombstone || newFk === null) {
      if (oldFk !== null) {
        const oldRight = this.rightRows.get(keyText(oldFk, undefined))
        this.emit(
          c,
          key,
          undefined,
          undefined,
          oldRight === undefined ? c.ts : Math.max(c.ts, oldRight.ts),
          true,
        )
      }
      return
    }
    if (right !== undefined) this.emit(c, key, c.row, right.row, ts)
    else if (oldFk !== null && fkChanged) this.emit(c, key, undefined, undefined, ts, true)
  }

  private onRight(c: Change): void {
    const key = c.row[0] ?? null
    if (key === null) return
    const rk = keyText(key, c.window)
    if (c.tombstone) this.rightRows.delete(rk)
    else this.rightRows.set(rk, { key, row: c.row, ts: c.ts })
    const subs = this.subscribers.get(rk)
    if (subs === undefined) return
    const ordered = [...subs].sort(([, a], [, b]) => compareKeys([a], [b]))
    for (const [lk, leftKey] of ordered) {
      const l = this.leftRows.get(lk)
      if (l === undefined) continue
      if (c.tombstone && this.type === 'INNER') this.emit(c, leftKey, undefined, undefined, c.ts, true)
      else this.emit(c, leftKey, l.row, c.tombstone ? undefined : c.row, c.ts)
    }
  }

  /** The foreign key of a left row; NULL (or an error, logged) subscribes to nothing. */
  private extract(c: Change): Value {
    try {
      return this.foreignKey(c.row)
    } catch (e) {
      this.ctx.logError(`Error computing the foreign key: ${(e as Error).message}`, c)
      return null
    }
  }

  private subscribe(fk: Value, lk: string, leftKey: Value): void {
    const rk = keyText(fk, undefined)
    const subs = this.subscribers.get(rk) ?? new Map<string, Value>()
    subs.set(lk, leftKey)
    this.subscribers.set(rk, subs)
  }

  private unsubscribe(fk: Value, lk: string): void {
    const rk = keyText(fk, undefined)
    const subs = this.subscribers.get(rk)
    if (subs === undefined) return
    subs.delete(lk)
    if (subs.size === 0) this.subscribers.delete(rk)
    else this.subscribers.set(rk, subs)
  }

  /** Emits a joined row keyed by the left key (the right side may be missing). */
  private emit(
    proto: Change,
    key: Value,
    leftRow: Row | undefined,
    rightRow: Row | undefined,
    ts: number,
    tombstone = false,
  ): void {
    this.downstream.onChange(
      joinedChange(proto, key, leftRow, rightRow, ts, tombstone, this.leftWidth, this.rightWidth, undefined),
    )
  }
}
