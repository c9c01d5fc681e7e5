import { describe, expect, it } from 'vitest'
import { type ParseOptions, parseStatements } from '../../grammar/parse.js'
import { stripSpans } from '../../src/ast/strip-spans.js'
import {
  and,
  cmp,
  col,
  dec,
  dur,
  element,
  fn,
  int,
  long,
  prim,
  prop,
  query,
  rel,
  single,
  star,
  str,
} from './builders.js'

function parseOne(sql: string, options: ParseOptions = {}): unknown {
  const parsed = parseStatements(sql, options)
  expect(parsed).toHaveLength(1)
  return stripSpans(parsed[0]?.statement)
}

const topic = prop('KAFKA_TOPIC', str('t'))

describe('statement forms', () => {
  it.each<[string, string, unknown]>([
    // Listing and introspection
    [
      'SHOW PROPERTIES',
      'SHOW PROPERTIES;',
      { kind: 'Show', target: 'PROPERTIES', all: false, extended: false },
    ],
    ['LIST TOPICS', 'LIST TOPICS;', { kind: 'Show', target: 'TOPICS', all: false, extended: false }],
    [
      'SHOW ALL TOPICS EXTENDED',
      'SHOW ALL TOPICS EXTENDED;',
      { kind: 'Show', target: 'TOPICS', all: true, extended: true },
    ],
    [
      'SHOW STREAMS EXTENDED',
      'show streams extended;',
      { kind: 'Show', target: 'STREAMS', all: false, extended: true },
    ],
    ['SHOW TABLES', 'SHOW TABLES;', { kind: 'Show', target: 'TABLES', all: false, extended: false }],
    ['SHOW FUNCTIONS', 'SHOW FUNCTIONS;', { kind: 'Show', target: 'FUNCTIONS', all: false, extended: false }],
    [
      'SHOW CONNECTORS',
      'SHOW CONNECTORS;',
      { kind: 'Show', target: 'CONNECTORS', all: false, extended: false },
    ],
    [
      'SHOW SINK CONNECTORS',
      'SHOW SINK CONNECTORS;',
      { kind: 'Show', target: 'CONNECTORS', all: false, extended: false, connectorType: 'SINK' },
    ],
    [
      'SHOW CONNECTOR PLUGINS',
      'SHOW CONNECTOR PLUGINS;',
      { kind: 'Show', target: 'CONNECTOR_PLUGINS', all: false, extended: false },
    ],
    ['SHOW TYPES', 'SHOW TYPES;', { kind: 'Show', target: 'TYPES', all: false, extended: false }],
    ['SHOW VARIABLES', 'SHOW VARIABLES;', { kind: 'Show', target: 'VARIABLES', all: false, extended: false }],
    [
      'SHOW QUERIES EXTENDED',
      'SHOW QUERIES EXTENDED;',
      { kind: 'Show', target: 'QUERIES', all: false, extended: true },
    ],
    ['DESCRIBE source', 'DESCRIBE orders;', { kind: 'DescribeSource', name: 'ORDERS', extended: false }],
    [
      'DESCRIBE source EXTENDED',
      'DESCRIBE `Mixed` EXTENDED;',
      { kind: 'DescribeSource', name: 'Mixed', extended: true },
    ],
    [
      'DESCRIBE a source named FUNCTION',
      'DESCRIBE FUNCTION;',
      { kind: 'DescribeSource', name: 'FUNCTION', extended: false },
    ],
    ['DESCRIBE STREAMS', 'DESCRIBE STREAMS EXTENDED;', { kind: 'DescribeStreams', extended: true }],
    ['DESCRIBE FUNCTION', 'DESCRIBE FUNCTION concat;', { kind: 'DescribeFunction', name: 'CONCAT' }],
    ['DESCRIBE CONNECTOR', 'DESCRIBE CONNECTOR my_conn;', { kind: 'DescribeConnector', name: 'MY_CONN' }],
    [
      'PRINT with all clauses',
      "PRINT 'My-Topic' FROM BEGINNING INTERVAL 2 LIMIT 10;",
      { kind: 'PrintTopic', topic: 'My-Topic', fromBeginning: true, interval: 2, limit: 10 },
    ],
    [
      'PRINT keeps the case of a bare name',
      'PRINT myTopic SAMPLE 3;',
      { kind: 'PrintTopic', topic: 'myTopic', fromBeginning: false, interval: 3 },
    ],
    // Query lifecycle
    ['TERMINATE id', 'TERMINATE csas_out_0;', { kind: 'TerminateQuery', queryId: 'CSAS_OUT_0' }],
    ['TERMINATE ALL', 'TERMINATE ALL;', { kind: 'TerminateQuery' }],
    ['PAUSE id', 'PAUSE "q1";', { kind: 'PauseQuery', queryId: 'q1' }],
    ['PAUSE ALL', 'PAUSE ALL;', { kind: 'PauseQuery' }],
    ['RESUME id', 'RESUME q1;', { kind: 'ResumeQuery', queryId: 'Q1' }],
    ['RESUME ALL', 'RESUME ALL;', { kind: 'ResumeQuery' }],
    // Session
    [
      'SET',
      "SET 'auto.offset.reset' = 'earliest';",
      { kind: 'SetProperty', name: 'auto.offset.reset', value: 'earliest' },
    ],
    ['UNSET', "UNSET 'auto.offset.reset';", { kind: 'UnsetProperty', name: 'auto.offset.reset' }],
    [
      'ALTER SYSTEM',
      "ALTER SYSTEM 'ksql.x' = 'y';",
      { kind: 'AlterSystemProperty', name: 'ksql.x', value: 'y' },
    ],
    [
      'DEFINE keeps the name case',
      "DEFINE myVar = 'it''s';",
      { kind: 'DefineVariable', name: 'myVar', value: "it's" },
    ],
    ['UNDEFINE', 'UNDEFINE myVar;', { kind: 'UndefineVariable', name: 'myVar' }],
    // DDL
    [
      'CREATE STREAM',
      "CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='t', value_format='JSON');",
      {
        kind: 'CreateStream',
        orReplace: false,
        isSource: false,
        ifNotExists: false,
        name: 'S',
        elements: [element('ID', prim('INTEGER'), { kind: 'Key' }), element('V', prim('STRING'))],
        properties: [topic, prop('VALUE_FORMAT', str('JSON'))],
      },
    ],
    [
      'CREATE OR REPLACE SOURCE STREAM IF NOT EXISTS without columns',
      "CREATE OR REPLACE SOURCE STREAM IF NOT EXISTS s WITH (kafka_topic='t');",
      {
        kind: 'CreateStream',
        orReplace: true,
        isSource: true,
        ifNotExists: true,
        name: 'S',
        properties: [topic],
      },
    ],
    [
      'CREATE TABLE with header columns',
      "CREATE TABLE t (id STRING PRIMARY KEY, h BYTES HEADER('k'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) WITH (kafka_topic='t');",
      {
        kind: 'CreateTable',
        orReplace: false,
        isSource: false,
        ifNotExists: false,
        name: 'T',
        elements: [
          element('ID', prim('STRING'), { kind: 'PrimaryKey' }),
          element('H', prim('BYTES'), { kind: 'Header', key: 'k' }),
          element(
            'HS',
            {
              kind: 'ArrayType',
              element: {
                kind: 'StructType',
                fields: [
                  { name: 'KEY', type: prim('STRING') },
                  { name: 'VALUE', type: prim('BYTES') },
                ],
              },
            },
            { kind: 'Headers' },
          ),
        ],
        properties: [topic],
      },
    ],
    [
      'CREATE SOURCE TABLE',
      "CREATE SOURCE TABLE t (id INT PRIMARY KEY) WITH (kafka_topic='t');",
      {
        kind: 'CreateTable',
        orReplace: false,
        isSource: true,
        ifNotExists: false,
        name: 'T',
        elements: [element('ID', prim('INTEGER'), { kind: 'PrimaryKey' })],
        properties: [topic],
      },
    ],
    [
      'CREATE STREAM AS SELECT',
      "CREATE OR REPLACE STREAM IF NOT EXISTS out WITH (kafka_topic='t') AS SELECT * FROM s EMIT CHANGES;",
      {
        kind: 'CreateStreamAsSelect',
        orReplace: true,
        ifNotExists: true,
        name: 'OUT',
        properties: [topic],
        query: query([star], rel('S'), { emit: 'CHANGES' }),
      },
    ],
    [
      'CREATE TABLE AS SELECT',
      'CREATE TABLE counts AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;',
      {
        kind: 'CreateTableAsSelect',
        orReplace: false,
        ifNotExists: false,
        name: 'COUNTS',
        properties: [],
        query: query(
          [single(col('ID')), single({ kind: 'FunctionCall', name: 'COUNT', args: [], star: true }, 'N')],
          rel('S'),
          {
            groupBy: [col('ID')],
          },
        ),
      },
    ],
    [
      'CREATE SOURCE CONNECTOR',
      "CREATE SOURCE CONNECTOR IF NOT EXISTS c WITH ('connector.class'='X', tasks=1);",
      {
        kind: 'CreateConnector',
        connectorType: 'SOURCE',
        ifNotExists: true,
        name: 'C',
        properties: [prop('connector.class', str('X')), prop('TASKS', int(1))],
      },
    ],
    [
      'CREATE SINK CONNECTOR',
      "CREATE SINK CONNECTOR `c` WITH ('a'='b');",
      {
        kind: 'CreateConnector',
        connectorType: 'SINK',
        ifNotExists: false,
        name: 'c',
        properties: [prop('a', str('b'))],
      },
    ],
    [
      'CREATE TYPE',
      'CREATE TYPE IF NOT EXISTS address AS STRUCT<street STRING, zip INT>;',
      {
        kind: 'RegisterType',
        ifNotExists: true,
        name: 'ADDRESS',
        type: {
          kind: 'StructType',
          fields: [
            { name: 'STREET', type: prim('STRING') },
            { name: 'ZIP', type: prim('INTEGER') },
          ],
        },
      },
    ],
    [
      'ALTER STREAM ADD COLUMN',
      'ALTER STREAM s ADD COLUMN c1 INT, ADD c2 ARRAY<BIGINT>;',
      {
        kind: 'AlterSource',
        sourceType: 'STREAM',
        name: 'S',
        columns: [
          { name: 'C1', type: prim('INTEGER') },
          { name: 'C2', type: { kind: 'ArrayType', element: prim('BIGINT') } },
        ],
      },
    ],
    [
      'ALTER TABLE ADD a column named COLUMN',
      'ALTER TABLE t ADD COLUMN DOUBLE;',
      {
        kind: 'AlterSource',
        sourceType: 'TABLE',
        name: 'T',
        columns: [{ name: 'COLUMN', type: prim('DOUBLE') }],
      },
    ],
    [
      'DROP STREAM',
      'DROP STREAM IF EXISTS s DELETE TOPIC;',
      { kind: 'DropStream', ifExists: true, name: 'S', deleteTopic: true },
    ],
    ['DROP TABLE', 'DROP TABLE t;', { kind: 'DropTable', ifExists: false, name: 'T', deleteTopic: false }],
    [
      'DROP a stream named IF',
      'DROP STREAM IF;',
      { kind: 'DropStream', ifExists: false, name: 'IF', deleteTopic: false },
    ],
    ['DROP CONNECTOR', 'DROP CONNECTOR IF EXISTS c;', { kind: 'DropConnector', ifExists: true, name: 'C' }],
    ['DROP TYPE', 'DROP TYPE address;', { kind: 'DropType', ifExists: false, name: 'ADDRESS' }],
    // DML
    [
      'INSERT INTO ... SELECT',
      "INSERT INTO out WITH (QUERY_ID='my_q') SELECT * FROM s;",
      {
        kind: 'InsertInto',
        target: 'OUT',
        properties: [prop('QUERY_ID', str('my_q'))],
        query: query([star], rel('S')),
      },
    ],
    [
      'INSERT INTO ... VALUES with columns',
      "INSERT INTO s (rowtime, id, `v`) VALUES (1, 2, 'x');",
      {
        kind: 'InsertValues',
        target: 'S',
        columns: ['ROWTIME', 'ID', 'v'],
        values: [int(1), int(2), str('x')],
      },
    ],
    [
      'INSERT INTO ... VALUES ()',
      'INSERT INTO s VALUES ();',
      { kind: 'InsertValues', target: 'S', values: [] },
    ],
    // EXPLAIN
    ['EXPLAIN query id', 'EXPLAIN csas_out_1;', { kind: 'Explain', queryId: 'CSAS_OUT_1' }],
    [
      'EXPLAIN statement',
      'EXPLAIN SELECT * FROM s;',
      { kind: 'Explain', statement: query([star], rel('S')) },
    ],
    // Assertions
    [
      'ASSERT TOPIC',
      "ASSERT TOPIC 'Topic' WITH (partitions=3) TIMEOUT 10 SECONDS;",
      {
        kind: 'AssertTopic',
        exists: true,
        topic: 'Topic',
        properties: [prop('PARTITIONS', int(3))],
        timeout: dur(10, 'SECONDS'),
      },
    ],
    [
      'ASSERT NOT EXISTS TOPIC',
      'ASSERT NOT EXISTS TOPIC t;',
      { kind: 'AssertTopic', exists: false, topic: 't', properties: [] },
    ],
    [
      'ASSERT SCHEMA',
      "ASSERT SCHEMA SUBJECT 's-value' ID 42 TIMEOUT 1 MINUTE;",
      { kind: 'AssertSchema', exists: true, subject: 's-value', id: 42, timeout: dur(1, 'MINUTES') },
    ],
    [
      'ASSERT NOT EXISTS SCHEMA',
      'ASSERT NOT EXISTS SCHEMA ID 3;',
      { kind: 'AssertSchema', exists: false, id: 3 },
    ],
  ])('%s', (_name, sql, expected) => {
    expect(parseOne(sql)).toEqual(expected)
  })
})

describe('test-runner statements (testStatements: true)', () => {
  it.each<[string, string, unknown]>([
    [
      'ASSERT VALUES',
      "ASSERT VALUES bar (rowtime, id) VALUES (1, 'a');",
      { kind: 'AssertValues', source: 'BAR', columns: ['ROWTIME', 'ID'], values: [int(1), str('a')] },
    ],
    [
      'ASSERT VALUES without columns',
      'ASSERT VALUES bar VALUES (1);',
      { kind: 'AssertValues', source: 'BAR', values: [int(1)] },
    ],
    [
      'ASSERT NULL VALUES',
      'ASSERT NULL VALUES bar (id) KEY (1);',
      { kind: 'AssertTombstone', source: 'BAR', columns: ['ID'], keys: [int(1)] },
    ],
    [
      'ASSERT STREAM',
      "ASSERT STREAM bar (id INT KEY, c INT) WITH (kafka_topic='t');",
      {
        kind: 'AssertStream',
        name: 'BAR',
        elements: [element('ID', prim('INTEGER'), { kind: 'Key' }), element('C', prim('INTEGER'))],
        properties: [topic],
      },
    ],
    ['ASSERT TABLE', 'ASSERT TABLE bar;', { kind: 'AssertTable', name: 'BAR', properties: [] }],
    ['RUN SCRIPT', "RUN SCRIPT '/tmp/x.sql';", { kind: 'RunScript', path: '/tmp/x.sql' }],
    [
      'ordinary statements still parse',
      'SHOW TYPES;',
      { kind: 'Show', target: 'TYPES', all: false, extended: false },
    ],
    [
      'server-side ASSERT still parses',
      'ASSERT TOPIC t;',
      { kind: 'AssertTopic', exists: true, topic: 't', properties: [] },
    ],
  ])('%s', (_name, sql, expected) => {
    expect(parseOne(sql, { testStatements: true })).toEqual(expected)
  })
})

describe('query clauses', () => {
  it.each<[string, string, unknown]>([
    ['pull query', 'SELECT * FROM t;', query([star], rel('T'))],
    [
      'select items: alias, AS alias, source.*, struct->*',
      'SELECT a, b AS x, c y, s.*, st->* FROM src s EMIT CHANGES;',
      query(
        [
          single(col('A')),
          single(col('B'), 'X'),
          single(col('C'), 'Y'),
          { kind: 'AllColumns', source: 'S' },
          { kind: 'StructAll', base: col('ST') },
        ],
        rel('SRC', 'S'),
        { emit: 'CHANGES' },
      ),
    ],
    [
      'every clause in order',
      'SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, RETENTION 1 DAY, GRACE PERIOD 0 MILLISECONDS) ' +
        'WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1 EMIT FINAL LIMIT 5;',
      query(
        [single(col('K')), single({ kind: 'FunctionCall', name: 'COUNT', args: [], star: true })],
        rel('S'),
        {
          window: {
            kind: 'HoppingWindow',
            size: dur(10, 'SECONDS'),
            advance: dur(5, 'SECONDS'),
            retention: dur(1, 'DAYS'),
            grace: dur(0, 'MILLISECONDS'),
          },
          where: cmp('>', col('V'), int(0)),
          groupBy: [col('K')],
          having: cmp('>', { kind: 'FunctionCall', name: 'COUNT', args: [], star: true }, int(1)),
          emit: 'FINAL',
          limit: 5,
        },
      ),
    ],
    [
      'PARTITION BY (several) after WHERE',
      'SELECT * FROM s WHERE a = 1 PARTITION BY a, b EMIT CHANGES;',
      query([star], rel('S'), {
        where: cmp('=', col('A'), int(1)),
        partitionBy: [col('A'), col('B')],
        emit: 'CHANGES',
      }),
    ],
    [
      'PARTITION BY right after FROM',
      'SELECT * FROM s PARTITION BY NULL;',
      query([star], rel('S'), { partitionBy: [{ kind: 'NullLiteral' }] }),
    ],
    [
      'GROUP BY (a, b)',
      'SELECT * FROM s GROUP BY (a, b);',
      query([star], rel('S'), { groupBy: [col('A'), col('B')] }),
    ],
    ['GROUP BY ()', 'SELECT * FROM s GROUP BY ();', query([star], rel('S'), { groupBy: [] })],
    [
      'GROUP BY (a AND b) is one parenthesised expression',
      'SELECT * FROM s GROUP BY (a AND b);',
      query([star], rel('S'), { groupBy: [and(col('A'), col('B'))] }),
    ],
    [
      'TUMBLING window',
      'SELECT * FROM s WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 MINUTES) EMIT CHANGES;',
      query([star], rel('S'), {
        window: { kind: 'TumblingWindow', size: dur(1, 'HOURS'), grace: dur(2, 'MINUTES') },
        emit: 'CHANGES',
      }),
    ],
    [
      'named SESSION window',
      'SELECT * FROM s WINDOW w SESSION (30 SECONDS, RETENTION 7 DAYS) EMIT CHANGES;',
      query([star], rel('S'), {
        window: { kind: 'SessionWindow', gap: dur(30, 'SECONDS'), retention: dur(7, 'DAYS') },
        emit: 'CHANGES',
      }),
    ],
    [
      'joins nest on the left; WITHIN both forms',
      'SELECT * FROM a JOIN b WITHIN 1 HOUR ON a.id = b.id ' +
        'FULL OUTER JOIN c AS cc WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON a.id = cc.id ' +
        'LEFT JOIN d ON a.id = d.id RIGHT OUTER JOIN e ON a.id = e.id INNER JOIN f ON a.id = f.id EMIT CHANGES;',
      query(
        [star],
        join(
          'INNER',
          join(
            'RIGHT',
            join(
              'LEFT',
              join(
                'FULL',
                join('INNER', rel('A'), rel('B'), 'B', {
                  within: {
                    kind: 'JoinWindow',
                    before: dur(1, 'HOURS'),
                    after: dur(1, 'HOURS'),
                    symmetric: true,
                  },
                }),
                rel('C', 'CC'),
                'CC',
                {
                  within: {
                    kind: 'JoinWindow',
                    before: dur(1, 'SECONDS'),
                    after: dur(2, 'SECONDS'),
                    symmetric: false,
                    grace: dur(3, 'SECONDS'),
                  },
                },
              ),
              rel('D'),
              'D',
            ),
            rel('E'),
            'E',
          ),
          rel('F'),
          'F',
        ),
        { emit: 'CHANGES' },
      ),
    ],
    [
      'ORDER BY between EMIT and LIMIT (Eddy)',
      'SELECT * FROM s EMIT CHANGES ORDER BY a DESC, b ASC, c LIMIT 3;',
      query([star], rel('S'), {
        emit: 'CHANGES',
        orderBy: [
          { kind: 'OrderItem', expr: col('A'), descending: true },
          { kind: 'OrderItem', expr: col('B'), descending: false },
          { kind: 'OrderItem', expr: col('C'), descending: false },
        ],
        limit: 3,
      }),
    ],
    [
      'ORDER BY right after FROM (pull)',
      'SELECT * FROM s ORDER BY a;',
      query([star], rel('S'), {
        orderBy: [{ kind: 'OrderItem', expr: col('A'), descending: false }],
      }),
    ],
    [
      'non-reserved words as aliases',
      'SELECT * FROM s emit EMIT CHANGES;',
      query([star], rel('S', 'EMIT'), { emit: 'CHANGES' }),
    ],
    ['ORDER is a valid identifier', 'SELECT order FROM order;', query([single(col('ORDER'))], rel('ORDER'))],
    [
      'LIMIT keeps a non-integer for the analyzer',
      'SELECT * FROM s LIMIT 2.5;',
      query([star], rel('S'), { limit: 2.5 }),
    ],
    [
      'WHERE with a LongLiteral',
      'SELECT * FROM s WHERE ts > 1600000000000;',
      query([star], rel('S'), {
        where: cmp('>', col('TS'), long('1600000000000')),
      }),
    ],
    ['decimal in VALUES-like position', 'SELECT 1.50 FROM s;', query([single(dec('1.50'))], rel('S'))],
    [
      'function in FROM is not a relation',
      'SELECT f(a) FROM s;',
      query([single(fn('F', col('A')))], rel('S')),
    ],
  ])('%s', (_name, sql, expected) => {
    expect(parseOne(sql)).toEqual(expected)
  })
})

function join(
  joinType: string,
  left: unknown,
  right: unknown,
  rightName: string,
  extra: object = {},
): Record<string, unknown> {
  return {
    kind: 'Join',
    joinType,
    left,
    right,
    ...extra,
    on: cmp('=', col('ID', 'A'), col('ID', rightName)),
  }
}

describe('types', () => {
  it.each<[string, unknown]>([
    ['INT', prim('INTEGER')],
    ['INTEGER', prim('INTEGER')],
    ['BIGINT', prim('BIGINT')],
    ['double', prim('DOUBLE')],
    ['BOOLEAN', prim('BOOLEAN')],
    ['VARCHAR', prim('STRING')],
    ['STRING', prim('STRING')],
    ['BYTES', prim('BYTES')],
    ['DATE', prim('DATE')],
    ['TIME', prim('TIME')],
    ['TIMESTAMP', prim('TIMESTAMP')],
    ['DECIMAL(10, 2)', { kind: 'DecimalType', precision: 10, scale: 2 }],
    ['ARRAY<INT>', { kind: 'ArrayType', element: prim('INTEGER') }],
    ['INT ARRAY ARRAY', { kind: 'ArrayType', element: { kind: 'ArrayType', element: prim('INTEGER') } }],
    [
      'MAP<STRING, ARRAY<INT>>',
      { kind: 'MapType', key: prim('STRING'), value: { kind: 'ArrayType', element: prim('INTEGER') } },
    ],
    [
      'STRUCT<`a` INT, B STRUCT<c STRING>>',
      {
        kind: 'StructType',
        fields: [
          { name: 'a', type: prim('INTEGER') },
          { name: 'B', type: { kind: 'StructType', fields: [{ name: 'C', type: prim('STRING') }] } },
        ],
      },
    ],
    ['STRUCT< >', { kind: 'StructType', fields: [] }],
    ['my_type', { kind: 'TypeRef', name: 'MY_TYPE' }],
    ['"MixedType"', { kind: 'TypeRef', name: 'MixedType' }],
    ['VARCHAR(10)', prim('STRING')],
  ])('%s', (type, expected) => {
    expect(parseOne(`CREATE TYPE x AS ${type};`)).toEqual({
      kind: 'RegisterType',
      ifNotExists: false,
      name: 'X',
      type: expected,
    })
  })
})

describe('scripts', () => {
  it('parses statements in order with their text (without `;`) and spans', () => {
    const text = "-- a comment\nSHOW STREAMS ;\n/* x */ DESCRIBE s;SET 'a'='b'"
    expect(() => parseStatements(text)).toThrow(/missing ';' at '<EOF>'/)
    const parsed = parseStatements(`${text};`)
    expect(parsed.map((p) => p.text)).toEqual(['SHOW STREAMS', 'DESCRIBE s', "SET 'a'='b'"])
    expect(parsed.map((p) => p.statement.kind)).toEqual(['Show', 'DescribeSource', 'SetProperty'])
    expect(parsed[1]?.span).toEqual({
      start: { offset: 36, line: 3, column: 9 },
      end: { offset: 46, line: 3, column: 19 },
    })
  })

  it('returns nothing for an empty script or one with only comments', () => {
    expect(parseStatements('')).toEqual([])
    expect(parseStatements('  -- nothing\n/* here */\n--@test: directive\n')).toEqual([])
  })

  it('treats --@ directive lines as comments', () => {
    const parsed = parseStatements('--@test: x\n--@expected.error: y\nSHOW TABLES;\n')
    expect(parsed.map((p) => p.statement.kind)).toEqual(['Show'])
  })
})
