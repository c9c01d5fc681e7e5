import type { Evaluator } from '../../expr/compile.js'
import type { ResolvedUdaf } from '../../functions/aggregate/udaf.js'
import type { WindowSpec } from '../../plan/logical/logical-plan.js'
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
  /** Windowed groups: the window's bounds. */
  start?: number
  end?: number
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

  /** Session windows per group key, ordered by start. */
  private readonly sessions = new Map<string, Group[]>()
  /** The largest event time seen (Kafka Streams' stream time), for the grace period. */
  private streamTime = Number.NEGATIVE_INFINITY
  /** EMIT FINAL: the latest row of each open window, emitted once the window closes. */
  private readonly pending = new Map<string, { close: number; change: Change }>()

  constructor(
    private readonly keys: readonly Evaluator[],
    private readonly calls: readonly AggregateCall[],
    private readonly table: boolean,
    private readonly inputKeyCount: number,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
    private readonly window?: WindowSpec,
  ) {}

  onChange(c: Change): void {
    if (this.window !== undefined) {
      this.onWindowed(c, this.window)
      return
    }
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
    // An update that stays in its group retracts and adds in one step: one row out, as ksqlDB.
    const newKey = c.tombstone ? undefined : this.groupKeyQuiet(c)
    if (prev !== undefined && newKey !== undefined && keyText(newKey) === prev.group) {
      const g = this.groups.get(prev.group)
      if (g !== undefined) {
        const args = this.args(c.row)
        g.states = g.states.map((s, i) => {
          const call = this.call(i)
          const undone = call.udaf.undo === undefined ? s : call.udaf.undo(s, prev.args[i] ?? [])
          return call.udaf.add(undone, args[i] ?? [])
        })
        this.previous.set(inputKey, { group: prev.group, args })
        this.emit(g, c)
        return
      }
    }
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

  /**
   * Windowed aggregation of a stream. TUMBLING / HOPPING: the record joins every window that
   * contains its time, unless the window closed (end + grace <= stream time). SESSION: sessions of
   * the key within the gap of the record merge into one; each merged-away session is deleted
   * (a tombstone), then the merged session is emitted.
   */
  private onWindowed(c: Change, w: WindowSpec): void {
    if (c.tombstone) return
    const ts = c.ts
    if (ts > this.streamTime) this.streamTime = ts
    if (w.emitFinal) this.emitClosed()
    const key = this.groupKey(c)
    if (key === undefined) return
    const args = this.args(c.row)
    const text = keyText(key)
    if (w.type === 'SESSION') {
      const gap = w.gapMs ?? 0
      if (ts + gap + w.graceMs < this.streamTime) {
        this.ctx.logError('Skipping record for expired session window', c)
        return
      }
      const list = this.sessions.get(text) ?? []
      // Closed sessions (end + gap + grace before stream time) no longer merge.
      const live = list.filter((s) => (s.end ?? 0) + gap + w.graceMs >= this.streamTime)
      const overlapping = live.filter((s) => (s.end ?? 0) + gap >= ts && (s.start ?? 0) - gap <= ts)
      let states = this.calls.map((call) => call.udaf.init())
      let start = ts
      let end = ts
      for (const s of overlapping) {
        states = states.map((st, i) => this.call(i).udaf.merge(st, s.states[i] ?? null))
        start = Math.min(start, s.start ?? ts)
        end = Math.max(end, s.end ?? ts)
      }
      for (const s of overlapping) this.emitDelete(s, c)
      states = states.map((st, i) => this.call(i).udaf.add(st, args[i] ?? []))
      const merged: Group = { key, states, start, end }
      const rest = live.filter((s) => !overlapping.includes(s))
      rest.push(merged)
      rest.sort((a, b) => (a.start ?? 0) - (b.start ?? 0))
      this.sessions.set(text, rest)
      this.emit(merged, c)
      return
    }
    const size = w.sizeMs ?? 0
    const advance = w.advanceMs ?? size
    const starts: number[] = []
    for (let s = Math.floor(ts / advance) * advance; s > ts - size && s >= 0; s -= advance) starts.push(s)
    starts.reverse()
    for (const start of starts) {
      const end = start + size
      if (end + w.graceMs <= this.streamTime) {
        this.ctx.logError('Skipping record for expired window', c)
        continue
      }
      const gk = `${text}@${start}`
      let g = this.groups.get(gk)
      if (g === undefined) {
        g = { key, states: this.calls.map((call) => call.udaf.init()), start, end }
        this.groups.set(gk, g)
      }
      const group = g
      group.states = group.states.map((s, i) => this.call(i).udaf.add(s, args[i] ?? []))
      this.emit(group, c)
    }
  }

  /** EMIT FINAL: emits the windows that closed (end + grace <= stream time), oldest first. */
  private emitClosed(): void {
    const closed = [...this.pending].filter(([, p]) => p.close <= this.streamTime)
    closed.sort((a, b) => a[1].close - b[1].close)
    for (const [k, p] of closed) {
      this.pending.delete(k)
      this.downstream.onChange(p.change)
    }
  }

  private emitDelete(g: Group, c: Change): void {
    if (this.window?.emitFinal === true) {
      this.pending.delete(`${keyText(g.key)}@${g.start}`)
      return
    }
    const row: Row = [...g.key, ...g.states.map(() => null), g.start ?? null, g.end ?? null].map((v) =>
      typeof v === 'number' ? BigInt(v) : v,
    )
    const ts = g.end ?? c.ts
    this.downstream.onChange({
      ...c,
      row,
      ts,
      tombstone: true,
      nullKey: false,
      window: { start: g.start ?? 0, end: g.end ?? 0 },
    })
  }

  private call(i: number): AggregateCall {
    return this.calls[i] as AggregateCall
  }

  /** The group key, or undefined when it cannot be computed (no logging: groupKey logs later). */
  private groupKeyQuiet(c: Change): Value[] | undefined {
    const key: Value[] = []
    for (const k of this.keys) {
      let v: Value
      try {
        v = k(c.row)
      } catch {
        return undefined
      }
      if (v === null) return undefined
      key.push(v)
    }
    return key
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
    if (g.start === undefined || g.end === undefined) {
      this.downstream.onChange({ ...c, row, tombstone: false, nullKey: false })
      return
    }
    row.push(BigInt(g.start), BigInt(g.end))
    const out: Change = {
      ...c,
      row,
      tombstone: false,
      nullKey: false,
      window: { start: g.start, end: g.end },
    }
    const w = this.window
    if (w?.emitFinal === true) {
      const close = g.end + (w.type === 'SESSION' ? (w.gapMs ?? 0) : 0) + w.graceMs
      this.pending.set(`${keyText(g.key)}@${g.start}`, { close, change: out })
      this.emitClosed()
      return
    }
    this.downstream.onChange(out)
  }
}
