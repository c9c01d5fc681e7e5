/**
 * Kafka's default partitioner, so records keyed by Eddy land in the partition Kafka's Java producer
 * (and ksqlDB) would pick: `toPositive(murmur2(keyBytes)) % partitions`, over the *serialized* key.
 * Port of `org.apache.kafka.common.utils.Utils.murmur2` (seed 0x9747b28c), 32-bit signed result.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  let h = 0x9747b28c ^ length
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const tail = length & ~3
  // Kafka's `switch (length % 4)` with fall-through, as ifs.
  const rest = length & 3
  if (rest === 3) h ^= data[tail + 2]! << 16
  if (rest >= 2) h ^= data[tail + 1]! << 8
  if (rest >= 1) {
    h ^= data[tail]!
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which fails for MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's default partitioner picks for a non-null serialized key. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return toPositive(murmur2(key)) % partitions
}

/**
 * The partition for records with a null key (and no explicit partition). Kafka's producer (2.4+,
 * KIP-480/794) is *sticky*: it fills a batch on one partition, then moves on. Here a batch is one
 * `produce` call: all its null-key records go to one partition, and each call moves to the next
 * partition round-robin, starting at 0 for a new topic — deterministic, so tests can rely on it.
 */
export class StickyPartitioner {
  #next = 0

  /** The partition for this produce call's null-key records. */
  nextPartition(partitions: number): number {
    const p = this.#next % partitions
    this.#next = (p + 1) % partitions
    return p
  }
}
