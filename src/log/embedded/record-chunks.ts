import type { InRecord } from '../topic-backend.js'

/** Appends to the last chunk while it is smaller than this, so one-record produces do not make one chunk each. */
const MERGE_BELOW = 1024

/**
 * Records of one partition held in memory as a list of arrays (one per append, small ones merged),
 * covering offsets `[start, end)`. The whole log in memory mode; the recent tail on disk, where it
 * saves consumers that keep up from reading back and decoding what was just written.
 */
export class RecordChunks {
  #chunks: InRecord[][] = []
  #bases: number[] = []
  #start: number
  #end: number

  constructor(start = 0) {
    this.#start = start
    this.#end = start
  }

  /** First offset held. */
  get start(): number {
    return this.#start
  }

  /** Offset after the last record held. */
  get end(): number {
    return this.#end
  }

  get size(): number {
    return this.#end - this.#start
  }

  /** Takes ownership of `records`, whose offsets must continue from `end`. */
  append(records: InRecord[]): void {
    if (records.length === 0) return
    const last = this.#chunks[this.#chunks.length - 1]
    if (last !== undefined && last.length < MERGE_BELOW) {
      for (let i = 0; i < records.length; i++) last.push(records[i]!)
    } else {
      this.#chunks.push(records)
      this.#bases.push(this.#end)
    }
    this.#end += records.length
  }

  /** Up to `max` records from offset `from` (which must be in `[start, end]`). */
  read(from: number, max: number): InRecord[] {
    const to = Math.min(this.#end, from + max)
    if (from >= to) return []
    let i = this.#chunkOf(from)
    let chunk = this.#chunks[i]!
    let at = from - this.#bases[i]!
    if (to - from <= chunk.length - at) return chunk.slice(at, at + (to - from))
    const out: InRecord[] = []
    let n = to - from
    while (n > 0) {
      const take = Math.min(n, chunk.length - at)
      for (let k = 0; k < take; k++) out.push(chunk[at + k]!)
      n -= take
      i++
      if (n > 0) {
        chunk = this.#chunks[i]!
        at = 0
      }
    }
    return out
  }

  /** Drops whole chunks from the front while at least `keep` records would remain. */
  trim(keep: number): void {
    let drop = 0
    while (drop + 1 < this.#chunks.length && this.#end - this.#bases[drop + 1]! >= keep) drop++
    if (drop === 0) return
    this.#chunks.splice(0, drop)
    this.#bases.splice(0, drop)
    this.#start = this.#bases[0]!
  }

  /** Forgets everything and restarts at `offset`. */
  reset(offset: number): void {
    this.#chunks = []
    this.#bases = []
    this.#start = offset
    this.#end = offset
  }

  #chunkOf(offset: number): number {
    const bases = this.#bases
    let lo = 0
    let hi = bases.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (bases[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}
