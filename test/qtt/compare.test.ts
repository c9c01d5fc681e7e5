import { describe, expect, it } from 'vitest'
import { type ActualRecord, compareTopicRecords, matchesExpected, rowType } from '../../src/qtt/compare.js'
import { JsonDecimal, type JsonValue, parseJsonc } from '../../src/qtt/jsonc.js'
import type { TestRecord } from '../../src/qtt/types.js'
import { T, type Type } from '../../src/types/type.js'

/** JSON text read as the test files are (exact decimals, bigints). */
const j = (text: string): JsonValue => parseJsonc(text)
const DOUBLE_ROW: Type = { kind: 'STRUCT', fields: [{ name: 'D', type: T.DOUBLE }] }

describe('matchesExpected', () => {
  it.each<[string, string, string, boolean, Type?]>([
    // integers
    ['equal ints', '1', '1', true],
    ['different ints', '1', '2', false],
    ['bigint max', '9223372036854775807', '9223372036854775807', true],
    ['bigint off by one', '9223372036854775807', '9223372036854775806', false],
    ['int vs decimal of scale 0', '2', '2E0', true],
    ['int vs decimal with fraction', '2', '2.0', false],
    // decimals: exact with scale
    ['same decimal', '1.50', '1.50', true],
    ['decimal scale differs', '1.50', '1.5', false],
    ['decimal vs int actual (truncating as Java)', '2.5', '2', true],
    ['decimal vs other int', '2.5', '3', false],
    // doubles: within 1e-6 where the column is a DOUBLE
    [
      'double column, last digit differs',
      '{"D": 8634.659796579544}',
      '{"D": 8634.659796579545}',
      true,
      DOUBLE_ROW,
    ],
    ['double column, far apart', '{"D": 1.5}', '{"D": 1.6}', false, DOUBLE_ROW],
    ['double column, within 1e-6', '{"D": 0.1}', '{"D": 0.1000000001}', true, DOUBLE_ROW],
    ['untyped decimals do not use the tolerance', '0.1', '0.1000000001', false],
    ['double column, int vs 2.0 still differs', '{"D": 2}', '{"D": 2.0}', false, DOUBLE_ROW],
    // strings
    ['equal strings', '"a"', '"a"', true],
    ['different strings', '"a"', '"b"', false],
    ['string vs decimal of that text', '"1.50"', '1.50', true],
    ['string vs decimal of other scale', '"1.5"', '1.50', false],
    ['string vs int', '"1"', '1', false],
    ['base64 bytes as text', '"AQID"', '"AQID"', true],
    // booleans and nulls
    ['true', 'true', 'true', true],
    ['boolean vs string', 'true', '"true"', false],
    ['null vs null', 'null', 'null', true],
    ['null vs value', 'null', '0', false],
    ['value vs null', '0', 'null', false],
    // objects: field count, names upper-cased
    ['same object', '{"A": 1, "B": "x"}', '{"A": 1, "B": "x"}', true],
    ['field names upper-cased', '{"a": 1, "b": "x"}', '{"A": 1, "B": "x"}', true],
    ['exact-case field first', '{"a": 1}', '{"a": 1}', true],
    ['extra actual field', '{"A": 1}', '{"A": 1, "B": 2}', false],
    ['missing field read as null', '{"A": null, "B": 1}', '{"B": 1, "C": 1}', true],
    ['missing field vs value', '{"A": 1, "B": 1}', '{"B": 1, "C": 1}', false],
    ['object vs array', '{}', '[]', false],
    ['nested struct', '{"S": {"x": [1, {"y": 2.5}]}}', '{"S": {"X": [1, {"Y": 2.5}]}}', true],
    // arrays
    ['same array', '[1, 2, null]', '[1, 2, null]', true],
    ['array length differs', '[1, 2]', '[1, 2, 3]', false],
    ['array order matters', '[1, 2]', '[2, 1]', false],
    ['array vs object', '[1]', '{"0": 1}', false],
  ])('%s', (_name, expected, actual, result, type) => {
    expect(matchesExpected(j(expected), j(actual), type)).toBe(result)
  })

  it('compares every number as a double with use.exact.numeric.comparison=false', () => {
    expect(
      matchesExpected(j('8634.659796579544'), j('8634.6597965795'), undefined, { exactNumbers: false }),
    ).toBe(true)
    expect(matchesExpected(j('8634.659796579544'), j('8634.6597965795'))).toBe(false)
  })

  it('compares NaN and infinities of a KAFKA double', () => {
    expect(matchesExpected(new JsonDecimal('1.5'), Number.NaN)).toBe(false)
    expect(matchesExpected(j('[null]'), [Number.POSITIVE_INFINITY])).toBe(false)
  })
})

describe('compareTopicRecords', () => {
  const exp = (value: JsonValue, extra: Partial<TestRecord> = {}): TestRecord => ({
    topic: 'OUT',
    key: 1,
    value,
    ...extra,
  })
  const act = (value: JsonValue, extra: Partial<ActualRecord> = {}): ActualRecord => ({
    key: 1,
    value,
    timestamp: 0,
    headers: [],
    ...extra,
  })

  it.each<[string, TestRecord[], ActualRecord[], string | undefined]>([
    ['all equal', [exp(j('{"A": 1}'))], [act(j('{"A": 1}'))], undefined],
    ['count differs', [exp(1), exp(2)], [act(1)], 'topic OUT: expected 2 records but got 1: <1, 1> ts=0'],
    [
      'value differs',
      [exp(1), exp(2)],
      [act(1), act(3)],
      'topic OUT, record 1: expected <1, 2> but was <1, 3> ts=0',
    ],
    ['timestamp not given is not checked', [exp(1)], [act(1, { timestamp: 42 })], undefined],
    [
      'timestamp given is checked',
      [exp(1, { timestamp: 5 })],
      [act(1, { timestamp: 42 })],
      'topic OUT, record 0: expected <1, 1> ts=5 but was <1, 1> ts=42',
    ],
    [
      'headers must match',
      [exp(1, { headers: [{ key: 'h', value: 'AQ==' }] })],
      [act(1, { headers: [{ key: 'h', value: new Uint8Array([2]) }] })],
      'topic OUT, record 0: expected <1, 1> headers={h=AQ==} but was <1, 1> ts=0 headers={h=Ag==}',
    ],
    [
      'headers equal',
      [
        exp(1, {
          headers: [
            { key: 'h', value: 'AQ==' },
            { key: 'n', value: null },
          ],
        }),
      ],
      [
        act(1, {
          headers: [
            { key: 'h', value: new Uint8Array([1]) },
            { key: 'n', value: null },
          ],
        }),
      ],
      undefined,
    ],
    [
      'unexpected headers',
      [exp(1)],
      [act(1, { headers: [{ key: 'h', value: null }] })],
      'topic OUT, record 0: expected <1, 1> but was <1, 1> ts=0 headers={h=null}',
    ],
    [
      'window equal',
      [exp(1, { window: { start: 0, end: 10, type: 'time' } })],
      [act(1, { window: { start: 0, end: 10, type: 'time' } })],
      undefined,
    ],
    [
      'window differs',
      [exp(1, { window: { start: 0, end: 10, type: 'time' } })],
      [act(1, { window: { start: 0, end: 20, type: 'time' } })],
      'topic OUT, record 0: expected <1, 1> window=time[0,10) but was <1, 1> window=time[0,20) ts=0',
    ],
    [
      'windowed actual, plain expectation',
      [exp(1)],
      [act(1, { window: { start: 0, end: 10, type: 'session' } })],
      'topic OUT, record 0: expected <1, 1> but was <1, 1> window=session[0,10) ts=0',
    ],
  ])('%s', (_name, expected, actual, reason) => {
    expect(compareTopicRecords('OUT', expected, actual)).toBe(reason)
  })

  it('does not check an expected timestamp of 0 when the case had no inputs', () => {
    const expected = [exp(1, { timestamp: 0 })]
    const actual = [act(1, { timestamp: 1234 })]
    expect(compareTopicRecords('OUT', expected, actual, { ranWithInsertStatements: true })).toBeUndefined()
    expect(compareTopicRecords('OUT', expected, actual)).toMatch(/^topic OUT, record 0/)
  })

  it('uses the column types: a single DOUBLE value column compares within 1e-6', () => {
    const valueType = rowType([{ name: 'D', type: T.DOUBLE, namespace: 'VALUE' }])
    const expected = [exp(j('0.30000000000000004'))]
    const actual = [act(j('0.3'))]
    expect(
      compareTopicRecords('OUT', expected, actual, valueType === undefined ? {} : { valueType }),
    ).toBeUndefined()
    expect(compareTopicRecords('OUT', expected, actual)).toMatch(/^topic OUT, record 0/)
  })
})
