import { describe, expect, it } from 'vitest'
import { JsonDecimal, type JsonValue, parseJsonc } from '../../src/qtt/jsonc.js'
import { decodeToSpecValue, encodeSpecValue } from '../../src/qtt/record-codec.js'
import { createSerde } from '../../src/serde/serde.js'
import type { Column } from '../../src/types/schema.js'
import { decimal, T, type Type } from '../../src/types/type.js'

const col = (type: Type, name = 'V'): Column => ({ name, type, namespace: 'VALUE' })
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b))

describe('encodeSpecValue', () => {
  it.each<[string, string, string]>([
    [
      'object with exact numbers',
      '{"A": 1, "B": 9223372036854775807, "C": 10.50, "D": "x"}',
      '{"A":1,"B":9223372036854775807,"C":10.50,"D":"x"}',
    ],
    ['array', '[1, null, true]', '[1,null,true]'],
    ['bare string', '"bar"', '"bar"'],
    ['exponent kept', '{"X": 1E+3}', '{"X":1E+3}'],
  ])('JSON: %s', (_name, json, expected) => {
    expect(text(encodeSpecValue(parseJsonc(json), { format: 'JSON' }, undefined, false))).toBe(expected)
  })

  it('writes null as null bytes in every format', () => {
    for (const format of ['JSON', 'DELIMITED', 'KAFKA', 'NONE']) {
      expect(encodeSpecValue(null, { format }, [col(T.INTEGER)], false)).toBeNull()
    }
  })

  it('writes DELIMITED and NONE values as their text', () => {
    expect(text(encodeSpecValue('0,zero,0', { format: 'DELIMITED' }, undefined, false))).toBe('0,zero,0')
    expect(text(encodeSpecValue('ignored', { format: 'NONE' }, [], true))).toBe('ignored')
  })

  it.each<[string, Type, JsonValue, number[]]>([
    ['INTEGER', T.INTEGER, 10, [0, 0, 0, 10]],
    ['BIGINT', T.BIGINT, 1, [0, 0, 0, 0, 0, 0, 0, 1]],
    ['BIGINT beyond 2^53', T.BIGINT, 9223372036854775807n, [127, 255, 255, 255, 255, 255, 255, 255]],
    ['DOUBLE from an integer', T.DOUBLE, 2, [64, 0, 0, 0, 0, 0, 0, 0]],
    ['DOUBLE from a decimal', T.DOUBLE, new JsonDecimal('1.5'), [63, 248, 0, 0, 0, 0, 0, 0]],
    ['STRING', T.STRING, 'foo', [102, 111, 111]],
    ['BYTES: the text as it is', T.BYTES, 'ew==', [101, 119, 61, 61]],
  ])('KAFKA %s', (_name, type, value, expected) => {
    expect([...encodeSpecValue(value, { format: 'KAFKA' }, [col(type)], true)!]).toEqual(expected)
  })

  it('KAFKA without a known column guesses from the value', () => {
    expect([...encodeSpecValue(9, { format: 'KAFKA' }, undefined, true)!]).toEqual([0, 0, 0, 9])
    expect(text(encodeSpecValue('foo', { format: 'KAFKA' }, undefined, true))).toBe('foo')
    expect(text(encodeSpecValue('data', { format: 'KAFKA' }, [], true))).toBe('data')
  })

  it('rejects registry formats', () => {
    expect(() => encodeSpecValue(1, { format: 'AVRO' }, undefined, false)).toThrow('AVRO')
  })
})

describe('decodeToSpecValue', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

  it('parses JSON exactly', () => {
    const v = decodeToSpecValue(
      bytes('{"A":10.50,"B":9223372036854775807,"C":1}'),
      { format: 'JSON' },
      undefined,
      false,
    )
    expect(v).toEqual({ A: new JsonDecimal('10.50'), B: 9223372036854775807n, C: 1 })
  })

  it('returns DELIMITED lines as they are, NONE as null', () => {
    expect(decodeToSpecValue(bytes('"-5"'), { format: 'DELIMITED' }, undefined, false)).toBe('"-5"')
    expect(decodeToSpecValue(bytes('x'), { format: 'NONE' }, [], true)).toBeNull()
    expect(decodeToSpecValue(null, { format: 'JSON' }, undefined, false)).toBeNull()
  })

  it.each<[string, Type, number[], JsonValue]>([
    ['INTEGER', T.INTEGER, [255, 255, 255, 254], -2],
    ['small BIGINT as number', T.BIGINT, [0, 0, 0, 0, 0, 0, 0, 5], 5],
    ['large BIGINT as bigint', T.BIGINT, [127, 255, 255, 255, 255, 255, 255, 255], 9223372036854775807n],
    ['DOUBLE as Java prints it', T.DOUBLE, [64, 0, 0, 0, 0, 0, 0, 0], new JsonDecimal('2.0')],
    ['STRING', T.STRING, [104, 105], 'hi'],
    ['BYTES as text', T.BYTES, [101, 119, 61, 61], 'ew=='],
  ])('KAFKA %s', (_name, type, data, expected) => {
    expect(decodeToSpecValue(new Uint8Array(data), { format: 'KAFKA' }, [col(type)], false)).toEqual(expected)
  })

  it('round-trips what the engine serde writes', () => {
    const columns = [col(T.BIGINT, 'ID'), col(decimal(4, 2), 'D')]
    const serde = createSerde({ format: 'JSON' }, columns, { isKey: false })
    const input = encodeSpecValue(parseJsonc('{"id": 1, "d": "1.5"}'), { format: 'JSON' }, columns, false)
    const out = serde.serialize(serde.deserialize(input))
    expect(decodeToSpecValue(out, { format: 'JSON' }, columns, false)).toEqual({
      ID: 1,
      D: new JsonDecimal('1.50'),
    })
  })
})
