/**
 * A deep copy of a value without its `span` keys, so parsed ASTs can be compared by shape with
 * hand-written ones (which have no positions).
 */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'span') out[key] = stripSpans(child)
  }
  return out
}
