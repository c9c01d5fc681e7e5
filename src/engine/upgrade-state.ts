import { Level } from 'level'
import type { SinkStep } from '../plan/physical/steps.js'
import { buildPersistent } from '../runtime/build.js'
import type { OperatorContext } from '../runtime/operators/context.js'
import { LevelStateStore } from '../state/level-store.js'
import type { LoadedStateTable, StateStore, StateTable, StateValue } from '../state/state-store.js'

/**
 * State handed from a replaced query to its upgrade (CREATE OR REPLACE ... AS SELECT). Operators
 * declare their state tables by name in their constructors, in an order the plan fixes; an
 * upgrade keeps the steps that own lasting state (aggregations, sinks) and may add, drop or change
 * passive ones (filters, projections). The new plan's k-th declaration of a (kind, name) takes
 * over the old plan's k-th declaration of that (kind, name); the rest start empty or are dropped.
 *
 * A passive step's state starts empty: a table filter's record of the keys it emitted (build.ts)
 * is not taken over, so a row emitted before the upgrade that fails the new filter is not
 * deleted, as in ksqlDB (https://github.com/confluentinc/ksql/issues/6493).
 */

/** State tables of passive steps (the table filters' `emitted` sets, see buildChain in build.ts). */
const PASSIVE_STATE: ReadonlySet<string> = new Set(['emitted', 'emitted-source'])

export type DeclarationKind = 'table' | 'loaded' | 'value' | 'output'

export interface Declaration {
  readonly kind: DeclarationKind
  readonly name: string
}

/** For each declaration of `next`, the index of the `previous` declaration it takes over, if any. */
export function pairDeclarations(
  previous: readonly Declaration[],
  next: readonly Declaration[],
): (number | undefined)[] {
  const queues = new Map<string, number[]>()
  previous.forEach((d, i) => {
    const k = `${d.kind}\u0000${d.name}`
    const q = queues.get(k)
    if (q === undefined) queues.set(k, [i])
    else q.push(i)
  })
  return next.map((d) =>
    PASSIVE_STATE.has(d.name) ? undefined : queues.get(`${d.kind}\u0000${d.name}`)?.shift(),
  )
}

/**
 * A persistent query's in-memory state (an engine without a data directory): the Maps operators
 * declare are remembered, so that an upgrade of the query can take them over.
 */
export class RetainedMemoryStore implements StateStore {
  private readonly declared: { readonly decl: Declaration; readonly holder: unknown }[] = []
  private readonly inherited = new Map<string, unknown[]>()

  /** `previous`: the store of the query this one replaces. */
  constructor(previous?: RetainedMemoryStore) {
    for (const { decl, holder } of previous?.declared ?? []) {
      if (PASSIVE_STATE.has(decl.name)) continue
      const k = `${decl.kind}\u0000${decl.name}`
      const q = this.inherited.get(k)
      if (q === undefined) this.inherited.set(k, [holder])
      else q.push(holder)
    }
  }

  private declare<H>(kind: DeclarationKind, name: string, fresh: () => H): H {
    const holder = (this.inherited.get(`${kind}\u0000${name}`)?.shift() as H | undefined) ?? fresh()
    this.declared.push({ decl: { kind, name }, holder })
    return holder
  }

  table<V>(name: string): StateTable<V> {
    return this.declare('table', name, () => new Map<string, V>())
  }

  loadedTable<V>(name: string): LoadedStateTable<V> {
    return this.declare('loaded', name, () => new Map<string, V>())
  }

  value<V>(name: string, initial: V): StateValue<V> {
    const cell = this.declare('value', name, () => ({ v: initial }))
    return {
      get: () => cell.v,
      set: (next: V) => {
        cell.v = next
      },
    }
  }
}

/**
 * The state declarations a plan makes on a LevelStateStore, in order (the store numbers its
 * tables in declaration order): the plan is built against a store that is never opened.
 */
export function levelDeclarations(plan: SinkStep, ctx: OperatorContext, probeDir: string): Declaration[] {
  const store = LevelStateStore.create(probeDir)
  const out: Declaration[] = []
  const table = store.table.bind(store)
  const loadedTable = store.loadedTable.bind(store)
  const outputTable = store.outputTable.bind(store)
  // `value` declares a loaded table (recorded through the override below).
  store.table = <V>(name: string): StateTable<V> => {
    out.push({ kind: 'table', name })
    return table<V>(name)
  }
  store.loadedTable = <V>(name: string): LoadedStateTable<V> => {
    out.push({ kind: 'loaded', name })
    return loadedTable<V>(name)
  }
  store.outputTable = <V>(name: string, keyOf: (value: V) => string, stored?: (value: V) => unknown) => {
    out.push({ kind: 'output', name })
    return outputTable<V>(name, keyOf, stored)
  }
  buildPersistent(plan, { ...ctx, state: store, current: { topic: '', partition: 0, offset: 0 } })
  return out
}

/**
 * Moves a replaced query's LevelDB state (`dir`, closed) to where the upgrade's operators will
 * look for it. LevelStateStore keys an entry `<declaration index>:<name>\0<key>`; an entry whose
 * table the new plan takes over at another index is renamed, one no table takes over is deleted.
 * The commit record (offsets, sink ends) stays. One atomic batch.
 */
export async function migrateLevelState(
  dir: string,
  previous: readonly Declaration[],
  next: readonly Declaration[],
): Promise<void> {
  const prefix = (i: number, d: Declaration) => `${i}:${d.name}\u0000`
  const moves = new Map<string, string | undefined>(previous.map((d, i) => [prefix(i, d), undefined]))
  pairDeclarations(previous, next).forEach((from, j) => {
    if (from !== undefined) moves.set(prefix(from, previous[from]!), prefix(j, next[j]!))
  })
  if ([...moves].every(([a, b]) => a === b)) return
  const db = new Level<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  await db.open()
  try {
    const dels: string[] = []
    const puts: [string, string][] = []
    for await (const [k, v] of db.iterator()) {
      const end = k.indexOf('\u0000')
      if (end < 0 || !/^\d+:/.test(k)) continue
      const from = k.slice(0, end + 1)
      if (!moves.has(from)) {
        dels.push(k)
        continue
      }
      const to = moves.get(from)
      if (to === from) continue
      dels.push(k)
      if (to !== undefined) puts.push([to + k.slice(from.length), v])
    }
    const batch = db.batch()
    for (const k of dels) batch.del(k)
    for (const [k, v] of puts) batch.put(k, v)
    await batch.write()
  } finally {
    await db.close()
  }
}
