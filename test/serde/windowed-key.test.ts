import { describe, expect, it } from 'vitest'
import { decodeWindowedKey, encodeWindowedKey } from '../../src/serde/windowed-key.js'

/** Kafka Streams' layout, written the plain way: inner key, then big-endian int64 bounds. */
function reference(inner: Uint8Array, longs: readonly number[]): Uint8Array {
  const out = new Uint8Array(inner.length + 8 * longs.length)
  out.set(inner)
  const view = new DataView(out.buffer)
  for (const [i, v] of longs.entries()) view.setBigInt64(inner.length + 8 * i, BigInt(v))
  return out
}

describe('windowed keys', () => {
  const inner = new Uint8Array([0x61, 0x62, 0x63])
  const cases: [string, number, number][] = [
    ['zero', 0, 0],
    ['epoch millis', 1_700_000_000_000, 1_700_000_300_000],
    ['negative', -1, 5],
    ['below -2^32', -5_000_000_000, -4_999_999_000],
    ['beyond 2^32', 4_294_967_296, 4_294_967_297],
    ['largest safe integer', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['smallest safe integer', Number.MIN_SAFE_INTEGER, 0],
  ]
  it.each(cases)('a time window (%s) is the key then the start', (_name, start, end) => {
    const bytes = encodeWindowedKey(inner, { start, end }, false)
    expect([...bytes]).toEqual([...reference(inner, [start])])
    expect(decodeWindowedKey(bytes, { type: 'TUMBLING', sizeMs: end - start }).window).toEqual({ start, end })
  })
  it.each(cases)('a session window (%s) is the key, then the end, then the start', (_name, start, end) => {
    const bytes = encodeWindowedKey(inner, { start, end }, true)
    expect([...bytes]).toEqual([...reference(inner, [end, start])])
    expect(decodeWindowedKey(bytes, { type: 'SESSION' }).window).toEqual({ start, end })
  })
  it('a null inner key is only the window', () => {
    expect([...encodeWindowedKey(null, { start: 7, end: 9 }, false)]).toEqual([
      ...reference(new Uint8Array(), [7]),
    ])
  })
})
