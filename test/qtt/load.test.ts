import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JsonDecimal } from '../../src/qtt/jsonc.js'
import { listTestFiles, parseTestFile, TestFileError } from '../../src/qtt/load.js'
import { FORMAT_NOT_SET } from '../../src/qtt/variants.js'

const PATH = '/suite/widgets.json'

function load(tests: unknown[], kind?: 'qtt' | 'rqtt') {
  return parseTestFile(PATH, JSON.stringify({ tests }), kind === undefined ? {} : { kind })
}

const STATEMENT = "CREATE STREAM S (ID INT) WITH (kafka_topic='t', value_format='{FORMAT}');"
const OUT = [{ topic: 't', value: 1 }]

describe('parseTestFile', () => {
  it('strips comments outside strings and ignores unknown properties', () => {
    const text = `// header comment
      {
        "comments": ["ignored"],
        "tests": [
          /* a block comment */
          {
            "name": "one", // trailing comment
            "comment": "a stray key",
            "N4": 4,
            "statements": ["SELECT '//not a comment' FROM S;"],
            "outputs": [{"topic": "t", "value": {"A": 1.50}, "stray": true}]
          }
        ]
      }`
    const file = parseTestFile(PATH, text)
    expect(file.invalid).toEqual([])
    expect(file.variants).toHaveLength(1)
    const v = file.variants[0]!
    expect(v.name).toBe('widgets - one')
    expect(v.statements).toEqual(["SELECT '//not a comment' FROM S;"])
    expect(v.case.outputs).toEqual([{ topic: 't', key: null, value: { A: new JsonDecimal('1.50') } }])
    expect(v.case.outputs[0]).not.toHaveProperty('stray')
  })

  it('expands format × config into named variants', () => {
    const file = load([
      {
        name: 'fmt',
        format: ['JSON', 'DELIMITED'],
        config: ['false', 'true'],
        properties: { 'ksql.some.flag': '{CONFIG}', other: 'x' },
        statements: [STATEMENT, "INSERT INTO S VALUES ('{FORMAT}');"],
        inputs: [{ topic: '{FORMAT}', value: '{FORMAT}' }],
        outputs: OUT,
      },
    ])
    expect(file.variants.map((v) => v.name)).toEqual([
      'widgets - fmt - JSON - ksql.some.flag=false',
      'widgets - fmt - JSON - ksql.some.flag=true',
      'widgets - fmt - DELIMITED - ksql.some.flag=false',
      'widgets - fmt - DELIMITED - ksql.some.flag=true',
    ])
    const v = file.variants[2]!
    expect(v.format).toBe('DELIMITED')
    expect(v.config).toEqual({ property: 'ksql.some.flag', value: 'false' })
    expect(v.statements).toEqual([
      "CREATE STREAM S (ID INT) WITH (kafka_topic='t', value_format='DELIMITED');",
      "INSERT INTO S VALUES ('DELIMITED');",
    ])
    expect(v.properties).toEqual({ 'ksql.some.flag': 'false', other: 'x' })
    // {FORMAT} is substituted in statements only.
    expect(v.case.inputs[0]).toMatchObject({ topic: '{FORMAT}', value: '{FORMAT}' })
  })

  it.each([
    ['format only', { format: ['KAFKA'] }, ['widgets - c - KAFKA']],
    [
      'config only',
      { config: ['a', 'b'], properties: { p: '{CONFIG}' } },
      ['widgets - c - p=a', 'widgets - c - p=b'],
    ],
    ['neither', {}, ['widgets - c']],
  ])('names variants with %s', (_, extra, names) => {
    const file = load([{ name: 'c', statements: [STATEMENT], outputs: OUT, ...extra }])
    expect(file.variants.map((v) => v.name)).toEqual(names)
  })

  it('replaces {FORMAT} with an error sentence when the case has no format list', () => {
    const [v] = load([{ name: 'c', statements: [STATEMENT], outputs: OUT }]).variants
    expect(v!.statements[0]).toContain(FORMAT_NOT_SET)
    expect(v!.format).toBeUndefined()
  })

  it('keeps disabled cases as variants marked disabled', () => {
    const file = load([
      { name: 'off', enabled: false, format: ['JSON', 'KAFKA'], statements: [STATEMENT], outputs: OUT },
      { name: 'on', enabled: true, statements: [STATEMENT], outputs: OUT },
    ])
    expect(file.variants.map((v) => [v.name, v.enabled])).toEqual([
      ['widgets - off - JSON', false],
      ['widgets - off - KAFKA', false],
      ['widgets - on', true],
    ])
  })

  it('reads the whole QTT case model', () => {
    const [v] = load([
      {
        name: 'full',
        statements: ['SELECT 1;'],
        topics: [
          { name: 'in', valueFormat: 'AVRO', valueSchema: { type: 'record' }, partitions: 4, format: 'old' },
        ],
        inputs: [
          {
            topic: 'in',
            key: 1,
            value: null,
            timestamp: 5,
            window: { start: 0, end: 10, type: 'TIME' },
            headers: [{ KEY: 'h', VALUE: null }],
          },
        ],
        outputs: [{ topic: 'out', value: { X: 1 } }],
        expectedException: { type: 'io.confluent.ksql.util.KsqlException', message: 'boom', cause: 'C' },
        post: {
          sources: [
            {
              name: 'OUT',
              type: 'STREAM',
              schema: 'ID INT KEY',
              keyFormat: { format: 'KAFKA', windowSize: null },
            },
          ],
          topics: { blacklist: '.*-repartition', topics: [{ name: 'out', keyFormat: { format: 'KAFKA' } }] },
        },
        versions: { min: '6.0.0' },
      },
    ]).variants
    const c = v!.case
    expect(c.kind).toBe('qtt')
    expect(c.topics).toEqual([
      { name: 'in', valueFormat: 'AVRO', valueSchema: { type: 'record' }, partitions: 4, replicas: 1 },
    ])
    expect(c.inputs).toEqual([
      {
        topic: 'in',
        key: 1,
        value: null,
        timestamp: 5,
        window: { start: 0, end: 10, type: 'time' },
        headers: [{ key: 'h', value: null }],
      },
    ])
    expect(v!.expected).toEqual({ type: 'io.confluent.ksql.util.KsqlException', message: 'boom', cause: 'C' })
    if (c.kind !== 'qtt') throw new Error('expected a QTT case')
    expect(c.post).toEqual({
      sources: [{ name: 'OUT', type: 'stream', schema: 'ID INT KEY', keyFormat: { format: 'KAFKA' } }],
      blacklist: '.*-repartition',
      topics: [{ name: 'out', keyFormat: { format: 'KAFKA' } }],
    })
    expect(c.versions).toEqual({ min: '6.0.0' })
  })

  it('reads RQTT cases (expectedError, responses, conditions)', () => {
    const file = load(
      [
        {
          name: 'pull',
          statements: [
            "CREATE STREAM S (ID INT) WITH (kafka_topic='t', value_format='JSON');",
            'SELECT * FROM S;',
          ],
          inputs: [{ topic: 't', value: { ID: 1 } }],
          responses: [{ admin: { '@type': 'currentStatus' } }, { query: [{ header: {} }] }],
          inputConditions: { waitForActivePushQuery: true },
        },
        {
          name: 'bad',
          statements: ['SELECT * FROM MISSING;'],
          expectedError: {
            type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage',
            message: 'x',
            status: 400,
          },
        },
      ],
      undefined,
    )
    expect(file.kind).toBe('rqtt')
    expect(file.invalid).toEqual([])
    const [pull, bad] = file.variants
    if (pull?.case.kind !== 'rqtt') throw new Error('expected an RQTT case')
    expect(pull.case.responses).toEqual([
      { kind: 'admin', admin: { '@type': 'currentStatus' } },
      { kind: 'query', query: [{ header: {} }] },
    ])
    expect(pull.case.inputConditions).toEqual({ waitForActivePushQuery: true })
    expect(bad!.expected).toEqual({
      type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage',
      message: 'x',
      status: 400,
    })
  })

  it.each([
    ['a missing name', { statements: ['SELECT 1;'], outputs: OUT }, 'widgets - #0', 'tests[0].name'],
    ['empty statements', { name: 'n', statements: [], outputs: OUT }, 'widgets - n', 'tests[0].statements'],
    [
      'a non-string statement',
      { name: 'n', statements: [1], outputs: OUT },
      'widgets - n',
      'tests[0].statements[0]',
    ],
    ['nothing to check', { name: 'n', statements: ['SELECT 1;'] }, 'widgets - n', "'inputs', 'outputs'"],
    [
      'a record without value',
      { name: 'n', statements: ['S;'], inputs: [{ topic: 't' }] },
      'widgets - n',
      'value',
    ],
    [
      'an empty expectation',
      { name: 'n', statements: ['S;'], expectedException: {} },
      'widgets - n',
      "'type'",
    ],
  ])('reports a case with %s as invalid', (_, raw, name, inReason) => {
    const file = load([raw, { name: 'ok', statements: ['SELECT 1;'], outputs: OUT }], 'qtt')
    expect(file.variants.map((v) => v.name)).toEqual(['widgets - ok'])
    expect(file.invalid).toHaveLength(1)
    expect(file.invalid[0]!.name).toBe(name)
    expect(file.invalid[0]!.reason).toContain(inReason)
  })

  it('reports duplicate variant names', () => {
    const file = load([
      { name: 'twice', statements: ['SELECT 1;'], outputs: OUT },
      { name: 'twice', statements: ['SELECT 2;'], outputs: OUT },
    ])
    expect(file.variants).toHaveLength(1)
    expect(file.invalid).toEqual([{ file: PATH, name: 'widgets - twice', reason: 'duplicate test name' }])
  })

  it.each([
    ['not JSON', '{"tests": ['],
    ['no tests', '{"cases": []}'],
    ['empty tests', '{"tests": []}'],
    ['an array', '[]'],
  ])('rejects a file that is %s', (_, text) => {
    expect(() => parseTestFile(PATH, text)).toThrow(TestFileError)
  })

  it.each([
    ['/x/rest-query-validation-tests/a.json', {}, 'rqtt'],
    ['/x/ksqldb-rqtt/a.json', {}, 'rqtt'],
    ['/x/ksqldb-qtt/a.json', {}, 'qtt'],
    ['/x/other/a.json', { responses: [] }, 'rqtt'],
    ['/x/other/a.json', {}, 'qtt'],
  ])('detects the kind of %s', (path, extra, kind) => {
    const text = JSON.stringify({ tests: [{ name: 'n', statements: ['S;'], outputs: OUT, ...extra }] })
    expect(parseTestFile(path, text).kind).toBe(kind)
  })
})

describe('listTestFiles', () => {
  it('lists *.json of a folder (sorted, not recursive) and passes files through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-qtt-'))
    for (const name of ['b.json', 'a.json', 'notes.txt']) writeFileSync(join(dir, name), '{}')
    mkdirSync(join(dir, 'sub.json'))
    writeFileSync(join(dir, 'sub.json', 'c.json'), '{}')
    expect(listTestFiles([dir, join(dir, 'notes.txt')])).toEqual([
      join(dir, 'a.json'),
      join(dir, 'b.json'),
      join(dir, 'notes.txt'),
    ])
  })

  it('rejects a missing path', () => {
    expect(() => listTestFiles(['/no/such/place'])).toThrow(TestFileError)
  })
})
