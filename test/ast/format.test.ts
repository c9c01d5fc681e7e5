import { describe, expect, it } from 'vitest'
import type {
  ArithmeticOp,
  ComparisonOp,
  Duration,
  Expr,
  Property,
  Query,
  SqlType,
  Statement,
  TimeUnit,
} from '../../src/ast/index.js'
import { NO_SPAN } from '../../src/ast/index.js'
import {
  formatDouble,
  formatExpression,
  formatStatement,
  formatType,
  quoteIdentifier,
} from '../../src/ast/format.js'
import { stripSpans } from '../../src/ast/strip-spans.js'

// Hand-built nodes (formatting does not look at spans).
const span = NO_SPAN
const col = (name: string, source?: string): Expr =>
  source === undefined ? { kind: 'ColumnRef', span, name } : { kind: 'ColumnRef', span, name, source }
const int = (value: number): Expr => ({ kind: 'IntegerLiteral', span, value })
const long = (value: string): Expr => ({ kind: 'LongLiteral', span, value })
const dec = (value: string): Expr => ({ kind: 'DecimalLiteral', span, value })
const dbl = (value: number): Expr => ({ kind: 'DoubleLiteral', span, value })
const str = (value: string): Expr => ({ kind: 'StringLiteral', span, value })
const bool = (value: boolean): Expr => ({ kind: 'BooleanLiteral', span, value })
const nul: Expr = { kind: 'NullLiteral', span }
const bin = (op: ArithmeticOp, left: Expr, right: Expr): Expr => ({
  kind: 'ArithmeticBinary',
  span,
  op,
  left,
  right,
})
const neg = (operand: Expr): Expr => ({ kind: 'ArithmeticUnary', span, op: '-', operand })
const plus = (operand: Expr): Expr => ({ kind: 'ArithmeticUnary', span, op: '+', operand })
const cmp = (op: ComparisonOp, left: Expr, right: Expr): Expr => ({
  kind: 'Comparison',
  span,
  op,
  left,
  right,
})
const and = (left: Expr, right: Expr): Expr => ({ kind: 'LogicalBinary', span, op: 'AND', left, right })
const or = (left: Expr, right: Expr): Expr => ({ kind: 'LogicalBinary', span, op: 'OR', left, right })
const not = (operand: Expr): Expr => ({ kind: 'Not', span, operand })
const concat = (left: Expr, right: Expr): Expr => ({ kind: 'Concat', span, left, right })
const call = (name: string, ...args: Expr[]): Expr => ({
  kind: 'FunctionCall',
  span,
  name,
  args,
  star: false,
})
const deref = (base: Expr, field: string): Expr => ({ kind: 'Dereference', span, base, field })
const sub = (base: Expr, index: Expr): Expr => ({ kind: 'Subscript', span, base, index })
const atz = (value: Expr, zone: string): Expr => ({ kind: 'AtTimeZone', span, value, zone })
const prim = (name: 'INTEGER' | 'BIGINT' | 'STRING' | 'DOUBLE' | 'BOOLEAN'): SqlType => ({
  kind: 'PrimitiveType',
  span,
  name,
})
const dur = (value: number, unit: TimeUnit): Duration => ({ kind: 'Duration', span, value, unit })
const prop = (name: string, value: Expr & Property['value']): Property => ({
  kind: 'Property',
  span,
  name,
  value,
})

describe('quoteIdentifier', () => {
  it.each([
    ['ORDERS', 'ORDERS'],
    ['_X1@Y', '_X1@Y'],
    ['orders', '`orders`'],
    ['Mixed', '`Mixed`'],
    ['1ST', '`1ST`'],
    ['A-B', '`A-B`'],
    ['A`B', '`A``B`'],
    ['SELECT', '`SELECT`'],
    ['TRUE', '`TRUE`'],
    ['CONNECTORS', '`CONNECTORS`'],
    ['KEY', 'KEY'],
    ['SESSION', 'SESSION'],
    ['', '``'],
  ])('%j → %s', (name, expected) => {
    expect(quoteIdentifier(name)).toBe(expected)
  })
})

describe('formatExpression', () => {
  it.each<[string, Expr, string]>([
    ['null', nul, 'NULL'],
    ['boolean', bool(false), 'FALSE'],
    ['negative integer', int(-5), '-5'],
    ['negative zero integer', int(-0), '-0'],
    ['long', long('-9223372036854775808'), '-9223372036854775808'],
    ['decimal keeps its text', dec('.50'), '.50'],
    ['string doubles quotes', str("it's"), "'it''s'"],
    ['double has an exponent', dbl(1000), '1.0E3'],
    ['small double', dbl(-1.5e-7), '-1.5E-7'],
    ['qualified column', col('id', 'S'), 'S.`id`'],
    [
      'type constructor',
      { kind: 'TypeConstructor', span, type: 'DATE', value: '2020-01-01' },
      "DATE '2020-01-01'",
    ],
    ['left-assoc minus', bin('-', bin('-', col('A'), col('B')), col('C')), 'A - B - C'],
    ['right-nested minus', bin('-', col('A'), bin('-', col('B'), col('C'))), 'A - (B - C)'],
    ['product under sum', bin('+', col('A'), bin('*', col('B'), col('C'))), 'A + B * C'],
    ['sum under product', bin('*', bin('+', col('A'), col('B')), col('C')), '(A + B) * C'],
    ['right-nested division', bin('/', col('A'), bin('%', col('B'), col('C'))), 'A / (B % C)'],
    ['minus a negative literal', bin('-', col('A'), int(-5)), 'A - -5'],
    ['negative literal on the left', bin('*', int(-5), col('A')), '-5 * A'],
    ['unary minus of a literal', neg(int(5)), '-(5)'],
    ['unary minus of a negative literal', neg(int(-5)), '-(-5)'],
    ['unary minus of unary minus', neg(neg(col('X'))), '-(-X)'],
    ['unary minus of a decimal', neg(dec('.5')), '-(.5)'],
    ['unary minus of a column', neg(col('X')), '-X'],
    ['unary plus of a literal', plus(int(5)), '+(5)'],
    ['unary minus of a sum', neg(bin('+', col('A'), col('B'))), '-(A + B)'],
    ['unary minus of a subscript on a literal', neg(sub(int(5), int(1))), '-(5[1])'],
    ['subscript of a negative literal', sub(int(-5), int(1)), '(-5)[1]'],
    ['dereference of a sum', deref(bin('+', col('A'), col('B')), 'F'), '(A + B)->F'],
    ['dereference chain', deref(deref(col('S'), 'a'), 'B'), 'S->`a`->B'],
    ['subscript of a column named ARRAY', sub(col('ARRAY'), int(1)), '`ARRAY`[1]'],
    ['concat of a sum', concat(col('A'), bin('+', col('B'), col('C'))), 'A || B + C'],
    ['sum of a concat', bin('+', concat(col('A'), col('B')), col('C')), '(A || B) + C'],
    ['right-nested concat', concat(col('A'), concat(col('B'), col('C'))), 'A || (B || C)'],
    ['at time zone', atz(col('TS'), 'UTC'), "TS AT TIME ZONE 'UTC'"],
    ['at time zone of a negative literal', atz(int(-1), 'UTC'), "(-1) AT TIME ZONE 'UTC'"],
    ['unary minus of at time zone', neg(atz(col('T'), 'Z')), "-T AT TIME ZONE 'Z'"],
    ['at time zone of a sum', atz(bin('+', col('A'), col('B')), 'Z'), "(A + B) AT TIME ZONE 'Z'"],
    ['comparison of sums', cmp('<>', bin('+', col('A'), int(1)), col('B')), 'A + 1 <> B'],
    ['nested comparison', cmp('=', cmp('=', col('A'), col('B')), bool(true)), '(A = B) = TRUE'],
    ['and under or', or(and(col('A'), col('B')), col('C')), 'A AND B OR C'],
    ['or under and', and(or(col('A'), col('B')), col('C')), '(A OR B) AND C'],
    ['right-nested and', and(col('A'), and(col('B'), col('C'))), 'A AND (B AND C)'],
    ['not of a comparison', not(cmp('>', col('A'), int(1))), 'NOT A > 1'],
    ['not of an and', not(and(col('A'), col('B'))), 'NOT (A AND B)'],
    ['and of nots', and(not(col('A')), not(col('B'))), 'NOT A AND NOT B'],
    ['comparison of an and', cmp('=', and(col('A'), col('B')), col('C')), '(A AND B) = C'],
    [
      'between',
      {
        kind: 'Between',
        span,
        value: col('A'),
        lower: int(1),
        upper: and(col('X'), col('Y')),
        negated: true,
      },
      'A NOT BETWEEN 1 AND (X AND Y)',
    ],
    [
      'in list',
      { kind: 'InList', span, value: col('A'), list: [int(1), or(col('X'), col('Y'))], negated: false },
      'A IN (1, X OR Y)',
    ],
    [
      'like with escape',
      { kind: 'Like', span, value: col('A'), pattern: str('a!%'), escape: '!', negated: true },
      "A NOT LIKE 'a!%' ESCAPE '!'",
    ],
    ['is not null', { kind: 'IsNull', span, value: col('A'), negated: true }, 'A IS NOT NULL'],
    [
      'is distinct from',
      { kind: 'IsDistinctFrom', span, left: col('A'), right: concat(col('B'), col('C')), negated: false },
      'A IS DISTINCT FROM B || C',
    ],
    ['function call', call('SUBSTRING', col('S'), int(1), int(2)), 'SUBSTRING(S, 1, 2)'],
    ['count star', { kind: 'FunctionCall', span, name: 'COUNT', args: [], star: true }, 'COUNT(*)'],
    ['no-arg function', call('NOW'), 'NOW()'],
    [
      'interval unit and unit-named column',
      call('TIMESTAMPADD', { kind: 'IntervalUnit', span, unit: 'SECONDS' }, col('SECOND'), col('TS')),
      'TIMESTAMPADD(SECONDS, `SECOND`, TS)',
    ],
    [
      'lambdas',
      call(
        'REDUCE',
        col('A'),
        int(0),
        { kind: 'Lambda', span, params: ['S', 'x'], body: bin('+', col('S'), col('x')) },
        { kind: 'Lambda', span, params: ['Y'], body: and(col('Y'), col('Z')) },
      ),
      'REDUCE(A, 0, (S, `x`) => S + `x`, Y => Y AND Z)',
    ],
    [
      'cast',
      { kind: 'Cast', span, expr: or(col('A'), col('B')), type: prim('STRING') },
      'CAST(A OR B AS STRING)',
    ],
    [
      'searched case',
      {
        kind: 'SearchedCase',
        span,
        whens: [{ condition: cmp('<', col('A'), int(0)), result: str('neg') }],
        else: str('pos'),
      },
      "CASE WHEN A < 0 THEN 'neg' ELSE 'pos' END",
    ],
    [
      'simple case with a predicate operand',
      {
        kind: 'SimpleCase',
        span,
        operand: cmp('=', col('A'), col('B')),
        whens: [{ condition: bool(true), result: int(1) }],
      },
      'CASE (A = B) WHEN TRUE THEN 1 END',
    ],
    ['empty array', { kind: 'ArrayConstructor', span, items: [] }, 'ARRAY[]'],
    [
      'array',
      { kind: 'ArrayConstructor', span, items: [int(1), cmp('=', col('A'), col('B'))] },
      'ARRAY[1, A = B]',
    ],
    ['map', { kind: 'MapConstructor', span, entries: [{ key: str('k'), value: int(1) }] }, "MAP('k' := 1)"],
    [
      'struct',
      {
        kind: 'StructConstructor',
        span,
        fields: [
          { name: 'A', value: int(1) },
          { name: 'b', value: nul },
        ],
      },
      'STRUCT(A := 1, `b` := NULL)',
    ],
  ])('%s', (_name, e, expected) => {
    expect(formatExpression(e)).toBe(expected)
  })
})

describe('formatDouble', () => {
  it.each([0, -0, 1, 0.1, -2.5, 1e21, 5e-324, Number.MAX_VALUE, 123456.789, 1 / 3])(
    '%d reads back as the same double and has an exponent',
    (value) => {
      const text = formatDouble(value)
      expect(text).toMatch(/^-?\d+\.\d+E-?\d+$/)
      expect(Object.is(Number(text), value)).toBe(true)
    },
  )

  it('rejects values no literal can express', () => {
    expect(() => formatDouble(Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })
})

describe('formatType', () => {
  it.each<[string, SqlType, string]>([
    ['primitive', prim('BIGINT'), 'BIGINT'],
    ['decimal', { kind: 'DecimalType', span, precision: 4, scale: 2 }, 'DECIMAL(4, 2)'],
    ['array', { kind: 'ArrayType', span, element: prim('STRING') }, 'ARRAY<STRING>'],
    [
      'nested map',
      {
        kind: 'MapType',
        span,
        key: prim('STRING'),
        value: { kind: 'ArrayType', span, element: prim('INTEGER') },
      },
      'MAP<STRING, ARRAY<INTEGER>>',
    ],
    [
      'struct',
      {
        kind: 'StructType',
        span,
        fields: [
          { name: 'A', type: prim('INTEGER') },
          { name: 'end', type: prim('BOOLEAN') },
        ],
      },
      'STRUCT<A INTEGER, `end` BOOLEAN>',
    ],
    ['empty struct', { kind: 'StructType', span, fields: [] }, 'STRUCT< >'],
    ['custom type', { kind: 'TypeRef', span, name: 'ADDRESS' }, 'ADDRESS'],
    ['custom type named like a built-in', { kind: 'TypeRef', span, name: 'INT' }, '`INT`'],
  ])('%s', (_name, t, expected) => {
    expect(formatType(t)).toBe(expected)
  })
})

const query: Query = {
  kind: 'Query',
  span,
  select: [{ kind: 'AllColumns', span }],
  from: { kind: 'AliasedRelation', span, name: 'S' },
  emit: 'CHANGES',
}

const fullQuery: Query = {
  kind: 'Query',
  span,
  select: [
    { kind: 'SingleColumn', span, expr: col('ID', 'L'), alias: 'id' },
    { kind: 'AllColumns', span, source: 'R' },
    { kind: 'StructAll', span, base: col('S', 'R') },
    { kind: 'SingleColumn', span, expr: { kind: 'FunctionCall', span, name: 'COUNT', args: [], star: true } },
  ],
  from: {
    kind: 'Join',
    span,
    joinType: 'LEFT',
    left: {
      kind: 'Join',
      span,
      joinType: 'INNER',
      left: { kind: 'AliasedRelation', span, name: 'LEFT_S', alias: 'L' },
      right: { kind: 'AliasedRelation', span, name: 'table', alias: 'R' },
      within: {
        kind: 'JoinWindow',
        span,
        before: dur(10, 'SECONDS'),
        after: dur(10, 'SECONDS'),
        symmetric: true,
      },
      on: cmp('=', col('ID', 'L'), col('ID', 'R')),
    },
    right: { kind: 'AliasedRelation', span, name: 'T3' },
    within: {
      kind: 'JoinWindow',
      span,
      before: dur(1, 'HOURS'),
      after: dur(2, 'HOURS'),
      symmetric: false,
      grace: dur(5, 'MINUTES'),
    },
    on: and(cmp('=', col('ID', 'L'), col('ID', 'T3')), bool(true)),
  },
  window: {
    kind: 'HoppingWindow',
    span,
    size: dur(1, 'MINUTES'),
    advance: dur(10, 'SECONDS'),
    grace: dur(0, 'SECONDS'),
  },
  where: or(col('A'), col('B')),
  groupBy: [col('ID', 'L'), cmp('>', col('A'), int(1))],
  having: cmp('>', { kind: 'FunctionCall', span, name: 'COUNT', args: [], star: true }, int(1)),
  emit: 'FINAL',
  limit: 10,
}

describe('formatStatement', () => {
  it.each<[string, Statement, string]>([
    ['push query', query, 'SELECT *\nFROM S\nEMIT CHANGES'],
    [
      'query with every clause',
      fullQuery,
      [
        'SELECT',
        '  L.ID AS `id`,',
        '  R.*,',
        '  R.S->*,',
        '  COUNT(*)',
        'FROM LEFT_S L',
        'INNER JOIN `table` R WITHIN 10 SECONDS ON L.ID = R.ID',
        'LEFT OUTER JOIN T3 WITHIN (1 HOURS, 2 HOURS) GRACE PERIOD 5 MINUTES ON L.ID = T3.ID AND TRUE',
        'WINDOW HOPPING (SIZE 1 MINUTES, ADVANCE BY 10 SECONDS, GRACE PERIOD 0 SECONDS)',
        'WHERE A OR B',
        'GROUP BY L.ID, (A > 1)',
        'HAVING COUNT(*) > 1',
        'EMIT FINAL',
        'LIMIT 10',
      ].join('\n'),
    ],
    [
      'pull query with ORDER BY and windows',
      {
        ...query,
        emit: undefined,
        window: { kind: 'SessionWindow', span, gap: dur(30, 'SECONDS'), retention: dur(7, 'DAYS') },
        partitionBy: [col('K')],
        orderBy: [
          { kind: 'OrderItem', span, expr: col('A'), descending: true },
          { kind: 'OrderItem', span, expr: col('B'), descending: false },
        ],
      },
      'SELECT *\nFROM S\nWINDOW SESSION (30 SECONDS, RETENTION 7 DAYS)\nPARTITION BY K\nORDER BY A DESC, B',
    ],
    [
      'tumbling window',
      { ...query, window: { kind: 'TumblingWindow', span, size: dur(5, 'MILLISECONDS') } },
      'SELECT *\nFROM S\nWINDOW TUMBLING (SIZE 5 MILLISECONDS)\nEMIT CHANGES',
    ],
    [
      'show properties',
      { kind: 'Show', span, target: 'PROPERTIES', all: false, extended: false },
      'SHOW PROPERTIES',
    ],
    [
      'show all topics',
      { kind: 'Show', span, target: 'TOPICS', all: true, extended: true },
      'SHOW ALL TOPICS EXTENDED',
    ],
    [
      'show queries',
      { kind: 'Show', span, target: 'QUERIES', all: false, extended: true },
      'SHOW QUERIES EXTENDED',
    ],
    [
      'show sink connectors',
      { kind: 'Show', span, target: 'CONNECTORS', all: false, extended: false, connectorType: 'SINK' },
      'SHOW SINK CONNECTORS',
    ],
    [
      'show connector plugins',
      { kind: 'Show', span, target: 'CONNECTOR_PLUGINS', all: false, extended: false },
      'SHOW CONNECTOR PLUGINS',
    ],
    ['describe', { kind: 'DescribeSource', span, name: 's', extended: true }, 'DESCRIBE `s` EXTENDED'],
    [
      'describe a source named FUNCTION',
      { kind: 'DescribeSource', span, name: 'FUNCTION', extended: false },
      'DESCRIBE `FUNCTION`',
    ],
    ['describe streams', { kind: 'DescribeStreams', span, extended: false }, 'DESCRIBE STREAMS'],
    ['describe function', { kind: 'DescribeFunction', span, name: 'LEN' }, 'DESCRIBE FUNCTION LEN'],
    ['describe connector', { kind: 'DescribeConnector', span, name: 'C' }, 'DESCRIBE CONNECTOR C'],
    [
      'print',
      { kind: 'PrintTopic', span, topic: 'my-topic', fromBeginning: true, interval: 2, limit: 3 },
      "PRINT 'my-topic' FROM BEGINNING INTERVAL 2 LIMIT 3",
    ],
    ['print plain', { kind: 'PrintTopic', span, topic: 'T', fromBeginning: false }, 'PRINT T'],
    ['terminate', { kind: 'TerminateQuery', span, queryId: 'CSAS_X_0' }, 'TERMINATE CSAS_X_0'],
    ['terminate all', { kind: 'TerminateQuery', span }, 'TERMINATE ALL'],
    ['terminate a query named ALL', { kind: 'TerminateQuery', span, queryId: 'ALL' }, 'TERMINATE `ALL`'],
    ['pause', { kind: 'PauseQuery', span, queryId: 'q1' }, 'PAUSE `q1`'],
    ['resume all', { kind: 'ResumeQuery', span }, 'RESUME ALL'],
    [
      'set',
      { kind: 'SetProperty', span, name: 'auto.offset.reset', value: 'earliest' },
      "SET 'auto.offset.reset'='earliest'",
    ],
    ['unset', { kind: 'UnsetProperty', span, name: 'a.b' }, "UNSET 'a.b'"],
    [
      'alter system',
      { kind: 'AlterSystemProperty', span, name: 'a.b', value: "it's" },
      "ALTER SYSTEM 'a.b'='it''s'",
    ],
    ['define', { kind: 'DefineVariable', span, name: 'myVar', value: 'x' }, "DEFINE myVar='x'"],
    ['undefine', { kind: 'UndefineVariable', span, name: 'myVar' }, 'UNDEFINE myVar'],
    [
      'create stream',
      {
        kind: 'CreateStream',
        span,
        orReplace: true,
        isSource: false,
        ifNotExists: true,
        name: 'S',
        elements: [
          { kind: 'TableElement', span, name: 'ID', type: prim('BIGINT'), constraint: { kind: 'Key' } },
          { kind: 'TableElement', span, name: 'h', type: prim('STRING'), constraint: { kind: 'Headers' } },
          {
            kind: 'TableElement',
            span,
            name: 'H1',
            type: prim('STRING'),
            constraint: { kind: 'Header', key: 'k' },
          },
          { kind: 'TableElement', span, name: 'V', type: prim('DOUBLE') },
        ],
        properties: [
          prop('KAFKA_TOPIC', { kind: 'StringLiteral', span, value: 's' }),
          prop('partitions', { kind: 'IntegerLiteral', span, value: 2 }),
        ],
      },
      "CREATE OR REPLACE STREAM IF NOT EXISTS S (ID BIGINT KEY, `h` STRING HEADERS, H1 STRING HEADER('k'), V DOUBLE) WITH (KAFKA_TOPIC='s', 'partitions'=2)",
    ],
    [
      'create source table',
      {
        kind: 'CreateTable',
        span,
        orReplace: false,
        isSource: true,
        ifNotExists: false,
        name: 'T',
        elements: [
          {
            kind: 'TableElement',
            span,
            name: 'ID',
            type: prim('INTEGER'),
            constraint: { kind: 'PrimaryKey' },
          },
        ],
        properties: [],
      },
      'CREATE SOURCE TABLE T (ID INTEGER PRIMARY KEY)',
    ],
    [
      'create stream without columns',
      {
        kind: 'CreateStream',
        span,
        orReplace: false,
        isSource: false,
        ifNotExists: false,
        name: 'S',
        properties: [prop('VALUE_FORMAT', { kind: 'StringLiteral', span, value: 'AVRO' })],
      },
      "CREATE STREAM S WITH (VALUE_FORMAT='AVRO')",
    ],
    [
      'csas',
      {
        kind: 'CreateStreamAsSelect',
        span,
        orReplace: false,
        ifNotExists: false,
        name: 'OUT',
        properties: [prop('KAFKA_TOPIC', { kind: 'StringLiteral', span, value: 'o' })],
        query,
      },
      "CREATE STREAM OUT WITH (KAFKA_TOPIC='o') AS SELECT *\nFROM S\nEMIT CHANGES",
    ],
    [
      'ctas',
      {
        kind: 'CreateTableAsSelect',
        span,
        orReplace: true,
        ifNotExists: true,
        name: 'T',
        properties: [],
        query,
      },
      'CREATE OR REPLACE TABLE IF NOT EXISTS T AS SELECT *\nFROM S\nEMIT CHANGES',
    ],
    [
      'create connector',
      {
        kind: 'CreateConnector',
        span,
        connectorType: 'SOURCE',
        ifNotExists: true,
        name: 'C',
        properties: [prop('connector.class', { kind: 'StringLiteral', span, value: 'x.Y' })],
      },
      "CREATE SOURCE CONNECTOR IF NOT EXISTS C WITH ('connector.class'='x.Y')",
    ],
    [
      'insert into',
      {
        kind: 'InsertInto',
        span,
        target: 'T',
        properties: [prop('QUERY_ID', { kind: 'StringLiteral', span, value: 'q' })],
        query,
      },
      "INSERT INTO T WITH (QUERY_ID='q') SELECT *\nFROM S\nEMIT CHANGES",
    ],
    [
      'insert values',
      {
        kind: 'InsertValues',
        span,
        target: 'T',
        columns: ['ID', 'v'],
        values: [int(-1), cmp('=', col('A'), col('B'))],
      },
      'INSERT INTO T (ID, `v`) VALUES (-1, (A = B))',
    ],
    [
      'insert empty values',
      { kind: 'InsertValues', span, target: 'T', values: [] },
      'INSERT INTO T VALUES ()',
    ],
    [
      'drop stream',
      { kind: 'DropStream', span, ifExists: true, name: 'S', deleteTopic: true },
      'DROP STREAM IF EXISTS S DELETE TOPIC',
    ],
    [
      'drop table',
      { kind: 'DropTable', span, ifExists: false, name: 'T', deleteTopic: false },
      'DROP TABLE T',
    ],
    [
      'drop connector',
      { kind: 'DropConnector', span, ifExists: true, name: 'C' },
      'DROP CONNECTOR IF EXISTS C',
    ],
    ['drop type', { kind: 'DropType', span, ifExists: false, name: 'ADDR' }, 'DROP TYPE ADDR'],
    ['explain query id', { kind: 'Explain', span, queryId: 'CTAS_T_1' }, 'EXPLAIN CTAS_T_1'],
    [
      'explain statement',
      { kind: 'Explain', span, statement: query },
      'EXPLAIN SELECT *\nFROM S\nEMIT CHANGES',
    ],
    [
      'register type',
      {
        kind: 'RegisterType',
        span,
        ifNotExists: true,
        name: 'ADDR',
        type: { kind: 'StructType', span, fields: [{ name: 'CITY', type: prim('STRING') }] },
      },
      'CREATE TYPE IF NOT EXISTS ADDR AS STRUCT<CITY STRING>',
    ],
    [
      'alter',
      {
        kind: 'AlterSource',
        span,
        sourceType: 'TABLE',
        name: 'T',
        columns: [
          { name: 'A', type: prim('INTEGER') },
          { name: 'b', type: prim('STRING') },
        ],
      },
      'ALTER TABLE T ADD COLUMN A INTEGER, ADD COLUMN `b` STRING',
    ],
    [
      'assert topic',
      {
        kind: 'AssertTopic',
        span,
        exists: true,
        topic: 'x.y',
        properties: [prop('PARTITIONS', { kind: 'IntegerLiteral', span, value: 1 })],
        timeout: dur(3, 'SECONDS'),
      },
      "ASSERT TOPIC 'x.y' WITH (PARTITIONS=1) TIMEOUT 3 SECONDS",
    ],
    [
      'assert not exists schema',
      { kind: 'AssertSchema', span, exists: false, subject: 'S', id: 4 },
      'ASSERT NOT EXISTS SCHEMA SUBJECT S ID 4',
    ],
    [
      'assert values',
      { kind: 'AssertValues', span, source: 'T', columns: ['A'], values: [str('x')] },
      "ASSERT VALUES T (A) VALUES ('x')",
    ],
    [
      'assert tombstone',
      { kind: 'AssertTombstone', span, source: 'T', keys: [int(1)] },
      'ASSERT NULL VALUES T KEY (1)',
    ],
    [
      'assert stream',
      {
        kind: 'AssertStream',
        span,
        name: 'S',
        elements: [{ kind: 'TableElement', span, name: 'A', type: prim('INTEGER') }],
        properties: [prop('KAFKA_TOPIC', { kind: 'StringLiteral', span, value: 's' })],
      },
      "ASSERT STREAM S (A INTEGER) WITH (KAFKA_TOPIC='s')",
    ],
    ['assert table', { kind: 'AssertTable', span, name: 'T', properties: [] }, 'ASSERT TABLE T'],
    ['run script', { kind: 'RunScript', span, path: "/tmp/a'b.sql" }, "RUN SCRIPT '/tmp/a''b.sql'"],
  ])('%s', (_name, s, expected) => {
    expect(formatStatement(s)).toBe(expected)
  })
})

describe('stripSpans', () => {
  it('drops span keys at every depth and keeps everything else', () => {
    const e = bin('+', col('A'), call('F', int(1)))
    expect(stripSpans(e)).toEqual({
      kind: 'ArithmeticBinary',
      op: '+',
      left: { kind: 'ColumnRef', name: 'A' },
      right: { kind: 'FunctionCall', name: 'F', args: [{ kind: 'IntegerLiteral', value: 1 }], star: false },
    })
  })

  it('leaves the input untouched', () => {
    const e = col('A')
    stripSpans(e)
    expect(e.span).toBe(NO_SPAN)
  })
})
