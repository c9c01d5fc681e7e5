import type { LevelStateStore, OutputTable } from '../state/level-store.js'
import type { KeyCodec } from '../state/key-codec.js'
import { prefixUpperBound } from '../state/key-codec.js'
import type { Value } from '../types/values.js'
import type { Materialization, MaterializedRow, ScanOptions } from './materialization.js'
import { hexKey, materializedRow, type StoredRow } from './operators/materialize.js'

/**
 * Pull queries over a CTAS table read the query's own LevelDB (the rows MaterializeOperator
 * keeps): key lookups and key ranges are LevelDB range reads in key order, forwards or backwards,
 * with no sort and no topic replay. They see the last commit (at most the commit interval old;
 * `runUntilIdle` commits before it returns).
 */
export class StoreMaterialization implements Materialization {
  constructor(
    private readonly store: LevelStateStore,
    private readonly rows: OutputTable<MaterializedRow>,
    readonly keyCodec: KeyCodec,
    private readonly keyCount: number,
  ) {}

  async *scan(options: ScanOptions = {}): AsyncGenerator<MaterializedRow> {
    const range: { gte?: string; gt?: string; lte?: string; lt?: string; reverse?: boolean } = {}
    if (options.from !== undefined) {
      if (options.fromInclusive === false) range.gt = hexKey(options.from)
      else range.gte = hexKey(options.from)
    }
    if (options.to !== undefined) {
      if (options.toInclusive === true) range.lte = hexKey(options.to)
      else range.lt = hexKey(options.to)
    }
    if (options.reverse === true) range.reverse = true
    for await (const [, stored] of this.store.iterate<StoredRow>(this.rows, range)) {
      yield materializedRow(stored, this.keyCount)
    }
  }

  async get(key: readonly Value[]): Promise<readonly MaterializedRow[]> {
    const out: MaterializedRow[] = []
    if (!this.keyCodec.windowed) {
      const hit = this.store.committedValue<StoredRow>(this.rows, hexKey(this.keyCodec.encode(key)))
      return hit === undefined ? out : [materializedRow(await hit, this.keyCount)]
    }
    const prefix = this.keyCodec.encodePrefix(key)
    const upper = prefixUpperBound(prefix)
    for await (const [, stored] of this.store.iterate<StoredRow>(this.rows, {
      gte: hexKey(prefix),
      ...(upper !== undefined ? { lt: hexKey(upper) } : {}),
    })) {
      out.push(materializedRow(stored, this.keyCount))
    }
    return out
  }
}
