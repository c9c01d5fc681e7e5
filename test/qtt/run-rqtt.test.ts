import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { JsonDecimal } from '../../src/qtt/jsonc.js'
import { parseTestFile } from '../../src/qtt/load.js'
import { type CaseOutcome, runCase } from '../../src/qtt/run-case.js'
import { restJson } from '../../src/qtt/run-rqtt.js'
import { Decimal } from '../../src/types/decimal.js'
import { array, decimal, T } from '../../src/types/type.js'

async function run(test: Record<string, unknown>): Promise<CaseOutcome> {
  const file = parseTestFile('/x/ksqldb-rqtt/t.json', JSON.stringify({ tests: [test] }))
  const variant = file.variants[0]
  if (variant === undefined) throw new Error(`no variant: ${JSON.stringify(file.invalid)}`)
  return runCase(variant, {
    createEngine: (options) => Engine.create(options),
    createBackend: () => EmbeddedBackend.inMemory(),
  })
}

const AGG = [
  "CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (kafka_topic='test_topic', value_format='JSON');",
  'CREATE TABLE AGG AS SELECT ID, COUNT(1) AS COUNT FROM INPUT GROUP BY ID;',
]
const INPUTS = [
  { topic: 'test_topic', timestamp: 10, key: '10', value: { V: 1 } },
  { topic: 'test_topic', timestamp: 11, key: '8', value: { V: 1 } },
  { topic: 'test_topic', timestamp: 12, key: '10', value: { V: 1 } },
]
const ADMIN = [{ admin: { '@type': 'currentStatus' } }, { admin: { '@type': 'currentStatus' } }]

describe('RQTT runner', () => {
  it('passes a table pull query: header schema, rows as a multiset, {STATEMENT}, starts_with', async () => {
    const outcome = await run({
      name: 'pull',
      statements: [...AGG, "SELECT * FROM AGG WHERE ID IN ('10', '8');"],
      inputs: INPUTS,
      responses: [
        { admin: { '@type': 'currentStatus', statementText: '{STATEMENT}' } },
        { admin: { '@type': 'currentStatus', 'statementText|starts_with': 'CREATE TABLE AGG' } },
        {
          query: [
            { header: { schema: '`ID` STRING KEY, `COUNT` BIGINT' } },
            { row: { columns: ['8', 1] } },
            { row: { columns: ['10', 2] } },
          ],
        },
      ],
    })
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('keeps the order with verifyOrder, and fails on a wrong row with the reason', async () => {
    const base = {
      name: 'order',
      statements: [...AGG, 'SELECT * FROM AGG;'],
      inputs: INPUTS,
      outputConditions: { verifyOrder: true },
    }
    const ordered = await run({
      ...base,
      responses: [
        ...ADMIN,
        { query: [{ header: {} }, { row: { columns: ['10', 2] } }, { row: { columns: ['8', 1] } }] },
      ],
    })
    expect(ordered).toEqual({ status: 'pass' })
    const wrong = await run({
      ...base,
      responses: [
        ...ADMIN,
        { query: [{ header: {} }, { row: { columns: ['8', 1] } }, { row: { columns: ['10', 2] } }] },
      ],
    })
    expect(wrong.status).toBe('fail')
    expect(wrong.reason).toContain('responses[2]->query[1]->row->columns')
  })

  it('fails when the row count differs', async () => {
    const outcome = await run({
      name: 'count',
      statements: [...AGG, "SELECT * FROM AGG WHERE ID = '10';"],
      inputs: INPUTS,
      responses: [...ADMIN, { query: [{ header: {} }] }],
    })
    expect(outcome.status).toBe('fail')
    expect(outcome.reason).toContain('row count mismatch')
  })

  it('stream pull queries end with Query Completed, or Limit Reached', async () => {
    const stream = ["CREATE STREAM S (K INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON');"]
    const inputs = [
      { topic: 's', key: 1, value: { V: 10 } },
      { topic: 's', key: 2, value: { V: 20 } },
    ]
    const outcome = await run({
      name: 'stream',
      statements: [...stream, 'SELECT * FROM S;', 'SELECT V FROM S LIMIT 1;'],
      inputs,
      topics: [{ name: 's', partitions: 1 }],
      responses: [
        { admin: { '@type': 'currentStatus' } },
        {
          query: [
            { header: { schema: '`K` INTEGER, `V` INTEGER' } },
            { row: { columns: [1, 10] } },
            { row: { columns: [2, 20] } },
            { finalMessage: 'Query Completed' },
          ],
        },
        {
          query: [
            { header: { schema: '`V` INTEGER' } },
            { row: { columns: [10] } },
            { finalMessage: 'Limit Reached' },
          ],
        },
      ],
    })
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('matches an expected error of a query by message, and fails when nothing fails', async () => {
    const error = {
      type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage',
      message: "Pull queries don't support GROUP BY clauses",
      status: 400,
    }
    const statements = [...AGG, 'SELECT * FROM AGG GROUP BY ID;']
    expect(await run({ name: 'err', statements, expectedError: error })).toEqual({ status: 'pass' })
    const none = await run({ name: 'none', statements: [...AGG, 'SELECT * FROM AGG;'], expectedError: error })
    expect(none.status).toBe('fail')
    expect(none.reason).toContain('nothing failed')
  })

  it('without a query, an expected error that does not happen is not enforced (RestTestExecutor)', async () => {
    const statements = [
      "CREATE STREAM T (K INT KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');",
      'INSERT INTO T (K, ID) VALUES (10, 5);',
    ]
    const expectedError = { message: 'no such error', status: 400 }
    expect(await run({ name: 'quiet', statements, expectedError })).toEqual({ status: 'pass' })
    // The responses are still checked.
    const wrong = await run({
      name: 'wrong',
      statements,
      expectedError,
      responses: [{ admin: { '@type': 'sourceDescription' } }],
    })
    expect(wrong.status).toBe('fail')
  })

  it('partitions input records by key, as the Kafka cluster behind ksqlDB does', async () => {
    const outcome = await run({
      name: 'partitions',
      statements: [
        "CREATE STREAM S (K STRING KEY, ID INT) WITH (kafka_topic='s', value_format='JSON');",
        'SELECT ROWPARTITION, ROWOFFSET, K FROM S EMIT CHANGES LIMIT 3;',
      ],
      inputs: [
        { topic: 's', timestamp: 1, key: 'x', value: { ID: 1 } },
        { topic: 's', timestamp: 2, key: '11', value: { ID: 2 } },
        { topic: 's', timestamp: 3, key: 'x', value: { ID: 3 } },
      ],
      responses: [
        { admin: { '@type': 'currentStatus' } },
        {
          query: [
            { header: { schema: '`ROWPARTITION` INTEGER, `ROWOFFSET` BIGINT, `K` STRING' } },
            // 4 partitions (the inferred topic's): murmur2 puts 'x' in 2 and '11' in 0.
            { row: { columns: [2, 0, 'x'] } },
            { row: { columns: [0, 0, '11'] } },
            { row: { columns: [2, 1, 'x'] } },
            { finalMessage: 'Limit Reached' },
          ],
        },
      ],
    })
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('lists header columns after the key in a table pull query header', async () => {
    const outcome = await run({
      name: 'headers',
      statements: [
        "CREATE SOURCE TABLE T (K INT PRIMARY KEY, TEXT STRING, H BYTES HEADER('abc')) WITH (kafka_topic='t', value_format='JSON');",
        'SELECT * FROM T;',
      ],
      inputs: [
        { topic: 't', timestamp: 1, key: 1, value: { TEXT: 'a' }, headers: [{ KEY: 'abc', VALUE: 'IQ==' }] },
      ],
      responses: [
        { admin: { '@type': 'currentStatus' } },
        {
          query: [
            { header: { schema: "`K` INTEGER KEY, `H` BYTES HEADER('abc'), `TEXT` STRING" } },
            { row: { columns: [1, 'a', 'IQ=='] } },
          ],
        },
      ],
    })
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('checks topic outputs as QTT does (INSERT VALUES gives no admin entity)', async () => {
    const outcome = await run({
      name: 'outputs',
      statements: [
        "CREATE STREAM T (K STRING KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');",
        "INSERT INTO T (ROWTIME, K, ID) VALUES (1234, 'key', 10);",
      ],
      inputs: [],
      outputs: [{ topic: 't', timestamp: 1234, key: 'key', value: { ID: 10 } }],
      responses: [{ admin: { '@type': 'currentStatus' } }],
    })
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('leaves protobuf responses and endless push queries unsupported', async () => {
    const proto = await run({
      name: 'proto',
      statements: [...AGG, 'SELECT * FROM AGG;'],
      responses: [{ queryProto: [] }],
    })
    expect(proto.status).toBe('unsupported')
    const push = await run({
      name: 'push',
      statements: [...AGG, 'SELECT * FROM AGG EMIT CHANGES;'],
      responses: [],
    })
    expect(push.status).toBe('unsupported')
  })
})

describe('restJson', () => {
  it("writes values as ksqlDB's REST API does", () => {
    expect(restJson(5n, T.BIGINT)).toBe(5)
    expect(restJson(2n ** 60n, T.BIGINT)).toBe(2n ** 60n)
    expect(restJson(new Decimal(250n, 2), decimal(4, 2))).toEqual(new JsonDecimal('2.50'))
    expect(restJson(Uint8Array.of(33), T.BYTES)).toBe('IQ==')
    expect(restJson(0, T.TIMESTAMP)).toBe('1970-01-01T00:00:00.000')
    expect(restJson([1.5, null], array(T.DOUBLE))).toEqual([new JsonDecimal('1.5'), null])
    expect(restJson({ A: 1 }, { kind: 'STRUCT', fields: [{ name: 'A', type: T.INTEGER }] })).toEqual({ A: 1 })
  })
})
