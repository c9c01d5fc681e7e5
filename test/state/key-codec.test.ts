import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareValues } from '../../src/expr/cast.js'
import {
  compareBytes,
  createKeyCodec,
  KeyCodecError,
  keyString,
  prefixUpperBound,
} from '../../src/state/key-codec.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

/** SQL order, with Java's Double.compare refinement (-0.0 before 0.0) that keeps distinct keys apart. */
function sqlCompare(a: Value, b: Value): number {
  const c = compareValues(a, b)
  if (c !== 0) return c
  if (typeof a === 'number' && typeof b === 'number' && a === 0 && b === 0) {
    return Object.is(a, -0) === Object.is(b, -0) ? 0 : Object.is(a, -0) ? -1 : 1
  }
  if (a instanceof Decimal && b instanceof Decimal) return a.scale - b.scale
  return 0
}

function compareRows(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = sqlCompare(a[i] ?? null, b[i] ?? null)
    if (c !== 0) return c
  }
  return 0
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0)

const nullable = <T extends Value>(arb: fc.Arbitrary<T>): fc.Arbitrary<Value> =>
  fc.option(arb, { nil: null, freq: 6 })

const arbDecimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 8 }))
  .map(([u, s]) => new Decimal(u, s))

const scalarArbs: [Type, fc.Arbitrary<Value>][] = [
  [T.BOOLEAN, fc.boolean()],
  [T.INTEGER, fc.integer()],
  [T.BIGINT, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  [T.DOUBLE, fc.double()],
  [decimal(30, 8), arbDecimal],
  [T.STRING, fc.string({ unit: 'binary' })],
  [T.BYTES, fc.uint8Array({ maxLength: 12 })],
  [T.DATE, fc.integer({ min: -1_000_000, max: 1_000_000 })],
  [T.TIME, fc.integer({ min: 0, max: 86_399_999 })],
  [T.TIMESTAMP, fc.integer({ min: -(2 ** 52), max: 2 ** 52 })],
]

describe('key codec: order', () => {
  for (const [type, arb] of scalarArbs) {
    it(`${type.kind}: bytewise order of encodings is the SQL order of values`, () => {
      const codec = createKeyCodec([type])
      fc.assert(
        fc.property(nullable(arb), nullable(arb), (a, b) => {
          const byValue = sign(sqlCompare(a, b))
          const byBytes = sign(compareBytes(codec.encode([a]), codec.encode([b])))
          expect(byBytes).toBe(byValue)
        }),
        { numRuns: 500 },
      )
    })
  }

  it('multi-column keys order column by column (prefix-free encodings)', () => {
    const types = [T.STRING, T.INTEGER, T.BYTES, decimal(30, 8)]
    const codec = createKeyCodec(types)
    const row = fc.tuple(
      nullable(fc.string({ maxLength: 3 })),
      nullable(fc.integer({ min: -3, max: 3 })),
      nullable(fc.uint8Array({ maxLength: 3 })),
      nullable(arbDecimal),
    )
    fc.assert(
      fc.property(row, row, (a, b) => {
        expect(sign(compareBytes(codec.encode(a), codec.encode(b)))).toBe(sign(compareRows(a, b)))
      }),
      { numRuns: 1000 },
    )
  })

  it('keyString keeps byte order once LevelDB stores it as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
        const stored = (x: Uint8Array) => new Uint8Array(Buffer.from(keyString(x), 'utf8'))
        expect(sign(compareBytes(stored(a), stored(b)))).toBe(sign(compareBytes(a, b)))
      }),
      { numRuns: 2000 },
    )
  })

  it('encodeString is keyString of encode, also for long keys after short ones (one shared buffer)', () => {
    const codec = createKeyCodec([T.STRING, T.BYTES], { windowed: true })
    const arb = fc.tuple(nullable(fc.string({ maxLength: 200 })), nullable(fc.uint8Array({ maxLength: 50 })))
    const w = fc.record({ start: fc.integer({ min: 0, max: 5000 }), end: fc.integer({ min: 0, max: 5000 }) })
    fc.assert(
      fc.property(arb, w, arb, w, (a, wa, b, wb) => {
        const first = codec.encode(a, wa)
        expect(codec.encodeString(b, wb)).toBe(keyString(codec.encode(b, wb)))
        // An encoding returned earlier is a copy: later keys do not overwrite it.
        expect(keyString(first)).toBe(codec.encodeString(a, wa))
      }),
      { numRuns: 300 },
    )
  })

  it('arrays order lexicographically, shorter first', () => {
    const codec = createKeyCodec([array(T.INTEGER)])
    const arb = fc.array(nullable(fc.integer({ min: -2, max: 2 })), { maxLength: 4 })
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        expect(sign(compareBytes(codec.encode([a]), codec.encode([b])))).toBe(sign(compareValues(a, b)))
      }),
    )
  })

  it('windowed keys order by key, then window start, then window end', () => {
    const codec = createKeyCodec([T.STRING], { windowed: true })
    const w = fc.record({
      start: fc.integer({ min: -5000, max: 5000 }),
      end: fc.integer({ min: -5000, max: 5000 }),
    })
    const k = fc.string({ maxLength: 2 })
    fc.assert(
      fc.property(k, w, k, w, (ka, wa, kb, wb) => {
        const expected = sign(compareValues(ka, kb) || wa.start - wb.start || wa.end - wb.end)
        expect(sign(compareBytes(codec.encode([ka], wa), codec.encode([kb], wb)))).toBe(expected)
      }),
    )
  })

  it('decimals compare across scales: 2.5 and 2.50 sit next to each other, between 2.4 and 2.6', () => {
    const codec = createKeyCodec([decimal(10, 3)])
    const enc = (s: string) => codec.encode([Decimal.parse(s)])
    const texts = ['-10', '-2.50', '-2.5', '-0.001', '0', '0.00', '0.001', '2.4', '2.5', '2.50', '2.6', '10']
    const sorted = [...texts].sort((a, b) => compareBytes(enc(a), enc(b)))
    // Equal values: the smaller scale first.
    expect(sorted).toEqual([
      '-10',
      '-2.5',
      '-2.50',
      '-0.001',
      '0',
      '0.00',
      '0.001',
      '2.4',
      '2.5',
      '2.50',
      '2.6',
      '10',
    ])
  })

  it('doubles: -Infinity < negatives < -0.0 < 0.0 < positives < Infinity < NaN', () => {
    const codec = createKeyCodec([T.DOUBLE])
    const values = [Number.NaN, Number.POSITIVE_INFINITY, 1e-300, 0, -0, -1, Number.NEGATIVE_INFINITY, null]
    const sorted = [...values].sort((a, b) => compareBytes(codec.encode([a]), codec.encode([b])))
    expect(sorted.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual([
      'null',
      '-Infinity',
      '-1',
      '-0',
      '0',
      '1e-300',
      'Infinity',
      'NaN',
    ])
  })
})

describe('key codec: round trip', () => {
  const roundTrip = (types: Type[], key: Value[], windowed = false) => {
    const codec = createKeyCodec(types, { windowed })
    const window = windowed ? { start: 1000, end: 2000 } : undefined
    return codec.decode(codec.encode(key, window))
  }

  for (const [type, arb] of scalarArbs) {
    it(`${type.kind}: decode(encode(x)) == x`, () => {
      fc.assert(
        fc.property(nullable(arb), (v) => {
          const back = roundTrip([type], [v]).key[0] ?? null
          if (v instanceof Decimal) {
            expect(back).toBeInstanceOf(Decimal)
            expect((back as Decimal).unscaled).toBe(v.unscaled)
            expect((back as Decimal).scale).toBe(v.scale)
          } else if (typeof v === 'number') expect(Object.is(back, v)).toBe(true)
          else expect(back).toEqual(v)
        }),
        { numRuns: 300 },
      )
    })
  }

  it('nested types and windows round-trip', () => {
    const t = struct([
      { name: 'a', type: array(T.STRING) },
      { name: 'M', type: map(T.STRING, T.BIGINT) },
    ])
    const v = {
      a: ['x', null, ''],
      M: new Map<Value, Value>([
        ['k', 5n],
        ['j', null],
      ]),
    }
    const back = roundTrip([t, T.INTEGER], [v, -7], true)
    expect(back.key).toEqual([v, -7])
    expect(back.window).toEqual({ start: 1000, end: 2000 })
  })

  it('strings with NUL and surrogates survive', () => {
    const s = 'a\u0000b\uD83D\uDE00\uFFFF\uD800'
    expect(roundTrip([T.STRING], [s]).key).toEqual([s])
  })

  it('a prefix of the key columns is a prefix of the full key; prefixUpperBound ends its range', () => {
    const codec = createKeyCodec([T.STRING, T.INTEGER])
    const full = codec.encode(['ab', 3])
    const prefix = codec.encodePrefix(['ab'])
    expect(full.subarray(0, prefix.length)).toEqual(prefix)
    const upper = prefixUpperBound(prefix)
    expect(upper).toBeDefined()
    expect(compareBytes(full, upper as Uint8Array)).toBeLessThan(0)
    expect(compareBytes(codec.encode(['ab\u0000', 0]), upper as Uint8Array)).toBeGreaterThan(0)
    expect(prefixUpperBound(Uint8Array.of(0xff, 0xff))).toBeUndefined()
  })

  it('rejects values of the wrong type and corrupt bytes', () => {
    expect(() => createKeyCodec([T.INTEGER]).encode(['x'])).toThrow(KeyCodecError)
    expect(() => createKeyCodec([T.INTEGER]).encode([2 ** 40])).toThrow(KeyCodecError)
    expect(() => createKeyCodec([T.INTEGER]).decode(Uint8Array.of(1, 0))).toThrow(KeyCodecError)
    expect(() => createKeyCodec([T.INTEGER], { windowed: true }).encode([1])).toThrow(KeyCodecError)
  })
})
