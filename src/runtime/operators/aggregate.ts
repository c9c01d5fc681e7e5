import { QueryRuntimeError } from '../../errors.js'
import type { Evaluator } from '../../expr/compile.js'
import type { ResolvedUdaf } from '../../functions/aggregate/udaf.js'
import type { WindowSpec } from '../../plan/logical/logical-plan.js'
import type { Row, Value } from '../../types/values.js'
import type { Change, Control, Operator } from '../messages.js'
import type { KeyCodec } from '../../state/key-codec.js'
import type { LoadedStateTable, StateTable, StateValue } from '../../state/state-store.js'
import type { OperatorContext } from './context.js'

/** One aggregate call: its function and the evaluators of its per-row arguments. */
export interface AggregateCall {
  readonly udaf: ResolvedUdaf
  readonly args: readonly Evaluator[]
}

/**
 * A group's id, kept on the group itself (a symbol: the state codec stores only string keys), so
 * the record cache keys its entries by one long-lived string instead of each record's copy.
 */
const GROUP_ID = Symbol('group id')

interface Group {
  [GROUP_ID]?: string
  readonly key: readonly Value[]
  states: Value[]
  /** Windowed groups: the window's bounds. */
  start?: number
  end?: number
  /**
   * Groups without a time window: the time of the last change (the row's timestamp, for pull
   * queries reading the group).
   */
  ts?: number
  /**
   * Time windows: the largest event time added, as an offset from the window start (a small
   * integer: writing it into a long-lived group allocates nothing, where an epoch-ms double would).
   */
  dt?: number
}

/** A group's row timestamp: time windows from `dt`, other groups `ts`. */
function groupTime(g: Group): number | undefined {
  return g.dt !== undefined && g.start !== undefined ? g.start + g.dt : g.ts
}

/** What a forwarded row takes from the change that last updated its group. */
type RecordContext = Pick<Change, 'ts' | 'headers' | 'window' | 'topic' | 'partition' | 'offset'>

/** A group's change held in the record cache. */
interface Held {
  g: Group
  ts: number
  headers: Change['headers']
  window: Change['window']
  topic: string
  partition: number
  offset: number
}

function setHeld(held: Held, g: Group, c: Change): void {
  held.g = g
  held.ts = c.ts
  held.headers = c.headers
  held.window = c.window
  held.topic = c.topic
  held.partition = c.partition
  held.offset = c.offset
}

/** A group's output row as the aggregation last emitted it (what pull queries read from its state). */
export interface AggregateRow {
  readonly row: Row
  readonly ts: number
  readonly window?: { readonly start: number; readonly end: number }
}

/** A stable text for a group key (values of the value model), used as a map key. */
export function keyText(values: readonly Value[]): string {
  // The common case (strings, numbers, booleans): the same text without a replacer call per value.
  let plain = true
  for (let i = 0; i < values.length; i++) {
    const t = typeof values[i]
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && values[i] !== null) {
      plain = false
      break
    }
  }
  if (plain) return JSON.stringify(values)
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
 * State is in the query's state store (ctx.state): groups, table input rows and sessions in keyed
 * tables (read through a cache), EMIT FINAL's open windows in loaded tables (it scans them), and
 * the scalars below saved at each barrier and restored before the first record.
 */
export class AggregateOperator implements Operator {
  /** The groups by id (key text, or the key codec's key string when ordered). */
  readonly groups: StateTable<Group>
  /** EMIT FINAL scans its open windows: then `groups` is this loaded table. */
  private readonly loadedGroups: LoadedStateTable<Group> | undefined
  /** Table input: each input key's last row, as group key + argument values. */
  private readonly previous: StateTable<{ group: string; args: Value[][] }>

  /** Session windows per group key, ordered by start. */
  private readonly sessions: StateTable<Group[]>
  private readonly loadedSessions: LoadedStateTable<Group[]> | undefined
  /** The scalars below, as saved at the last barrier. */
  private readonly scalars: StateValue<[number, number | null, number] | undefined>
  private restored = false
  /** The largest event time seen (Kafka Streams' stream time), for the grace period. */
  private streamTime = Number.NEGATIVE_INFINITY
  /**
   * EMIT FINAL (Kafka Streams' emit-on-window-close): the window close time of the last emission
   * (undefined before the first), and the newest window start written to the window store, which
   * bounds what the store still retains (start >= this - retention).
   */
  private lastEmitCloseTime: number | undefined
  private windowStoreTime = Number.NEGATIVE_INFINITY
  /**
   * The record cache (ctx.recordCacheBytes): per group id, the group's latest unforwarded change,
   * least recently updated first. Sizes are estimates: a fixed cost per entry plus its id.
   */
  private readonly cache: Map<string, Held> | undefined
  private cacheBytes = 0
  /** Forwarded cache entries, for reuse. */
  private readonly spare: Held[] = []
  private readonly cacheLimit: number
  private readonly entryBytes: number

  constructor(
    private readonly keys: readonly Evaluator[],
    private readonly calls: readonly AggregateCall[],
    private readonly table: boolean,
    private readonly inputKeyCount: number,
    private readonly downstream: Operator,
    private readonly ctx: OperatorContext,
    private readonly window?: WindowSpec,
    /**
     * Groups are kept under their order-preserving key (this codec's key string, window
     * included) instead of their key text, so the state store holds them in key order and pull
     * queries read the table from this state (`outputOf`). Only for groups without sessions or
     * EMIT FINAL.
     */
    private readonly keyCodec?: KeyCodec,
  ) {
    if (keyCodec !== undefined && (window?.emitFinal === true || window?.type === 'SESSION')) {
      throw new Error('Ordered group ids are for EMIT CHANGES time windows or no window')
    }
    // EMIT FINAL holds rows back itself; sessions forward their merges at once.
    this.cacheLimit = ctx.recordCacheBytes ?? 0
    this.cache = this.cacheLimit > 0 && window?.emitFinal !== true ? new Map() : undefined
    // About what Kafka Streams counts per cache entry: key and value bytes plus the record context.
    this.entryBytes = 64 + 16 * calls.length
    const state = ctx.state
    if (window?.emitFinal === true) {
      this.loadedGroups = state.loadedTable<Group>('groups')
      this.groups = this.loadedGroups
      this.loadedSessions = state.loadedTable<Group[]>('sessions')
      this.sessions = this.loadedSessions
    } else {
      this.groups = state.table<Group>('groups')
      this.sessions = state.table<Group[]>('sessions')
    }
    this.previous = state.table('previous')
    this.scalars = state.value('times', undefined)
  }

  /** Restores the stream time and EMIT FINAL's progress saved by an earlier run (once, before the first record). */
  private restore(): void {
    this.restored = true
    const saved = this.scalars.get()
    if (saved === undefined) return
    this.streamTime = saved[0]
    this.lastEmitCloseTime = saved[1] ?? undefined
    this.windowStoreTime = saved[2]
  }

  onChange(c: Change): void {
    if (!this.restored) this.restore()
    if (this.window !== undefined) {
      this.onWindowed(c, this.window)
      return
    }
    if (!this.table) {
      if (c.tombstone) return
      const key = this.groupKey(c)
      if (key === undefined) return
      const args = this.args(c.row)
      const id = this.groupId(key)
      const g = this.group(key, id)
      this.addTo(g, args)
      this.groups.set(id, g)
      this.emit(g, c, id)
      return
    }
    const inputKey = keyText(c.row.slice(0, this.inputKeyCount))
    const prev = this.previous.get(inputKey)
    // An update that stays in its group retracts and adds in one step: one row out, as ksqlDB.
    const newKey = c.tombstone ? undefined : this.groupKeyQuiet(c)
    if (prev !== undefined && newKey !== undefined && this.groupId(newKey) === prev.group) {
      const g = this.groups.get(prev.group)
      if (g !== undefined) {
        const args = this.args(c.row)
        g.states = g.states.map((s, i) => {
          const call = this.call(i)
          const undone = call.udaf.undo === undefined ? s : this.apply(i, 'undo', s, prev.args[i] ?? [])
          return this.apply(i, 'add', undone, args[i] ?? [])
        })
        this.groups.set(prev.group, g)
        this.previous.set(inputKey, { group: prev.group, args })
        this.emit(g, c, prev.group)
        return
      }
    }
    if (prev !== undefined) {
      const g = this.groups.get(prev.group)
      if (g !== undefined) {
        g.states = g.states.map((s, i) => {
          return this.call(i).udaf.undo === undefined ? s : this.apply(i, 'undo', s, prev.args[i] ?? [])
        })
        this.groups.set(prev.group, g)
        this.previous.delete(inputKey)
        this.emit(g, c, prev.group)
      }
    }
    if (c.tombstone) return
    const key = this.groupKey(c)
    if (key === undefined) return
    const args = this.args(c.row)
    const id = this.groupId(key)
    const g = this.group(key, id)
    this.addTo(g, args)
    this.groups.set(id, g)
    this.previous.set(inputKey, { group: id, args })
    this.emit(g, c, id)
  }

  /** A group's id in `groups`: the key text, or the key codec's key string (ordered ids). */
  private groupId(key: readonly Value[]): string {
    return this.keyCodec === undefined ? keyText(key) : this.keyCodec.encodeString(key)
  }

  /** A time window's id in `groups`. */
  private windowId(key: readonly Value[], start: number, end: number): string {
    return this.keyCodec === undefined
      ? `${keyText(key)}@${start}`
      : this.keyCodec.encodeString(key, { start, end })
  }

  /** Adds a record's arguments to every aggregate of a group, in place. */
  private addTo(g: Group, args: readonly (readonly Value[])[]): void {
    const states = g.states
    for (let i = 0; i < states.length; i++) states[i] = this.apply(i, 'add', states[i] ?? null, args[i] ?? [])
  }

  onControl(m: Control): void {
    if (m.kind === 'Flush') this.flushCache(0)
    if (m.kind === 'Barrier' && this.restored) {
      this.scalars.set([this.streamTime, this.lastEmitCloseTime ?? null, this.windowStoreTime])
    }
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
    const key = this.groupKey(c)
    if (key === undefined) {
      if (w.emitFinal) this.emitFinal(w, c)
      return
    }
    const args = this.args(c.row)
    if (w.type === 'SESSION') {
      const text = keyText(key)
      const gap = w.gapMs ?? 0
      if (ts + gap + w.graceMs < this.streamTime) {
        this.ctx.logError('Skipping record for expired session window', c)
        if (w.emitFinal) this.emitFinal(w, c)
        return
      }
      const list = this.sessions.get(text) ?? []
      // Closed sessions (end + gap + grace before stream time) no longer merge. Under EMIT FINAL
      // a closed session stays until it is emitted (its end reaches the emission's close time).
      const emittedBefore = this.lastEmitCloseTime ?? Number.NEGATIVE_INFINITY
      const live = list.filter(
        (s) =>
          (s.end ?? 0) + gap + w.graceMs >= this.streamTime || (w.emitFinal && (s.end ?? 0) >= emittedBefore),
      )
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
      states = states.map((st, i) => this.apply(i, 'add', st, args[i] ?? []))
      const merged: Group = { key, states, start, end }
      const rest = live.filter((s) => !overlapping.includes(s))
      rest.push(merged)
      rest.sort((a, b) => (a.start ?? 0) - (b.start ?? 0))
      this.sessions.set(text, rest)
      if (w.emitFinal) this.emitFinal(w, c)
      else this.emit(merged, c)
      return
    }
    const size = w.sizeMs ?? 0
    const advance = w.advanceMs ?? size
    // The windows containing ts (start in (ts - size, ts], start >= 0), oldest first.
    const last = Math.floor(ts / advance) * advance
    let first = last
    while (first - advance > ts - size && first - advance >= 0) first -= advance
    for (let start = first; start <= last && start >= 0; start += advance) {
      const end = start + size
      if (end + w.graceMs <= this.streamTime) {
        this.ctx.logError('Skipping record for expired window', c)
        continue
      }
      const gk = this.windowId(key, start, end)
      let g = this.groups.get(gk)
      if (g === undefined)
        g = {
          [GROUP_ID]: gk,
          key,
          states: this.calls.map((call) => call.udaf.init()),
          start,
          end,
          dt: ts - start,
        }
      const group = g
      this.addTo(group, args)
      const dt = ts - start
      if (group.dt === undefined || dt > group.dt) group.dt = dt
      this.groups.set(gk, group)
      if (start > this.windowStoreTime) this.windowStoreTime = start
      if (!w.emitFinal) this.emit(group, c, gk)
    }
    if (w.emitFinal) this.emitFinal(w, c)
  }

  /**
   * EMIT FINAL, after each record (Kafka Streams' ON_WINDOW_CLOSE strategy as ksqlDB runs it):
   * once the close time (stream time - grace, minus the gap for sessions) moves past the last
   * emission's, the windows that closed since are emitted, ordered by window start (sessions: end)
   * then key. A time window is emitted only while the window store still retains it (its start is
   * at least the newest window start - retention), so a jump in stream time can skip windows, as in
   * ksqlDB. Emitted time windows leave the state; sessions stay, so late records still merge into
   * them (and are then dropped as too late).
   */
  private emitFinal(w: WindowSpec, c: Change): void {
    const last = this.lastEmitCloseTime
    if (w.type === 'SESSION') {
      const closeTime = this.streamTime - w.graceMs - (w.gapMs ?? 0)
      if (last !== undefined && last >= closeTime) return
      const upper = closeTime - 1
      const lower = Math.max(0, last ?? 0)
      if (upper < 0 || upper < lower) return
      const closed: Group[] = []
      for (const list of this.loadedSessions?.values() ?? []) {
        for (const s of list) {
          const end = s.end ?? 0
          if (end >= lower && end <= upper) closed.push(s)
        }
      }
      closed.sort(
        (a, b) => (a.end ?? 0) - (b.end ?? 0) || compareKeys(a.key, b.key) || (a.start ?? 0) - (b.start ?? 0),
      )
      for (const s of closed) this.emitWindow(s, c, s.end ?? c.ts)
      this.lastEmitCloseTime = closeTime
      return
    }
    const size = w.sizeMs ?? 0
    const advance = w.advanceMs ?? size
    const closeTime = this.streamTime - w.graceMs
    if (last !== undefined && last >= closeTime) return
    const upper = closeTime - size
    if (upper < 0) return
    const lower = last === undefined ? 0 : Math.max(0, last - size) + 1
    if (
      last !== undefined &&
      sameStarts(windowStarts(upper, size, advance), windowStarts(lower - 1, size, advance))
    )
      return
    const retained = this.windowStoreTime - (w.retentionMs ?? size + w.graceMs)
    const from = Math.max(lower, retained)
    const closed: [string, Group][] = []
    for (const [k, g] of this.loadedGroups ?? []) {
      const start = g.start ?? 0
      if (start < retained) this.groups.delete(k)
      else if (start >= from && start <= upper) closed.push([k, g])
    }
    closed.sort(([, a], [, b]) => (a.start ?? 0) - (b.start ?? 0) || compareKeys(a.key, b.key))
    for (const [k, g] of closed) {
      this.groups.delete(k)
      this.emitWindow(g, c, groupTime(g) ?? c.ts)
    }
    this.lastEmitCloseTime = closeTime
  }

  /** EMIT FINAL: one window's final row, with the given timestamp. */
  private emitWindow(g: Group, c: Change, ts: number): void {
    const row: Row = [...g.key, ...g.states.map((s, i) => this.call(i).udaf.result(s))]
    row.push(BigInt(g.start ?? 0), BigInt(g.end ?? 0))
    this.downstream.onChange({
      ...c,
      row,
      ts,
      tombstone: false,
      nullKey: false,
      window: { start: g.start ?? 0, end: g.end ?? 0 },
    })
  }

  private emitDelete(g: Group, c: Change): void {
    if (this.window?.emitFinal === true) return
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

  /**
   * One aggregate's add or undo. A function that throws (a user UDAF, say) makes the record a bad
   * record (processing log); the group keeps its state and the query goes on. A QueryRuntimeError
   * (DECIMAL SUM's "Numeric field overflow") stops the query, as ksqlDB's aggregator does not catch
   * it: "Exception caught in process", the query in ERROR.
   */
  private apply(i: number, op: 'add' | 'undo', state: Value, args: readonly Value[]): Value {
    const udaf = this.call(i).udaf
    try {
      if (op === 'add') return udaf.add(state, args)
      return udaf.undo === undefined ? state : udaf.undo(state, args)
    } catch (e) {
      if (e instanceof QueryRuntimeError) throw e
      this.ctx.logError(`Error computing an aggregate (${op}): ${(e as Error).message}`, this.ctx.current)
      return state
    }
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

  private group(key: Value[], id: string): Group {
    let g = this.groups.get(id)
    if (g === undefined) {
      g = { [GROUP_ID]: id, key, states: this.calls.map((c) => c.udaf.init()) }
      this.groups.set(id, g)
    }
    return g
  }

  /** A group's row: its key, then each aggregate's result. */
  private resultRow(g: Group): Row {
    const key = g.key
    const states = g.states
    const row: Row = new Array(key.length + states.length)
    for (let i = 0; i < key.length; i++) row[i] = key[i] ?? null
    for (let i = 0; i < states.length; i++) row[key.length + i] = this.call(i).udaf.result(states[i] ?? null)
    return row
  }

  /**
   * The row a group's state stands for, as `emit` sent it downstream last (ordered ids: pull
   * queries read the table from the groups). `stored` is a value of `groups` read from the store.
   */
  outputOf(stored: unknown): AggregateRow {
    const g = stored as Group
    const row = this.resultRow(g)
    if (g.start === undefined || g.end === undefined) return { row, ts: groupTime(g) ?? 0 }
    row.push(BigInt(g.start), BigInt(g.end))
    return { row, ts: groupTime(g) ?? 0, window: { start: g.start, end: g.end } }
  }

  /**
   * A group's new row: forwarded now, or, with a record cache and a group id, held until the next
   * Flush (only the group's latest change is forwarded then, with the time and origin of the last
   * record that changed it), as Kafka Streams' cached aggregation stores do.
   */
  private emit(g: Group, c: Change, id?: string): void {
    // Pull queries reading the group (ordered ids) give the row this timestamp.
    if ((g.start === undefined || g.end === undefined) && this.keyCodec !== undefined) g.ts = c.ts
    const cache = this.cache
    if (cache === undefined || id === undefined) {
      this.forward(g, c)
      return
    }
    let gid = g[GROUP_ID]
    if (gid === undefined) {
      gid = id
      g[GROUP_ID] = id
    }
    const held = cache.get(gid)
    if (held === undefined) {
      this.cacheBytes += this.entryBytes + gid.length
      // Only the record context is kept, not the input row: held changes may live for seconds.
      // Entries are reused once forwarded: they outlive young-generation GCs, so new ones would
      // each become old-generation garbage.
      const entry = this.spare.pop() ?? {
        g,
        ts: 0,
        headers: c.headers,
        window: undefined,
        topic: '',
        partition: 0,
        offset: 0,
      }
      setHeld(entry, g, c)
      cache.set(gid, entry)
      // Full: the least recently updated quarter goes (one pass over the map, not one per record).
      if (this.cacheBytes > this.cacheLimit) this.flushCache(this.cacheLimit * 0.75)
      return
    }
    // The latest change of a key moves to the back (least recently updated leave first).
    cache.delete(gid)
    setHeld(held, g, c)
    cache.set(gid, held)
  }

  /** Forwards held changes, least recently updated first, until the cache's estimate is at most `limit` bytes. */
  private flushCache(limit: number): void {
    const cache = this.cache
    if (cache === undefined) return
    for (const [id, held] of cache) {
      if (this.cacheBytes <= limit) return
      cache.delete(id)
      this.cacheBytes -= this.entryBytes + id.length
      this.forward(held.g, held)
      this.spare.push(held)
    }
    this.cacheBytes = 0
  }

  /** Sends a group's row downstream, with the record context of the change that last updated it. */
  private forward(g: Group, c: RecordContext): void {
    const row = this.resultRow(g)
    const windowed = g.start !== undefined && g.end !== undefined
    if (windowed) row.push(BigInt(g.start ?? 0), BigInt(g.end ?? 0))
    this.downstream.onChange({
      row,
      // A time window's row carries the largest timestamp of its records (Kafka Streams' window aggregation).
      ts: windowed && this.window?.type !== 'SESSION' ? Math.max(groupTime(g) ?? c.ts, c.ts) : c.ts,
      headers: c.headers,
      tombstone: false,
      nullKey: false,
      window: windowed ? { start: g.start ?? 0, end: g.end ?? 0 } : c.window,
      topic: c.topic,
      partition: c.partition,
      offset: c.offset,
    })
  }
}

/** The starts of the windows (size, advance) containing `ts`, as Kafka Streams' TimeWindows.windowsFor. */
function windowStarts(ts: number, size: number, advance: number): number[] {
  const out: number[] = []
  let start = Math.max(0, ts - size + advance)
  start -= start % advance
  for (; start <= ts; start += advance) out.push(start)
  return out
}

function sameStarts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * Orders group keys as a byte-ordered state store does with their serialized form: numbers as
 * big-endian two's complement (non-negative ascending, then negative ascending), strings by code
 * point, other values by their text.
 */
export function compareKeys(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? null
    const y = b[i] ?? null
    const c = compareKeyValue(x, y)
    if (c !== 0) return c
  }
  return a.length - b.length
}

function compareKeyValue(x: Value, y: Value): number {
  if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) {
    const xn = x < 0
    const yn = y < 0
    if (xn !== yn) return xn ? 1 : -1
    return x < y ? -1 : x > y ? 1 : 0
  }
  const xs = typeof x === 'string' ? x : keyText([x])
  const ys = typeof y === 'string' ? y : keyText([y])
  return xs < ys ? -1 : xs > ys ? 1 : 0
}
