import { describe, expect, it } from 'vitest'
import { javaHashMapCapacity, javaHashMapOrder, javaStringHash } from '../../src/types/java-hash-order.js'

describe('javaHashMapOrder', () => {
  // Orders printed by `new HashMap<>(keys.length)` + put in this order + keySet() on OpenJDK 17.
  it.each([
    [
      ['yes, thanks', 'nope', 'sure, yeah'],
      ['yes, thanks', 'sure, yeah', 'nope'],
    ],
    [
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
    ],
    [
      ['yeowza', 'nah', ''],
      ['nah', '', 'yeowza'],
    ],
    [
      ['one', 'two', 'three', 'four', 'five', 'six', 'seven'],
      ['six', 'four', 'one', 'seven', 'two', 'three', 'five'],
    ],
    [
      ['Aa', 'BB', 'x'],
      ['Aa', 'BB', 'x'],
    ],
    [
      ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12', 'k13'],
      ['k1', 'k2', 'k3', 'k4', 'k5', 'k11', 'k6', 'k10', 'k7', 'k13', 'k8', 'k12', 'k9'],
    ],
  ])('%j iterates as %j', (keys, expected) => {
    expect(javaHashMapOrder(keys).map((i) => keys[i])).toEqual(expected)
  })

  it('hashes strings as String.hashCode', () => {
    expect(javaStringHash('')).toBe(0)
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'))
    expect(javaStringHash('hello world')).toBe(1794106052)
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648)
  })

  it.each([
    [3, 3, 4],
    [4, 4, 8],
    [7, 7, 16],
    [1, 1, 2],
    [2, 2, 4],
    [0, 0, 0],
  ])('new HashMap<>(%i) holding %i keys has a table of %i', (initial, size, cap) => {
    expect(javaHashMapCapacity(initial, size)).toBe(cap)
  })
})
