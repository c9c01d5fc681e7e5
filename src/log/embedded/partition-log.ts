import type { InRecord } from '../topic-backend.js'
import { RecordChunks } from './record-chunks.js'

/**
 * One partition's storage, as the embedded backend sees it. Offsets are assigned by the caller from
 * `nextOffset` and `append` takes them synchronously, so concurrent produces keep call order; records
 * become readable (`endOffset` moves) when they are written, which the log announces via the
 * `onVisible` callback it was built with.
 */
export interface PartitionLog {
  /** The offset the next appended record gets. */
  readonly nextOffset: number
  /** Offset after the last readable record (Kafka's high watermark). */
  readonly endOffset: number
  /** Takes ownership of `records` (offsets `nextOffset`, `nextOffset + 1`, …); resolves when readable. */
  append(records: InRecord[]): Promise<void>
  /** Up to `max` records from `from`, never past `endOffset`; sync when held in memory. */
  read(from: number, max: number): InRecord[] | Promise<InRecord[]>
  /** Removes the records from offset `to` on (see TopicBackend.truncate). */
  truncate(to: number): Promise<void>
  /** Waits for pending writes, then releases files. */
  close(): Promise<void>
}

/** The whole partition in memory: for tests and the QTT runner. */
export class MemoryPartitionLog implements PartitionLog {
  #chunks = new RecordChunks()
  readonly #onVisible: () => void

  constructor(onVisible: () => void) {
    this.#onVisible = onVisible
  }

  get nextOffset(): number {
    return this.#chunks.end
  }

  get endOffset(): number {
    return this.#chunks.end
  }

  append(records: InRecord[]): Promise<void> {
    this.#chunks.append(records)
    this.#onVisible()
    return Promise.resolve()
  }

  read(from: number, max: number): InRecord[] {
    return this.#chunks.read(from, max)
  }

  truncate(to: number): Promise<void> {
    if (to < this.#chunks.end) {
      const kept = this.#chunks.read(this.#chunks.start, to - this.#chunks.start)
      this.#chunks = new RecordChunks(this.#chunks.start)
      this.#chunks.append(kept)
    }
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
