import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey, StickyPartitioner, toPositive } from '../../src/log/murmur2.js'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('murmur2', () => {
  // Expected values from Kafka's UtilsTest.testMurmur2 and other ports checked against Kafka's Utils.murmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['1', -1993445489],
    ['12', 126087238],
    ['123', -267702483],
    ['1234', -1614185708],
    ['12345', -1188365604],
  ])('hashes %j to %i', (input, expected) => {
    expect(murmur2(utf8(input))).toBe(expected)
  })

  it('hashes bytes, not strings: high bytes are unsigned', () => {
    const bytes = new Uint8Array([0xff, 0x80, 0x00, 0x7f, 0xfe])
    expect(murmur2(bytes)).not.toBe(murmur2(new Uint8Array([0x7f, 0x00, 0x00, 0x7f, 0x7e])))
    expect(Number.isInteger(murmur2(bytes))).toBe(true)
  })
})

describe('toPositive', () => {
  it.each([
    [0, 0],
    [5, 5],
    [-1, 0x7fffffff],
    [-2147483648, 0],
    [-973932308, -973932308 & 0x7fffffff],
  ])('%i → %i', (n, expected) => {
    expect(toPositive(n)).toBe(expected)
  })
})

describe('partitionForKey', () => {
  it.each([
    ['21', 3, (-973932308 & 0x7fffffff) % 3],
    ['foobar', 12, (-790332482 & 0x7fffffff) % 12],
    ['abc', 1, 0],
  ])('%j over %i partitions', (key, partitions, expected) => {
    expect(partitionForKey(utf8(key), partitions)).toBe(expected)
  })
})

describe('StickyPartitioner', () => {
  it('moves to the next partition on each call, round-robin from 0', () => {
    const s = new StickyPartitioner()
    expect(Array.from({ length: 7 }, () => s.nextPartition(3))).toEqual([0, 1, 2, 0, 1, 2, 0])
  })
})
