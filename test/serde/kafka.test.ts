import { describe, expect, it } from 'vitest'
import { createSerde, SerdeError } from '../../src/serde/serde.js'
import type { Column } from '../../src/types/schema.js'
import { T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const col = (type: Type): Column => ({ name: 'V', type, namespace: 'VALUE' })
const serdeOf = (type: Type) => createSerde({ format: 'KAFKA' }, [col(type)], { isKey: false })

describe('KAFKA format', () => {
  it.each<[string, Type, Value, number[]]>([
    ['INTEGER big-endian', T.INTEGER, 258, [0, 0, 1, 2]],
    ['negative INTEGER', T.INTEGER, -1, [255, 255, 255, 255]],
    ['BIGINT 8 bytes', T.BIGINT, 9223372036854775807n, [127, 255, 255, 255, 255, 255, 255, 255]],
    ['DOUBLE IEEE', T.DOUBLE, 1.5, [63, 248, 0, 0, 0, 0, 0, 0]],
    ['STRING utf-8', T.STRING, 'hé', [104, 195, 169]],
    ['BYTES raw', T.BYTES, new Uint8Array([1, 2, 3]), [1, 2, 3]],
  ])('%s', (_name, type, value, expected) => {
    const serde = serdeOf(type)
    const out = serde.serialize([value])!
    expect([...out]).toEqual(expected)
    expect(serde.deserialize(out)).toEqual([value])
  })

  it('writes null as null bytes and reads null bytes as null', () => {
    const serde = serdeOf(T.INTEGER)
    expect(serde.serialize([null])).toBeNull()
    expect(serde.serialize(null)).toBeNull()
    expect(serde.deserialize(null)).toBeNull()
  })

  it.each<[Type, number, string]>([
    [T.INTEGER, 3, 'Size of data received by IntegerDeserializer is not 4'],
    [T.BIGINT, 4, 'Size of data received by LongDeserializer is not 8'],
    [T.DOUBLE, 2, 'Size of data received by Deserializer is not 8'],
  ])('rejects the wrong size for %j', (type, size, message) => {
    const serde = serdeOf(type)
    expect(() => serde.deserialize(new Uint8Array(size))).toThrow(SerdeError)
    expect(() => serde.deserialize(new Uint8Array(size))).toThrow(message)
  })

  it('has no key when there are no key columns', () => {
    const serde = createSerde({ format: 'KAFKA' }, [], { isKey: true })
    expect(serde.serialize([])).toBeNull()
    expect(serde.deserialize(new Uint8Array([1]))).toEqual([])
    expect(serde.deserialize(null)).toBeNull()
  })
})

describe('NONE format', () => {
  it('writes nothing and ignores what it reads', () => {
    const serde = createSerde({ format: 'NONE' }, [], { isKey: true })
    expect(serde.serialize([])).toBeNull()
    expect(serde.deserialize(new TextEncoder().encode('data that should be ignored'))).toEqual([])
    expect(serde.deserialize(null)).toBeNull()
  })
})
