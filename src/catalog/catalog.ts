import type { Type } from '../types/type.js'
import type { SourceDef } from './source.js'

/**
 * The metastore: streams, tables and custom types (ksqlDB's MetaStore). Names are exact: the
 * parser has already upper-cased unquoted identifiers. Entries are immutable values, so a copy of
 * the maps is a full snapshot.
 */
export class Catalog {
  private readonly sourceMap: Map<string, SourceDef>
  private readonly typeMap: Map<string, Type>
  /** Source name → the sources it was created from (CREATE ... AS SELECT): ksqlDB's DROP constraints. */
  private readonly referenceMap: Map<string, readonly string[]>

  constructor(
    sources?: Iterable<[string, SourceDef]>,
    types?: Iterable<[string, Type]>,
    references?: Iterable<[string, readonly string[]]>,
  ) {
    this.sourceMap = new Map(sources)
    this.typeMap = new Map(types)
    this.referenceMap = new Map(references)
  }

  source(name: string): SourceDef | undefined {
    return this.sourceMap.get(name)
  }

  /** Sources in creation order (a replaced source keeps its place). */
  sources(): readonly SourceDef[] {
    return [...this.sourceMap.values()]
  }

  /** Adds or replaces a source. */
  putSource(def: SourceDef): void {
    this.sourceMap.set(def.name, def)
  }

  /** Removes a source and the references it holds. */
  removeSource(name: string): void {
    this.sourceMap.delete(name)
    this.referenceMap.delete(name)
  }

  /**
   * Records that `name` (a CREATE ... AS SELECT sink) reads from `sources`: those cannot be
   * dropped while `name` exists, even after its query is terminated (ksqlDB's addSourceReferences).
   */
  setReferences(name: string, sources: readonly string[]): void {
    const refs = sources.filter((s) => s !== name)
    if (refs.length === 0) this.referenceMap.delete(name)
    else this.referenceMap.set(name, [...new Set(refs)])
  }

  /** The sources `name` was created from (empty for a plain CREATE STREAM/TABLE). */
  referencesFrom(name: string): readonly string[] {
    return this.referenceMap.get(name) ?? []
  }

  /** Sources created from `name`, sorted. */
  referencesTo(name: string): string[] {
    const out: string[] = []
    for (const [sink, sources] of this.referenceMap) if (sources.includes(name)) out.push(sink)
    return out.sort()
  }

  type(name: string): Type | undefined {
    return this.typeMap.get(name)
  }

  putType(name: string, t: Type): void {
    this.typeMap.set(name, t)
  }

  removeType(name: string): void {
    this.typeMap.delete(name)
  }

  /** Custom types in registration order. */
  types(): [string, Type][] {
    return [...this.typeMap]
  }

  /**
   * A name that differs from `name` only by case, for "did you mean" hints (ksqlDB's
   * MetaStore.checkAlternatives).
   */
  sourceNameLike(name: string): string | undefined {
    const upper = name.toUpperCase()
    for (const n of this.sourceMap.keys()) if (n !== name && n.toUpperCase() === upper) return n
    return undefined
  }

  /** A copy for sandbox planning: mutating the copy never touches this one (entries are immutable). */
  clone(): Catalog {
    return new Catalog(this.sourceMap, this.typeMap, this.referenceMap)
  }
}
