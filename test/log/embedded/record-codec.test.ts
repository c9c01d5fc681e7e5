import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkFrame, decodeFrame, encodeFrames } from '../../../src/log/embedded/record-codec.js'
import type { InRecord } from '../../../src/log/topic-backend.js'

const bytesOrNull = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null })
const record = fc.record({
  key: bytesOrNull,
  value: bytesOrNull,
  timestamp: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: bytesOrNull }), {
    maxLength: 4,
  }),
})

const plain = (r: InRecord) => ({
  offset: r.offset,
  key: r.key === null ? null : [...r.key],
  value: r.value === null ? null : [...r.value],
  timestamp: r.timestamp,
  headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : [...h.value] })),
})

describe('record codec', () => {
  it('decodes what it encodes, across frame cuts', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 40, max: 2000 }),
        (rs, base, target) => {
          const input: InRecord[] = rs.map((r, i) => ({ topic: 't', partition: 2, offset: base + i, ...r }))
          const { frames, firstOffsets } = encodeFrames(input, target)
          const out: InRecord[] = []
          frames.forEach((f, i) => {
            expect(checkFrame(f, 0, f.length, firstOffsets[i])).not.toBeNull()
            decodeFrame(f, 0, 't', 2, 0, Number.MAX_SAFE_INTEGER, out)
          })
          expect(out.map(plain)).toEqual(input.map(plain))
          expect(out.every((r) => r.topic === 't' && r.partition === 2)).toBe(true)
        },
      ),
    )
  })

  it('skips records below `from` and stops at `max`', () => {
    const input: InRecord[] = Array.from({ length: 10 }, (_, i) => ({
      topic: 't',
      partition: 0,
      offset: 100 + i,
      key: null,
      value: new Uint8Array([i]),
      timestamp: i,
      headers: [],
    }))
    const [frame] = encodeFrames(input).frames
    const out: InRecord[] = []
    expect(decodeFrame(frame!, 0, 't', 0, 103, 4, out)).toBe(4)
    expect(out.map((r) => r.offset)).toEqual([103, 104, 105, 106])
  })

  it.each<[string, (f: Buffer) => Buffer, number | undefined]>([
    ['a truncated frame', (f) => f.subarray(0, f.length - 1), undefined],
    ['a wrong first offset', (f) => f, 7],
    ['a flipped payload bit', (f) => Buffer.from(f.map((b, i) => (i === 40 ? b ^ 1 : b))), undefined],
    ['a bad magic byte', (f) => Buffer.from(f.map((b, i) => (i === 8 ? 9 : b))), undefined],
    [
      'a length below the header size',
      (f) => Buffer.from(f.map((b, i) => (i < 4 ? (i === 0 ? 3 : 0) : b))),
      undefined,
    ],
  ])('rejects %s', (_, damage, expected) => {
    const input: InRecord[] = [
      {
        topic: 't',
        partition: 0,
        offset: 0,
        key: null,
        value: new Uint8Array(20),
        timestamp: 0,
        headers: [],
      },
    ]
    const [frame] = encodeFrames(input).frames
    const bad = damage(frame!)
    expect(checkFrame(bad, 0, bad.length, expected)).toBeNull()
  })
})
