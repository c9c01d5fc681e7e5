import { describe, expect, it } from 'vitest'
import { JsonDecimal, JsonSyntaxError, parseJsonc } from '../../src/qtt/jsonc.js'

describe('parseJsonc', () => {
  it.each([
    ['line comment', '{"a": 1 // one\n}', { a: 1 }],
    ['block comment', '/* head */ {"a": /* inline */ [1, 2]}', { a: [1, 2] }],
    [
      'comment markers inside strings',
      '{"u": "http://x/*y*/", "v": "a//b"}',
      { u: 'http://x/*y*/', v: 'a//b' },
    ],
    ['comment at end of input without newline', '[true, false, null] // done', [true, false, null]],
    ['escapes', '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"', '"\\/\b\f\n\r\té'],
    ['nested structures', '{"a": {"b": [{"c": "d"}]}, "e": []}', { a: { b: [{ c: 'd' }] }, e: [] }],
    ['duplicate keys: last wins', '{"a": 1, "a": 2}', { a: 2 }],
  ])('%s', (_, text, expected) => {
    expect(parseJsonc(text)).toEqual(expected)
  })

  it.each([
    ['0', 0],
    ['-17', -17],
    ['9007199254740991', 9007199254740991],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('reads the integer %s exactly', (text, expected) => {
    expect(parseJsonc(text)).toBe(expected)
  })

  it.each([
    ['2.50', 2.5, 2],
    ['2.5', 2.5, 1],
    ['-0.125', -0.125, 3],
    ['1e3', 1000, -3],
    ['1.5E+2', 150, -1],
  ])('keeps the decimal %s as written', (text, value, scale) => {
    const d = parseJsonc(text)
    expect(d).toBeInstanceOf(JsonDecimal)
    expect((d as JsonDecimal).text).toBe(text)
    expect((d as JsonDecimal).toNumber()).toBe(value)
    expect((d as JsonDecimal).scale).toBe(scale)
  })

  it('keeps "__proto__" as a plain key', () => {
    const v = parseJsonc('{"__proto__": {"x": 1}}') as Record<string, unknown>
    expect(Object.keys(v)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
  })

  it.each([
    ['trailing comma', '[1, 2,]', 1, 7],
    ['unterminated string', '{"a": "b}', 1, 7],
    ['unterminated comment', '{} /* x', 1, 4],
    ['text after the value', '{}\n{}', 2, 1],
    ['single quotes', "{'a': 1}", 1, 2],
    ['empty input', '  ', 1, 3],
    ['leading zero', '01', 1, 2],
  ])('rejects %s with a position', (_, text, line, column) => {
    try {
      parseJsonc(text)
      expect.unreachable('should not parse')
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSyntaxError)
      expect(err).toMatchObject({ line, column })
    }
  })
})
