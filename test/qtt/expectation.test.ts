import { describe, expect, it } from 'vitest'
import { classifyExpectation } from '../../src/qtt/expectation.js'

const PARSE_FAILED = 'io.confluent.ksql.parser.exception.ParseFailedException'
const STATEMENT = 'io.confluent.ksql.util.KsqlStatementException'
const STREAMS = 'org.apache.kafka.streams.errors.StreamsException'

describe('classifyExpectation', () => {
  it.each([
    ['nothing', undefined, { kind: 'none' }],
    ['ParseFailedException', { type: PARSE_FAILED, message: 'm' }, { kind: 'parse', message: 'm' }],
    ['ParseFailedException without message', { type: PARSE_FAILED }, { kind: 'parse' }],
    [
      'a syntax-error message without type',
      { message: 'line 2:7: Syntax Error\nx' },
      { kind: 'parse', message: 'line 2:7: Syntax Error\nx' },
    ],
    [
      'another message without type',
      { message: 'Invalid topic' },
      { kind: 'statement', message: 'Invalid topic' },
    ],
    [
      'KsqlStatementException',
      { type: STATEMENT, message: 'm' },
      { kind: 'statement', type: STATEMENT, message: 'm' },
    ],
    [
      'a REST error entity',
      { type: 'x.KsqlErrorMessage', message: 'm' },
      { kind: 'statement', type: 'x.KsqlErrorMessage', message: 'm' },
    ],
    ['StreamsException', { type: STREAMS, message: 'm' }, { kind: 'runtime', type: STREAMS, message: 'm' }],
  ])('%s', (_, expected, classified) => {
    expect(classifyExpectation(expected)).toEqual(classified)
  })
})
