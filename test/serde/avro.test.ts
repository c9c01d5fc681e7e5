import { describe, expect, it } from 'vitest'
import {
  bytesDecimal,
  decimalBytes,
  decodeAvro,
  encodeAvro,
  parseAvroSchema,
  type AvroValue,
} from '../../src/serde/avro/avro.js'
import { avroColumns, createAvroSerde, ksqlAvroSchema } from '../../src/serde/avro/ksql-avro.js'
import { createJsonSrSerde, jsonSchemaColumns } from '../../src/serde/json-sr.js'
import { MemorySchemaRegistry, readWirePrefix, writeWirePrefix } from '../../src/serde/schema-registry.js'
import { Decimal } from '../../src/types/decimal.js'
import type { Column } from '../../src/types/schema.js'
import { type Type, typeToString } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('Avro binary encoding', () => {
  // Known byte sequences from the Avro specification (zig-zag varints, length-prefixed strings).
  const cases: [string, unknown, AvroValue, string][] = [
    ['int 0', 'int', 0, '00'],
    ['int -1', 'int', -1, '01'],
    ['int 1', 'int', 1, '02'],
    ['int 64', 'int', 64, '8001'],
    ['int -65', 'int', -65, '8101'],
    ['long max', 'long', 9223372036854775807n, 'feffffffffffffffff01'],
    ['long min', 'long', -9223372036854775808n, 'ffffffffffffffffff01'],
    ['string', 'string', 'foo', '06666f6f'],
    ['boolean', 'boolean', true, '01'],
    ['double 1.5', 'double', 1.5, '000000000000f83f'],
    ['float 1.5', 'float', 1.5, '0000c03f'],
    ['bytes', 'bytes', Uint8Array.from([1, 2]), '040102'],
    ['null union branch', ['null', 'int'], null, '00'],
    ['int union branch', ['null', 'int'], 3, '0206'],
    ['array', { type: 'array', items: 'int' }, [1, 2], '04020400'],
    ['empty array', { type: 'array', items: 'int' }, [], '00'],
    ['map', { type: 'map', values: 'long' }, new Map([['a', 1n]]), '0202610200'],
    [
      'record',
      {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'long' },
          { name: 'b', type: 'string' },
        ],
      },
      { a: 27n, b: 'foo' },
      '3606666f6f',
    ],
    ['enum', { type: 'enum', name: 'E', symbols: ['A', 'B'] }, 'B', '02'],
  ]
  it.each(cases)('%s', (_name, schema, value, bytes) => {
    const t = parseAvroSchema(schema)
    expect(hex(encodeAvro(t, value))).toBe(bytes)
    expect(decodeAvro(t, Buffer.from(bytes, 'hex'))).toEqual(value)
  })

  it.each([
    [0n, '00'],
    [1n, '01'],
    [-1n, 'ff'],
    [127n, '7f'],
    [128n, '0080'],
    [-129n, 'ff7f'],
    [12345n, '3039'],
  ])("decimal unscaled %s as two's complement %s", (v, bytes) => {
    expect(hex(decimalBytes(v))).toBe(bytes)
    expect(bytesDecimal(Buffer.from(bytes, 'hex'))).toBe(v)
  })

  it('resolves named types and namespaces', () => {
    const t = parseAvroSchema({
      type: 'record',
      name: 'Node',
      namespace: 'x.y',
      fields: [
        { name: 'v', type: 'int' },
        { name: 'next', type: ['null', 'Node'] },
      ],
    })
    const v = { v: 1, next: { v: 2, next: null } }
    expect(decodeAvro(t, encodeAvro(t, v))).toEqual(v)
  })
})

describe('Confluent wire format', () => {
  it('prefixes magic byte 0 and a big-endian schema id', () => {
    const bytes = writeWirePrefix(258, Uint8Array.from([9]))
    expect(hex(bytes)).toBe('000000010209')
    const { id, body } = readWirePrefix(bytes)
    expect(id).toBe(258)
    expect(hex(body)).toBe('09')
    expect(() => readWirePrefix(Uint8Array.from([1, 0, 0, 0, 1]))).toThrow('Unknown magic byte!')
  })
})

const col = (name: string, type: Column['type'], namespace: 'KEY' | 'VALUE' = 'VALUE'): Column => ({
  name,
  type,
  namespace,
})

describe('ksqlDB AVRO schemas and serde', () => {
  const columns: Column[] = [
    col('ID', { kind: 'BIGINT' }),
    col('NAME', { kind: 'STRING' }),
    col('PRICE', { kind: 'DECIMAL', precision: 6, scale: 2 }),
    col('D', { kind: 'DATE' }),
    col('T', { kind: 'TIME' }),
    col('TS', { kind: 'TIMESTAMP' }),
    col('TAGS', { kind: 'ARRAY', element: { kind: 'STRING' } }),
    col('M', { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'INTEGER' } }),
    col('IM', { kind: 'MAP', key: { kind: 'INTEGER' }, value: { kind: 'STRING' } }),
    col('S', { kind: 'STRUCT', fields: [{ name: 'A', type: { kind: 'DOUBLE' } }] }),
    col('B', { kind: 'BYTES' }),
  ]

  it('writes the schema ksqlDB registers (record name, optional fields, logical types)', () => {
    const s = ksqlAvroSchema(columns, false) as {
      name: string
      namespace: string
      fields: { name: string; type: unknown[] }[]
    }
    expect(s.name).toBe('KsqlDataSourceSchema')
    expect(s.namespace).toBe('io.confluent.ksql.avro_schemas')
    const field = (n: string) => s.fields.find((f) => f.name === n)!.type
    expect(field('ID')).toEqual(['null', 'long'])
    expect(field('PRICE')[1]).toMatchObject({ type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 })
    expect(field('D')[1]).toMatchObject({ type: 'int', logicalType: 'date' })
    expect(field('T')[1]).toMatchObject({ type: 'int', logicalType: 'time-millis' })
    expect(field('TS')[1]).toMatchObject({ type: 'long', logicalType: 'timestamp-millis' })
    expect(field('S')[1]).toMatchObject({ type: 'record', name: 'KsqlDataSourceSchema_S' })
    expect(field('IM')[1]).toMatchObject({ type: 'array' })
    expect(ksqlAvroSchema([col('K', { kind: 'INTEGER' }, 'KEY')], true)).toEqual(['null', 'int'])
  })

  it('round-trips rows through the registry, and infers the same columns back', () => {
    const registry = new MemorySchemaRegistry()
    const serde = createAvroSerde(columns, { isKey: false, registry, topic: 't' })
    const row: Value[] = [
      5n,
      'x',
      new Decimal(1250n, 2),
      19000,
      3600000,
      1700000000000,
      ['a', null],
      new Map([['k', 1]]),
      new Map([[7, 'seven']]),
      { A: 1.5 },
      Uint8Array.from([1, 2, 3]),
    ]
    const bytes = serde.serialize(row)!
    expect(readWirePrefix(bytes).id).toBe(registry.latest('t-value')!.id)
    expect(serde.deserialize(bytes)).toEqual(row)
    expect(serde.deserialize(null)).toBeNull()
    const inferred = avroColumns(registry.latest('t-value')!.schema, false, true)
    expect(inferred.map((c) => `${c.name} ${typeToString(c.type)}`)).toEqual(
      columns.map((c) => `${c.name} ${typeToString(c.type)}`),
    )
  })

  it('reads a writer schema with other field case and widens int to BIGINT', () => {
    const registry = new MemorySchemaRegistry()
    const writer = {
      type: 'record',
      name: 'w',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'x', type: 'string' },
      ],
    }
    const id = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) })
    const body = encodeAvro(parseAvroSchema(writer), { id: 7, x: 'y' })
    const serde = createAvroSerde([col('ID', { kind: 'BIGINT' }), col('MISSING', { kind: 'STRING' })], {
      isKey: false,
      registry,
      topic: 't',
    })
    expect(serde.deserialize(writeWirePrefix(id, body))).toEqual([7n, null])
  })

  it.each<[string, Value, Record<string, AvroValue>]>([
    ['a null field with a default takes the default', null, { n: 10n, e: 'x' }],
    ['a set field keeps its value', 3n, { n: 3n, e: 'x' }],
  ])('with a schema id: %s (Connect Struct.get)', (_name, n, expected) => {
    const registry = new MemorySchemaRegistry()
    const writer = {
      type: 'record',
      name: 'w',
      fields: [
        { name: 'n', type: 'long', default: 10 },
        { name: 'e', type: 'string' },
      ],
    }
    const schemaId = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) })
    const serde = createAvroSerde([col('N', { kind: 'BIGINT' }), col('E', { kind: 'STRING' })], {
      isKey: false,
      registry,
      topic: 't',
      schemaId,
    })
    const bytes = serde.serialize([n, 'x'])!
    expect(decodeAvro(parseAvroSchema(writer), bytes.subarray(5))).toEqual(expected)
  })

  it('with a schema id: a null field without a default is refused', () => {
    const registry = new MemorySchemaRegistry()
    const writer = { type: 'record', name: 'w', fields: [{ name: 'e', type: 'string' }] }
    const schemaId = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) })
    const serde = createAvroSerde([col('E', { kind: 'STRING' })], {
      isKey: false,
      registry,
      topic: 't',
      schemaId,
    })
    expect(() => serde.serialize([null])).toThrow('Invalid value: null used for required field: "e"')
  })

  it('writes an unwrapped key as the bare value', () => {
    const registry = new MemorySchemaRegistry()
    const serde = createAvroSerde([col('K', { kind: 'STRING' }, 'KEY')], {
      isKey: true,
      registry,
      topic: 't',
    })
    const bytes = serde.serialize(['foo'])!
    expect(hex(bytes.subarray(5))).toBe('0206666f6f')
    expect(serde.deserialize(bytes)).toEqual(['foo'])
  })

  it.each([
    ['"int"', 'ROWVAL INTEGER'],
    ['{"type":"long","logicalType":"timestamp-millis"}', 'ROWVAL TIMESTAMP'],
    [
      '{"type":"record","name":"r","fields":[{"name":"a","type":["null","string"]},{"name":"b","type":{"type":"map","values":"double"}}]}',
      'A STRING, B MAP<STRING, DOUBLE>',
    ],
    [
      '{"type":"record","name":"r","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}}]}',
      'E STRING',
    ],
  ])('infers value columns of %s', (schema, expected) => {
    expect(
      avroColumns(schema, false, true)
        .map((c) => `${c.name} ${typeToString(c.type)}`)
        .join(', '),
    ).toBe(expected)
  })

  it.each([
    ['"int"', 'ROWVAL INTEGER'],
    [
      '{"type":"record","name":"r","fields":[{"name":"f0","type":["null","int"]}]}',
      'ROWVAL STRUCT<`F0` INTEGER>',
    ],
  ])('infers one ROWVAL column of %s with WRAP_SINGLE_VALUE=false', (schema, expected) => {
    expect(
      avroColumns(schema, false, true, true)
        .map((c) => `${c.name} ${typeToString(c.type)}`)
        .join(', '),
    ).toBe(expected)
  })

  // ConnectDataTranslator: a STRING column reads the numeric and boolean types as String.valueOf
  it.each<[string, unknown, AvroValue, Type, Value]>([
    ['int as STRING', 'int', 10, { kind: 'STRING' }, '10'],
    ['long as STRING', 'long', 12345678901n, { kind: 'STRING' }, '12345678901'],
    ['double as STRING', 'double', 1.5, { kind: 'STRING' }, '1.5'],
    ['whole double as STRING', 'double', 2, { kind: 'STRING' }, '2.0'],
    ['float as STRING (Float.toString)', 'float', Math.fround(1.1), { kind: 'STRING' }, '1.1'],
    ['boolean as STRING', 'boolean', true, { kind: 'STRING' }, 'true'],
    [
      'map of optional int as MAP<STRING, STRING>',
      { type: 'map', values: ['null', 'int'] },
      new Map<string, AvroValue>([
        ['a', 1],
        ['b', null],
      ]),
      { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'STRING' } },
      new Map<Value, Value>([
        ['a', '1'],
        ['b', null],
      ]),
    ],
    [
      'array of int as ARRAY<STRING>',
      { type: 'array', items: 'int' },
      [1, 2],
      { kind: 'ARRAY', element: { kind: 'STRING' } },
      ['1', '2'],
    ],
  ])('coerces an anonymous %s', (_name, schema, written, type, expected) => {
    const registry = new MemorySchemaRegistry()
    const t = parseAvroSchema(schema)
    const id = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) })
    const serde = createAvroSerde([col('FOO', type)], {
      isKey: false,
      wrapSingle: false,
      registry,
      topic: 't',
    })
    expect(serde.deserialize(writeWirePrefix(id, encodeAvro(t, written)))).toEqual([expected])
  })

  it('refuses a record as STRING', () => {
    const registry = new MemorySchemaRegistry()
    const schema = { type: 'record', name: 'r', fields: [{ name: 'a', type: 'int' }] }
    const id = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) })
    const serde = createAvroSerde([col('FOO', { kind: 'STRING' })], {
      isKey: false,
      wrapSingle: false,
      registry,
      topic: 't',
    })
    expect(() =>
      serde.deserialize(writeWirePrefix(id, encodeAvro(parseAvroSchema(schema), { a: 1 }))),
    ).toThrow('Cannot convert Avro record to STRING')
  })
})

describe('JSON_SR', () => {
  it('writes JSON behind the wire prefix and reads it back', () => {
    const registry = new MemorySchemaRegistry()
    const columns = [col('A', { kind: 'INTEGER' }), col('B', { kind: 'STRING' })]
    const serde = createJsonSrSerde(columns, { isKey: false, registry, topic: 't' })
    const bytes = serde.serialize([1, 'x'])!
    const { id, body } = readWirePrefix(bytes)
    expect(id).toBe(registry.latest('t-value')!.id)
    expect(Buffer.from(body).toString()).toBe('{"A":1,"B":"x"}')
    expect(serde.deserialize(bytes)).toEqual([1, 'x'])
    expect(
      jsonSchemaColumns(registry.latest('t-value')!.schema, false, true).map(
        (c) => `${c.name} ${typeToString(c.type)}`,
      ),
    ).toEqual(['A INTEGER', 'B STRING'])
  })

  it.each([
    ['{"type":"object","properties":{"c1":{"type":"integer"}}}', true, 'C1 BIGINT'],
    ['{"type":"object","properties":{"c1":{"type":"integer"}}}', false, 'c1 BIGINT'],
    [
      '{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"number"}}}}',
      true,
      'M MAP<STRING, DOUBLE>',
    ],
    ['{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]}', true, 'ROWVAL INTEGER'],
  ])('infers columns of %s (upper-cased: %s)', (schema, upper, expected) => {
    expect(
      jsonSchemaColumns(schema, false, upper)
        .map((c) => `${c.name} ${typeToString(c.type)}`)
        .join(', '),
    ).toBe(expected)
  })
})

describe('MemorySchemaRegistry', () => {
  it('keeps versions per subject and one id per distinct schema', () => {
    const r = new MemorySchemaRegistry()
    const a = r.register('a-value', { schemaType: 'AVRO', schema: '"int"' })
    expect(r.register('a-value', { schemaType: 'AVRO', schema: ' "int" ' })).toBe(a)
    const b = r.register('a-value', { schemaType: 'AVRO', schema: '"long"' })
    expect(b).not.toBe(a)
    expect(r.versions('a-value').map((v) => v.version)).toEqual([1, 2])
    expect(r.latest('a-value')!.id).toBe(b)
    expect(r.register('b-value', { schemaType: 'AVRO', schema: '"int"' })).toBe(a)
    expect(r.register('c-value', { schemaType: 'AVRO', schema: '"string"' }, 42)).toBe(42)
    expect(r.byId(42)!.schema).toBe('"string"')
  })
})
