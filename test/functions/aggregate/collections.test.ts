import { beforeEach, describe, expect, it } from 'vitest'
import { parseExpression } from '../../../grammar/parse.js'
import { SqlPlanError } from '../../../src/errors.js'
import { registerAggregates } from '../../../src/functions/aggregate-registry.js'
import { murmurHash } from '../../../src/functions/aggregate/count.js'
import { resetOffsetSequence } from '../../../src/functions/aggregate/offset.js'
import type { AggregateConfig, ResolvedUdaf, UdafFunction } from '../../../src/functions/aggregate/udaf.js'
import { FunctionRegistry } from '../../../src/functions/registry.js'
import { Decimal } from '../../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type } from '../../../src/types/type.js'
import type { Value } from '../../../src/types/values.js'

const registry = new FunctionRegistry()
registerAggregates(registry)

/** Resolves `name(texts)` with argument types `types` (texts give literal init arguments). */
function resolve(
  name: string,
  types: readonly (Type | null)[],
  texts?: readonly string[],
  config?: AggregateConfig,
) {
  const f = registry.aggregate(name) as UdafFunction | undefined
  if (f === undefined) throw new Error(`no aggregate ${name}`)
  const exprs = (texts ?? types.map((_t, i) => `C${i}`)).map((t) => parseExpression(t))
  return f.resolve(types, exprs, config)
}

function fold(u: ResolvedUdaf, rows: readonly (readonly Value[])[]): Value[] {
  let s = u.init()
  const out: Value[] = []
  for (const r of rows) {
    s = u.add(s, r)
    out.push(u.result(s))
  }
  return out
}

function state(u: ResolvedUdaf, rows: readonly (readonly Value[])[]): Value {
  let s = u.init()
  for (const r of rows) s = u.add(s, r)
  return s
}

const one = (vs: readonly Value[]) => vs.map((v) => [v])
const dec = (s: string) => Decimal.parse(s)
const bytes = (...b: number[]) => new Uint8Array(b)

describe('MIN / MAX', () => {
  it.each<[string, Type, Value[], Value[]]>([
    ['MIN', T.INTEGER, [null, 5, 3, null, 7], [null, 5, 3, 3, 3]],
    ['MAX', T.INTEGER, [null, 5, 3, null, 7], [null, 5, 5, 5, 7]],
    ['MAX', T.BIGINT, [1n, 9223372036854775807n], [1n, 9223372036854775807n]],
    ['MIN', T.DOUBLE, [1.5, -0.5], [1.5, -0.5]],
    ['MAX', T.TIMESTAMP, [10, 5], [10, 10]],
    ['MIN', T.DATE, [10, -5], [10, -5]],
    ['MAX', T.STRING, ['b', 'a', 'c'], ['b', 'b', 'c']],
    ['MIN', T.STRING, ['b', 'a', 'c'], ['b', 'a', 'a']],
  ])('%s(%j)', (name, type, inputs, expected) => {
    const u = resolve(name, [type])
    expect(u.returnType).toEqual(type)
    expect(u.aggregateType).toEqual(type)
    expect(u.undo).toBeUndefined()
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('DECIMAL compares by value', () => {
    const u = resolve('MAX', [decimal(4, 2)])
    expect(u.returnType).toEqual(decimal(4, 2))
    expect(fold(u, one([dec('1.50'), dec('10.25'), dec('2.00')])).map(String)).toEqual([
      '1.50',
      '10.25',
      '10.25',
    ])
  })

  it('BYTES compare as signed bytes (ByteBuffer.compareTo)', () => {
    const u = resolve('MAX', [T.BYTES])
    expect(fold(u, one([bytes(0x01), bytes(0xff), bytes(0x7f)]))).toEqual([bytes(1), bytes(1), bytes(0x7f)])
  })

  it('merges sessions', () => {
    const u = resolve('MIN', [T.INTEGER])
    expect(u.merge(3, 1)).toBe(1)
    expect(u.merge(null, 4)).toBe(4)
    expect(u.merge(4, null)).toBe(4)
  })

  it.each([[T.BOOLEAN], [array(T.INTEGER)]])('rejects %j', (type) => {
    expect(() => resolve('MAX', [type])).toThrow(SqlPlanError)
    expect(() => resolve('MAX', [type])).toThrow("Function 'MAX' does not accept parameters")
  })
})

describe('TOPK', () => {
  it('keeps the k greatest values, duplicates included', () => {
    const u = resolve('TOPK', [T.INTEGER, T.INTEGER], ['V', '3'])
    expect(u.argCount).toBe(1)
    expect(u.returnType).toEqual(array(T.INTEGER))
    expect(fold(u, one([0, 100, null, 99, 7, 100]))).toEqual([
      [0],
      [100, 0],
      [100, 0],
      [100, 99, 0],
      [100, 99, 7],
      [100, 100, 99],
    ])
  })

  it('with other columns returns structs (sort_col, col0, ...)', () => {
    const u = resolve('TOPK', [T.DOUBLE, T.STRING, T.BIGINT, T.INTEGER], ['V', 'S', 'B', '2'])
    expect(u.argCount).toBe(3)
    const elem = struct([
      { name: 'sort_col', type: T.DOUBLE },
      { name: 'col0', type: T.STRING },
      { name: 'col1', type: T.BIGINT },
    ])
    expect(u.returnType).toEqual(array(elem))
    expect(u.aggregateType).toEqual(array(elem))
    expect(
      fold(u, [
        [1.5, 'a', 1n],
        [2.5, 'b', 2n],
        [0.5, 'c', 3n],
        [9, null, null],
      ]).at(-1),
    ).toEqual([
      { sort_col: 9, col0: null, col1: null },
      { sort_col: 2.5, col0: 'b', col1: 2n },
    ])
  })

  it('merges two descending lists', () => {
    const u = resolve('TOPK', [T.STRING, T.INTEGER], ['V', '3'])
    expect(u.merge(['d', 'b'], ['c', 'a'])).toEqual(['d', 'c', 'b'])
    expect(u.merge([], ['c'])).toEqual(['c'])
  })

  it('needs k as a literal', () => {
    expect(() => resolve('TOPK', [T.INTEGER, T.INTEGER], ['V', 'K'])).toThrow(
      "Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'K'",
    )
  })

  it.each<[Type[], string]>([
    [[T.BOOLEAN, T.INTEGER], "Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER)."],
    [[T.INTEGER], "Function 'TOPK' does not accept parameters (INTEGER)."],
    [[T.INTEGER, T.STRING], "Function 'TOPK' does not accept parameters (INTEGER, STRING)."],
  ])('rejects %j', (types, message) => {
    expect(() => resolve('TOPK', types)).toThrow(message)
  })
})

describe('TOPKDISTINCT (ksqlDB conformance values)', () => {
  it.each<[Type, Value[], Value[][]]>([
    [T.INTEGER, [0, 100, 99, 7, 100], [[0], [100, 0], [100, 99, 0], [100, 99, 7], [100, 99, 7]]],
    [
      T.BIGINT,
      [2147483648n, 100n, 99n, 7n, 100n],
      [
        [2147483648n],
        [2147483648n, 100n],
        [2147483648n, 100n, 99n],
        [2147483648n, 100n, 99n],
        [2147483648n, 100n, 99n],
      ],
    ],
    [
      T.STRING,
      ['a', 'b', 'c', 'b', 'd'],
      [['a'], ['b', 'a'], ['c', 'b', 'a'], ['c', 'b', 'a'], ['d', 'c', 'b']],
    ],
    [
      T.DATE,
      [0, 100, 99, null, -7, 100],
      [[0], [100, 0], [100, 99, 0], [100, 99, 0], [100, 99, 0], [100, 99, 0]],
    ],
    [
      T.TIME,
      [0, 100, 99, null, 7, 100],
      [[0], [100, 0], [100, 99, 0], [100, 99, 0], [100, 99, 7], [100, 99, 7]],
    ],
  ])('%j', (type, inputs, expected) => {
    const u = resolve('TOPKDISTINCT', [type, T.INTEGER], ['V', '3'])
    expect(u.returnType).toEqual(array(type))
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('DECIMAL', () => {
    const u = resolve('TOPKDISTINCT', [decimal(2, 1), T.INTEGER], ['V', '3'])
    const r = fold(u, one([dec('9.8'), dec('8.9'), null, dec('7.8'), dec('6.5'), dec('9.9')]))
    expect((r.at(-1) as Value[]).map(String)).toEqual(['9.9', '9.8', '8.9'])
  })

  it('BYTES', () => {
    const [B, F, G, A] = [bytes(0x42), bytes(0x46), bytes(0x47), bytes(0x41)]
    const u = resolve('TOPKDISTINCT', [T.BYTES, T.INTEGER], ['V', '3'])
    expect(fold(u, one([B, F, G, null, A, F])).at(-1)).toEqual([G, F, B])
  })

  it('merge keeps one of equal values', () => {
    const u = resolve('TOPKDISTINCT', [T.INTEGER, T.INTEGER], ['V', '3'])
    expect(u.merge([9, 5, 1], [9, 4])).toEqual([9, 5, 4])
  })
})

describe('LATEST_BY_OFFSET / EARLIEST_BY_OFFSET', () => {
  beforeEach(() => resetOffsetSequence())

  it.each<[string, string[], Value[], Value[]]>([
    ['LATEST_BY_OFFSET', ['V'], [1, null, 3], [1, 1, 3]],
    ['LATEST_BY_OFFSET', ['V', 'false'], [1, null, 3], [1, null, 3]],
    ['LATEST_BY_OFFSET', ['V', '2'], [1, null, 3, 4], [[1], [1], [1, 3], [3, 4]]],
    ['LATEST_BY_OFFSET', ['V', '2', 'false'], [1, null, 3], [[1], [1, null], [null, 3]]],
    ['EARLIEST_BY_OFFSET', ['V'], [null, 1, 2], [null, 1, 1]],
    ['EARLIEST_BY_OFFSET', ['V', 'false'], [null, 1, 2], [null, null, null]],
    ['EARLIEST_BY_OFFSET', ['V', '2'], [null, 1, 2, 3], [[], [1], [1, 2], [1, 2]]],
    ['EARLIEST_BY_OFFSET', ['V', '2', 'false'], [null, 1, 2], [[null], [null, 1], [null, 1]]],
  ])('%s(%j)', (name, texts, inputs, expected) => {
    const types = texts.map((t, i) => (i === 0 ? T.INTEGER : t === '2' ? T.INTEGER : T.BOOLEAN))
    const u = resolve(name, types, texts)
    expect(u.argCount).toBe(1)
    expect(u.undo).toBeUndefined()
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('types: STRUCT<SEQ BIGINT, VAL T> state, ARRAY for n', () => {
    const entry = struct([
      { name: 'SEQ', type: T.BIGINT },
      { name: 'VAL', type: T.STRING },
    ])
    const single = resolve('LATEST_BY_OFFSET', [T.STRING])
    expect(single.returnType).toEqual(T.STRING)
    expect(single.aggregateType).toEqual(entry)
    const n = resolve('EARLIEST_BY_OFFSET', [T.STRING, T.INTEGER], ['V', '3'])
    expect(n.returnType).toEqual(array(T.STRING))
    expect(n.aggregateType).toEqual(array(entry))
  })

  it('merge picks by sequence', () => {
    const latest = resolve('LATEST_BY_OFFSET', [T.INTEGER])
    const early = latest.add(latest.init(), [1])
    const late = latest.add(latest.init(), [2])
    expect(latest.result(latest.merge(early, late))).toBe(2)
    expect(latest.result(latest.merge(late, early))).toBe(2)
    const earliest = resolve('EARLIEST_BY_OFFSET', [T.INTEGER])
    const e1 = earliest.add(earliest.init(), [1])
    const e2 = earliest.add(earliest.init(), [2])
    expect(earliest.result(earliest.merge(e2, e1))).toBe(1)
    expect(earliest.result(earliest.merge(null, e2))).toBe(2)
  })

  it('a wrapped (negative) sequence counts as later', () => {
    const latest = resolve('LATEST_BY_OFFSET', [T.INTEGER])
    // init() takes a sequence number too (as ksqlDB's createStruct(null)).
    resetOffsetSequence(9223372036854775806n)
    const a = latest.add(latest.init(), [1])
    const b = latest.add(latest.init(), [2])
    expect((a as { SEQ: bigint }).SEQ).toBe(9223372036854775807n)
    expect((b as { SEQ: bigint }).SEQ).toBe(-9223372036854775807n)
    expect(latest.result(latest.merge(a, b))).toBe(2)
  })

  it('rejects n < 1 and non-literal n', () => {
    expect(() => resolve('LATEST_BY_OFFSET', [T.INTEGER, T.INTEGER], ['V', '0'])).toThrow(
      'latestN must be 1 or greater',
    )
    expect(() => resolve('EARLIEST_BY_OFFSET', [T.INTEGER, T.INTEGER], ['V', '-1'])).toThrow(
      'earliestN must be 1 or greater',
    )
    expect(() => resolve('LATEST_BY_OFFSET', [T.INTEGER, T.INTEGER], ['V', 'N'])).toThrow(
      "Parameter 2 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: 'N'",
    )
  })

  it('rejects a STRING n', () => {
    expect(() => resolve('LATEST_BY_OFFSET', [T.INTEGER, T.STRING], ['V', "'x'"])).toThrow(
      "Function 'LATEST_BY_OFFSET' does not accept parameters (INTEGER, STRING).",
    )
  })
})

describe('COLLECT_LIST', () => {
  it('collects every value, NULLs included, of any type', () => {
    const t = map(T.STRING, T.BIGINT)
    const u = resolve('COLLECT_LIST', [t])
    expect(u.returnType).toEqual(array(t))
    const m = new Map<Value, Value>([['a', 1n]])
    expect(fold(u, one([m, null, m]))).toEqual([[m], [m, null], [m, null, m]])
  })

  it('honours ksql.functions.collect_list.limit (number or string)', () => {
    for (const limit of [1, '1']) {
      const u = resolve('COLLECT_LIST', [T.INTEGER], ['V'], { 'ksql.functions.collect_list.limit': limit })
      expect(fold(u, one([0, 100]))).toEqual([[0], [0]])
      expect(u.merge([0], [5])).toEqual([0])
    }
    const unlimited = resolve('COLLECT_LIST', [T.INTEGER], ['V'], { 'ksql.functions.collect_list.limit': -1 })
    expect(fold(unlimited, one([0, 100])).at(-1)).toEqual([0, 100])
  })

  it('undo removes the last equal value; states are not mutated', () => {
    const u = resolve('COLLECT_LIST', [T.STRING])
    const s = state(u, one(['a', 'b', 'a']))
    const frozen = JSON.stringify(s)
    expect(u.undo?.(s, ['a'])).toEqual(['a', 'b'])
    expect(u.undo?.(s, ['z'])).toBe(s)
    expect(u.merge(s, ['c'])).toEqual(['a', 'b', 'a', 'c'])
    u.add(s, ['d'])
    expect(JSON.stringify(s)).toBe(frozen)
  })

  it('undo compares DECIMAL with scale and BYTES by content', () => {
    const u = resolve('COLLECT_LIST', [T.BYTES])
    expect(u.undo?.([bytes(1), bytes(2)], [bytes(1)])).toEqual([bytes(2)])
  })
})

describe('COLLECT_SET', () => {
  it('keeps distinct values in first-seen order, NULL once', () => {
    const u = resolve('COLLECT_SET', [T.STRING])
    expect(u.undo).toBeUndefined()
    expect(fold(u, one(['a', 'b', 'a', null, null])).at(-1)).toEqual(['a', 'b', null])
    expect(u.merge(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c'])
  })

  it('honours ksql.functions.collect_set.limit', () => {
    const u = resolve('COLLECT_SET', [T.INTEGER], ['V'], { 'ksql.functions.collect_set.limit': 2 })
    expect(fold(u, one([1, 2, 3])).at(-1)).toEqual([1, 2])
    expect(u.merge([1], [2, 3])).toEqual([1, 2])
  })
})

describe('HISTOGRAM', () => {
  const counts = (v: Value) => Object.fromEntries(v as Map<string, bigint>)

  it('counts each string (ksqlDB "histogram string")', () => {
    const u = resolve('HISTOGRAM', [T.STRING])
    expect(u.returnType).toEqual(map(T.STRING, T.BIGINT))
    expect(fold(u, one(['baz', 'baz', 'foo'])).map(counts)).toEqual([
      { baz: 1n },
      { baz: 2n },
      { baz: 2n, foo: 1n },
    ])
  })

  it('undo decrements and drops a key at zero (ksqlDB "histogram on a table")', () => {
    const u = resolve('HISTOGRAM', [T.STRING])
    const s = state(u, one(['alice', 'bob']))
    expect(counts(u.undo?.(s, ['bob']) ?? null)).toEqual({ alice: 1n })
    expect(counts(u.undo?.(state(u, one(['a', 'a'])), ['a']) ?? null)).toEqual({ a: 1n })
    expect(u.undo?.(s, ['nobody'])).toBe(s)
    expect(counts(s)).toEqual({ alice: 1n, bob: 1n })
  })

  it('limits to 1000 distinct keys', () => {
    const u = resolve('HISTOGRAM', [T.STRING])
    const s = state(u, one(Array.from({ length: 1001 }, (_v, i) => `k${i}`)))
    expect((s as Map<string, bigint>).size).toBe(1000)
    expect((u.add(s, ['k0']) as Map<string, bigint>).get('k0')).toBe(2n)
  })

  it('merges', () => {
    const u = resolve('HISTOGRAM', [T.STRING])
    expect(
      counts(
        u.merge(
          new Map([['a', 1n]]),
          new Map([
            ['a', 2n],
            ['b', 1n],
          ]),
        ),
      ),
    ).toEqual({ a: 3n, b: 1n })
  })

  it('accepts only STRING', () => {
    expect(() => resolve('HISTOGRAM', [T.INTEGER])).toThrow(
      "Function 'HISTOGRAM' does not accept parameters (INTEGER).",
    )
  })
})

describe('ATTR (ksqlDB conformance values)', () => {
  it.each<[string, Value[], Value[]]>([
    ['all equal', ['s', 's', 's'], ['s', 's', 's']],
    ['all null', [null, null], [null, null]],
    ['different', ['1', '2', '3'], ['1', null, null]],
    ['a null among values', ['1', null, '1'], ['1', null, null]],
    ['null first', [null, '2', '2'], [null, null, null]],
  ])('%s', (_name, inputs, expected) => {
    const u = resolve('ATTR', [T.STRING])
    expect(u.returnType).toEqual(T.STRING)
    expect(fold(u, one(inputs))).toEqual(expected)
  })

  it('state type is ARRAY<STRUCT<VALUE T, COUNT INTEGER>>', () => {
    const u = resolve('ATTR', [array(T.INTEGER)])
    expect(u.aggregateType).toEqual(
      array(
        struct([
          { name: 'VALUE', type: array(T.INTEGER) },
          { name: 'COUNT', type: T.INTEGER },
        ]),
      ),
    )
    expect(
      fold(
        u,
        one([
          [1, 2],
          [1, 2],
        ]),
      ),
    ).toEqual([
      [1, 2],
      [1, 2],
    ])
  })

  it('undo on a table ("table attr with tombstones")', () => {
    const u = resolve('ATTR', [T.STRING])
    let s = u.add(u.init(), ['1'])
    s = u.add(s, ['1'])
    expect(u.result(s)).toBe('1')
    s = u.undo?.(s, ['1']) ?? null
    s = u.undo?.(s, ['1']) ?? null
    expect(u.result(s)).toBeNull()
    s = u.add(s, ['2'])
    s = u.add(s, ['3'])
    expect(u.result(s)).toBeNull()
    s = u.undo?.(s, ['3']) ?? null
    expect(u.result(s)).toBe('2')
    expect(u.result(u.merge([{ VALUE: 'x', COUNT: 1 }], [{ VALUE: 'x', COUNT: 2 }]))).toBe('x')
  })
})

describe('COUNT_DISTINCT', () => {
  it('approximates distinct non-NULL values (ksqlDB "count distinct")', () => {
    const u = resolve('COUNT_DISTINCT', [T.STRING])
    expect(u.returnType).toEqual(T.BIGINT)
    expect(u.aggregateType).toEqual(array(T.INTEGER))
    expect((u.init() as number[]).length).toBe(2731)
    expect(fold(u, one(['one', 'two', 'one', 'two', null]))).toEqual([1n, 2n, 2n, 2n, 2n])
  })

  it('is within 2% on 10000 values and merges', () => {
    const u = resolve('COUNT_DISTINCT', [T.BIGINT])
    const a = state(u, one(Array.from({ length: 5000 }, (_v, i) => BigInt(i))))
    const b = state(u, one(Array.from({ length: 5000 }, (_v, i) => BigInt(i + 5000))))
    const n = Number(u.result(u.merge(a, b)))
    expect(Math.abs(n - 10000)).toBeLessThan(200)
    expect(u.merge(a, a)).toEqual(a)
  })

  it.each<[Value & {}, number]>([
    ['', -1285986640],
    ['one', 1448687641],
    ['two', -1859166203],
    ['hello', -1816943331],
    ['héllo wörld€', 13502018],
    [bytes(0xff, 0x80, 1), 2024566130],
  ])('MurmurHash2 (seed -1) of %j matches the Java implementation', (v, h) => {
    expect(murmurHash(v)).toBe(h)
  })
})

describe('init arguments', () => {
  it('TOPKDISTINCT reads a negative literal', () => {
    const u = resolve('TOPKDISTINCT', [T.INTEGER, T.INTEGER], ['V', '-1'])
    expect(fold(u, one([1]))).toEqual([[]])
  })

  it('a NULL argument for a generic parameter is rejected', () => {
    expect(() => resolve('COLLECT_LIST', [null], ['NULL'])).toThrow(SqlPlanError)
  })
})
