import { describe, expect, it } from 'vitest'
import {
  checkFormat,
  createSerde,
  isRegistryFormat,
  SerdeError,
  SUPPORTED_FORMATS,
} from '../../src/serde/serde.js'
import type { Column } from '../../src/types/schema.js'
import { array, decimal, map, struct, T, type Type } from '../../src/types/type.js'

const key = (name: string, type: Type): Column => ({ name, type, namespace: 'KEY' })
const val = (name: string, type: Type): Column => ({ name, type, namespace: 'VALUE' })

describe('checkFormat', () => {
  it.each<[string, string, Column[], { isKey: boolean; wrapSingle?: boolean }, string]>([
    ['unknown format', 'FOO', [], { isKey: false }, 'Unknown format: FOO'],
    [
      'KAFKA with two key columns',
      'KAFKA',
      [key('ID', T.INTEGER), key('AGE', T.INTEGER)],
      { isKey: true },
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`ID` INTEGER KEY, `AGE` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]",
    ],
    [
      'KAFKA with two value columns',
      'KAFKA',
      [val('V0', T.INTEGER), val('V1', T.STRING)],
      { isKey: false },
      "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    ],
    [
      'KAFKA boolean',
      'KAFKA',
      [key('K', T.BOOLEAN)],
      { isKey: true },
      "The 'KAFKA' format does not support type 'BOOLEAN'",
    ],
    [
      'KAFKA decimal',
      'KAFKA',
      [key('KEY', decimal(2, 1))],
      { isKey: true },
      "schema: Persistence{columns=[`KEY` DECIMAL(2, 1) KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'DECIMAL'",
    ],
    [
      'KAFKA array',
      'KAFKA',
      [val('V0', array(T.INTEGER))],
      { isKey: false },
      "format does not support type 'ARRAY'",
    ],
    [
      'DELIMITED array key',
      'DELIMITED',
      [key('K', array(T.DOUBLE))],
      { isKey: true },
      "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`",
    ],
    [
      'DELIMITED struct value',
      'DELIMITED',
      [val('FOO', struct([{ name: 'F1', type: T.DOUBLE }]))],
      { isKey: false },
      "The 'DELIMITED' format does not support type 'STRUCT'",
    ],
    [
      'DELIMITED map value',
      'DELIMITED',
      [val('FOO', map(T.INTEGER, T.DOUBLE))],
      { isKey: false },
      "does not support type 'MAP'",
    ],
    [
      'NONE with a key column',
      'NONE',
      [key('K', T.STRING)],
      { isKey: true },
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
    ],
    [
      'NONE with a value column',
      'NONE',
      [val('FOO', T.INTEGER)],
      { isKey: false },
      "The 'NONE' format can only be used when no columns are defined. Got: [`FOO` INTEGER]",
    ],
    [
      'WRAP_SINGLE_VALUE with several columns',
      'JSON',
      [val('F0', T.STRING), val('F1', T.STRING)],
      { isKey: false, wrapSingle: false },
      "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
    ],
    [
      'WRAP_SINGLE_VALUE=true on DELIMITED',
      'DELIMITED',
      [val('FOO', T.INTEGER)],
      { isKey: false, wrapSingle: true },
      "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
    ],
    [
      'PROTOBUF map with non-STRING keys',
      'PROTOBUF',
      [val('M', map(T.INTEGER, T.DOUBLE))],
      { isKey: false },
      'PROTOBUF format only supports MAP types with STRING keys',
    ],
    [
      'PROTOBUF_NOSR map with non-STRING keys',
      'PROTOBUF_NOSR',
      [val('M', map(T.INTEGER, T.DOUBLE))],
      { isKey: false },
      'PROTOBUF format only supports MAP types with STRING keys',
    ],
    [
      'AVRO map with non-STRING keys',
      'AVRO',
      [val('M', array(map(T.INTEGER, T.DOUBLE)))],
      { isKey: false },
      'Avro only supports MAPs with STRING keys',
    ],
    [
      'AVRO field name starting with a digit',
      'AVRO',
      [val('1A', T.DOUBLE)],
      { isKey: false },
      'Schema is not compatible with Avro: Illegal initial character: 1A',
    ],
    [
      'AVRO struct field name with an illegal character',
      'AVRO',
      [val('S', struct([{ name: 'A-B', type: T.INTEGER }]))],
      { isKey: false },
      'Schema is not compatible with Avro: Illegal character in: A-B',
    ],
    [
      'JSON_SR map with non-STRING keys',
      'JSON_SR',
      [val('M', map(T.BIGINT, T.STRING))],
      { isKey: false },
      'JSON only supports MAP types with STRING keys',
    ],
  ])('%s', (_name, format, columns, options, message) => {
    expect(() => checkFormat({ format }, columns, options)).toThrow(SerdeError)
    expect(() => checkFormat({ format }, columns, options)).toThrow(message)
  })

  it('rejects a delimiter on JSON', () => {
    expect(() => checkFormat({ format: 'JSON', delimiter: '|' }, [], { isKey: false })).toThrow(
      'JSON does not support the following configs: [delimiter]',
    )
  })

  it.each<[string, Column[], { isKey: boolean; wrapSingle?: boolean }]>([
    ['JSON', [val('A', map(T.STRING, array(T.INTEGER)))], { isKey: false }],
    ['KAFKA', [key('K', T.STRING)], { isKey: true }],
    ['KAFKA', [], { isKey: true }],
    ['DELIMITED', [val('FOO', T.INTEGER)], { isKey: false, wrapSingle: false }],
    ['NONE', [], { isKey: true }],
    ['json', [val('A', T.INTEGER)], { isKey: false, wrapSingle: true }],
    ['AVRO', [val('A', map(T.STRING, array(T.INTEGER)))], { isKey: false, wrapSingle: true }],
    ['JSON_SR', [key('K', T.STRING)], { isKey: true }],
    // an unwrapped single value or key has no field name in its Avro schema
    ['AVRO', [val('1A', T.DOUBLE)], { isKey: false, wrapSingle: false }],
    ['AVRO', [key('1K', T.STRING)], { isKey: true }],
  ])('accepts %s %j', (format, columns, options) => {
    expect(() => checkFormat({ format }, columns, options)).not.toThrow()
  })

  it('createSerde applies the same column checks', () => {
    expect(() => createSerde({ format: 'KAFKA' }, [val('B', T.BOOLEAN)], { isKey: false })).toThrow(
      "The 'KAFKA' format does not support type 'BOOLEAN'",
    )
  })
})

describe('format names', () => {
  it('lists supported and registry formats', () => {
    expect(SUPPORTED_FORMATS).toEqual(
      expect.arrayContaining([
        'JSON',
        'DELIMITED',
        'KAFKA',
        'NONE',
        'AVRO',
        'JSON_SR',
        'PROTOBUF',
        'PROTOBUF_NOSR',
      ]),
    )
    expect(['AVRO', 'protobuf', 'JSON_SR', 'PROTOBUF_NOSR', 'JSON'].map(isRegistryFormat)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
  })
})
