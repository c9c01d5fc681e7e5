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
  const n = inner === null ? 0 : inner.length
  // A Buffer: small ones come from Node's pool, without an ArrayBuffer each.
  const out = Buffer.allocUnsafe(n + (session ? 16 : 8))
  if (inner !== null) out.set(inner, 0)
  if (session) {
    writeInt64(out, n, window.end)
    writeInt64(out, n + 8, window.start)
  } else {
    writeInt64(out, n, window.start)
  }
  return out
}

/** A big-endian int64 of an epoch-ms number (safe integers without a BigInt; others through one). */
function writeInt64(out: Buffer, at: number, v: number): void {
  if (!Number.isSafeInteger(v)) {
    out.writeBigInt64BE(BigInt(v), at)
    return
  }
  const hi = Math.floor(v / 4294967296)
  out.writeInt32BE(hi, at)
  out.writeUInt32BE(v - hi * 4294967296, at + 4)
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
