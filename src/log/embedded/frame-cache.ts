import type { InRecord } from '../topic-backend.js'
import { decodeFrame } from './record-codec.js'

/**
 * The recent tail of an on-disk partition kept in memory as its encoded frames (the buffers that
 * are written to the segment file), covering offsets `[start, end)`. Consumers that keep up read
 * from here instead of the file; decoding a frame is cheap (keys and values are views into it).
 *
 * Holding frames rather than decoded records keeps the cache to a few large buffers: the garbage
 * collector has almost nothing to trace or promote, however many records the tail holds.
 */
export class FrameCache {
  #frames: Buffer[] = []
  #firsts: number[] = []
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

  /** Adds a frame holding offsets `[first, end)`; `first` must be the current `end`. */
  append(frame: Buffer, first: number, end: number): void {
    if (this.#frames.length === 0) this.#start = first
    this.#frames.push(frame)
    this.#firsts.push(first)
    this.#end = end
  }

  /** Drops whole frames from the front while at least `keep` records would remain (the last frame stays). */
  trim(keep: number): void {
    const firsts = this.#firsts
    let drop = 0
    while (drop + 1 < firsts.length && this.#end - firsts[drop + 1]! >= keep) drop++
    if (drop === 0) return
    this.#frames.splice(0, drop)
    firsts.splice(0, drop)
    this.#start = firsts[0]!
  }

  /** Up to `max` records from offset `from` (which must be in `[start, end]`). */
  read(topic: string, partition: number, from: number, max: number): InRecord[] {
    const out: InRecord[] = []
    const to = Math.min(this.#end, from + max)
    if (from >= to) return out
    const frames = this.#frames
    let want = from
    for (let i = this.#frameOf(from); i < frames.length && want < to; i++) {
      want += decodeFrame(frames[i]!, 0, topic, partition, want, to - want, out)
    }
    return out
  }

  #frameOf(offset: number): number {
    const firsts = this.#firsts
    let lo = 0
    let hi = firsts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (firsts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}
