/**
 * Operator state (STYLE.md §6: operators declare the state tables they need, the runtime owns
 * them). An operator asks its context's store for named tables in its constructor and then reads
 * and writes them synchronously, record by record; where the data lives is the store's business:
 *
 * - `MemoryStateStore` (transient push queries, engines without a data directory, the QTT runner):
 *   plain Maps.
 * - `LevelStateStore` (src/state/level-store.ts, persistent queries of an engine with a data
 *   directory): a bounded in-memory cache over LevelDB, written behind in one batch per commit
 *   together with the source offsets.
 *
 * A value taken from a table and changed in place must be `set` again: that is how the store
 * learns the key is dirty.
 */
export interface StateTable<V> {
  get(key: string): V | undefined
  has(key: string): boolean
  set(key: string, value: V): this
  delete(key: string): boolean
}

/** A table held in memory as a whole (loaded when the query opens): it can also be iterated. */
export interface LoadedStateTable<V> extends StateTable<V> {
  readonly size: number
  entries(): IterableIterator<[string, V]>
  keys(): IterableIterator<string>
  values(): IterableIterator<V>
  [Symbol.iterator](): IterableIterator<[string, V]>
}

/** One value (an operator's stream time, say). */
export interface StateValue<V> {
  get(): V
  set(value: V): void
}

export interface StateStore {
  /**
   * A keyed table without iteration: with a persistent store, read through a bounded cache, so
   * it may hold more keys than fit in memory (GROUP BY groups, a join's table side).
   */
  table<V>(name: string): StateTable<V>
  /** A table kept entirely in memory, for state that must be scanned (open windows awaiting EMIT FINAL). */
  loadedTable<V>(name: string): LoadedStateTable<V>
  value<V>(name: string, initial: V): StateValue<V>
}

/** State in plain Maps: nothing survives the process. */
export class MemoryStateStore implements StateStore {
  table<V>(_name: string): StateTable<V> {
    return new Map<string, V>()
  }

  loadedTable<V>(_name: string): LoadedStateTable<V> {
    return new Map<string, V>()
  }

  value<V>(_name: string, initial: V): StateValue<V> {
    let v = initial
    return {
      get: () => v,
      set: (next: V) => {
        v = next
      },
    }
  }
}
