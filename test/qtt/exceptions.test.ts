import { describe, expect, it } from 'vitest'
import { InternalError, RecordError, SqlPlanError, SqlSyntaxError } from '../../src/errors.js'
import {
  type CaughtError,
  checkExpectedError,
  EXCEPTION_KINDS,
  errorKind,
  errorMessages,
} from '../../src/qtt/exceptions.js'
import type { ExpectedError } from '../../src/qtt/types.js'

const STATEMENT = 'io.confluent.ksql.util.KsqlStatementException'
const KSQL = 'io.confluent.ksql.util.KsqlException'
const PARSE = 'io.confluent.ksql.parser.exception.ParseFailedException'
const STREAMS = 'org.apache.kafka.streams.errors.StreamsException'

const pos = { offset: 7, line: 2, column: 8 }
const syntax = new SqlSyntaxError(
  "line 2:8: Syntax Error\nmismatched input 'FORM'",
  { start: pos, end: { ...pos, offset: 11, column: 12 } },
  'FORM',
  "Syntax error at or near 'FORM' at line 2:8",
)
const plan = new SqlPlanError("Column 'X' cannot be resolved.")
const record = new RecordError('Numeric field overflow', { topic: 't', partition: 0, offset: 3 })

const atStatement = (error: unknown, statement?: string): CaughtError => ({
  error,
  phase: 'statement',
  ...(statement !== undefined ? { statement } : {}),
})
const atRuntime = (error: unknown): CaughtError => ({ error, phase: 'runtime' })

describe('errorKind', () => {
  it.each<[string, CaughtError, string]>([
    ['syntax error', atStatement(syntax), 'syntax'],
    ['plan error', atStatement(plan), 'plan'],
    ['record error from a statement (INSERT VALUES)', atStatement(record), 'plan'],
    ['record error from the queries', atRuntime(record), 'runtime'],
    ['plan error from the queries', atRuntime(plan), 'runtime'],
    ['internal error', atStatement(new InternalError('bug')), 'internal'],
    ['a TypeError', atRuntime(new TypeError('x is undefined')), 'internal'],
  ])('%s', (_name, caught, kind) => {
    expect(errorKind(caught)).toBe(kind)
  })
})

describe('EXCEPTION_KINDS', () => {
  it('maps every class the test data uses', () => {
    expect([...EXCEPTION_KINDS.keys()].sort()).toEqual([
      'KsqlException',
      'KsqlStatementException',
      'ParseFailedException',
      'StreamsException',
    ])
  })
})

describe('checkExpectedError', () => {
  it.each<[string, ExpectedError, CaughtError | undefined, boolean]>([
    ['statement error, type only', { type: STATEMENT }, atStatement(plan), true],
    [
      'statement error, message substring',
      { type: STATEMENT, message: 'cannot be resolved' },
      atStatement(plan),
      true,
    ],
    [
      'statement error, other message',
      { type: STATEMENT, message: 'does not exist' },
      atStatement(plan),
      false,
    ],
    ['KsqlException from a plan error', { type: KSQL, message: "Column 'X'" }, atStatement(plan), true],
    ['KsqlStatementException from a syntax error', { type: STATEMENT }, atStatement(syntax), true],
    [
      'ParseFailedException from a syntax error',
      { type: PARSE, message: 'line 2:8: Syntax Error' },
      atStatement(syntax),
      true,
    ],
    [
      'ParseFailedException, message in the summary',
      { type: PARSE, message: "near 'FORM'" },
      atStatement(syntax),
      true,
    ],
    ['ParseFailedException from a plan error', { type: PARSE }, atStatement(plan), false],
    ['StreamsException from a runtime error', { type: STREAMS }, atRuntime(record), true],
    ['StreamsException from a statement error', { type: STREAMS }, atStatement(plan), false],
    ['KsqlStatementException from a runtime error', { type: STATEMENT }, atRuntime(record), false],
    ['message only', { message: 'cannot be resolved' }, atStatement(plan), true],
    ['nothing failed', { type: STATEMENT }, undefined, false],
    ['internal error never matches', { message: 'bug' }, atStatement(new InternalError('bug')), false],
    ['unknown class', { type: 'java.lang.IllegalStateException' }, atStatement(plan), false],
    [
      'message with the statement, as KsqlStatementException prints it',
      { type: STATEMENT, message: 'cannot be resolved.\nStatement: SELECT X FROM S' },
      atStatement(plan, 'SELECT X FROM S;'),
      true,
    ],
    [
      'cause message checked against the error itself when it has no cause',
      { type: STREAMS, causeMessage: 'Numeric field overflow' },
      atRuntime(record),
      true,
    ],
    [
      'cause message checked against the cause',
      { type: STREAMS, causeMessage: 'overflow' },
      atRuntime(new RecordError('Exception caught in process', { topic: 't', partition: 0, offset: 0 })),
      false,
    ],
  ])('%s', (_name, expected, caught, ok) => {
    expect(checkExpectedError(expected, caught).ok).toBe(ok)
  })

  it('says what happened instead', () => {
    expect(checkExpectedError({ type: STATEMENT, message: 'nope' }, atStatement(plan))).toEqual({
      ok: false,
      reason: `expected ${STATEMENT} "nope", but got SqlPlanError (statement): "Column 'X' cannot be resolved."`,
    })
    expect(checkExpectedError({ type: STATEMENT }, undefined)).toEqual({
      ok: false,
      reason: `expected ${STATEMENT}, but nothing failed`,
    })
  })

  it('uses the error cause when there is one', () => {
    const err = new SqlPlanError('Exception caught in process')
    Object.defineProperty(err, 'cause', {
      value: new RecordError('Numeric field overflow', { topic: 't', partition: 0, offset: 1 }),
    })
    expect(
      checkExpectedError({ type: STREAMS, causeMessage: 'Numeric field overflow' }, atRuntime(err)).ok,
    ).toBe(true)
  })
})

describe('errorMessages', () => {
  it('adds the summary of a syntax error and the statement suffix ksqlDB appends', () => {
    const texts = errorMessages(
      atStatement(plan, "CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON');"),
    )
    expect(texts[0]).toBe("Column 'X' cannot be resolved.")
    expect(texts).toContain(
      "Column 'X' cannot be resolved.\nStatement: CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON')",
    )
    expect(errorMessages(atStatement(syntax))).toEqual([
      syntax.message,
      syntax.summary,
      `Failed to prepare statement: ${syntax.message}`,
    ])
  })
})
