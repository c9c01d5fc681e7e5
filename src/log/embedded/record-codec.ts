import { crc32 } from 'node:zlib'
import type { InRecord, RecordHeader } from '../topic-backend.js'

/**
 * The on-disk form of records: *frames* of consecutive records of one partition, each checked by a
 * CRC32 so a torn write at the end of a segment is detected and cut off on reopen (Kafka's record
 * batch, simplified). Little-endian:
 *
 * ```
 * frame  = length:u32 (whole frame, header included)  crc:u32 (CRC32 of the bytes after it)
 *          magic:u8 (1)  baseOffset:f64  baseTimestamp:f64  count:u32  record{count}
 * record = timestampDelta:zigzag-varint  key:bytes  value:bytes  headerCount:varint
 *          (headerKey:utf8-bytes  headerValue:bytes){headerCount}
 * bytes  = (length + 1):varint, then the bytes; a length varint of 0 is null
 * ```
 */
export const FRAME_HEADER_BYTES = 29
export const FRAME_MAGIC = 1
/** Frames are cut at about this size (one bigger record still gets a frame of its own). */
export const FRAME_TARGET_BYTES = 256 * 1024

/** Largest timestamp magnitude accepted, so that deltas stay exact in a double. */
export const MAX_TIMESTAMP = 2 ** 51

const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([])

function uvarintSize(v: number): number {
  if (v < 0x80) return 1
  if (v < 0x4000) return 2
  if (v < 0x200000) return 3
  if (v < 0x10000000) return 4
  let n = 4
  let x = Math.floor(v / 0x10000000)
  while (x > 0) {
    n++
    x = Math.floor(x / 128)
  }
  return n
}

function writeUvarint(buf: Buffer, pos: number, v: number): number {
  if (v < 0x80) {
    buf[pos] = v
    return pos + 1
  }
  if (v < 0x80000000) {
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    buf[pos] = v
    return pos + 1
  }
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80
    v = Math.floor(v / 128)
  }
  buf[pos] = v
  return pos + 1
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

function bytesSize(b: Uint8Array | null): number {
  return b === null ? 1 : uvarintSize(b.length + 1) + b.length
}

function recordSize(r: InRecord, baseTimestamp: number): number {
  let n = uvarintSize(zigzag(r.timestamp - baseTimestamp)) + bytesSize(r.key) + bytesSize(r.value)
  const headers = r.headers
  n += uvarintSize(headers.length)
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const kl = Buffer.byteLength(h.key)
    n += uvarintSize(kl + 1) + kl + bytesSize(h.value)
  }
  return n
}

function writeBytes(buf: Buffer, pos: number, b: Uint8Array | null): number {
  if (b === null) {
    buf[pos] = 0
    return pos + 1
  }
  const n = b.length
  pos = writeUvarint(buf, pos, n + 1)
  if (n < 48) {
    // A loop beats TypedArray#set's call overhead for the small keys and values that are typical.
    for (let i = 0; i < n; i++) buf[pos + i] = b[i]!
  } else {
    buf.set(b, pos)
  }
  return pos + n
}

/**
 * Encodes `records` (consecutive offsets, one partition) as frames of about `targetBytes` each.
 * Returns one buffer per frame together with its first offset.
 */
export function encodeFrames(
  records: readonly InRecord[],
  targetBytes = FRAME_TARGET_BYTES,
): { readonly frames: Buffer[]; readonly firstOffsets: number[] } {
  const frames: Buffer[] = []
  const firstOffsets: number[] = []
  let start = 0
  while (start < records.length) {
    const first = records[start]!
    const baseTimestamp = first.timestamp
    let size = FRAME_HEADER_BYTES
    let end = start
    while (end < records.length) {
      const s = recordSize(records[end]!, baseTimestamp)
      if (end > start && size + s > targetBytes) break
      size += s
      end++
    }
    const buf = Buffer.allocUnsafe(size)
    buf.writeDoubleLE(first.offset, 9)
    buf.writeDoubleLE(baseTimestamp, 17)
    buf.writeUInt32LE(end - start, 25)
    buf[8] = FRAME_MAGIC
    let pos = FRAME_HEADER_BYTES
    for (let i = start; i < end; i++) {
      const r = records[i]!
      pos = writeUvarint(buf, pos, zigzag(r.timestamp - baseTimestamp))
      pos = writeBytes(buf, pos, r.key)
      pos = writeBytes(buf, pos, r.value)
      const headers = r.headers
      pos = writeUvarint(buf, pos, headers.length)
      for (let j = 0; j < headers.length; j++) {
        const h = headers[j]!
        const kl = Buffer.byteLength(h.key)
        pos = writeUvarint(buf, pos, kl + 1)
        pos += buf.write(h.key, pos, kl, 'utf8')
        pos = writeBytes(buf, pos, h.value)
      }
    }
    buf.writeUInt32LE(size, 0)
    buf.writeUInt32LE(crc32(buf.subarray(8)), 4)
    frames.push(buf)
    firstOffsets.push(first.offset)
    start = end
  }
  return { frames, firstOffsets }
}

/** A frame's header, read without decoding its records. */
export interface FrameHeader {
  readonly length: number
  readonly baseOffset: number
  readonly count: number
}

/**
 * The header of the frame at `pos` if a *whole, valid* frame lies in `buf[pos, end)`: complete,
 * magic right, CRC matching, first offset `expectedOffset` (when given). Otherwise null: that is
 * where a torn or garbage tail starts.
 */
export function checkFrame(
  buf: Buffer,
  pos: number,
  end: number,
  expectedOffset?: number,
): FrameHeader | null {
  if (end - pos < FRAME_HEADER_BYTES) return null
  const length = buf.readUInt32LE(pos)
  if (length < FRAME_HEADER_BYTES || pos + length > end || buf[pos + 8] !== FRAME_MAGIC) return null
  const baseOffset = buf.readDoubleLE(pos + 9)
  if (expectedOffset !== undefined && baseOffset !== expectedOffset) return null
  if (crc32(buf.subarray(pos + 8, pos + length)) !== buf.readUInt32LE(pos + 4)) return null
  return { length, baseOffset, count: buf.readUInt32LE(pos + 25) }
}

/** Length and record count of the frame at `pos` if its header is complete in `buf[pos, end)`. */
export function peekFrame(buf: Buffer, pos: number, end: number): FrameHeader | null {
  if (end - pos < FRAME_HEADER_BYTES) return null
  return {
    length: buf.readUInt32LE(pos),
    baseOffset: buf.readDoubleLE(pos + 9),
    count: buf.readUInt32LE(pos + 25),
  }
}

/**
 * Decodes records of the (already validated) frame at `pos`, skipping those below `from`, pushing
 * at most `max` records to `out`. Keys and values are `Uint8Array` views into `buf` (no copies).
 * Returns the number of records pushed.
 */
export function decodeFrame(
  buf: Buffer,
  pos: number,
  topic: string,
  partition: number,
  from: number,
  max: number,
  out: InRecord[],
): number {
  const baseOffset = buf.readDoubleLE(pos + 9)
  const baseTimestamp = buf.readDoubleLE(pos + 17)
  const count = buf.readUInt32LE(pos + 25)
  let p = pos + FRAME_HEADER_BYTES
  let pushed = 0
  const ab = buf.buffer
  const abOffset = buf.byteOffset

  const uvarint = (): number => {
    let b = buf[p++]!
    if (b < 0x80) return b
    let v = b & 0x7f
    let shift = 7
    for (;;) {
      b = buf[p++]!
      if (shift < 28) {
        v |= (b & 0x7f) << shift
      } else {
        v += (b & 0x7f) * 2 ** shift
      }
      if (b < 0x80) return v
      shift += 7
    }
  }
  const bytes = (): Uint8Array | null => {
    const n = uvarint()
    if (n === 0) return null
    const s = p
    p += n - 1
    // A plain Uint8Array view: cheaper to make than a Buffer (subarray), and no copy.
    return new Uint8Array(ab, abOffset + s, n - 1)
  }

  const skip = Math.min(count, from - baseOffset)
  for (let i = 0; i < skip; i++) {
    // Records below `from`: step over them without making views.
    uvarint()
    let n = uvarint()
    if (n > 0) p += n - 1
    n = uvarint()
    if (n > 0) p += n - 1
    const hc = uvarint()
    for (let j = 0; j < hc; j++) {
      p += uvarint() - 1
      n = uvarint()
      if (n > 0) p += n - 1
    }
  }
  for (let i = skip > 0 ? skip : 0; i < count && pushed < max; i++) {
    const offset = baseOffset + i
    const timestamp = baseTimestamp + unzigzag(uvarint())
    const key = bytes()
    const value = bytes()
    const hc = uvarint()
    let headers = EMPTY_HEADERS
    if (hc > 0) {
      const hs: RecordHeader[] = new Array(hc)
      for (let j = 0; j < hc; j++) {
        const kl = uvarint() - 1
        const k = buf.toString('utf8', p, p + kl)
        p += kl
        hs[j] = { key: k, value: bytes() }
      }
      headers = hs
    }
    out.push({ topic, partition, offset, key, value, timestamp, headers })
    pushed++
  }
  return pushed
}
