import { Decimal } from '../../types/decimal.js'
import { array, T } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, P } from '../registry.js'
import { type UdafFunction, udafFunction } from './udaf.js'

/**
 * COUNT(*) / COUNT() counts rows; COUNT(col) counts rows where col is not NULL. BIGINT state.
 * Stream and table (undo).
 */
export function countFunction(): UdafFunction {
  const make = () => ({
    returnType: T.BIGINT,
    aggregateType: T.BIGINT,
    init: () => 0n,
    add: (s: Value, args: readonly Value[]) => (args.length > 0 && args[0] === null ? s : (s as bigint) + 1n),
    undo: (s: Value, args: readonly Value[]) =>
      args.length > 0 && args[0] === null ? s : (s as bigint) - 1n,
    merge: (a: Value, b: Value) => (a as bigint) + (b as bigint),
    result: (s: Value) => s,
  })
  return udafFunction({
    name: 'COUNT',
    description: 'Counts records by key.',
    signatures: [
      { ...doc('Returns the number of rows (COUNT(*)).'), params: [], make },
      {
        ...doc('Returns the number of rows where col is not NULL.', [
          'col',
          'The column whose non-NULL values are counted.',
        ]),
        params: [P.any],
        make,
      },
    ],
  })
}

// ---------------------------------------------------------------------------------------------
// COUNT_DISTINCT: HyperLogLog (stream-lib's, log2m = 14) as ksqlDB uses it, state ARRAY<INTEGER>
// of the packed 5-bit registers (6 per int), exactly as ksqlDB persists it.

const LOG2M = 14
const M = 1 << LOG2M
const REGISTERS_PER_WORD = 6
const WORDS = Math.floor(M / REGISTERS_PER_WORD) + 1 // RegisterSet.getSizeForCount(M) = 2731
const ALPHA_MM = (0.7213 / (1 + 1.079 / M)) * M * M

/** COUNT_DISTINCT(col): approximate distinct count (stream only). */
export function countDistinctFunction(): UdafFunction {
  return udafFunction({
    name: 'COUNT_DISTINCT',
    description:
      'Returns the approximate number of unique values of a column in a group, estimated with HyperLogLog. NULL values are not counted.',
    signatures: [
      {
        ...doc('Returns the approximate number of distinct non-NULL values of col.', [
          'col',
          'The column to count the distinct values of.',
        ]),
        params: [P.generic('T')],
        make: () => ({
          returnType: T.BIGINT,
          aggregateType: array(T.INTEGER),
          init: () => new Array<number>(WORDS).fill(0),
          add: (s, args) => {
            const v = args[0] ?? null
            if (v === null) return s
            return offer(s as readonly number[], murmurHash(v))
          },
          merge: (a, b) => {
            const x = a as readonly number[]
            const y = b as readonly number[]
            const out = new Array<number>(WORDS)
            for (let w = 0; w < WORDS; w++) {
              let word = 0
              for (let j = 0; j < REGISTERS_PER_WORD; j++) {
                const mask = 0x1f << (5 * j)
                const p = (x[w] ?? 0) & mask
                const q = (y[w] ?? 0) & mask
                word |= p < q ? q : p
              }
              out[w] = word
            }
            return out
          },
          result: (s) => cardinality(s as readonly number[]),
        }),
      },
    ],
  })
}

/** HyperLogLog.offerHashed: copies the registers only when one changes. */
function offer(regs: readonly number[], hash: number): readonly number[] {
  const j = hash >>> (32 - LOG2M)
  const r = Math.clz32((hash << LOG2M) | ((1 << (LOG2M - 1)) + 1)) + 1
  const bucket = Math.floor(j / REGISTERS_PER_WORD)
  const shift = 5 * (j - bucket * REGISTERS_PER_WORD)
  const mask = 0x1f << shift
  const word = regs[bucket] ?? 0
  const cur = word & mask
  const next = r << shift
  if (cur >= next) return regs
  const out = regs.slice()
  out[bucket] = (word & ~mask) | next
  return out
}

function cardinality(regs: readonly number[]): bigint {
  let sum = 0
  let zeros = 0
  for (let j = 0; j < M; j++) {
    const bucket = Math.floor(j / REGISTERS_PER_WORD)
    const shift = 5 * (j - bucket * REGISTERS_PER_WORD)
    const val = ((regs[bucket] ?? 0) >>> shift) & 0x1f
    sum += 1 / 2 ** val
    if (val === 0) zeros++
  }
  const estimate = ALPHA_MM * (1 / sum)
  const e = estimate <= 2.5 * M ? M * Math.log(M / zeros) : estimate
  return BigInt(Math.floor(e + 0.5)) // Math.round (ties up, as Java)
}

const MUL = 0x5bd1e995
const utf8 = new TextEncoder()

/** stream-lib MurmurHash.hash(Object) for the value model's Java counterparts. */
export function murmurHash(v: Exclude<Value, null>): number {
  if (typeof v === 'bigint') return hashLong(v)
  if (typeof v === 'number') {
    // INTEGER / DATE / TIME values are Java ints; DOUBLE uses its raw long bits.
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0))
      return hashLong(BigInt(v))
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, v)
    return hashLong(view.getBigInt64(0))
  }
  if (typeof v === 'string') return hashBytes(utf8.encode(v))
  if (v instanceof Uint8Array) return hashBytes(v)
  if (v instanceof Decimal) return hashBytes(utf8.encode(v.toString()))
  return hashBytes(utf8.encode(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))))
}

function hashBytes(data: Uint8Array): number {
  const length = data.length
  let h = -1 ^ length
  const len4 = length >> 2
  for (let i = 0; i < len4; i++) {
    const i4 = i << 2
    let k =
      ((data[i4 + 3] as number) << 24) |
      ((data[i4 + 2] as number) << 16) |
      ((data[i4 + 1] as number) << 8) |
      (data[i4] as number)
    k = Math.imul(k, MUL)
    k ^= k >>> 24
    k = Math.imul(k, MUL)
    h = Math.imul(h, MUL)
    h ^= k
  }
  const left = length - (len4 << 2)
  if (left !== 0) {
    const sb = (i: number) => ((data[i] as number) << 24) >> 24 // Java's signed byte
    if (left >= 3) h ^= sb(length - 3) << 16
    if (left >= 2) h ^= sb(length - 2) << 8
    if (left >= 1) h ^= sb(length - 1)
    h = Math.imul(h, MUL)
  }
  h ^= h >>> 13
  h = Math.imul(h, MUL)
  h ^= h >>> 15
  return h
}

function hashLong(data: bigint): number {
  const lo = Number(BigInt.asIntN(32, data))
  const hi = Number(BigInt.asIntN(32, data >> 32n))
  let h = 0
  let k = Math.imul(lo, MUL)
  k ^= k >>> 24
  h ^= Math.imul(k, MUL)
  k = Math.imul(hi, MUL)
  k ^= k >>> 24
  h = Math.imul(h, MUL)
  h ^= Math.imul(k, MUL)
  h ^= h >>> 13
  h = Math.imul(h, MUL)
  h ^= h >>> 15
  return h
}
