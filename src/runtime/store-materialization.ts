import type { LevelStateStore } from '../state/level-store.js'
import type { KeyCodec } from '../state/key-codec.js'
import { keyString, prefixUpperBound } from '../state/key-codec.js'
import type { Value } from '../types/values.js'
import type { Materialization, MaterializedRow, ScanOptions } from './materialization.js'

/**
 * Pull queries over a CTAS table read the query's own LevelDB: a state table whose entries are
 * keyed by the table key's order-preserving encoding (`keyCodec`'s bytes as a key string), so key lookups
 * and key ranges are LevelDB range reads in key order, forwards or backwards, with no sort and no
 * topic replay. The table is either a GROUP BY's own groups (each turned into the table's row by
 * `rowOf`) or the rows MaterializeOperator keeps. Pull queries see the last commit (at most the
 * commit interval old; `runUntilIdle` commits before it returns).
 */
export class StoreMaterialization implements Materialization {
  constructor(
    private readonly store: LevelStateStore,
    private readonly rows: { readonly prefix: string },
    readonly keyCodec: KeyCodec,
    /** The table's row from a stored value; undefined when the value stands for no row (HAVING). */
    private readonly rowOf: () => (stored: unknown) => MaterializedRow | undefined,
  ) {}

  async *scan(options: ScanOptions = {}): AsyncGenerator<MaterializedRow> {
    const range: { gte?: string; gt?: string; lte?: string; lt?: string; reverse?: boolean } = {}
    if (options.from !== undefined) {
      if (options.fromInclusive === false) range.gt = keyString(options.from)
      else range.gte = keyString(options.from)
    }
    if (options.to !== undefined) {
      if (options.toInclusive === true) range.lte = keyString(options.to)
      else range.lt = keyString(options.to)
    }
    if (options.reverse === true) range.reverse = true
    const rowOf = this.rowOf()
    for await (const [, stored] of this.store.iterate<unknown>(this.rows, range)) {
      const row = rowOf(stored)
      if (row !== undefined) yield row
    }
  }

  async get(key: readonly Value[]): Promise<readonly MaterializedRow[]> {
    const out: MaterializedRow[] = []
    const rowOf = this.rowOf()
    if (!this.keyCodec.windowed) {
      const hit = this.store.committedValue<unknown>(this.rows, this.keyCodec.encodeString(key))
      const row = hit === undefined ? undefined : rowOf(await hit)
      return row === undefined ? out : [row]
    }
    const prefix = this.keyCodec.encodePrefix(key)
    const upper = prefixUpperBound(prefix)
    for await (const [, stored] of this.store.iterate<unknown>(this.rows, {
      gte: keyString(prefix),
      ...(upper !== undefined ? { lt: keyString(upper) } : {}),
    })) {
      const row = rowOf(stored)
      if (row !== undefined) out.push(row)
    }
    return out
  }
}
