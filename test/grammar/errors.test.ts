import { describe, expect, it } from 'vitest'
import { type ParseOptions, parseExpression, parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../../src/errors.js'

function parseError(text: string, options: ParseOptions = {}): SqlSyntaxError {
  try {
    parseStatements(text, options)
  } catch (error) {
    if (error instanceof SqlSyntaxError) return error
    throw error
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`)
}

interface Case {
  readonly sql: string
  readonly message: string
  /** [line, column, token] of the offending token. */
  readonly at: readonly [number, number, string]
}

describe('syntax errors: ksqlDB wording and the offending token', () => {
  it.each<[string, Case]>([
    [
      'RUN SCRIPT outside the test runner',
      {
        sql: "RUN SCRIPT 'foo';",
        message: "line 1:1: Syntax Error\nUnknown statement 'RUN'\nDid you mean",
        at: [1, 1, 'RUN'],
      },
    ],
    [
      'a misspelt statement',
      {
        sql: 'SELEKT * FROM s;',
        message: "line 1:1: Syntax Error\nUnknown statement 'SELEKT'\nDid you mean 'SELECT'?",
        at: [1, 1, 'SELEKT'],
      },
    ],
    [
      'ASSERT VALUES outside the test runner',
      {
        sql: 'ASSERT VALUES foo (id INT) VALUES (123);',
        message: "line 1:8: Syntax Error\nSyntax error at or near 'VALUES' at line 1:8",
        at: [1, 8, 'VALUES'],
      },
    ],
    [
      'a missing parenthesis (on the second line of a script)',
      {
        sql:
          "CREATE STREAM TEST (ID INT KEY, f1 INT, f2 VARCHAR, f3 INT) WITH (kafka_topic='test_topic', value_format='DELIMITED');\n" +
          'CREATE TABLE OUTPUT AS SELECT f1, f2, COUNT(*) FROM TEST GROUP BY f3, (f2, f1);',
        message: "line 2:74: Syntax Error\nmissing ')' at ','",
        at: [2, 74, ','],
      },
    ],
    [
      'a missing ;',
      {
        sql: 'SHOW STREAMS',
        message: "line 1:13: Syntax Error\nmissing ';' at '<EOF>'",
        at: [1, 13, '<EOF>'],
      },
    ],
    [
      'end of input inside parentheses',
      {
        sql: 'SELECT * FROM s WHERE (a = 1',
        message: "line 1:29: Syntax Error\nSyntax error at or near \";\"\n'}', ']', or ')' is missing",
        at: [1, 29, '<EOF>'],
      },
    ],
    [
      'a reserved word as a column name',
      {
        sql: "CREATE STREAM s (from INT) WITH (kafka_topic='t');",
        message:
          'line 1:18: Syntax Error\n"from" is a reserved keyword and it can\'t be used as an identifier. ' +
          "You can use it as an identifier by escaping it as 'from' ",
        at: [1, 18, 'from'],
      },
    ],
    [
      'an extraneous word',
      { sql: 'SELECT a b c FROM s;', message: "line 1:12: Syntax Error\nExpecting 'FROM'", at: [1, 12, 'c'] },
    ],
    [
      'an empty IN list',
      {
        sql: 'SELECT * FROM s WHERE a IN ();',
        message: "line 1:29: Syntax Error\nSyntax error at or near ')' at line 1:29",
        at: [1, 29, ')'],
      },
    ],
    [
      'a string LIMIT',
      { sql: 'SELECT * FROM s LIMIT heh;', message: 'line 1:23: Syntax Error', at: [1, 23, 'heh'] },
    ],
    [
      'NULL as a type',
      {
        sql: 'CREATE STREAM s (c NULL) WITH (a=1);',
        message: "line 1:20: Syntax Error\nSyntax error at or near 'NULL' at line 1:20",
        at: [1, 20, 'NULL'],
      },
    ],
    [
      'AND in GROUP BY',
      {
        sql: 'SELECT * FROM s GROUP BY a AND b;',
        message: "line 1:28: Syntax Error\nExpecting ';'",
        at: [1, 28, 'AND'],
      },
    ],
    [
      'a function in FROM',
      {
        sql: 'SELECT * FROM EXPLODE(a);',
        message: "line 1:22: Syntax Error\nExpecting ';'",
        at: [1, 22, '('],
      },
    ],
    [
      'an empty statement',
      { sql: 'SHOW TYPES;;', message: "line 1:12: Syntax Error\nUnknown statement ';'", at: [1, 12, ';'] },
    ],
    [
      'CASE without WHEN',
      {
        sql: 'SELECT CASE END FROM s;',
        message: "line 1:13: Syntax Error\nSyntax error at or near 'END' at line 1:13",
        at: [1, 13, 'END'],
      },
    ],
    [
      'CREATE SOURCE STREAM ... AS SELECT',
      {
        sql: 'CREATE SOURCE STREAM s AS SELECT * FROM t;',
        message: "line 1:24: Syntax Error\nSyntax error at or near 'AS' at line 1:24",
        at: [1, 24, 'AS'],
      },
    ],
    [
      'a column list in CREATE ... AS SELECT',
      {
        sql: 'CREATE TABLE s (a INT) AS SELECT * FROM t;',
        message: "line 1:24: Syntax Error\nSyntax error at or near 'AS' at line 1:24",
        at: [1, 24, 'AS'],
      },
    ],
    [
      'a lambda as first argument',
      { sql: 'SELECT f(x => x) FROM s;', message: 'line 1:12: Syntax Error', at: [1, 12, '=>'] },
    ],
  ])('%s', (_name, { sql, message, at }) => {
    const error = parseError(sql)
    expect(error.message.startsWith(message)).toBe(true)
    expect([error.line, error.column, error.token]).toEqual([...at])
    expect(error.summary).toBe(`Syntax error at or near '${at[2]}' at line ${at[0]}:${at[1]}`)
  })

  it('positions are relative to the whole text and spans cover the token', () => {
    const error = parseError('SHOW TABLES;\n  SELECT * FORM s;')
    expect(error.span).toEqual({
      start: { offset: 24, line: 2, column: 12 },
      end: { offset: 28, line: 2, column: 16 },
    })
  })
})

describe('lexical errors', () => {
  it.each<[string, string, readonly [number, number, string]]>([
    ["SELECT 'abc FROM s;", 'line 1:8: Syntax Error\nUnterminated string literal', [1, 8, "'"]],
    [
      'SHOW TABLES;\nSELECT "abc FROM s;',
      'line 2:8: Syntax Error\nUnterminated quoted identifier',
      [2, 8, '"'],
    ],
    ['SELECT `abc FROM s;', 'line 1:8: Syntax Error\nUnterminated quoted identifier', [1, 8, '`']],
    ['SELECT * /* no end', 'line 1:10: Syntax Error\nUnterminated comment', [1, 10, '/']],
    [
      'SELECT * FROM s # x;',
      "line 1:17: Syntax Error\nSyntax error at or near '#' at line 1:17",
      [1, 17, '#'],
    ],
    ['SELECT\r\n é FROM s;', "line 2:2: Syntax Error\nSyntax error at or near 'é' at line 2:2", [2, 2, 'é']],
  ])('%s', (sql, message, at) => {
    const error = parseError(sql)
    expect(error.message).toBe(message)
    expect([error.line, error.column, error.token]).toEqual([...at])
  })
})

describe('checks ksqlDB makes while building the AST', () => {
  const KEY_HELP =
    '\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.'

  it.each<[string, string, string, readonly [number, number]]>([
    [
      'KEY in a table',
      "CREATE TABLE INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input',value_format='JSON');",
      `Line: 1, Col: 21: Column \`ID\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.${KEY_HELP}`,
      [1, 21],
    ],
    [
      'PRIMARY KEY in a stream',
      "CREATE STREAM INPUT (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='input',value_format='JSON');",
      `Line: 1, Col: 22: Column \`ID\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.${KEY_HELP}`,
      [1, 22],
    ],
  ])('%s', (_name, sql, message, at) => {
    const error = parseError(sql)
    expect(error.message).toBe(message)
    expect(error.summary).toBe(message)
    expect([error.line, error.column]).toEqual([...at])
  })

  it.each<[string, string, string]>([
    [
      'unknown WINDOW_SIZE unit',
      "WINDOW_TYPE='Hopping', WINDOW_SIZE='30 bobs'",
      "Configuration WINDOW_SIZE is invalid: Invalid duration: '30 bobs'. Unknown time unit: 'BOBS'\n" +
        'Supported time units are: NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS',
    ],
    [
      'WINDOW_SIZE not a number',
      "WINDOW_TYPE='TUMBLING', WINDOW_SIZE='x seconds'",
      "Configuration WINDOW_SIZE is invalid: Invalid duration: 'x seconds'. Not numeric: 'x'",
    ],
    [
      'WINDOW_SIZE in one word',
      "WINDOW_TYPE='TUMBLING', WINDOW_SIZE='10'",
      "Configuration WINDOW_SIZE is invalid: Invalid duration: '10'. Expected 2 tokens, got: 1",
    ],
    [
      'WINDOW_SIZE for a session',
      "WINDOW_TYPE='Session', WINDOW_SIZE='30 seconds'",
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    ],
    [
      'WINDOW_SIZE without WINDOW_TYPE',
      "WINDOW_SIZE='30 seconds'",
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    ],
    [
      'HOPPING without WINDOW_SIZE',
      "WINDOW_TYPE='hopping'",
      "HOPPING windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'",
    ],
    [
      'unknown WINDOW_TYPE',
      "WINDOW_TYPE='sliding'",
      'Invalid value sliding for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null',
    ],
  ])('%s', (_name, props, message) => {
    const error = parseError(`CREATE TABLE T (K STRING PRIMARY KEY) WITH (kafka_topic='t', ${props});`)
    expect(error.message).toBe(message)
    expect(error.summary).toBe(`Failed to prepare statement: ${message}`)
  })

  it.each([
    "CREATE TABLE T (K STRING PRIMARY KEY) WITH (WINDOW_TYPE='Session');",
    "CREATE STREAM S (K STRING KEY) WITH (WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
    "CREATE STREAM S (K STRING KEY) WITH (window_type='hopping', window_size='10 Milliseconds');",
  ])('accepts %s', (sql) => {
    expect(parseStatements(sql)).toHaveLength(1)
  })

  it('reports the literal position the way ksqlDB does (one column too far) in the message only', () => {
    const error = parseError(
      'SHOW TABLES;\nCREATE STREAM OUTPUT AS select K, id, 9223372036854775808 FROM INPUT;',
    )
    expect(error.message).toBe('line 2:40: Invalid numeric literal: 9223372036854775808')
    expect(error.summary).toBe(
      'Failed to prepare statement: line 2:40: Invalid numeric literal: 9223372036854775808',
    )
    expect([error.line, error.column, error.token]).toEqual([2, 39, '9223372036854775808'])
  })

  it('rejects a non-integer window size like ksqlDB', () => {
    expect(parseError('SELECT * FROM s WINDOW TUMBLING (SIZE 1.5 SECONDS) EMIT CHANGES;').message).toBe(
      'For input string: "1.5"',
    )
  })
})

describe('parseExpression errors', () => {
  it.each<[string, string, readonly [number, number, string]]>([
    ['a +', "line 1:4: Syntax Error\nSyntax error at or near '<EOF>' at line 1:4", [1, 4, '<EOF>']],
    ['a b', "line 1:3: Syntax Error\nSyntax error at or near 'b' at line 1:3", [1, 3, 'b']],
    ['f(1', 'line 1:4: Syntax Error', [1, 4, '<EOF>']],
  ])('%s', (text, message, at) => {
    try {
      parseExpression(text)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SqlSyntaxError)
      const e = error as SqlSyntaxError
      expect(e.message.startsWith(message)).toBe(true)
      expect([e.line, e.column, e.token]).toEqual([...at])
    }
  })
})
