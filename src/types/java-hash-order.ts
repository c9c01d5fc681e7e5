/**
 * Java's `HashMap` iteration order, for values whose order ksqlDB leaves to a `HashMap` (the
 * JSON deserializer builds a map column with `new HashMap<>(size)`; REDUCE, MAP_KEYS, ... then
 * walk its entry set). Iteration goes bucket by bucket (`hash ^ (hash >>> 16)` masked by the
 * table size) and, within a bucket, in insertion order (resizing keeps that order).
 */

/** `String.hashCode()`: UTF-16 code units, `h = 31 * h + c` in 32-bit arithmetic. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** `HashMap.tableSizeFor`: the least power of two >= n (at least 1). */
function tableSizeFor(n: number): number {
  let cap = 1
  while (cap < n) cap *= 2
  return cap
}

/** The table size of `new HashMap<>(initialCapacity)` after `size` distinct puts. */
export function javaHashMapCapacity(initialCapacity: number, size: number): number {
  if (size === 0) return 0
  let cap = tableSizeFor(initialCapacity)
  let threshold = Math.floor(cap * 0.75)
  for (let n = 1; n <= size; n++) {
    if (n > threshold) {
      cap *= 2
      threshold = Math.floor(cap * 0.75)
    }
  }
  return cap
}

/**
 * The order in which `new HashMap<>(initialCapacity)` filled with `keys` (distinct, in insertion
 * order) iterates them: indices into `keys`. Bins that Java would turn into trees (8+ colliding
 * keys in a table of 64+) keep insertion order here.
 */
export function javaHashMapOrder(keys: readonly string[], initialCapacity = keys.length): number[] {
  const cap = javaHashMapCapacity(initialCapacity, keys.length)
  const bucket = keys.map((k) => {
    const h = javaStringHash(k)
    return (h ^ (h >>> 16)) & (cap - 1)
  })
  const order = keys.map((_, i) => i)
  // Array.prototype.sort is stable: equal buckets stay in insertion order.
  order.sort((a, b) => (bucket[a] as number) - (bucket[b] as number))
  return order
}
