import { describe, expect, it } from 'vitest'
import {
  parseProtoSchema,
  protoColumns,
  readMessageIndexes,
  writeMessageIndexes,
} from '../../src/serde/protobuf-parse.js'
import { protoRoot, protoSchemaText } from '../../src/serde/protobuf-schema.js'
import { inferColumns } from '../../src/serde/registry-formats.js'
import { MemorySchemaRegistry, resolveReferences } from '../../src/serde/schema-registry.js'
import { typeToString } from '../../src/types/type.js'
import { createSerde } from '../../src/serde/serde.js'
import { Decimal } from '../../src/types/decimal.js'
import type { Column } from '../../src/types/schema.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const col = (name: string, type: Type): Column => ({ name, type, namespace: 'VALUE' })
const hex = (b: Uint8Array | null): string => Buffer.from(b ?? new Uint8Array()).toString('hex')

describe('protobuf schema text', () => {
  it.each<[string, string, Record<string, Type>]>([
    [
      'scalars, repeated, maps and enums',
      `syntax = "proto3";
       package p;
       // a comment
       message M {
         int32 a = 1; sint64 b = 2; uint32 c = 3; float d = 4; bool e = 5;
         repeated string f = 6;
         map<string, double> g = 7;
         E h = 8;
         enum E { X = 0; Y = 1; }
         reserved 9;
       }`,
      {
        a: T.INTEGER,
        b: T.BIGINT,
        c: T.BIGINT,
        d: T.DOUBLE,
        e: T.BOOLEAN,
        f: array(T.STRING),
        g: map(T.STRING, T.DOUBLE),
        h: T.STRING,
      },
    ],
    [
      'well-known types and nested messages',
      `syntax = "proto3";
       import "confluent/type/decimal.proto";
       message Outer {
         confluent.type.Decimal d = 1 [(confluent.field_meta) = { params: [{ value: "4", key: "precision" }, { value: "2", key: "scale" }] }];
         google.protobuf.Timestamp ts = 2;
         google.type.Date day = 3;
         google.protobuf.Int64Value w = 4;
         Inner i = 5;
         message Inner { string x = 1; }
       }`,
      {
        d: decimal(4, 2),
        ts: T.TIMESTAMP,
        day: T.DATE,
        w: T.BIGINT,
        i: struct([{ name: 'x', type: T.STRING }]),
      },
    ],
  ])('reads %s', (_name, text, expected) => {
    const columns = protoColumns(text, false, false)
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual(expected)
  })

  it('upper-cases names at every level for inference', () => {
    const columns = protoColumns(
      'syntax = "proto3"; message M { S s = 1; message S { int32 f1 = 1; } }',
      false,
      true,
    )
    expect(columns).toEqual([col('S', struct([{ name: 'F1', type: T.INTEGER }]))])
  })

  it('picks a message by full name, with its message indexes', () => {
    const text = 'syntax = "proto3"; package p; message A { int32 a = 1; } message B { string b = 1; }'
    expect(parseProtoSchema(text).indexes).toEqual([0])
    const b = parseProtoSchema(text, 'p.B')
    expect(b.indexes).toEqual([1])
    expect(b.message.fields.map((f) => f.name)).toEqual(['b'])
  })

  it('reads back the schema it derives from columns', () => {
    const columns = [
      col('ID', T.BIGINT),
      col('D', decimal(6, 4)),
      col('M', map(T.STRING, struct([{ name: 'A', type: T.TIME }]))),
      col('L', array(T.BYTES)),
    ]
    const text = protoSchemaText(protoRoot(columns, false))
    expect(protoColumns(text, false, false)).toEqual(columns)
  })

  it.each<[number[], string]>([
    [[0], '00'],
    [[1], '0202'],
    [[0, 2], '040004'],
  ])('message indexes %j are %s', (indexes, bytes) => {
    expect(hex(writeMessageIndexes(indexes))).toBe(bytes)
    expect(readMessageIndexes(Buffer.from(`${bytes}ff`, 'hex'))).toEqual({
      indexes,
      offset: bytes.length / 2,
    })
  })
})

describe('PROTOBUF format (schema registry)', () => {
  const columns = [col('A', T.INTEGER), col('B', T.STRING)]

  it('registers the derived schema and writes the wire format', () => {
    const registry = new MemorySchemaRegistry()
    const serde = createSerde({ format: 'PROTOBUF' }, columns, { isKey: false, registry, topic: 't' })
    const bytes = serde.serialize([150, 'x'])
    // magic byte, schema id 1, message index 0, then the message
    expect(hex(bytes)).toBe(`0000000001${'00'}089601120178`)
    expect(registry.latest('t-value')?.schema).toBe(protoSchemaText(protoRoot(columns, false)))
    expect(serde.deserialize(bytes)).toEqual([150, 'x'])
  })

  it('keeps a single key in a message (PROTOBUF has no UNWRAP_SINGLES)', () => {
    const registry = new MemorySchemaRegistry()
    const serde = createSerde({ format: 'PROTOBUF' }, [{ ...col('K', T.STRING), namespace: 'KEY' }], {
      isKey: true,
      registry,
      topic: 't',
    })
    expect(registry.latest('t-key')).toBeUndefined()
    const bytes = serde.serialize(['k'])
    expect(hex(bytes)).toBe('0000000001000a016b')
    expect(registry.latest('t-key')?.schema).toContain('string K = 1;')
  })

  it('reads with the schema a record names, matching fields by name', () => {
    const registry = new MemorySchemaRegistry()
    const id = registry.register('t-value', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3"; message Other { string b = 1; uint32 a = 2; S s = 3; message S { int64 f1 = 1; } }',
    })
    const serde = createSerde(
      { format: 'PROTOBUF' },
      [...columns, col('S', struct([{ name: 'F1', type: T.BIGINT }]))],
      { isKey: false, registry, topic: 't' },
    )
    // b = "x", a = 7, s = { f1: 3 }
    const bytes = Buffer.from(`00${id.toString(16).padStart(8, '0')}000a017810071a020803`, 'hex')
    expect(serde.deserialize(bytes)).toEqual([7, 'x', { F1: 3n }])
  })

  it('writes with the schema of a schema id', () => {
    const registry = new MemorySchemaRegistry()
    const id = registry.register('other', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3"; message First { int32 z = 1; } message Second { string B = 1; int32 A = 2; }',
    })
    const serde = createSerde({ format: 'PROTOBUF', schemaId: id, schemaFullName: 'Second' }, columns, {
      isKey: false,
      registry,
      topic: 't',
    })
    const bytes = serde.serialize([1, 'y'])
    // message indexes [1]: count 1, index 1 (zigzag varints)
    expect(hex(bytes)).toBe(`00${id.toString(16).padStart(8, '0')}02020a01791001`)
    expect(serde.deserialize(bytes)).toEqual([1, 'y'])
  })

  it.each<[string, Type, Value]>([
    ['DECIMAL', decimal(4, 2), new Decimal(-1234n, 2)],
    ['ARRAY<STRUCT>', array(struct([{ name: 'X', type: T.STRING }])), [{ X: 'a' }, { X: '' }]],
  ])('round-trips %s', (_name, type, value) => {
    const registry = new MemorySchemaRegistry()
    const serde = createSerde({ format: 'PROTOBUF' }, [col('V', type), col('W', T.INTEGER)], {
      isKey: false,
      registry,
      topic: 't',
    })
    expect(serde.deserialize(serde.serialize([value, 1]))).toEqual([value, 1])
  })
})

describe('schema references (imports)', () => {
  const event =
    'syntax = "proto3";\npackage ev;\nimport "time.proto";\nmessage Event { int64 ts = 1; t.When when = 2; }'
  const time = 'syntax = "proto3";\npackage t;\nmessage When { string zone = 1; }'
  const main =
    'syntax = "proto3";\nimport "event.proto";\nmessage Logistics { ev.Event event = 1; string id = 2; }'

  function registry(): { registry: MemorySchemaRegistry; id: number } {
    const registry = new MemorySchemaRegistry()
    const id = registry.register('input-value', {
      schemaType: 'PROTOBUF',
      schema: main,
      references: [{ name: 'event.proto', subject: 'event.proto', version: 1 }],
    })
    registry.register('event.proto', {
      schemaType: 'PROTOBUF',
      schema: event,
      references: [{ name: 'time.proto', subject: 'time.proto', version: -1 }],
    })
    registry.register('time.proto', { schemaType: 'PROTOBUF', schema: time })
    return { registry, id }
  }

  it('resolves references transitively', () => {
    const { registry: r, id } = registry()
    expect([...resolveReferences(r, r.byId(id)!)]).toEqual([
      ['event.proto', event],
      ['time.proto', time],
    ])
  })

  it('fails on a reference that is not registered', () => {
    const r = new MemorySchemaRegistry()
    expect(() =>
      resolveReferences(r, {
        schemaType: 'PROTOBUF',
        schema: main,
        references: [{ name: 'event.proto', subject: 'event.proto', version: 1 }],
      }),
    ).toThrow("Subject 'event.proto' not found.")
  })

  it('infers columns through imported messages', () => {
    const { registry: r, id } = registry()
    const { columns } = inferColumns(r, 'input', 'PROTOBUF', false, id)
    expect(columns.map((c) => `${c.name} ${typeToString(c.type)}`)).toEqual([
      'event STRUCT<`ts` BIGINT, `when` STRUCT<`zone` STRING>>',
      'id STRING',
    ])
  })

  it('writes and reads records with the referencing schema', () => {
    const { registry: r, id } = registry()
    const { columns } = inferColumns(r, 'input', 'PROTOBUF', false, id)
    const serde = createSerde({ format: 'PROTOBUF', schemaId: id }, columns, {
      isKey: false,
      registry: r,
      topic: 'input',
    })
    const row: Value[] = [{ ts: 1234n, when: { zone: 'UTC' } }, 'a']
    expect(serde.deserialize(serde.serialize(row))).toEqual(row)
  })

  it('parses a schema whose import is not given as before (unknown type)', () => {
    expect(() => parseProtoSchema(main)).toThrow('Unknown protobuf type: ev.Event')
  })
})
