import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import { type InRecord, TopicBackendError } from '../topic-backend.js'
import type { PartitionLog } from './partition-log.js'
import { checkFrame, decodeFrame, encodeFrames, peekFrame } from './record-codec.js'
import { FrameCache } from './frame-cache.js'

export interface SegmentLogOptions {
  /** A segment is closed and a new one started once it would pass this size. Default 64 MiB. */
  readonly segmentBytes?: number
  /** One index entry per this many bytes of log (Kafka's index.interval.bytes). Default 4 KiB. */
  readonly indexIntervalBytes?: number
  /** Recent records kept in memory (as their encoded frames) for consumers that keep up. Default 65 536. */
  readonly tailCacheRecords?: number
  /** fdatasync after every write (safe against power loss, much slower). Default false: like Kafka,
   * written data survives the process being killed; `close()` syncs. */
  readonly fsync?: boolean
}

const READ_BYTES = 1024 * 1024
const SCAN_BYTES = 8 * 1024 * 1024
const CURSORS = 8

/** One segment file `<baseOffset:20 digits>.log` with its sparse offset index `.index`. */
interface Segment {
  readonly baseOffset: number
  readonly logPath: string
  readonly indexPath: string
  /** Bytes assigned, queued writes included. */
  size: number
  /** Bytes known to be in the file. */
  written: number
  /** Flattened (offset, position) pairs of frame starts, ascending. */
  readonly index: number[]
  lastIndexedAt: number
  indexSaved: boolean
  file: FileHandle | null
  opening: Promise<FileHandle> | null
}

/** Bytes `[position, position + len)` of a segment file (written, so never changing). */
interface ReadChunk {
  readonly segment: Segment
  readonly position: number
  readonly buf: Buffer
  readonly len: number
}

/** True if a whole frame starts at `p` in `buf[0, len)`. */
function wholeFrameAt(buf: Buffer, p: number, len: number): boolean {
  const h = peekFrame(buf, p, len)
  return h !== null && p + h.length <= len
}

interface WriteItem {
  readonly segment: Segment
  readonly buffers: Buffer[]
  bytes: number
  end: number
  readonly done: Promise<void>
  readonly resolve: () => void
  readonly reject: (e: unknown) => void
}

function fileName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0')
}

function newSegment(dir: string, baseOffset: number): Segment {
  const name = fileName(baseOffset)
  return {
    baseOffset,
    logPath: join(dir, `${name}.log`),
    indexPath: join(dir, `${name}.index`),
    size: 0,
    written: 0,
    index: [],
    lastIndexedAt: 0,
    indexSaved: false,
    file: null,
    opening: null,
  }
}

async function readFully(file: FileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0
  while (got < buf.length) {
    const { bytesRead } = await file.read(buf, got, buf.length - got, position + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return got
}

async function writeAll(file: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let bufs = buffers
  let pos = position
  for (;;) {
    const total = bufs.reduce((n, b) => n + b.length, 0)
    const { bytesWritten } = await file.writev(bufs, pos)
    if (bytesWritten >= total) return
    pos += bytesWritten
    let skip = bytesWritten
    const rest: Buffer[] = []
    for (const b of bufs) {
      if (skip >= b.length) skip -= b.length
      else {
        rest.push(skip > 0 ? b.subarray(skip) : b)
        skip = 0
      }
    }
    bufs = rest
  }
}

/**
 * A partition on disk: a directory of append-only segment files of CRC-checked frames (see
 * `record-codec.ts`), each with a sparse offset index. Appends are encoded at once, queued, and
 * written by one writer per partition that coalesces queued frames into a single `writev`.
 *
 * Recovery: segments before the last trust their `.index` (rebuilt by scanning if missing or
 * stale); the last segment is always scanned, and cut at the first frame that is incomplete, fails
 * its CRC or breaks the offset sequence — so a crash loses at most the unwritten tail.
 */
export class SegmentPartitionLog implements PartitionLog {
  readonly #dir: string
  readonly #topic: string
  readonly #partition: number
  readonly #segmentBytes: number
  readonly #indexInterval: number
  readonly #tailKeep: number
  readonly #fsync: boolean
  readonly #onVisible: () => void
  readonly #segments: Segment[]
  #tail: FrameCache
  #next: number
  #end: number
  #queue: WriteItem[] = []
  #writer: Promise<void> | null = null
  #failure: unknown = null
  #closed = false
  readonly #cursors = new Map<number, { segment: Segment; position: number }>()
  /** The last bytes read from a segment file: consumers reading in small batches reuse them. */
  #chunk: ReadChunk | null = null

  private constructor(
    dir: string,
    topic: string,
    partition: number,
    options: SegmentLogOptions,
    onVisible: () => void,
    segments: Segment[],
    end: number,
  ) {
    this.#dir = dir
    this.#topic = topic
    this.#partition = partition
    this.#segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024
    this.#indexInterval = options.indexIntervalBytes ?? 4096
    this.#tailKeep = options.tailCacheRecords ?? 65536
    this.#fsync = options.fsync ?? false
    this.#onVisible = onVisible
    this.#segments = segments
    this.#next = end
    this.#end = end
    this.#tail = new FrameCache(end)
  }

  /** Opens (and recovers) the partition stored in `dir`, creating the directory if needed. */
  static async open(
    dir: string,
    topic: string,
    partition: number,
    options: SegmentLogOptions,
    onVisible: () => void,
  ): Promise<SegmentPartitionLog> {
    await mkdir(dir, { recursive: true })
    const bases = (await readdir(dir))
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b)
    const segments: Segment[] = []
    let end = 0
    for (let i = 0; i < bases.length; i++) {
      const seg = newSegment(dir, bases[i]!)
      const size = (await stat(seg.logPath)).size
      const nextBase = bases[i + 1]
      const last = nextBase === undefined
      if (!last && (await loadIndex(seg, size))) {
        seg.size = size
        seg.written = size
        seg.indexSaved = true
      } else {
        const scan = await scanSegment(seg, size, options.indexIntervalBytes ?? 4096)
        if (!last && (scan.valid < size || scan.end !== nextBase)) {
          throw new TopicBackendError(
            'CORRUPT',
            `Segment ${seg.logPath} is damaged before the end of the log (valid up to byte ${scan.valid} of ${size})`,
          )
        }
        seg.size = scan.valid
        seg.written = scan.valid
        if (last) {
          if (scan.valid < size) {
            const fh = await open(seg.logPath, 'r+')
            await fh.truncate(scan.valid)
            await fh.close()
          }
          end = scan.end
        } else {
          await saveIndex(seg)
        }
      }
      if (last) {
        seg.file = await open(seg.logPath, 'a+')
      }
      segments.push(seg)
    }
    return new SegmentPartitionLog(dir, topic, partition, options, onVisible, segments, end)
  }

  get nextOffset(): number {
    return this.#next
  }

  get endOffset(): number {
    return this.#end
  }

  append(records: InRecord[]): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    if (this.#closed) return Promise.reject(new TopicBackendError('CLOSED', 'The topic backend is closed'))
    if (records.length === 0) return Promise.resolve()
    const { frames, firstOffsets } = encodeFrames(records)
    let item: WriteItem | undefined
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!
      const first = firstOffsets[i]!
      let seg = this.#segments[this.#segments.length - 1]
      if (seg === undefined || (seg.size > 0 && seg.size + frame.length > this.#segmentBytes)) {
        seg = newSegment(this.#dir, first)
        this.#segments.push(seg)
      }
      if (seg.index.length === 0 || seg.size - seg.lastIndexedAt >= this.#indexInterval) {
        seg.index.push(first, seg.size)
        seg.lastIndexedAt = seg.size
      }
      seg.size += frame.length
      const end = i + 1 < frames.length ? firstOffsets[i + 1]! : records[records.length - 1]!.offset + 1
      item = this.#enqueue(seg, frame, end)
      this.#tail.append(frame, first, end)
    }
    this.#next += records.length
    this.#tail.trim(this.#tailKeep)
    if (this.#writer === null) this.#writer = this.#drain()
    return item!.done
  }

  #enqueue(segment: Segment, frame: Buffer, end: number): WriteItem {
    const last = this.#queue[this.#queue.length - 1]
    if (last !== undefined && last.segment === segment) {
      last.buffers.push(frame)
      last.bytes += frame.length
      last.end = end
      return last
    }
    let resolve!: () => void
    let reject!: (e: unknown) => void
    const done = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    // A rejected append is reported to its caller; do not also report it as unhandled here.
    done.catch(() => {})
    const item: WriteItem = { segment, buffers: [frame], bytes: frame.length, end, done, resolve, reject }
    this.#queue.push(item)
    return item
  }

  async #drain(): Promise<void> {
    try {
      for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
        try {
          const file = await this.#fileForAppend(item.segment)
          await writeAll(file, item.buffers, item.segment.written)
          if (this.#fsync) await file.datasync()
          item.segment.written += item.bytes
          this.#end = item.end
          item.resolve()
          this.#onVisible()
        } catch (e) {
          this.#failure = e
          item.reject(e)
          for (const rest of this.#queue.splice(0)) rest.reject(e)
        }
      }
    } finally {
      this.#writer = null
    }
  }

  async #fileForAppend(seg: Segment): Promise<FileHandle> {
    if (seg.file !== null) return seg.file
    // A new segment: the previous one is complete, so its index can be saved for the next open.
    const i = this.#segments.indexOf(seg)
    const prev = i > 0 ? this.#segments[i - 1] : undefined
    if (prev !== undefined && !prev.indexSaved) await saveIndex(prev)
    seg.file = await open(seg.logPath, 'a+')
    return seg.file
  }

  /**
   * Cuts the partition back to end at offset `to` (records from `to` on are removed): recovery of
   * a query's exclusive sink after a crash. Waits for queued writes first. A cut inside a frame
   * keeps the frame's earlier records (written again as a new frame).
   */
  async truncate(to: number): Promise<void> {
    while (this.#writer !== null) await this.#writer
    if (to >= this.#end) return
    if (to < 0)
      throw new TopicBackendError('INVALID', `Cannot truncate ${this.#topic}-${this.#partition} to ${to}`)
    const segIdx = this.#segmentOf(to)
    const seg = this.#segments[segIdx]!
    // Find the frame holding `to`.
    let cut = 0
    let keep: InRecord[] = []
    if (seg.written > 0) {
      const file = await this.#fileForRead(seg)
      const buf = Buffer.allocUnsafe(seg.written)
      const len = await readFully(file, buf, 0)
      let p = indexLookup(seg, to)
      for (;;) {
        const h = peekFrame(buf, p, len)
        if (h === null || p + h.length > len || h.baseOffset >= to) break
        if (h.baseOffset + h.count > to) {
          decodeFrame(buf, p, this.#topic, this.#partition, h.baseOffset, to - h.baseOffset, keep)
          keep = keep.map((r) => ({ ...r, key: copy(r.key), value: copy(r.value) }))
          break
        }
        p += h.length
      }
      cut = p
    }
    for (const later of this.#segments.splice(segIdx + 1)) {
      const fh = later.file ?? (later.opening !== null ? await later.opening : null)
      await fh?.close()
      await rm(later.logPath, { force: true })
      await rm(later.indexPath, { force: true })
    }
    const fh = seg.file ?? (seg.opening !== null ? await seg.opening : null)
    seg.file = null
    seg.opening = null
    await fh?.close()
    const w = await open(seg.logPath, 'r+')
    await w.truncate(cut)
    await w.close()
    await rm(seg.indexPath, { force: true })
    seg.size = cut
    seg.written = cut
    seg.indexSaved = false
    let n = 0
    while (n < seg.index.length && seg.index[n + 1]! < cut) n += 2
    seg.index.length = n
    seg.lastIndexedAt = n > 0 ? seg.index[n - 1]! : 0
    seg.file = await open(seg.logPath, 'a+')
    this.#next = this.#end = keep.length > 0 ? keep[0]!.offset : to
    this.#tail = new FrameCache(this.#end)
    this.#cursors.clear()
    this.#chunk = null
    if (keep.length > 0) await this.append(keep)
  }

  read(from: number, max: number): InRecord[] | Promise<InRecord[]> {
    const end = this.#end
    if (from >= end || this.#closed) return []
    const n = Math.min(max, end - from)
    if (from >= this.#tail.start) return this.#tail.read(this.#topic, this.#partition, from, n)
    return this.#readFiles(from, n).catch((e: unknown) => {
      // Files closed under a reader by close(): the consumer ends at its next check.
      if (this.#closed) return []
      throw e
    })
  }

  async #readFiles(from: number, max: number): Promise<InRecord[]> {
    const out: InRecord[] = []
    let segIdx: number
    let position: number
    const cursor = this.#cursors.get(from)
    if (cursor !== undefined) {
      segIdx = this.#segments.indexOf(cursor.segment)
      position = cursor.position
    } else {
      segIdx = this.#segmentOf(from)
      position = indexLookup(this.#segments[segIdx]!, from)
    }
    let want = from
    while (out.length < max && segIdx < this.#segments.length) {
      const seg = this.#segments[segIdx]!
      const limit = seg.written
      if (position >= limit) {
        segIdx++
        position = 0
        continue
      }
      let chunk = this.#chunk
      let p = chunk === null || chunk.segment !== seg ? -1 : position - chunk.position
      if (p < 0 || !wholeFrameAt(chunk!.buf, p, chunk!.len)) {
        chunk = await this.#readChunk(seg, position, limit)
        if (chunk === null) return out
        p = 0
      }
      const buf = chunk!.buf
      const len = chunk!.len
      const start = p
      while (out.length < max) {
        const h = peekFrame(buf, p, len)
        if (h === null || p + h.length > len) break
        const frameEnd = h.baseOffset + h.count
        if (frameEnd > want) {
          want += decodeFrame(buf, p, this.#topic, this.#partition, want, max - out.length, out)
        }
        if (want < frameEnd) break
        p += h.length
      }
      position += p - start
    }
    if (segIdx < this.#segments.length) {
      if (this.#cursors.size >= CURSORS) this.#cursors.delete(this.#cursors.keys().next().value!)
      this.#cursors.set(want, { segment: this.#segments[segIdx]!, position })
    }
    this.#cursors.delete(from)
    return out
  }

  /** Reads the bytes of `seg` from `position` (at least one whole frame) and keeps them as `#chunk`. */
  async #readChunk(seg: Segment, position: number, limit: number): Promise<ReadChunk | null> {
    const file = await this.#fileForRead(seg)
    if (this.#closed) return null
    let buf = Buffer.allocUnsafe(Math.min(READ_BYTES, limit - position))
    let len = await readFully(file, buf, position)
    const header = peekFrame(buf, 0, len)
    if (header !== null && header.length > len) {
      // One frame bigger than a read: read exactly that frame.
      buf = Buffer.allocUnsafe(header.length)
      len = await readFully(file, buf, position)
    }
    if (!wholeFrameAt(buf, 0, len)) {
      throw new TopicBackendError('CORRUPT', `Short read in ${seg.logPath} at byte ${position}`)
    }
    const chunk: ReadChunk = { segment: seg, position, buf, len }
    this.#chunk = chunk
    return chunk
  }

  async #fileForRead(seg: Segment): Promise<FileHandle> {
    if (seg.file !== null) return seg.file
    if (seg.opening === null) {
      seg.opening = open(seg.logPath, 'r').then((fh) => {
        seg.file = fh
        return fh
      })
    }
    return seg.opening
  }

  #segmentOf(offset: number): number {
    const segs = this.#segments
    let lo = 0
    let hi = segs.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (segs[mid]!.baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#chunk = null
    while (this.#writer !== null) await this.#writer
    const active = this.#segments[this.#segments.length - 1]
    if (active?.file != null && this.#failure === null) await active.file.sync()
    for (const seg of this.#segments) {
      const fh = seg.file ?? (seg.opening !== null ? await seg.opening : null)
      seg.file = null
      seg.opening = null
      await fh?.close()
    }
  }
}

function copy(b: Uint8Array | null): Uint8Array | null {
  return b === null ? null : new Uint8Array(b)
}

/** Position of the last indexed frame start at or before `offset`. */
function indexLookup(seg: Segment, offset: number): number {
  const idx = seg.index
  let lo = 0
  let hi = idx.length / 2 - 1
  if (hi < 0) return 0
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (idx[mid * 2]! <= offset) lo = mid
    else hi = mid - 1
  }
  return idx[lo * 2]! <= offset ? idx[lo * 2 + 1]! : 0
}

/** `.index` file: (offset - baseOffset: u32, position: u32) pairs. */
async function saveIndex(seg: Segment): Promise<void> {
  const n = seg.index.length / 2
  const buf = Buffer.allocUnsafe(n * 8)
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE(seg.index[i * 2]! - seg.baseOffset, i * 8)
    buf.writeUInt32LE(seg.index[i * 2 + 1]!, i * 8 + 4)
  }
  const tmp = `${seg.indexPath}.tmp`
  await writeFile(tmp, buf)
  await rename(tmp, seg.indexPath)
  seg.indexSaved = true
}

/** Loads a closed segment's index; false if it is missing or does not fit the log file. */
async function loadIndex(seg: Segment, size: number): Promise<boolean> {
  let buf: Buffer
  try {
    buf = await readFile(seg.indexPath)
  } catch {
    return false
  }
  if (buf.length === 0 || buf.length % 8 !== 0) return false
  let lastPos = -1
  for (let i = 0; i < buf.length; i += 8) {
    const pos = buf.readUInt32LE(i + 4)
    if (pos <= lastPos || pos >= size) return false
    lastPos = pos
    seg.index.push(seg.baseOffset + buf.readUInt32LE(i), pos)
  }
  return seg.index[1] === 0
}

/** Validates a segment's frames from the start; returns the valid byte length and the offset after it. */
async function scanSegment(
  seg: Segment,
  size: number,
  indexInterval: number,
): Promise<{ valid: number; end: number }> {
  if (size === 0) return { valid: 0, end: seg.baseOffset }
  const fh = await open(seg.logPath, 'r')
  try {
    let position = 0
    let expected = seg.baseOffset
    seg.index.length = 0
    seg.lastIndexedAt = 0
    while (position < size) {
      let buf = Buffer.allocUnsafe(Math.min(SCAN_BYTES, size - position))
      let len = await readFully(fh, buf, position)
      const first = peekFrame(buf, 0, len)
      if (first !== null && first.length > len && position + first.length <= size) {
        buf = Buffer.allocUnsafe(first.length)
        len = await readFully(fh, buf, position)
      }
      let p = 0
      for (;;) {
        const h = checkFrame(buf, p, len, expected)
        if (h === null) break
        const at = position + p
        if (seg.index.length === 0 || at - seg.lastIndexedAt >= indexInterval) {
          seg.index.push(expected, at)
          seg.lastIndexedAt = at
        }
        expected += h.count
        p += h.length
      }
      if (p === 0) break
      position += p
    }
    return { valid: position, end: expected }
  } finally {
    await fh.close()
  }
}
