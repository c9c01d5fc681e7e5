import { describe, expect, it } from 'vitest'
import { parseCsvRecord, parseDelimiter } from '../../src/serde/delimited.js'
import { createSerde, SerdeError } from '../../src/serde/serde.js'
import { Decimal } from '../../src/types/decimal.js'
import type { Column } from '../../src/types/schema.js'
import { decimal, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const col = (name: string, type: Type): Column => ({ name, type, namespace: 'VALUE' })
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b))

describe('CSV record parsing (commons-csv DEFAULT)', () => {
  it.each<[string, string, string[]]>([
    ['a,b,c', ',', ['a', 'b', 'c']],
    ['"a,b",c', ',', ['a,b', 'c']],
    ['"say ""hi""",x', ',', ['say "hi"', 'x']],
    ['a,,c', ',', ['a', '', 'c']],
    ['a,', ',', ['a', '']],
    [',', ',', ['', '']],
    ['a|b', '|', ['a', 'b']],
    ['a\tb', '\t', ['a', 'b']],
    [' a , b ', ',', [' a ', ' b ']],
    ['a"b,c', ',', ['a"b', 'c']],
    ['"a" ,b', ',', ['a', 'b']],
    ['a,b\nc,d', ',', ['a', 'b']],
    ['\n\na,b', ',', ['a', 'b']],
    ['"multi\nline",x', ',', ['multi\nline', 'x']],
    ['', ',', []],
  ])('%j with %j', (line, delimiter, fields) => {
    expect(parseCsvRecord(line, delimiter)).toEqual(fields)
  })

  it.each(['"abc', '"a"b,c'])('rejects %j', (line) => {
    expect(() => parseCsvRecord(line, ',')).toThrow()
  })
})

describe('delimiters', () => {
  it.each<[string | undefined, string]>([
    [undefined, ','],
    ['|', '|'],
    ['TAB', '\t'],
    ['space', ' '],
  ])('%j → %j', (spec, d) => {
    expect(parseDelimiter(spec)).toBe(d)
  })

  it.each<[string, string]>([
    ['<~>', "Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE"],
    ['', 'Delimiter cannot be empty'],
    [' ', 'Delimiter cannot be empty'],
  ])('rejects %j', (spec, message) => {
    expect(() => parseDelimiter(spec)).toThrow(message)
  })
})

describe('DELIMITED deserialization', () => {
  const cols = [
    col('ID', T.BIGINT),
    col('NAME', T.STRING),
    col('V', T.INTEGER),
    col('D', T.DOUBLE),
    col('B', T.BOOLEAN),
    col('DEC', decimal(6, 4)),
    col('TS', T.TIMESTAMP),
    col('BY', T.BYTES),
  ]
  const serde = createSerde({ format: 'DELIMITED' }, cols, { isKey: false })

  it('parses each field by its column type', () => {
    expect(serde.deserialize(bytes('998877665544332211,zero,-3,1.5,TRUE,12.0,1700000000000,ew=='))).toEqual([
      998877665544332211n,
      'zero',
      -3,
      1.5,
      true,
      new Decimal(120000n, 4),
      1700000000000,
      new Uint8Array([0x7b]),
    ])
  })

  it('reads empty fields as null', () => {
    expect(serde.deserialize(bytes(',,,,,,,'))).toEqual([null, null, null, null, null, null, null, null])
  })

  it('reads anything but "true" as false', () => {
    expect(serde.deserialize(bytes('1,a,1,1,yes,1,1,'))![4]).toBe(false)
  })

  it.each<[string, string]>([
    ['1,a', 'Column count mismatch on deserialization. topic: ?, expected: 8, got: 2'],
    ['x,a,1,1,true,1,1,', 'For input string: "x"'],
    ['1,a,1,1,true,123.45,1,', 'Numeric field overflow'],
    ['', 'No fields in record'],
  ])('rejects %j', (line, message) => {
    expect(() => serde.deserialize(bytes(line))).toThrow(SerdeError)
    expect(() => serde.deserialize(bytes(line))).toThrow(message)
  })

  it('reads quoted values', () => {
    const s = createSerde({ format: 'DELIMITED' }, [col('K', T.INTEGER)], { isKey: true })
    expect(s.deserialize(bytes('"22"'))).toEqual([22])
    expect(s.deserialize(null)).toBeNull()
  })
})

describe('DELIMITED serialization', () => {
  it.each<[string, Type[], Value[], string]>([
    ['plain values', [T.BIGINT, T.STRING, T.INTEGER], [0n, 'zero', 0], '0,zero,0'],
    ['null as empty', [T.INTEGER, T.STRING], [1, null], '1,'],
    ['decimal plain with scale', [decimal(33, 16)], [new Decimal(12n, 2)], '0.1200000000000000'],
    ['first field not alphanumeric is quoted', [decimal(7, 2)], [new Decimal(-1234512n, 2)], '"-12345.12"'],
    ['later negative number not quoted', [T.INTEGER, T.INTEGER], [1, -5], '1,-5'],
    ['delimiter inside is quoted', [T.STRING, T.STRING], ['a', 'b,c'], 'a,"b,c"'],
    ['quotes doubled', [T.STRING, T.STRING], ['a', 'say "hi"'], 'a,"say ""hi"""'],
    [
      'surrounding whitespace quoted',
      [T.STRING, T.STRING, T.STRING, T.STRING],
      [' \t with white space \t', ' \t WITH WHITE SPACE \t', 'with white space', '\t wit'],
      '" \t with white space \t"," \t WITH WHITE SPACE \t",with white space,"\t wit"',
    ],
    ['empty first string quoted', [T.STRING, T.STRING], ['', ''], '"",'],
    ['double as Java prints it', [T.DOUBLE, T.DOUBLE], [1, 1e7], '1.0,1.0E7'],
    ['boolean', [T.BOOLEAN], [true], 'true'],
    ['bytes as base64', [T.STRING, T.BYTES], ['x', new Uint8Array([0x7b])], 'x,ew=='],
  ])('%s', (_name, types, values, line) => {
    const serde = createSerde(
      { format: 'DELIMITED' },
      types.map((t, i) => col(`C${i}`, t)),
      { isKey: false },
    )
    expect(text(serde.serialize(values))).toBe(line)
  })

  it('uses the configured delimiter', () => {
    const cols = [col('A', T.INTEGER), col('B', T.STRING)]
    for (const [spec, d] of [
      ['$', '$'],
      ['TAB', '\t'],
      ['SPACE', ' '],
    ] as const) {
      const serde = createSerde({ format: 'DELIMITED', delimiter: spec }, cols, { isKey: false })
      expect(text(serde.serialize([1, 'x']))).toBe(`1${d}x`)
      expect(serde.deserialize(bytes(`1${d}x`))).toEqual([1, 'x'])
    }
  })

  it('writes a null single key as no key, a null row as a tombstone', () => {
    const key = createSerde({ format: 'DELIMITED' }, [col('K', T.STRING)], { isKey: true })
    expect(key.serialize([null])).toBeNull()
    const value = createSerde({ format: 'DELIMITED' }, [col('V', T.STRING)], { isKey: false })
    expect(value.serialize(null)).toBeNull()
    expect(text(value.serialize([null]))).toBe('')
  })

  it('round-trips', () => {
    const cols = [col('A', T.STRING), col('B', decimal(10, 3)), col('C', T.DOUBLE), col('D', T.BIGINT)]
    const serde = createSerde({ format: 'DELIMITED' }, cols, { isKey: false })
    const row: Value[] = ['-x, "y"\n', new Decimal(-5n, 3), -0.5, -(2n ** 63n)]
    expect(serde.deserialize(serde.serialize(row))).toEqual(row)
  })
})
