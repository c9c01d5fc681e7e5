import { describe, expect, it } from 'vitest'
import { createSerde, SerdeError } from '../../src/serde/serde.js'
import type { Column } from '../../src/types/schema.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const col = (name: string, type: Type): Column => ({ name, type, namespace: 'VALUE' })
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b))

/** Deserializes `json` as a wrapped value with one column `V` of `type`; returns the value. */
function read1(type: Type, json: string): Value {
  const serde = createSerde({ format: 'JSON' }, [col('V', type)], { isKey: false })
  return serde.deserialize(bytes(`{"V":${json}}`))![0]!
}

function write1(type: Type, v: Value): string | null {
  const serde = createSerde({ format: 'JSON' }, [col('V', type)], { isKey: false })
  return text(serde.serialize([v]))
}

describe('JSON deserialization coercions (JsonSerdeUtils)', () => {
  it.each<[string, Type, string, Value]>([
    ['int from int', T.INTEGER, '42', 42],
    ['int from numeric string', T.INTEGER, '"123"', 123],
    ['int from double truncates', T.INTEGER, '1.9', 1],
    ['int from negative double truncates', T.INTEGER, '-1.9', -1],
    ['int from long wraps (intValue)', T.INTEGER, '3000000000', -1294967296],
    ['bigint from int', T.BIGINT, '7', 7n],
    ['bigint beyond 2^53 exact', T.BIGINT, '9223372036854775807', 9223372036854775807n],
    ['bigint min exact', T.BIGINT, '-9223372036854775808', -9223372036854775808n],
    ['bigint from string', T.BIGINT, '"9007199254740993"', 9007199254740993n],
    ['bigint from double truncates', T.BIGINT, '12.7', 12n],
    ['bigint from exponent', T.BIGINT, '1e20', BigInt.asIntN(64, 10n ** 20n)],
    ['double from int', T.DOUBLE, '3', 3],
    ['double from decimal', T.DOUBLE, '1.25', 1.25],
    ['double from string', T.DOUBLE, '"2.5"', 2.5],
    ['double NaN from string', T.DOUBLE, '"NaN"', Number.NaN],
    ['boolean', T.BOOLEAN, 'true', true],
    ['string', T.STRING, '"héllo"', 'héllo'],
    ['string from int', T.STRING, '12', '12'],
    ['string from decimal keeps text', T.STRING, '1.50', '1.50'],
    ['string from exponent (BigDecimal.toString)', T.STRING, '1e3', '1E+3'],
    ['string from boolean', T.STRING, 'false', 'false'],
    ['string from object is JSON text', T.STRING, '{"a": 1, "b": [1.0, "x"]}', '{"a":1,"b":[1.0,"x"]}'],
    ['string from array', T.STRING, '[1, "a", null]', '[1, a, null]'],
    ['timestamp from number', T.TIMESTAMP, '1700000000000', 1700000000000],
    ['timestamp from string', T.TIMESTAMP, '"1700000000000"', 1700000000000],
    ['date from number', T.DATE, '19000', 19000],
    ['time from number', T.TIME, '3600000', 3600000],
    ['bytes from base64', T.BYTES, '"ew=="', new Uint8Array([0x7b])],
    ['null', T.INTEGER, 'null', null],
  ])('%s', (_name, type, json, expected) => {
    expect(read1(type, json)).toEqual(expected)
  })

  it.each<[string, Type, string, string]>([
    [
      'boolean from string',
      T.BOOLEAN,
      '"true"',
      "Can't convert type. sourceType: TextNode, requiredType: BOOLEAN",
    ],
    ['int from bad string', T.INTEGER, '"abc"', "Can't coerce string to type. targetType: INTEGER"],
    [
      'int from boolean',
      T.INTEGER,
      'true',
      "Can't convert type. sourceType: BooleanNode, requiredType: INTEGER",
    ],
    [
      'bigint from object',
      T.BIGINT,
      '{}',
      "Can't convert type. sourceType: ObjectNode, requiredType: BIGINT",
    ],
    [
      'array from int',
      array(T.INTEGER),
      '1',
      "Can't convert type. sourceType: IntNode, requiredType: ARRAY<INTEGER>",
    ],
    ['bytes from int', T.BYTES, '1', "Can't convert type. sourceType: IntNode, requiredType: BYTES"],
    ['bad base64', T.BYTES, '"@@"', 'Value is not a valid Base64 encoded string: @@'],
    ['time out of range', T.TIME, '-1', 'Time values must use number of milliseconds'],
    ['decimal overflow', decimal(4, 2), '123.4', 'Numeric field overflow'],
    [
      'decimal rounding',
      decimal(4, 2),
      '1.234',
      "Cannot fit decimal '1.234' into DECIMAL(4, 2) without rounding.",
    ],
  ])('error: %s', (_name, type, json, message) => {
    expect(() => read1(type, json)).toThrow(SerdeError)
    expect(() => read1(type, json)).toThrow(message)
  })

  it('puts the path and the topic in the message', () => {
    const serde = createSerde(
      { format: 'JSON' },
      [col('A', array(struct([{ name: 'B', type: T.INTEGER }])))],
      {
        isKey: false,
        topic: 't1',
      },
    )
    expect(() => serde.deserialize(bytes('{"A":[{"B":1},{"B":"x"}]}'))).toThrow(
      "Failed to deserialize value from topic: t1. Can't coerce string to type. targetType: INTEGER, path: $.A[1].B",
    )
  })

  it('rejects text that is not JSON', () => {
    const serde = createSerde({ format: 'JSON' }, [col('A', T.INTEGER)], { isKey: false })
    expect(() => serde.deserialize(bytes('{"A":'))).toThrow(SerdeError)
  })
})

describe('JSON decimals are exact and take the column scale', () => {
  it.each<[string, string, string]>([
    ['10', '10.0000', 'integer'],
    ['0.1', '0.1000', 'fewer digits'],
    ['10.0000', '10.0000', 'same scale'],
    ['"1.5"', '1.5000', 'from string'],
    ['-0.0001', '-0.0001', 'negative'],
  ])('%s → %s (%s)', (json, expected) => {
    expect(String(read1(decimal(6, 4), json))).toBe(expected)
  })

  it('keeps more than 15 significant digits', () => {
    const v = read1(decimal(21, 19), '10.1234512345123451234') as Decimal
    expect(v.toString()).toBe('10.1234512345123451234')
  })

  it('writes the column scale as a JSON number', () => {
    expect(write1(decimal(4, 2), new Decimal(1050n, 2))).toBe('{"V":10.50}')
    expect(write1(decimal(4, 2), new Decimal(105n, 1))).toBe('{"V":10.50}')
  })
})

describe('JSON field lookup', () => {
  const cols = [col('ID', T.BIGINT), col('NAME', T.STRING), col('lower', T.STRING)]
  const serde = createSerde({ format: 'JSON' }, cols, { isKey: false })

  it.each<[string, string, Value[]]>([
    ['exact names', '{"ID":1,"NAME":"a","lower":"x"}', [1n, 'a', 'x']],
    ['case-insensitive for upper-case columns', '{"id":1,"Name":"a"}', [1n, 'a', null]],
    ['quoted lower-case column matches exactly only', '{"ID":1,"LOWER":"x"}', [1n, null, null]],
    ['missing fields are null', '{}', [null, null, null]],
    ['extra fields are ignored', '{"ID":2,"other":true}', [2n, null, null]],
    ['exact name wins over other spellings', '{"id":1,"ID":2}', [2n, null, null]],
  ])('%s', (_name, json, expected) => {
    expect(serde.deserialize(bytes(json))).toEqual(expected)
  })

  it('stays correct after learning an alias', () => {
    expect(serde.deserialize(bytes('{"id":1}'))).toEqual([1n, null, null])
    expect(serde.deserialize(bytes('{"iD":3}'))).toEqual([3n, null, null])
    expect(serde.deserialize(bytes('{"ID":4}'))).toEqual([4n, null, null])
  })

  it('reads struct fields case-insensitively', () => {
    const s = createSerde({ format: 'JSON' }, [col('S', struct([{ name: 'F1', type: T.INTEGER }]))], {
      isKey: false,
    })
    expect(s.deserialize(bytes('{"s":{"f1":5}}'))).toEqual([{ F1: 5 }])
  })

  it('does not read inherited properties', () => {
    const s = createSerde({ format: 'JSON' }, [col('constructor', T.STRING), col('__proto__', T.STRING)], {
      isKey: false,
    })
    expect(s.deserialize(bytes('{}'))).toEqual([null, null])
    expect(s.deserialize(bytes('{"__proto__":"p","constructor":"c"}'))).toEqual(['c', 'p'])
  })
})

describe('JSON nested types', () => {
  const type = struct([
    { name: 'A', type: array(T.INTEGER) },
    { name: 'M', type: map(T.STRING, decimal(3, 1)) },
    { name: 'N', type: map(T.INTEGER, T.STRING) },
  ])
  it('reads arrays, maps and structs', () => {
    const v = read1(type, '{"a":[1,null,3],"m":{"x":1.5,"y":null},"n":{"1":"one"}}') as Record<string, Value>
    expect(v.A).toEqual([1, null, 3])
    expect(v.M).toEqual(
      new Map<Value, Value>([
        ['x', new Decimal(15n, 1)],
        ['y', null],
      ]),
    )
    expect(v.N).toEqual(new Map<Value, Value>([[1, 'one']]))
  })

  it('reads a map in the order of the HashMap ksqlDB builds', () => {
    const m = read1(map(T.STRING, T.DOUBLE), '{"yes, thanks":3.5,"nope":7.3,"sure, yeah":2.1}') as Map<
      Value,
      Value
    >
    expect([...m.keys()]).toEqual(['yes, thanks', 'sure, yeah', 'nope'])
  })

  it('writes them back in declared order', () => {
    const v = {
      A: [1, null],
      M: new Map<Value, Value>([['x', new Decimal(15n, 1)]]),
      N: new Map<Value, Value>([[1, 'one']]),
    }
    expect(write1(type, v)).toBe('{"V":{"A":[1,null],"M":{"x":1.5},"N":{"1":"one"}}}')
  })
})

describe('JSON serialization', () => {
  it.each<[string, Type, Value, string]>([
    ['int', T.INTEGER, 5, '5'],
    ['bigint beyond 2^53', T.BIGINT, 9223372036854775807n, '9223372036854775807'],
    ['whole double as Java writes it', T.DOUBLE, 1, '1.0'],
    ['double', T.DOUBLE, 1.25, '1.25'],
    ['large double', T.DOUBLE, 1e21, '1.0E21'],
    ['small double', T.DOUBLE, 0.0001, '1.0E-4'],
    ['NaN is quoted', T.DOUBLE, Number.NaN, '"NaN"'],
    ['string escaped', T.STRING, 'a"b\n', '"a\\"b\\n"'],
    ['boolean', T.BOOLEAN, false, 'false'],
    ['bytes as base64', T.BYTES, new Uint8Array([0x7b]), '"ew=="'],
    ['timestamp as epoch ms', T.TIMESTAMP, 1700000000000, '1700000000000'],
    ['date as days', T.DATE, 19000, '19000'],
  ])('%s', (_name, type, v, json) => {
    expect(write1(type, v)).toBe(`{"V":${json}}`)
  })

  it('writes null fields and null rows', () => {
    const serde = createSerde({ format: 'JSON' }, [col('A', T.INTEGER), col('B', T.STRING)], { isKey: false })
    expect(text(serde.serialize([null, 'x']))).toBe('{"A":null,"B":"x"}')
    expect(serde.serialize(null)).toBeNull()
    expect(serde.deserialize(null)).toBeNull()
    expect(serde.deserialize(bytes('null'))).toBeNull()
  })

  it('round-trips a row', () => {
    const cols = [col('ID', T.BIGINT), col('D', decimal(5, 2)), col('S', T.STRING), col('X', T.DOUBLE)]
    const serde = createSerde({ format: 'JSON' }, cols, { isKey: false })
    const row: Value[] = [2n ** 62n, new Decimal(-12345n, 2), 'ü', 0.1]
    expect(serde.deserialize(serde.serialize(row))).toEqual(row)
  })
})

describe('JSON wrapping', () => {
  it('unwraps a single value column when wrapSingle is false', () => {
    const serde = createSerde({ format: 'JSON' }, [col('FOO', T.STRING)], { isKey: false, wrapSingle: false })
    expect(serde.deserialize(bytes('"bar"'))).toEqual(['bar'])
    expect(text(serde.serialize(['bar']))).toBe('"bar"')
    expect(serde.deserialize(bytes('null'))).toEqual([null])
    expect(serde.serialize([null])).toBeNull()
  })

  it('reads an unwrapped struct', () => {
    const t = struct([{ name: 'F1', type: T.STRING }])
    const serde = createSerde({ format: 'JSON' }, [col('FOO', t)], { isKey: false, wrapSingle: false })
    expect(serde.deserialize(bytes('{"F1":"bar"}'))).toEqual([{ F1: 'bar' }])
    expect(text(serde.serialize([{ F1: 'bar' }]))).toBe('{"F1":"bar"}')
  })

  it('unwraps a single key column by default and wraps on request', () => {
    const k: Column = { name: 'K', type: T.INTEGER, namespace: 'KEY' }
    const unwrapped = createSerde({ format: 'JSON' }, [k], { isKey: true })
    expect(unwrapped.deserialize(bytes('5'))).toEqual([5])
    expect(text(unwrapped.serialize([5]))).toBe('5')
    expect(unwrapped.serialize([null])).toBeNull()
    const wrapped = createSerde({ format: 'JSON' }, [k], { isKey: true, wrapSingle: true })
    expect(text(wrapped.serialize([5]))).toBe('{"K":5}')
    expect(wrapped.deserialize(bytes('{"k":5}'))).toEqual([5])
  })

  it('writes several key columns as an object', () => {
    const ks: Column[] = [
      { name: 'K1', type: T.STRING, namespace: 'KEY' },
      { name: 'K2', type: T.INTEGER, namespace: 'KEY' },
    ]
    const serde = createSerde({ format: 'JSON' }, ks, { isKey: true })
    expect(text(serde.serialize(['a', 1]))).toBe('{"K1":"a","K2":1}')
    expect(serde.deserialize(bytes('{"K1":"a","K2":1}'))).toEqual(['a', 1])
  })

  it('treats no key columns as no key', () => {
    const serde = createSerde({ format: 'JSON' }, [], { isKey: true })
    expect(serde.serialize([])).toBeNull()
    expect(serde.deserialize(bytes('"ignored"'))).toEqual([])
  })
})
