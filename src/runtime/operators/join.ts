import { Decimal } from '../../types/decimal.js'
import type { Row, Value } from '../../types/values.js'
import type { LoadedStateTable, StateStore, StateTable, StateValue } from '../../state/state-store.js'
import type { Change, Control, Operator } from '../messages.js'

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'

/**
 * The canonical text of a join key (and its window): equal keys, equal texts. Values follow the
 * value model: bigint, Decimal, bytes, arrays, maps and structs get distinct encodings.
 */
export function keyText(v: Value, window: { start: number; end: number } | undefined): string {
  const k = valueText(v)
  return window === undefined ? k : `${k}@${window.start}:${window.end}`
}

function valueText(v: Value): string {
  if (v === null) return 'n'
  switch (typeof v) {
    case 'string':
      return `s${JSON.stringify(v)}`
    case 'number':
      return `d${v}`
    case 'bigint':
      return `l${v}`
    case 'boolean':
      return v ? 't' : 'f'
  }
  if (v instanceof Decimal) return `m${v.toString()}`
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('base64')}`
  if (Array.isArray(v)) return `[${v.map(valueText).join(',')}]`
  if (v instanceof Map)
    return `{${[...v.entries()].map(([a, b]) => `${valueText(a)}:${valueText(b)}`).join(',')}}`
  const o = v as Record<string, Value>
  return `(${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${valueText(o[k] ?? null)}`)
    .join(',')})`
}

/** One side's entry point into a two-input operator. */
export class Port implements Operator {
  constructor(
    private readonly onData: (c: Change) => void,
    private readonly onCtl: ((m: Control) => void) | undefined,
  ) {}
  onChange(c: Change): void {
    this.onData(c)
  }
  onControl(m: Control): void {
    this.onCtl?.(m)
  }
}

/**
 * Common shape of the join operators: inputs are rows `[key, ...values]` from the left and
 * right sides; outputs are `[key, ...leftValues, ...rightValues, ROWTIME]` with the missing
 * side's values null.
 */
abstract class JoinBase {
  readonly left: Operator
  readonly right: Operator

  constructor(
    protected readonly type: JoinType,
    protected readonly leftWidth: number,
    protected readonly rightWidth: number,
    protected readonly downstream: Operator,
  ) {
    this.left = new Port(
      (c) => this.onSide(c, true),
      (m) => this.control(m),
    )
    this.right = new Port((c) => this.onSide(c, false), undefined)
  }

  protected abstract onSide(c: Change, isLeft: boolean): void

  /** A control message (from the left input: one per barrier). */
  protected control(m: Control): void {
    this.downstream.onControl(m)
  }

  /** Emits a joined row (either side may be missing). */
  protected emit(
    proto: Change,
    key: Value,
    leftRow: Row | undefined,
    rightRow: Row | undefined,
    ts: number,
    tombstone = false,
  ): void {
    this.downstream.onChange(
      joinedChange(
        proto,
        key,
        leftRow,
        rightRow,
        ts,
        tombstone,
        this.leftWidth,
        this.rightWidth,
        proto.window,
      ),
    )
  }
}

/**
 * A join's output change: `[key, ...leftValues, ...rightValues, ROWTIME]`, a missing side's values
 * (or every value, for a delete) null; provenance from `proto`.
 */
export function joinedChange(
  proto: Change,
  key: Value,
  leftRow: Row | undefined,
  rightRow: Row | undefined,
  ts: number,
  tombstone: boolean,
  lw: number,
  rw: number,
  window: Change['window'],
): Change {
  const out: Row = new Array(1 + lw + rw + 1)
  out[0] = key
  for (let i = 0; i < lw; i++)
    out[1 + i] = tombstone || leftRow === undefined ? null : (leftRow[1 + i] ?? null)
  for (let i = 0; i < rw; i++)
    out[1 + lw + i] = tombstone || rightRow === undefined ? null : (rightRow[1 + i] ?? null)
  out[1 + lw + rw] = BigInt(ts)
  return {
    row: out,
    ts,
    headers: proto.headers,
    tombstone,
    nullKey: false,
    window,
    topic: proto.topic,
    partition: proto.partition,
    offset: proto.offset,
  }
}

interface Buffered {
  readonly ts: number
  readonly row: Row
}

interface OuterEntry {
  readonly ts: number
  readonly isLeft: boolean
  readonly keyText: string
  readonly key: Value
  readonly row: Row
  readonly proto: Change
}

/** ksqlDB's default GRACE PERIOD of a join window without one: 24 hours less both sides. */
const LEGACY_GRACE_MS = 24 * 60 * 60 * 1000

/**
 * Stream-stream join (Kafka Streams' KStreamKStreamJoin): each side keeps its records in a window
 * store for before + after + grace; a record joins the other side's records of the same key whose
 * time is within [ts - before, ts + after] (the other way round for right records), at the later
 * of both times. Unmatched rows of an outer side: without a GRACE PERIOD they are emitted at once
 * (ksqlDB's legacy join windows); with one they wait in an outer store until their window closes
 * (no spurious left/outer results) and are emitted then, unless a match arrives first.
 */
export class StreamStreamJoinOperator extends JoinBase {
  /** Each side's window store: in memory as a whole (expiry scans it), bounded by the retention. */
  private readonly stores: [LoadedStateTable<Buffered[]>, LoadedStateTable<Buffered[]>]
  private observed: [number, number] = [-1, -1]
  private streamTime = -1
  private outer: OuterEntry[] = []
  /** The scalars and the outer store, saved at each barrier, restored before the first record. */
  private readonly saved: StateValue<
    { observed: [number, number]; streamTime: number; puts: number; outer: OuterEntry[] } | undefined
  >
  private restored = false
  private readonly retention: number
  private readonly grace: number
  private readonly spuriousFix: boolean
  private puts = 0

  constructor(
    type: JoinType,
    leftWidth: number,
    rightWidth: number,
    private readonly beforeMs: number,
    private readonly afterMs: number,
    graceMs: number | undefined,
    downstream: Operator,
    state: StateStore,
    /** Time windows are re-derived at this size (a repartition through a windowed key format). */
    private readonly windowSizeMs?: number,
  ) {
    super(type, leftWidth, rightWidth, downstream)
    this.stores = [state.loadedTable('left'), state.loadedTable('right')]
    this.saved = state.value('times', undefined)
    this.spuriousFix = graceMs !== undefined
    this.grace = graceMs ?? Math.max(LEGACY_GRACE_MS - 2 * beforeMs, 0)
    this.retention = beforeMs + afterMs + this.grace
  }

  protected override control(m: Control): void {
    if (m.kind === 'Barrier' && this.restored) {
      this.saved.set({
        observed: this.observed,
        streamTime: this.streamTime,
        puts: this.puts,
        outer: this.outer,
      })
    }
    super.control(m)
  }

  private restore(): void {
    this.restored = true
    const s = this.saved.get()
    if (s === undefined) return
    this.observed = s.observed
    this.streamTime = s.streamTime
    this.puts = s.puts
    this.outer = s.outer
  }

  protected onSide(change: Change, isLeft: boolean): void {
    if (!this.restored) this.restore()
    const size = this.windowSizeMs
    const c =
      size === undefined || change.window === undefined
        ? change
        : { ...change, window: { ...change.window, end: change.window.start + size } }
    const key = c.row[0] ?? null
    if (key === null || c.tombstone) return
    const ts = c.ts
    const side = isLeft ? 0 : 1
    const before = isLeft ? this.beforeMs : this.afterMs
    const after = isLeft ? this.afterMs : this.beforeMs
    const timeFrom = Math.max(0, ts - before)
    const timeTo = Math.max(0, ts + after)
    const kt = keyText(key, c.window)
    if (ts > this.streamTime) this.streamTime = ts
    this.put(side, kt, ts, c.row)
    if (this.spuriousFix && ts === this.streamTime) this.emitClosed(after)
    const otherSide = 1 - side
    const other = this.stores[otherSide as 0 | 1].get(kt)
    const lowest = Math.max(timeFrom, this.observed[otherSide as 0 | 1] - this.retention + 1)
    let matched = false
    if (other !== undefined) {
      for (const o of other) {
        if (o.ts < lowest || o.ts > timeTo) continue
        matched = true
        if (this.spuriousFix) this.removeOuter(!isLeft, kt, o.ts)
        const outTs = Math.max(ts, o.ts)
        if (isLeft) this.emit(c, key, c.row, o.row, outTs)
        else this.emit(c, key, o.row, c.row, outTs)
      }
    }
    if (matched || !this.isOuter(isLeft)) return
    if (!this.spuriousFix || timeTo < this.streamTime) {
      if (isLeft) this.emit(c, key, c.row, undefined, ts)
      else this.emit(c, key, undefined, c.row, ts)
      return
    }
    this.insertOuter({ ts, isLeft, keyText: kt, key, row: c.row, proto: c })
  }

  private isOuter(isLeft: boolean): boolean {
    return this.type === 'FULL' || (isLeft ? this.type === 'LEFT' : this.type === 'RIGHT')
  }

  /** The window store put: a record older than the store's retention is not kept. */
  private put(side: 0 | 1, kt: string, ts: number, row: Row): void {
    if (ts > this.observed[side]) this.observed[side] = ts
    const cutoff = this.observed[side] - this.retention
    if (ts <= cutoff) return
    const store = this.stores[side]
    const list = store.get(kt) ?? []
    let i = list.length
    while (i > 0 && (list[i - 1] as Buffered).ts > ts) i--
    list.splice(i, 0, { ts, row })
    store.set(kt, list)
    // Expire old entries now and then.
    if (++this.puts % 1024 === 0) this.expire()
    else if (list.length > 0 && (list[0] as Buffered).ts <= cutoff) {
      while (list.length > 0 && (list[0] as Buffered).ts <= cutoff) list.shift()
    }
  }

  private expire(): void {
    for (const side of [0, 1] as const) {
      const cutoff = this.observed[side] - this.retention
      const store = this.stores[side]
      for (const [k, list] of store) {
        if (list.length > 0 && (list[0] as Buffered).ts > cutoff) continue
        while (list.length > 0 && (list[0] as Buffered).ts <= cutoff) list.shift()
        if (list.length === 0) store.delete(k)
        else store.set(k, list)
      }
    }
  }

  private insertOuter(e: OuterEntry): void {
    const o = this.outer
    let i = o.length
    while (i > 0 && compareOuter(o[i - 1] as OuterEntry, e) > 0) i--
    o.splice(i, 0, e)
  }

  private removeOuter(isLeft: boolean, kt: string, ts: number): void {
    const o = this.outer
    for (let i = 0; i < o.length; i++) {
      const e = o[i] as OuterEntry
      if (e.ts === ts && e.isLeft === isLeft && e.keyText === kt) {
        o.splice(i, 1)
        return
      }
    }
  }

  /** Emits the outer store's rows whose window has closed, oldest first. */
  private emitClosed(after: number): void {
    const o = this.outer
    let n = 0
    while (n < o.length) {
      const e = o[n] as OuterEntry
      if (e.ts + after + this.grace >= this.streamTime) break
      if (e.isLeft) this.emit(e.proto, e.key, e.row, undefined, e.ts)
      else this.emit(e.proto, e.key, undefined, e.row, e.ts)
      n++
    }
    if (n > 0) o.splice(0, n)
  }
}

/** Outer store order: time, then right before left, then key. */
function compareOuter(a: OuterEntry, b: OuterEntry): number {
  if (a.ts !== b.ts) return a.ts - b.ts
  if (a.isLeft !== b.isLeft) return a.isLeft ? 1 : -1
  return a.keyText < b.keyText ? -1 : a.keyText > b.keyText ? 1 : 0
}

/**
 * Stream-table join (KStreamKTableJoin): table changes update the table side's rows (no output);
 * each stream record looks up its key's current row: joined, or (LEFT) padded with nulls.
 */
export class StreamTableJoinOperator extends JoinBase {
  private readonly table: StateTable<Row>

  constructor(
    type: JoinType,
    leftWidth: number,
    rightWidth: number,
    downstream: Operator,
    state: StateStore,
  ) {
    super(type, leftWidth, rightWidth, downstream)
    this.table = state.table('table')
  }

  protected onSide(c: Change, isLeft: boolean): void {
    const key = c.row[0] ?? null
    if (!isLeft) {
      if (key === null) return
      const kt = keyText(key, c.window)
      if (c.tombstone) this.table.delete(kt)
      else this.table.set(kt, c.row)
      return
    }
    if (c.tombstone) return
    if (key === null) {
      if (this.type === 'LEFT') this.emit(c, key, c.row, undefined, c.ts)
      return
    }
    const r = this.table.get(keyText(key, c.window))
    if (r === undefined && this.type !== 'LEFT') return
    this.emit(c, key, c.row, r, c.ts)
  }
}

interface TableRow {
  readonly row: Row
  readonly ts: number
}

/**
 * Table-table join (KTableKTableJoin and its left/outer twins): both sides keep their current
 * row per key; a change on either side re-evaluates the key's joined row and emits it, or a
 * delete when the join no longer has a row for that key.
 */
export class TableTableJoinOperator extends JoinBase {
  private readonly rows: [StateTable<TableRow>, StateTable<TableRow>]

  constructor(
    type: JoinType,
    leftWidth: number,
    rightWidth: number,
    downstream: Operator,
    state: StateStore,
  ) {
    super(type, leftWidth, rightWidth, downstream)
    this.rows = [state.table('left'), state.table('right')]
  }

  protected onSide(c: Change, isLeft: boolean): void {
    const key = c.row[0] ?? null
    if (key === null) return
    const kt = keyText(key, c.window)
    const mine = this.rows[isLeft ? 0 : 1]
    const theirs = this.rows[isLeft ? 1 : 0]
    if (c.tombstone) mine.delete(kt)
    else mine.set(kt, { row: c.row, ts: c.ts })
    const other = theirs.get(kt)
    const self = c.tombstone ? undefined : c.row
    // This side must be kept (outer on this side), or the other side must exist.
    const keepsThis = this.type === 'FULL' || (isLeft ? this.type === 'LEFT' : this.type === 'RIGHT')
    const keepsOther = this.type === 'FULL' || (isLeft ? this.type === 'RIGHT' : this.type === 'LEFT')
    if (other === undefined && !keepsThis) return
    const ts = other === undefined ? c.ts : Math.max(c.ts, other.ts)
    const present = self !== undefined ? other !== undefined || keepsThis : other !== undefined && keepsOther
    if (!present) {
      this.emit(c, key, undefined, undefined, ts, true)
      return
    }
    if (isLeft) this.emit(c, key, self, other?.row, ts)
    else this.emit(c, key, other?.row, self, ts)
  }
}
