/**
 * ksqlDB's processing log: records (or rows) a query could not process. Each entry says what went
 * wrong and where (topic/partition/offset); the query keeps running.
 */
export interface ProcessingLogEntry {
  readonly queryId: string
  readonly message: string
  readonly record?: { readonly topic: string; readonly partition: number; readonly offset: number }
  /** Epoch ms when it was logged. */
  readonly time: number
}

export class ProcessingLog {
  readonly entries: ProcessingLogEntry[] = []
  /** Keeps at most this many entries (oldest dropped). */
  readonly capacity: number
  private readonly listeners = new Set<(e: ProcessingLogEntry) => void>()

  constructor(capacity = 10_000) {
    this.capacity = capacity
  }

  log(entry: Omit<ProcessingLogEntry, 'time'>): void {
    const e = { ...entry, time: Date.now() }
    this.entries.push(e)
    if (this.entries.length > this.capacity) this.entries.shift()
    for (const l of this.listeners) l(e)
  }

  subscribe(listener: (e: ProcessingLogEntry) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
