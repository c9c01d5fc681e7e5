import { EddyError, type RecordRef } from '../errors.js'

/**
 * The log Eddy reads and writes: Kafka's model cut down to what the engine needs. Topics have a
 * fixed number of partitions; each partition is an append-only sequence of records with dense
 * offsets from 0. Two implementations are meant to satisfy one contract suite
 * (`test/log/topic-backend-contract.ts`): the embedded one (`src/log/embedded/`, on disk or in
 * memory) and a kafkajs one.
 *
 * Throughput rules: produce and consume move *arrays* of records; there is no per-record promise
 * anywhere on the path, so callers should batch too (one `produce` per operator batch, not per row).
 */
export interface TopicBackend {
  /** Creates a topic. Fails with `TOPIC_EXISTS` if it exists, `INVALID` for a bad name or count. */
  createTopic(name: string, options: CreateTopicOptions): Promise<void>
  topicExists(name: string): Promise<boolean>
  /** Topic names, sorted. */
  listTopics(): Promise<readonly string[]>
  /** Partitions with their offset range, replicas and config. Fails with `UNKNOWN_TOPIC`. */
  describeTopic(name: string): Promise<TopicDescription>
  /**
   * Deletes a topic, its records and every group's committed offsets for it. Open consumers of the
   * topic fail with `UNKNOWN_TOPIC`. Fails with `UNKNOWN_TOPIC` if it does not exist.
   */
  deleteTopic(name: string): Promise<void>
  /**
   * Appends records; resolves once they are written (visible to consumers, and on disk they survive
   * the process being killed) with one `RecordRef` per input record, in input order. Partition
   * choice: `record.partition` if given, else Kafka's default partitioner for a key
   * (`partitionForKey`), else the topic's sticky partition for null keys (see `StickyPartitioner`).
   * Records of one call to one partition get consecutive offsets; calls are applied in call order.
   */
  produce(topic: string, records: readonly OutRecord[]): Promise<readonly RecordRef[]>
  /**
   * Reads records as batches, each from one partition, in offset order per partition. With
   * `follow` (the default) the iterable waits for new records until `signal` aborts or the caller
   * breaks out of the loop; then it ends without throwing. Without `follow` it ends once it has
   * read up to the end offsets seen when iteration started.
   */
  consume(topic: string, options?: ConsumeOptions): AsyncIterable<RecordBatch>
  /**
   * Stores a group's committed offsets (Kafka's convention: the offset of the *next* record to
   * read). Later commits overwrite earlier ones per topic-partition; other partitions are kept.
   */
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>
  /** A group's committed offsets, optionally only for one topic; sorted by topic then partition. */
  committedOffsets(group: string, topic?: string): Promise<readonly TopicPartitionOffset[]>
  /**
   * Removes a partition's records from offset `to` on, so the next record produced gets offset
   * `to` (embedded backend only: Kafka cannot; it would use transactions instead). Used to cut
   * the output a query produced after its last commit when it restarts after a crash.
   */
  truncate?(topic: string, partition: number, to: number): Promise<void>
  /** Flushes and releases everything; open consumers end. Other calls then fail with `CLOSED`. */
  close(): Promise<void>
}

/** A record header: order is kept and keys may repeat, as in Kafka. */
export interface RecordHeader {
  readonly key: string
  readonly value: Uint8Array | null
}

/**
 * A record to produce. The backend may keep references to the byte arrays: do not change them
 * after the call.
 */
export interface OutRecord {
  readonly key: Uint8Array | null
  /** `null` is a tombstone. */
  readonly value: Uint8Array | null
  /** Epoch milliseconds (Kafka's CreateTime); defaults to the time of the `produce` call. */
  readonly timestamp?: number
  readonly headers?: readonly RecordHeader[]
  /** An explicit partition overrides the partitioner. */
  readonly partition?: number
}

/** A record read from a topic; `topic`, `partition` and `offset` say where it is. */
export interface InRecord extends RecordRef {
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly timestamp: number
  readonly headers: readonly RecordHeader[]
}

/** Records of one partition with consecutive offsets; never empty. */
export interface RecordBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly InRecord[]
  /** The offset after the last record: what to commit once the batch has been processed. */
  readonly nextOffset: number
}

export interface PartitionOffset {
  readonly partition: number
  readonly offset: number
}

export interface TopicPartitionOffset extends PartitionOffset {
  readonly topic: string
}

/** Where to start a partition that has no (or an out-of-range) start offset: Kafka's auto.offset.reset. */
export type OffsetReset = 'earliest' | 'latest'

export interface ConsumeOptions {
  /** Partitions to read; all by default. */
  readonly partitions?: readonly number[]
  /** Start offsets (next offset to read), e.g. a group's `committedOffsets`. */
  readonly offsets?: readonly PartitionOffset[]
  /** Start of partitions without an offset in `offsets`, or with one out of range; 'earliest' by default. */
  readonly reset?: OffsetReset
  /** Wait for new records (true, the default) or stop at the end offsets seen at the start. */
  readonly follow?: boolean
  /** Ends the iteration (without an error) when aborted. */
  readonly signal?: AbortSignal
  /** Upper bound on records per batch; 10 000 by default. */
  readonly maxBatchRecords?: number
}

export interface CreateTopicOptions {
  readonly partitions: number
  /** Kept and reported only: the embedded backend has one copy. 1 by default. */
  readonly replicas?: number
  /** Topic configs (cleanup.policy, retention.ms, ...), kept and reported as given. */
  readonly config?: Readonly<Record<string, string>>
}

export interface PartitionDescription {
  readonly partition: number
  /** First offset still held (always 0 while there is no retention). */
  readonly startOffset: number
  /** The offset the next record will get (Kafka's high watermark). */
  readonly endOffset: number
}

export interface TopicDescription {
  readonly name: string
  readonly partitions: readonly PartitionDescription[]
  readonly replicas: number
  readonly config: Readonly<Record<string, string>>
}

export type TopicBackendErrorReason = 'UNKNOWN_TOPIC' | 'TOPIC_EXISTS' | 'INVALID' | 'CLOSED' | 'CORRUPT'

/** A failure of the log itself, with a machine-readable `reason`. */
export class TopicBackendError extends EddyError {
  readonly code = 'TOPIC_BACKEND'
  override readonly name = 'TopicBackendError'
  readonly reason: TopicBackendErrorReason

  constructor(reason: TopicBackendErrorReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** Kafka's rule for topic names: 1-249 of [a-zA-Z0-9._-], and not '.' or '..'. */
export function checkTopicName(name: string): void {
  if (
    name.length === 0 ||
    name.length > 249 ||
    name === '.' ||
    name === '..' ||
    !/^[a-zA-Z0-9._-]+$/.test(name)
  ) {
    throw new TopicBackendError(
      'INVALID',
      `Invalid topic name '${name}': 1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'`,
    )
  }
}

/** Kafka's error text for a missing topic, shared by implementations. */
export function unknownTopic(name: string): TopicBackendError {
  return new TopicBackendError('UNKNOWN_TOPIC', `Topic '${name}' does not exist`)
}
