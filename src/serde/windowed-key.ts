import type { WindowInfo } from '../catalog/source.js'

/** The bounds of a window, epoch ms: [start, end). */
export interface WindowBounds {
  readonly start: number
  readonly end: number
}

/**
 * Windowed keys in Kafka Streams' layouts, so topics written by Eddy read the same in ksqlDB:
 * a time window (TUMBLING, HOPPING) is the inner key + start (8 bytes, big-endian); a session
 * window is the inner key + end + start.
 */
export function encodeWindowedKey(
  inner: Uint8Array | null,
  window: WindowBounds,
  session: boolean,
): Uint8Array {
  const base = inner ?? new Uint8Array(0)
  const extra = session ? 16 : 8
  const out = new Uint8Array(base.length + extra)
  out.set(base, 0)
  const view = new DataView(out.buffer)
  if (session) {
    view.setBigInt64(base.length, BigInt(window.end))
    view.setBigInt64(base.length + 8, BigInt(window.start))
  } else {
    view.setBigInt64(base.length, BigInt(window.start))
  }
  return out
}

/** Splits a windowed key into its inner key and window (a time window's end is start + size). */
export function decodeWindowedKey(
  bytes: Uint8Array,
  info: WindowInfo,
): { readonly inner: Uint8Array; readonly window: WindowBounds } {
  const session = info.type === 'SESSION'
  const extra = session ? 16 : 8
  if (bytes.length < extra) throw new RangeError(`windowed key too short (${bytes.length} bytes)`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = bytes.length - extra
  const inner = bytes.subarray(0, at)
  if (session) {
    const end = Number(view.getBigInt64(at))
    const start = Number(view.getBigInt64(at + 8))
    return { inner, window: { start, end } }
  }
  const start = Number(view.getBigInt64(at))
  return { inner, window: { start, end: start + (info.sizeMs ?? 0) } }
}
