import { describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import type { Statement } from '../../src/ast/statements.js'
import { Catalog } from '../../src/catalog/catalog.js'
import type { SourceDef } from '../../src/catalog/source.js'
import { dateTimePatternProblem, parseDuration, parseWithClause } from '../../src/catalog/with-clause.js'
import { T } from '../../src/types/type.js'

function firstStatement(sql: string): { statement: Statement; text: string } {
  const p = parseStatements(sql)[0]
  if (p === undefined) throw new Error('no statement')
  return p
}

function source(name: string, extra: Partial<SourceDef> = {}): SourceDef {
  return {
    name,
    kind: 'STREAM',
    schema: { key: [], value: [{ name: 'V', type: T.INTEGER, namespace: 'VALUE' }] },
    topic: name.toLowerCase(),
    keyFormat: { format: 'KAFKA' },
    valueFormat: { format: 'JSON' },
    keyFeatures: {},
    valueFeatures: {},
    isSource: false,
    sql: '',
    ...extra,
  }
}

describe('Catalog', () => {
  it('stores sources and types by exact name, in creation order', () => {
    const c = new Catalog()
    c.putSource(source('B'))
    c.putSource(source('a'))
    c.putSource(source('B', { topic: 'other' }))
    expect(c.sources().map((s) => [s.name, s.topic])).toEqual([
      ['B', 'other'],
      ['a', 'a'],
    ])
    expect(c.source('A')).toBeUndefined()
    expect(c.sourceNameLike('A')).toBe('a')
    c.putType('ADDR', T.STRING)
    expect(c.type('ADDR')).toBe(T.STRING)
    expect(c.types()).toEqual([['ADDR', T.STRING]])
    c.removeType('ADDR')
    c.removeSource('B')
    expect(c.types()).toEqual([])
    expect(c.sources().map((s) => s.name)).toEqual(['a'])
  })

  it('clone is independent of the original', () => {
    const c = new Catalog()
    c.putSource(source('A'))
    c.setReferences('A', ['X'])
    const copy = c.clone()
    copy.putSource(source('B'))
    copy.removeSource('A')
    copy.putType('T', T.INTEGER)
    copy.setReferences('B', ['X'])
    expect(c.sources().map((s) => s.name)).toEqual(['A'])
    expect(c.type('T')).toBeUndefined()
    expect(c.referencesTo('X')).toEqual(['A'])
    expect(copy.referencesTo('X')).toEqual(['B'])
  })

  it('tracks source references for DROP constraints', () => {
    const c = new Catalog()
    c.setReferences('OUT', ['IN', 'IN', 'OUT', 'OTHER'])
    c.setReferences('OUT2', ['IN'])
    expect(c.referencesTo('IN')).toEqual(['OUT', 'OUT2'])
    expect(c.referencesTo('OUT')).toEqual([])
    c.removeSource('OUT')
    expect(c.referencesTo('IN')).toEqual(['OUT2'])
  })
})

function props(withClause: string) {
  const { statement } = firstStatement(`CREATE STREAM S (A INT) WITH (${withClause});`)
  if (statement.kind !== 'CreateStream') throw new Error(statement.kind)
  return statement.properties
}

describe('parseWithClause', () => {
  it('parses typed values (strings trimmed, case-insensitive names)', () => {
    const w = parseWithClause(
      props(
        "kafka_topic=' t ', partitions='3', replicas=2, wrap_single_value='TRUE', format='json', retention_ms=100",
      ),
      'CREATE',
    )
    expect(w.string('KAFKA_TOPIC')).toBe('t')
    expect(w.int('PARTITIONS')).toBe(3)
    expect(w.int('REPLICAS')).toBe(2)
    expect(w.boolean('WRAP_SINGLE_VALUE')).toBe(true)
    expect(w.keyFormat()).toBe('JSON')
    expect(w.valueFormat()).toBe('JSON')
    expect(w.string('RETENTION_MS')).toBe('100')
  })

  it('reads window properties', () => {
    const w = parseWithClause(
      props("kafka_topic='t', window_type='tumbling', window_size='2 MINUTES'"),
      'CREATE',
    )
    expect(w.windowType()).toBe('TUMBLING')
    expect(w.windowSizeMs()).toBe(120_000)
  })

  it.each([
    [
      "kafka_topic='t', partitions=true",
      'CREATE',
      'Invalid value true for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.lang.Boolean',
    ],
    [
      "kafka_topic='t', retention_ms='x'",
      'CREATE',
      'Invalid value x for property RETENTION_MS: Not a number of type LONG',
    ],
    ["kafka_topic=''", 'CREATE', 'Invalid value  for property KAFKA_TOPIC: String must be non-empty'],
    ["kafka_topic='t', a=1, b=2", 'CREATE', 'Invalid config variable(s) in the WITH clause: A,B'],
    ["window_type='session'", 'CREATE_AS', 'Invalid config variable(s) in the WITH clause: WINDOW_TYPE'],
    [
      "kafka_topic='t', key_delimiter=''",
      'CREATE',
      'Configuration KEY_DELIMITER is invalid: Delimiter cannot be empty',
    ],
    [
      "kafka_topic='t', value_protobuf_nullable_representation='x'",
      'CREATE',
      'String must be one of: OPTIONAL, WRAPPER, null',
    ],
    [
      "kafka_topic='t', value_avro_schema_full_name='a', value_schema_full_name='b'",
      'CREATE',
      "Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties.",
    ],
    [
      "kafka_topic='t', timestamp_format='yyyy''T'",
      'CREATE',
      "Invalid datetime format for config:TIMESTAMP_FORMAT, reason:Pattern ends with an incomplete string literal: yyyy'T",
    ],
  ] as const)('%s (%s) → %s', (text, kind, message) => {
    expect(() => parseWithClause(props(text), kind)).toThrow(message)
  })

  it('CREATE AS SELECT needs no KAFKA_TOPIC', () => {
    expect(parseWithClause([], 'CREATE_AS').string('KAFKA_TOPIC')).toBeUndefined()
  })
})

describe('parseDuration / dateTimePatternProblem', () => {
  it.each([
    ['30 seconds', 30_000],
    ['1 DAY', 86_400_000],
    ['10 MILLISECONDS', 10],
    [
      '30 bobs',
      "Unknown time unit: 'BOBS'\nSupported time units are: NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS",
    ],
    ['x seconds', "Not numeric: 'x'"],
    ['30', 'Expected 2 tokens, got: 1'],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected)
  })

  it.each([
    ["yyyy-MM-dd'T'HH:mm:ss.SSSX", undefined],
    ['yy-MM-dd HH:mm:ssX', undefined],
    ["[yyyy]''", undefined],
    ['yyyy-bb', 'Unknown pattern letter: b'],
    ['yyyy#', "Pattern includes reserved character: '#'"],
    ['aa', 'Too many pattern letters: a'],
    ['yyyy]', 'Pattern invalid as it contains ] without previous ['],
  ])('%s', (pattern, problem) => {
    expect(dateTimePatternProblem(pattern)).toBe(problem)
  })
})
