/**
 * A deep copy of an AST (or any JSON-like value) without its `span` keys, for comparing trees
 * by shape: `stripSpans(parse(format(ast)))` equals `stripSpans(ast)`.
 */
export function stripSpans<T>(node: T): T {
  return strip(node) as T
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'span') out[key] = strip(child)
  }
  return out
}
