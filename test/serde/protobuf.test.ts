import { describe, expect, it } from 'vitest'
import { JsonDecimal, type JsonValue } from '../../src/qtt/jsonc.js'
import { decodeProtobufSpec, encodeProtobufSpec } from '../../src/qtt/protobuf-codec.js'
import { bigIntToBytes, bytesToBigInt } from '../../src/serde/protobuf.js'
import { protoRoot, protoSchemaText } from '../../src/serde/protobuf-schema.js'
import {
  ProtoReader,
  ProtoWriter,
  unzigzag32,
  unzigzag64,
  zigzag32,
  zigzag64,
} from '../../src/serde/protobuf-wire.js'
import { checkFormat, createSerde, SerdeError } from '../../src/serde/serde.js'
import { Decimal } from '../../src/types/decimal.js'
import type { Column } from '../../src/types/schema.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const FORMAT = { format: 'PROTOBUF_NOSR' }
const col = (name: string, type: Type): Column => ({ name, type, namespace: 'VALUE' })
const valueSerde = (...columns: Column[]) => createSerde(FORMAT, columns, { isKey: false, topic: 't' })
const hex = (b: Uint8Array | null): string => Buffer.from(b ?? new Uint8Array()).toString('hex')

describe('protobuf wire encoding', () => {
  it.each<[string, (w: ProtoWriter) => void, string]>([
    ['varint 150', (w) => w.uint32(150), '9601'],
    ['varint 0', (w) => w.uint32(0), '00'],
    ['int32 -1 is sign-extended to ten bytes', (w) => w.int32(-1), 'ffffffffffffffffff01'],
    ['int64 2^31', (w) => w.int64(2147483648n), '8080808008'],
    ['int64 min', (w) => w.int64(-9223372036854775808n), '80808080808080808001'],
    ['sint32 -1 (zigzag)', (w) => w.sint32(-1), '01'],
    ['sint64 -2 (zigzag)', (w) => w.sint64(-2n), '03'],
    ['double 1.5 little-endian', (w) => w.double(1.5), '000000000000f83f'],
    ['string with its length', (w) => w.string('testing'), '0774657374696e67'],
    ['tag field 2 length-delimited', (w) => w.tag(2, 2), '12'],
  ])('%s', (_name, write, expected) => {
    const w = new ProtoWriter(1)
    write(w)
    expect(hex(w.finish())).toBe(expected)
  })

  it.each<[number, number]>([
    [0, 0],
    [-1, 1],
    [1, 2],
    [-2, 3],
    [2147483647, 4294967294],
    [-2147483648, 4294967295],
  ])('zigzag32(%i) = %i', (n, z) => {
    expect(zigzag32(n)).toBe(z)
    expect(unzigzag32(z)).toBe(n)
  })

  it.each<bigint>([0n, -1n, 1n, 9223372036854775807n, -9223372036854775808n])(
    'zigzag64 round trip %s',
    (n) => {
      expect(unzigzag64(zigzag64(n))).toBe(n)
    },
  )

  it('reads back what it writes', () => {
    const w = new ProtoWriter()
    w.int32(-5)
    w.int64(-9223372036854775808n)
    w.uint64(18446744073709551615n)
    w.sint32(-70000)
    w.double(-0.25)
    w.string('héllo')
    w.bool(true)
    const r = new ProtoReader(w.finish())
    expect(r.int32()).toBe(-5)
    expect(r.int64()).toBe(-9223372036854775808n)
    expect(r.uint64()).toBe(18446744073709551615n)
    expect(r.sint32()).toBe(-70000)
    expect(r.double()).toBe(-0.25)
    expect(r.string()).toBe('héllo')
    expect(r.bool()).toBe(true)
    expect(r.done()).toBe(true)
  })

  it('rejects truncated input', () => {
    expect(() => new ProtoReader(new Uint8Array([0x0a, 0x05, 0x61])).sub()).toThrow(/ended unexpectedly/)
    expect(() => new ProtoReader(new Uint8Array([0x80])).uint32()).toThrow(/ended unexpectedly/)
  })

  it.each<[bigint, string]>([
    [0n, '00'],
    [1234n, '04d2'],
    [-1n, 'ff'],
    [128n, '0080'],
    [-129n, 'ff7f'],
  ])('BigInteger.toByteArray(%s) = %s', (v, bytes) => {
    expect(hex(bigIntToBytes(v))).toBe(bytes)
    expect(bytesToBigInt(Buffer.from(bytes, 'hex'))).toBe(v)
  })
})

describe('PROTOBUF_NOSR format', () => {
  // Known byte sequences: what ksqlDB (ProtobufData + DynamicMessage) writes for a value of one column.
  it.each<[string, Type, Value, string]>([
    ['INTEGER', T.INTEGER, 150, '089601'],
    ['negative INTEGER', T.INTEGER, -1, '08ffffffffffffffffff01'],
    ['BIGINT', T.BIGINT, 2147483648n, '088080808008'],
    ['DOUBLE', T.DOUBLE, 1.5, '09000000000000f83f'],
    ['BOOLEAN', T.BOOLEAN, true, '0801'],
    ['STRING', T.STRING, 'testing', '0a0774657374696e67'],
    ['BYTES', T.BYTES, new Uint8Array([1, 2, 3]), '0a03010203'],
    ['packed ARRAY<INTEGER>', array(T.INTEGER), [1, 2, 3], '0a03010203'],
    ['ARRAY<STRING>', array(T.STRING), ['a', 'b'], '0a01610a0162'],
    ['MAP<STRING, INTEGER>', map(T.STRING, T.INTEGER), new Map([['a', 1]]), '0a050a01611001'],
    ['DECIMAL(4, 2) as confluent.type.Decimal', decimal(4, 2), new Decimal(1234n, 2), '0a080a0204d210041802'],
    ['DATE as google.type.Date', T.DATE, 19000, '0a0708e60f10011808'],
    ['TIME as google.type.TimeOfDay', T.TIME, 3_723_004, '0a0b080110021803208092f401'],
    ['TIMESTAMP as google.protobuf.Timestamp', T.TIMESTAMP, 1500, '0a08080110' + '80cab5ee01'],
    ['STRUCT as a nested message', struct([{ name: 'A', type: T.INTEGER }]), { A: 7 }, '0a020807'],
    // proto3: values equal to the default are not written
    ['INTEGER 0', T.INTEGER, 0, ''],
    ['BOOLEAN false', T.BOOLEAN, false, ''],
    ['STRING ""', T.STRING, '', ''],
    ['empty ARRAY', array(T.INTEGER), [], ''],
  ])('%s', (_name, type, value, expected) => {
    const serde = valueSerde(col('V', type))
    const bytes = serde.serialize([value])
    expect(hex(bytes)).toBe(expected)
    expect(serde.deserialize(bytes)).toEqual([value])
  })

  it('numbers the fields in column order', () => {
    const serde = valueSerde(col('A', T.INTEGER), col('B', T.STRING))
    expect(hex(serde.serialize([150, 'x']))).toBe('0896011201' + '78')
    expect(serde.deserialize(Buffer.from('120178089601', 'hex'))).toEqual([150, 'x'])
  })

  // Nulls: proto3 scalars have no presence, so a null reads back as the default value.
  it.each<[string, Type, Value]>([
    ['INTEGER', T.INTEGER, 0],
    ['BIGINT', T.BIGINT, 0n],
    ['DOUBLE', T.DOUBLE, 0],
    ['BOOLEAN', T.BOOLEAN, false],
    ['STRING', T.STRING, ''],
    ['BYTES', T.BYTES, new Uint8Array(0)],
    ['ARRAY', array(T.STRING), []],
    ['MAP', map(T.STRING, T.STRING), new Map()],
    ['STRUCT', struct([{ name: 'A', type: T.INTEGER }]), null],
    ['DECIMAL', decimal(4, 2), null],
    ['TIMESTAMP', T.TIMESTAMP, null],
  ])('a null %s reads back as its default', (_name, type, expected) => {
    const serde = valueSerde(col('V', type), col('W', T.INTEGER))
    const bytes = serde.serialize([null, 5])
    expect(serde.deserialize(bytes)).toEqual([expected, 5])
  })

  it.each<['OPTIONAL' | 'WRAPPER', Value[], string]>([
    ['OPTIONAL', [0, null], '0800'],
    ['WRAPPER', [0, null], '0a00'],
    ['WRAPPER', [7, null], '0a020807'],
  ])('nullable representation %s keeps nulls and defaults apart', (nullable, values, expected) => {
    const serde = createSerde(
      { format: 'PROTOBUF_NOSR', nullableRepresentation: nullable },
      [col('A', T.INTEGER), col('B', T.STRING)],
      { isKey: false },
    )
    const bytes = serde.serialize(values)
    expect(hex(bytes)).toBe(expected)
    expect(serde.deserialize(bytes)).toEqual(values)
  })

  it('round-trips nested types', () => {
    const type = struct([
      { name: 'L', type: array(struct([{ name: 'X', type: T.BIGINT }])) },
      { name: 'M', type: map(T.STRING, array(T.DOUBLE)) },
      { name: 'D', type: decimal(10, 3) },
    ])
    const value = {
      L: [{ X: -3n }, { X: 9007199254740993n }],
      M: new Map<Value, Value>([
        ['k', [1.5, -0.5]],
        ['e', []],
      ]),
      D: new Decimal(-1234567n, 3),
    }
    const serde = valueSerde(col('S', type))
    expect(serde.deserialize(serde.serialize([value]))).toEqual([value])
  })

  it('writes a single unwrapped value in a google.protobuf wrapper message', () => {
    const key = createSerde(FORMAT, [col('K', T.STRING)], { isKey: true })
    expect(hex(key.serialize(['a']))).toBe('0a0161')
    expect(key.deserialize(Buffer.from('0a0161', 'hex'))).toEqual(['a'])
    const value = createSerde(FORMAT, [col('V', T.INTEGER)], { isKey: false, wrapSingle: false })
    expect(hex(value.serialize([150]))).toBe('089601')
    expect(value.deserialize(new Uint8Array(0))).toEqual([0])
  })

  it('rescales decimals to the column scale', () => {
    const serde = valueSerde(col('D', decimal(6, 4)))
    // 10.0 written with scale 1 by another writer
    const bytes = Buffer.from('0a070a016410031801', 'hex')
    expect(serde.deserialize(bytes)).toEqual([new Decimal(100000n, 4)])
  })

  it('skips unknown fields', () => {
    const serde = valueSerde(col('A', T.INTEGER))
    // field 5 (varint), field 6 (length-delimited), field 7 (fixed64), then A = 1
    expect(serde.deserialize(Buffer.from('2801320161390000000000000000' + '0801', 'hex'))).toEqual([1])
  })

  it('reads unpacked repeated numbers too', () => {
    const serde = valueSerde(col('A', array(T.INTEGER)))
    expect(serde.deserialize(Buffer.from('080108020803', 'hex'))).toEqual([[1, 2, 3]])
  })

  it.each<[string, Column[], Value[], RegExp]>([
    ['a null ARRAY element', [col('A', array(T.INTEGER))], [[1, null]], /null element/],
    ['a nested ARRAY', [col('A', array(array(T.INTEGER)))], [[[1]]], /Array cannot be nested/],
    ['an ARRAY of MAPs', [col('A', array(map(T.STRING, T.INTEGER)))], [[new Map()]], /Array of maps/],
    ['an unwrapped ARRAY', [col('A', array(T.INTEGER))], [[1]], /Unsupported root schema of type ARRAY/],
  ])('fails to write %s', (_name, columns, values, message) => {
    const unwrapped = _name.startsWith('an unwrapped')
    const serde = createSerde(FORMAT, columns, { isKey: false, ...(unwrapped ? { wrapSingle: false } : {}) })
    expect(() => serde.serialize(values)).toThrow(SerdeError)
    expect(() => serde.serialize(values)).toThrow(message)
  })

  it('fails to read malformed bytes', () => {
    const serde = valueSerde(col('A', T.STRING))
    expect(() => serde.deserialize(Buffer.from('0a05', 'hex'))).toThrow(
      /^Failed to deserialize value from topic: t\. Failed to deserialize data for topic t to Protobuf: /,
    )
  })

  it('only supports MAP types with STRING keys', () => {
    expect(() => checkFormat(FORMAT, [col('M', map(T.INTEGER, T.DOUBLE))], { isKey: false })).toThrow(
      'PROTOBUF format only supports MAP types with STRING keys',
    )
  })

  it('accepts WRAP_SINGLE_VALUE both ways', () => {
    expect(() => checkFormat(FORMAT, [col('V', T.INTEGER)], { isKey: false, wrapSingle: true })).not.toThrow()
    expect(() =>
      checkFormat(FORMAT, [col('V', T.INTEGER)], { isKey: false, wrapSingle: false }),
    ).not.toThrow()
  })

  it('prints the schema it derives', () => {
    const root = protoRoot(
      [col('ID', T.BIGINT), col('TAGS', array(T.STRING)), col('S', struct([{ name: 'A', type: T.DATE }]))],
      false,
    )
    expect(protoSchemaText(root)).toBe(
      [
        'syntax = "proto3";',
        '',
        'import "google/type/date.proto";',
        '',
        'message ConnectDefault1 {',
        '  int64 ID = 1;',
        '  repeated string TAGS = 2;',
        '  ConnectDefault2 S = 3;',
        '  message ConnectDefault2 {',
        '    google.type.Date A = 1;',
        '  }',
        '}',
        '',
      ].join('\n'),
    )
  })
})

describe('PROTOBUF_NOSR test records (ksqlDB test runner)', () => {
  const columns = [
    col('I', T.INTEGER),
    col('D', decimal(6, 4)),
    col('B', T.BYTES),
    col('M', map(T.STRING, T.BOOLEAN)),
  ]
  it.each<[JsonValue, JsonValue]>([
    [
      { i: 1, d: new JsonDecimal('10.0'), b: 'AQI=', m: { k: true } },
      { I: 1, D: new JsonDecimal('10.0000'), B: 'AQI=', M: { k: true } },
    ],
    [{ i: null }, { I: 0, D: null, B: '', M: {} }],
  ])('%j is read back as %j', (spec, expected) => {
    expect(decodeProtobufSpec(encodeProtobufSpec(spec, columns), columns)).toEqual(expected)
  })
})

describe('PROTOBUF_NOSR map values', () => {
  it('reads an absent STRUCT map value as a STRUCT of defaults', () => {
    const serde = valueSerde(col('M', map(T.STRING, struct([{ name: 'A', type: T.INTEGER }]))))
    const bytes = serde.serialize([new Map<Value, Value>([['k', null]])])
    expect(hex(bytes)).toBe('0a030a016b')
    expect(serde.deserialize(bytes)).toEqual([new Map([['k', { A: 0 }]])])
  })
})
