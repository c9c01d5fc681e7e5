import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import { compileExpr } from '../../src/expr/compile.js'
import type { ExprContext } from '../../src/expr/scope.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { cube } from '../../src/functions/table/cube.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, map, struct, T, type Type, typeToString } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const COLUMNS: readonly { name: string; type: Type; value: Value }[] = [
  { name: 'S', type: T.STRING, value: 'the   Quick br0wn fOx' },
  { name: 'NS', type: T.STRING, value: null },
  { name: 'I', type: T.INTEGER, value: 7 },
  { name: 'NI', type: T.INTEGER, value: null },
  { name: 'L', type: T.BIGINT, value: -3n },
  { name: 'D', type: T.DOUBLE, value: 12345.678 },
  { name: 'DEC', type: decimal(12, 7), value: Decimal.parse('-1.7000000') },
  { name: 'DARR', type: array(T.DOUBLE), value: [1.23, -23.42, 0] },
  { name: 'IARR', type: array(T.INTEGER), value: [0, 0, 1, null, -1] },
  { name: 'NARR', type: array(T.INTEGER), value: null },
  { name: 'EARR', type: array(T.INTEGER), value: [] },
  {
    name: 'M',
    type: map(T.STRING, T.INTEGER),
    value: new Map([
      ['b', 2],
      ['a', 1],
    ]),
  },
  {
    name: 'ST',
    type: struct([
      { name: 'Z', type: T.INTEGER },
      { name: 'A', type: T.STRING },
    ]),
    value: { Z: 1, A: 'x' },
  },
  { name: 'TM', type: T.TIME, value: 60220000 },
  { name: 'DT', type: T.DATE, value: 1000 },
  { name: 'TS', type: T.TIMESTAMP, value: 60220000000 },
  { name: 'B', type: T.BYTES, value: new Uint8Array([97, 46, 98]) },
]
const ROW = COLUMNS.map((c) => c.value)

const errors: string[] = []
const ctx: ExprContext = {
  scope: {
    resolveColumn(ref: ColumnRef) {
      const index = COLUMNS.findIndex((c) => c.name === ref.name)
      const c = COLUMNS[index]
      if (c === undefined) throw new SqlPlanError(`SELECT column '${ref.name}' cannot be resolved.`)
      return { index, type: c.type, name: c.name }
    },
  },
  functions: builtinFunctions(),
  onError: (e) => errors.push(e.message),
}

function run(text: string): { type: string; value: Value } {
  const c = compileExpr(parseExpression(text), ctx)
  return { type: c.type === null ? 'null' : typeToString(c.type), value: c.evaluate(ROW) }
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))

describe('string functions', () => {
  it.each<[string, string, Value]>([
    ['INITCAP(S)', 'STRING', 'The   Quick Br0wn Fox'],
    ["INITCAP('some_string')", 'STRING', 'Some_string'],
    ["INITCAP('  lead')", 'STRING', 'Lead'],
    ['INITCAP(NS)', 'STRING', null],
    ["MD5('')", 'STRING', 'd41d8cd98f00b204e9800998ecf8427e'],
    ["MD5('r1')", 'STRING', '7c92cf1eee8d99cc85f8355a3d6e4b86'],
    ["INSTR('corporate floor', 'or')", 'INTEGER', 2],
    ["INSTR('corporate floor', 'or', 4)", 'INTEGER', 5],
    ["INSTR('corporate floor', 'or', 4, 2)", 'INTEGER', 14],
    ["INSTR('corporate floor', 'or', -4)", 'INTEGER', 5],
    ["INSTR('corporate floor', 'or', -4, 2)", 'INTEGER', 2],
    ["INSTR('short', 'or', 4)", 'INTEGER', 0],
    ["INSTR(NS, 'or')", 'INTEGER', 0],
    ["ELT(2, 'a', 'b')", 'STRING', 'b'],
    ["ELT(3, 'a', 'b')", 'STRING', null],
    ["ELT(0, 'a')", 'STRING', null],
    ["FIELD('b', 'a', 'b')", 'INTEGER', 2],
    ["FIELD(NS, 'a', NS)", 'INTEGER', 0],
    ["FIELD('z', 'a')", 'INTEGER', 0],
    ["SPLIT('..a..', '.')", 'ARRAY<STRING>', ['', '', 'a', '', '']],
    ["SPLIT('abc', '')", 'ARRAY<STRING>', ['a', 'b', 'c']],
    ["SPLIT('', '')", 'ARRAY<STRING>', ['']],
    ["SPLIT(B, TO_BYTES('.', 'utf8'))", 'ARRAY<BYTES>', [bytes('a'), bytes('b')]],
    ["SPLIT(B, TO_BYTES('', 'utf8'))", 'ARRAY<BYTES>', [bytes('a'), bytes('.'), bytes('b')]],
    [
      "SPLIT_TO_MAP('a:1/b:2//c', '/', ':')",
      'MAP<STRING, STRING>',
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    ],
    ["SPLIT_TO_MAP('a:1', '', ':')", 'MAP<STRING, STRING>', null],
    ["SPLIT_TO_MAP('a:1', ':', ':')", 'MAP<STRING, STRING>', null],
    ["REGEXP_EXTRACT('(\\w+) (\\w+)', 'hello world', 2)", 'STRING', 'world'],
    ["REGEXP_EXTRACT('x', 'hello')", 'STRING', null],
    ["REGEXP_EXTRACT('(a)', 'a', 2)", 'STRING', null],
    ["REGEXP_EXTRACT_ALL('\\d', 'a1b22')", 'ARRAY<STRING>', ['1', '2', '2']],
    ["REGEXP_REPLACE('baababaa', '(ab)+', 'cat')", 'STRING', 'bacataa'],
    ["REGEXP_REPLACE('ab', '(a)(b)', '$2\\$$1')", 'STRING', 'b$a'],
    ["REGEXP_SPLIT_TO_ARRAY('aabcda', '(ab|cd)')", 'ARRAY<STRING>', ['a', '', 'a']],
    ["REGEXP_SPLIT_TO_ARRAY('zxy', 'ab')", 'ARRAY<STRING>', ['zxy']],
    ["REGEXP_SPLIT_TO_ARRAY('abc', '')", 'ARRAY<STRING>', ['a', 'b', 'c']],
    ['CHR(75)', 'STRING', 'K'],
    ['CHR(99000)', 'STRING', '𘊸'],
    ['CHR(-1)', 'STRING', null],
    ["CHR('\\u004b')", 'STRING', 'K'],
    ["CHR('\\ud820\\udeb8')", 'STRING', '𘊸'],
    ["CHR('004b')", 'STRING', null],
    ["REPLACE('anaconda', 'a', 'o')", 'STRING', 'onocondo'],
    ["REPLACE('anaconda', NS, 'o')", 'STRING', null],
    ["MASK('AbC-12 x')", 'STRING', 'XxX-nn-x'],
    ["MASK('AbC-12', '*', NS, '#', NS)", 'STRING', '*b*-##'],
    ["MASK_LEFT('AbC-12', 2)", 'STRING', 'XxC-12'],
    ["MASK_RIGHT('AbC-12', 2)", 'STRING', 'AbC-nn'],
    ["MASK_KEEP_LEFT('AbC-12', 2)", 'STRING', 'AbX-nn'],
    ["MASK_KEEP_RIGHT('AbC-12', 10)", 'STRING', 'AbC-12'],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it('reports an invalid regular expression', () => {
    expect(() => run("REGEXP_REPLACE('a', '(', 'b')")).toThrow('Invalid regular expression pattern: (')
    errors.length = 0
    expect(run("UCASE(REGEXP_REPLACE('a', '(', 'b'))").value).toBeNull()
    expect(errors.join()).toContain('Invalid regular expression pattern: (')
  })
})

describe('URL functions', () => {
  it.each<[string, string, Value]>([
    ["URL_ENCODE_PARAM('?foo $bar')", 'STRING', '%3Ffoo+%24bar'],
    ["URL_DECODE_PARAM('%3Ffoo+%24bar')", 'STRING', '?foo $bar'],
    ["URL_EXTRACT_FRAGMENT('http://www.test.com/?query#fragment')", 'STRING', 'fragment'],
    ["URL_EXTRACT_FRAGMENT('http://www.nofragment.com')", 'STRING', null],
    ["URL_EXTRACT_HOST('http://test@confluent.io:8080')", 'STRING', 'confluent.io'],
    ["URL_EXTRACT_PARAMETER('http://www.test.com/?one=a&two=b&three', 'two')", 'STRING', 'b'],
    ["URL_EXTRACT_PARAMETER('http://www.test.com/?one=a&two=b&three', 'three')", 'STRING', ''],
    ["URL_EXTRACT_PARAMETER('http://www.test.com/?one=a', 'four')", 'STRING', null],
    ["URL_EXTRACT_PATH('http://www.test.com?query#fragment')", 'STRING', ''],
    ["URL_EXTRACT_PATH('http://test@confluent.io:8080/nested/path?query&jobs')", 'STRING', '/nested/path'],
    ["URL_EXTRACT_PORT('http://test@confluent.io')", 'INTEGER', null],
    ["URL_EXTRACT_PORT('http://test@confluent.io:8080/x')", 'INTEGER', 8080],
    ["URL_EXTRACT_PROTOCOL('www.confluent.io')", 'STRING', null],
    ["URL_EXTRACT_PROTOCOL('https://confluent.io')", 'STRING', 'https'],
    ["URL_EXTRACT_QUERY('http://www.test.com/path?q1&q2')", 'STRING', 'q1&q2'],
    ["URL_EXTRACT_QUERY('http://www.test.com/path')", 'STRING', null],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it('rejects a URL with invalid syntax', () => {
    expect(() => run("URL_EXTRACT_HOST('http://a b')")).toThrow('URL input has invalid syntax: http://a b')
  })
})

describe('JSON functions', () => {
  it.each<[string, string, Value]>([
    ["IS_JSON_STRING('[1, 2, 3]')", 'BOOLEAN', true],
    ['IS_JSON_STRING(\'"abc"\')', 'BOOLEAN', true],
    ["IS_JSON_STRING('abc')", 'BOOLEAN', false],
    ["IS_JSON_STRING('')", 'BOOLEAN', false],
    ['IS_JSON_STRING(NS)', 'BOOLEAN', false],
    ["JSON_ARRAY_CONTAINS('[\"Pink\", null]', 'Pink')", 'BOOLEAN', true],
    ["JSON_ARRAY_CONTAINS('[1, 2]', 2)", 'BOOLEAN', true],
    ["JSON_ARRAY_CONTAINS('[1.0, 2]', 1)", 'BOOLEAN', false],
    ["JSON_ARRAY_CONTAINS('[1.5]', 1.5E0)", 'BOOLEAN', true],
    ["JSON_ARRAY_CONTAINS('[1, null]', NULL)", 'BOOLEAN', true],
    ["JSON_ARRAY_CONTAINS('[1', 1)", 'BOOLEAN', false],
    ["JSON_ARRAY_CONTAINS('{}', 1)", 'BOOLEAN', false],
    ["JSON_ARRAY_LENGTH('[1, [2, 3]]')", 'INTEGER', 2],
    ["JSON_ARRAY_LENGTH('{}')", 'INTEGER', null],
    ["JSON_ARRAY_LENGTH('')", 'INTEGER', null],
    ['JSON_KEYS(\'{"b": 1, "1": 2, "b": 3}\')', 'ARRAY<STRING>', ['b', '1']],
    ["JSON_KEYS('[]')", 'ARRAY<STRING>', null],
    [
      'JSON_RECORDS(\'{"a": [1, 2.50], "b": {"c": "d"}}\')',
      'MAP<STRING, STRING>',
      new Map([
        ['a', '[1,2.50]'],
        ['b', '{"c":"d"}'],
      ]),
    ],
    ['JSON_ITEMS(\'[{"a": 1}, {"b": "x"}]\')', 'ARRAY<STRING>', ['{"a":1}', '{"b":"x"}']],
    ["JSON_ITEMS('[{}, 1]')", 'ARRAY<STRING>', null],
    ["JSON_ITEMS('[]')", 'ARRAY<STRING>', []],
    ['JSON_CONCAT(\'{"a": 1}\', \'{"a": 2, "b": 3}\')', 'STRING', '{"a":2,"b":3}'],
    ["JSON_CONCAT('[1]', '2', '[3, 4]')", 'STRING', '[1,2,3,4]'],
    ["JSON_CONCAT('[1]', NS)", 'STRING', null],
    ['TO_JSON_STRING(I)', 'STRING', '7'],
    ['TO_JSON_STRING(NI)', 'STRING', 'null'],
    ['TO_JSON_STRING(D)', 'STRING', '12345.678'],
    ['TO_JSON_STRING(DEC)', 'STRING', '-1.7000000'],
    ["TO_JSON_STRING('a\"b')", 'STRING', '"a\\"b"'],
    ['TO_JSON_STRING(TM)', 'STRING', '"16:43:40"'],
    ['TO_JSON_STRING(DT)', 'STRING', '"1972-09-27"'],
    ['TO_JSON_STRING(TS)', 'STRING', '"1971-11-28T23:46:40.000"'],
    ['TO_JSON_STRING(B)', 'STRING', '"YS5i"'],
    ['TO_JSON_STRING(M)', 'STRING', '{"a":1,"b":2}'],
    ['TO_JSON_STRING(ST)', 'STRING', '{"A":"x","Z":1}'],
    ['TO_JSON_STRING(IARR)', 'STRING', '[0,0,1,null,-1]'],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it('reports invalid JSON', () => {
    expect(() => run("JSON_KEYS('{')")).toThrow('Invalid JSON format:{')
  })
})

describe('collection functions', () => {
  it.each<[string, string, Value]>([
    ["ARRAY_CONCAT(ARRAY['a'], ARRAY['b', 'a'])", 'ARRAY<STRING>', ['a', 'b', 'a']],
    ['ARRAY_CONCAT(NARR, IARR)', 'ARRAY<INTEGER>', [0, 0, 1, null, -1]],
    ['ARRAY_CONCAT(NARR, NARR)', 'ARRAY<INTEGER>', null],
    ['ARRAY_UNION(IARR, ARRAY[3, 0])', 'ARRAY<INTEGER>', [0, 1, null, -1, 3]],
    ['ARRAY_UNION(IARR, NARR)', 'ARRAY<INTEGER>', null],
    ['ARRAY_INTERSECT(IARR, ARRAY[1, -2, 0])', 'ARRAY<INTEGER>', [0, 1]],
    ['ARRAY_INTERSECT(EARR, IARR)', 'ARRAY<INTEGER>', []],
    ['ARRAY_EXCEPT(IARR, ARRAY[1, -2])', 'ARRAY<INTEGER>', [0, null, -1]],
    ['ARRAY_EXCEPT(IARR, NARR)', 'ARRAY<INTEGER>', null],
    ['ARRAY_REMOVE(IARR, 0)', 'ARRAY<INTEGER>', [1, null, -1]],
    ['ARRAY_REMOVE(IARR, NI)', 'ARRAY<INTEGER>', [0, 0, 1, -1]],
    ['ARRAY_REMOVE(NARR, 1)', 'ARRAY<INTEGER>', null],
    ["ARRAY_REMOVE(ARRAY[ARRAY['a'], ARRAY['b']], ARRAY['a'])", 'ARRAY<ARRAY<STRING>>', [['b']]],
    ['ARRAY_DISTINCT(IARR)', 'ARRAY<INTEGER>', [0, 1, null, -1]],
    ['ARRAY_JOIN(DARR)', 'STRING', '1.23,-23.42,0.0'],
    ["ARRAY_JOIN(IARR, '|')", 'STRING', '0|0|1|null|-1'],
    ['ARRAY_JOIN(IARR, NS)', 'STRING', '001null-1'],
    ['ARRAY_JOIN(NARR)', 'STRING', null],
    ['SLICE(IARR, 2, 3)', 'ARRAY<INTEGER>', [0, 1]],
    ['SLICE(IARR, NI, 2)', 'ARRAY<INTEGER>', [0, 0]],
    ['SLICE(IARR, 4, 9)', 'ARRAY<INTEGER>', null],
    ['GENERATE_SERIES(1, 3)', 'ARRAY<INTEGER>', [1, 2, 3]],
    ['GENERATE_SERIES(3, -3, -2)', 'ARRAY<INTEGER>', [3, 1, -1, -3]],
    ['GENERATE_SERIES(L, 0)', 'ARRAY<BIGINT>', [-3n, -2n, -1n, 0n]],
    [
      'ENTRIES(M, true)',
      'ARRAY<STRUCT<`K` STRING, `V` INTEGER>>',
      [
        { K: 'a', V: 1 },
        { K: 'b', V: 2 },
      ],
    ],
    ['REDUCE(NARR, 2, (s, x) => s + x)', 'INTEGER', 2],
    ['REDUCE(IARR, NI, (s, x) => s + x)', 'INTEGER', null],
    ["REDUCE(M, '', (s, k, v) => CONCAT(s, k))", 'STRING', 'ba'],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it.each<[string, string]>([
    ['GENERATE_SERIES(1, 5, 0)', 'GENERATE_SERIES step cannot be zero'],
    ['GENERATE_SERIES(1, 5, -1)', 'GENERATE_SERIES step has wrong sign'],
    ["MASK('a', 'xy', NS, NS, NS)", "Invalid mask character. Must be only single character, but was 'xy'"],
    ["MASK_LEFT('a', -1)", 'function mask_left requires a non-negative number of characters to mask or skip'],
  ])('%s throws', (text, message) => {
    expect(() => run(text)).toThrow(message)
  })

  it('ARRAY_JOIN rejects non-primitive elements', () => {
    expect(() => run('ARRAY_JOIN(ARRAY[DT])')).toThrow(
      'error: hit element of type java.sql.Date which is currently not supported',
    )
    expect(run('ARRAY_JOIN(ARRAY[CAST(NULL AS DATE)])').value).toBe('null')
  })
})

describe('math functions', () => {
  it.each<[string, string, Value]>([
    ['LEAST(1, 5, -2)', 'INTEGER', -2],
    ['LEAST(NI, 3, NULL)', 'INTEGER', 3],
    ["GREATEST('apple', 'banana', NS)", 'STRING', 'banana'],
    ['GREATEST(DEC, 1.25)', 'DECIMAL(12, 7)', Decimal.parse('1.2500000')],
    ['LEAST(I, L, DEC, D)', 'DOUBLE', -3],
    ["LEAST(DT, '1972-01-01')", 'DATE', 730],
    ["GREATEST(TO_BYTES('a', 'utf8'), B)", 'BYTES', bytes('a.b')],
    ['TRUNC(D)', 'BIGINT', 12345n],
    ['TRUNC(D, 2)', 'DOUBLE', 12345.67],
    ['TRUNC(D, -2)', 'DOUBLE', 12300],
    ['TRUNC(-1.7E0)', 'BIGINT', -1n],
    ['TRUNC(DEC)', 'DECIMAL(5, 0)', Decimal.parse('-1')],
    ['TRUNC(DEC, 0)', 'DECIMAL(12, 7)', Decimal.parse('-1.0000000')],
    ['TRUNC(I)', 'BIGINT', 7n],
    ['LOG(13)', 'DOUBLE', Math.log(13)],
    ['LOG(0)', 'DOUBLE', Number.NEGATIVE_INFINITY],
    ['LOG(15, 1)', 'DOUBLE', 0],
    ['LOG(1, 13)', 'DOUBLE', Number.NaN],
    ['LOG(0, 13)', 'DOUBLE', Number.NaN],
    ['GEO_DISTANCE(37.4439, -122.1663, 51.5257, -0.1122, NS)', 'DOUBLE', 8634.659796579544],
    ["GEO_DISTANCE(37.4439, -122.1663, 51.5257, -0.1122, 'MI')", 'DOUBLE', 5365.659729188262],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it.each<[string, string]>([
    [
      'LEAST(I, L)',
      "Function 'least' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
    ],
    [
      'LEAST(NULL, NULL)',
      "Function 'least' cannot be resolved due to ambiguous method parameters (null, null).",
    ],
    ['LEAST()', "Function 'least' does not accept parameters ()."],
    ['LEAST(S, I)', "Function 'least' does not accept parameters (STRING, INTEGER)."],
  ])('%s fails to resolve', (text, message) => {
    expect(() => run(text)).toThrow(message)
  })

  it('GEO_DISTANCE rejects unknown units', () => {
    expect(() => run("GEO_DISTANCE(1.0, 2.0, 3.0, 4.0, 'parsec')")).toThrow(
      'GeoDistance function units parameter must be one of mi, mile, miles, km, kilometer, kilometers, kilometre or kilometres. Values are case-insensitive.',
    )
  })
})

describe('date and time functions', () => {
  it.each<[string, string, Value]>([
    ['TIMEADD(MILLISECONDS, 10, TM)', 'TIME', 60220010],
    ['TIMEADD(HOURS, 10, TM)', 'TIME', 60220000 + 36_000_000 - 86_400_000],
    ['TIMESUB(SECONDS, 1, TM)', 'TIME', 60219000],
    ['TIMESUB(MILLISECONDS, NI, TM)', 'TIME', null],
    ['TIMESTAMPADD(DAYS, 1, TS)', 'TIMESTAMP', 60220000000 + 86_400_000],
    ['TIMESTAMPSUB(MINUTES, 2, TS)', 'TIMESTAMP', 60220000000 - 120_000],
    ['DATEADD(DAYS, -5, DT)', 'DATE', 995],
    ['DATESUB(DAYS, 10, DT)', 'DATE', 990],
    ['DATEADD(HOURS, 25, DT)', 'DATE', 1001],
    ['FROM_DAYS(-10)', 'DATE', -10],
    ["PARSE_TIME('01:00:00 PM', 'hh:mm:ss a')", 'TIME', 46800000],
    ["PARSE_TIME('00:01:05Lit', 'HH:mm:ss''Lit''')", 'TIME', 65000],
    ["FORMAT_TIME(TM, 'HH:mm')", 'STRING', '16:43'],
    ["CONVERT_TZ(TS, '+0200', '+0500')", 'TIMESTAMP', 60220000000 + 10_800_000],
    [
      "CONVERT_TZ(FROM_UNIXTIME(1589234313000), 'America/Los_Angeles', 'America/New_York')",
      'TIMESTAMP',
      1589245113000,
    ],
    [
      "TIMESTAMPTOSTRING(1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'America/Los_Angeles')",
      'STRING',
      '2018-05-11 14:58:33 PDT',
    ],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })

  it.each<[string, string]>([
    ['TIMEADD(TM, 5, TM)', "Function 'timeadd' does not accept parameters (TIME, INTEGER, TIME)."],
    ['DATESUB(DT, 5, DT)', "Function 'datesub' does not accept parameters (DATE, INTEGER, DATE)."],
  ])('%s fails to resolve', (text, message) => {
    expect(() => run(text)).toThrow(message)
  })
})

describe('CUBE_EXPLODE', () => {
  it.each<[Value[], Value[][]]>([
    [
      [1, 2],
      [
        [null, null],
        [null, 2],
        [1, null],
        [1, 2],
      ],
    ],
    [
      [1, null],
      [
        [null, null],
        [1, null],
      ],
    ],
    [[], [[]]],
  ])('cube(%j)', (input, rows) => {
    expect(cube(input)).toEqual(rows)
  })

  it('is a table function returning the array type; NULL gives no rows', () => {
    const r = builtinFunctions()
      .table('CUBE_EXPLODE')
      ?.resolve([array(T.STRING)])
    expect(r?.returnType).toEqual(array(T.STRING))
    expect(r?.impl(['a'])).toEqual([[null], ['a']])
    expect(r?.impl(null)).toEqual([])
  })
})

describe('null-handling functions', () => {
  it.each<[string, string, Value]>([
    ['COALESCE(NS, S)', 'STRING', 'the   Quick br0wn fOx'],
    ['COALESCE(NS, NS)', 'STRING', null],
    ['COALESCE(NI, 3, 4)', 'INTEGER', 3],
    ['COALESCE(NARR, EARR)', 'ARRAY<INTEGER>', []],
    ['IFNULL(NI, 5)', 'INTEGER', 5],
    ['IFNULL(I, 5)', 'INTEGER', 7],
    ["IFNULL(NS, 'x')", 'STRING', 'x'],
    ['NULLIF(I, 7)', 'INTEGER', null],
    ['NULLIF(I, 8)', 'INTEGER', 7],
    ['NULLIF(NI, 8)', 'INTEGER', null],
  ])('%s', (text, type, value) => {
    expect(run(text)).toEqual({ type, value })
  })
})

describe('table functions', () => {
  const explode = builtinFunctions().table('EXPLODE')
  it.each<[Type, Value, Value[]]>([
    [array(T.INTEGER), [1, null, 3], [1, null, 3]],
    [array(T.INTEGER), [], []],
    [array(T.INTEGER), null, []],
    [array(T.STRING), ['a'], ['a']],
    [array(array(T.INTEGER)), [[1], []], [[1], []]],
  ])('EXPLODE(%j) rows', (type, input, rows) => {
    const r = explode?.resolve([type])
    expect(r?.returnType).toEqual(type.kind === 'ARRAY' ? type.element : null)
    expect(r?.impl(input)).toEqual(rows)
  })
})

describe('function metadata (SHOW FUNCTIONS / DESCRIBE FUNCTION)', () => {
  const registry = builtinFunctions()
  it.each<[string, string, string]>([
    ['SUBSTRING', 'SCALAR', 'STRING'],
    ['REGEXP_REPLACE', 'SCALAR', 'REGULAR EXPRESSION'],
    ['EXTRACTJSONFIELD', 'SCALAR', 'JSON'],
    ['ABS', 'SCALAR', 'MATHEMATICAL'],
    ['PARSE_TIMESTAMP', 'SCALAR', 'DATE / TIME'],
    ['ARRAY_LENGTH', 'SCALAR', 'ARRAY'],
    ['MAP_KEYS', 'SCALAR', 'MAP'],
    ['TRANSFORM', 'SCALAR', 'LAMBDA'],
    ['COALESCE', 'SCALAR', 'CONDITIONAL'],
    ['URL_EXTRACT_HOST', 'SCALAR', 'URL'],
    ['EXPLODE', 'TABLE', 'TABLE'],
    ['TOPK', 'AGGREGATE', 'AGGREGATE'],
  ])('%s is a %s function in category %s', (name, type, category) => {
    expect(registry.info(name)).toMatchObject({ name, type, category, source: 'internal' })
  })

  it('lists each overload of a builtin with its parameter and return types', () => {
    const v = registry.info('ARRAY_LENGTH')?.variations
    expect(v?.map((x) => [x.arguments, x.returns])).toEqual([['(array ARRAY<T>)', 'INT']])
    expect(registry.info('NO_SUCH_FUNCTION')).toBeUndefined()
  })
})
