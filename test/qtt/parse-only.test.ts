import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqlSyntaxError } from '../../src/errors.js'
import { parseTestFile } from '../../src/qtt/load.js'
import { checkParseOnly, type ParseFn, runParseOnly } from '../../src/qtt/parse-only.js'

const PARSE_FAILED = 'io.confluent.ksql.parser.exception.ParseFailedException'
const STATEMENT = 'io.confluent.ksql.util.KsqlStatementException'
const STREAMS = 'org.apache.kafka.streams.errors.StreamsException'

/** A stand-in parser: any script containing BAD fails at that word, with ksqlDB-style messages. */
const fakeParse: ParseFn = (text) => {
  const at = text.indexOf('BAD')
  if (at < 0) return []
  const before = text.slice(0, at).split('\n')
  const line = before.length
  const column = before[before.length - 1]!.length + 1
  const pos = { offset: at, line, column }
  throw new SqlSyntaxError(
    `line ${line}:${column}: Syntax Error\nmismatched input 'BAD'`,
    { start: pos, end: { ...pos, offset: at + 3, column: column + 3 } },
    'BAD',
    `Syntax error at or near 'BAD' at line ${line}:${column}`,
  )
}

function variantOf(statements: string[], extra: Record<string, unknown> = {}) {
  const test = { name: 'c', statements, outputs: [{ topic: 't', value: 1 }], ...extra }
  return parseTestFile('/x/ksqldb-qtt/f.json', JSON.stringify({ tests: [test] })).variants[0]!
}

describe('checkParseOnly', () => {
  it.each([
    ['parses, nothing expected', ['SELECT 1;'], undefined, 'pass'],
    ['fails to parse, nothing expected', ['SELECT BAD;'], undefined, 'fail'],
    ['parse failure expected and seen', ['SELECT BAD;'], { type: PARSE_FAILED }, 'pass'],
    [
      'parse failure expected, message in detail',
      ['X;', 'SELECT BAD;'],
      { type: PARSE_FAILED, message: 'line 2:8: Syntax Error' },
      'pass',
    ],
    [
      'parse failure expected, message in summary',
      ['SELECT BAD;'],
      { type: PARSE_FAILED, message: "near 'BAD' at line 1:8" },
      'pass',
    ],
    [
      'parse failure expected, other message',
      ['SELECT BAD;'],
      { type: PARSE_FAILED, message: 'line 1:1:' },
      'fail',
    ],
    ['parse failure expected, but parses', ['SELECT 1;'], { type: PARSE_FAILED }, 'fail'],
    ['syntax message without type, fails', ['SELECT BAD;'], { message: 'line 1:8: Syntax Error' }, 'pass'],
    ['syntax message without type, parses', ['SELECT 1;'], { message: 'line 1:8: Syntax Error' }, 'fail'],
    [
      'statement error expected, parses',
      ['SELECT 1;'],
      { type: STATEMENT, message: 'Unknown source' },
      'pass',
    ],
    [
      'statement error expected, parse error matches',
      ['SELECT BAD;'],
      { type: STATEMENT, message: "near 'BAD'" },
      'pass',
    ],
    [
      'statement error expected, parse error differs',
      ['SELECT BAD;'],
      { type: STATEMENT, message: 'Unknown source' },
      'fail',
    ],
    ['runtime error expected, parses', ['SELECT 1;'], { type: STREAMS, message: 'boom' }, 'pass'],
    [
      'runtime error expected, fails to parse',
      ['SELECT BAD;'],
      { type: STREAMS, message: "near 'BAD'" },
      'fail',
    ],
  ])('%s', (_, statements, expected, status) => {
    const v = variantOf(statements, expected === undefined ? {} : { expectedException: expected })
    const outcome = checkParseOnly(v, fakeParse)
    expect(outcome.status).toBe(status)
    if (status === 'fail') expect(outcome.reason).toBeTruthy()
  })

  it('joins the statements with newlines and parses them as one script', () => {
    const seen: string[] = []
    checkParseOnly(variantOf(['A;', 'B;']), (text) => seen.push(text))
    expect(seen).toEqual(['A;\nB;'])
  })

  it('parses an RQTT case as its admin script, then each query', () => {
    const test = {
      name: 'c',
      statements: ['CREATE A;', 'CREATE B;', 'SELECT BAD;'],
      expectedError: { type: 'x.KsqlStatementErrorMessage', message: 'line 1:8: Syntax Error' },
    }
    const v = parseTestFile('/x/ksqldb-rqtt/f.json', JSON.stringify({ tests: [test] })).variants[0]!
    const seen: string[] = []
    const outcome = checkParseOnly(v, (text) => {
      seen.push(text)
      return fakeParse(text)
    })
    expect(seen).toEqual(['CREATE A;\nCREATE B;', 'SELECT BAD;'])
    expect(outcome).toEqual({ status: 'pass' })
  })

  it('skips disabled cases without parsing them', () => {
    const outcome = checkParseOnly(variantOf(['SELECT BAD;'], { enabled: false }), fakeParse)
    expect(outcome).toEqual({ status: 'skip', reason: 'disabled (enabled: false)' })
  })

  it('fails a case when the parser throws something other than SqlSyntaxError', () => {
    const outcome = checkParseOnly(variantOf(['SELECT 1;']), () => {
      throw new TypeError('oops')
    })
    expect(outcome.status).toBe('fail')
    expect(outcome.reason).toContain('TypeError: oops')
  })
})

describe('runParseOnly', () => {
  it('reports every variant, invalid case and unreadable file of a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-conf-'))
    const dir = join(root, 'suite')
    const tests = [
      {
        name: 'good',
        format: ['JSON', 'KAFKA'],
        statements: ['SELECT 1;'],
        outputs: [{ topic: 't', value: 1 }],
      },
      { name: 'bad', statements: ['SELECT BAD;'], outputs: [{ topic: 't', value: 1 }] },
      { name: 'off', enabled: false, statements: ['SELECT 1;'], outputs: [{ topic: 't', value: 1 }] },
      { name: 'broken', statements: [] },
    ]
    writeFileSync(join(root, 'outside.json'), '{}')
    mkdirSync(dir)
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ tests }))
    writeFileSync(join(dir, 'junk.json'), 'not json')
    const results = runParseOnly([dir], { parse: fakeParse, root })
    expect(results.map((r) => [r.file, r.name, r.status])).toEqual([
      ['suite/cases.json', 'cases - good - JSON', 'pass'],
      ['suite/cases.json', 'cases - good - KAFKA', 'pass'],
      ['suite/cases.json', 'cases - bad', 'fail'],
      ['suite/cases.json', 'cases - off', 'skip'],
      ['suite/cases.json', 'cases - broken', 'fail'],
      ['suite/junk.json', 'junk', 'fail'],
    ])
    const outside = runParseOnly([join(root, 'outside.json')], { parse: fakeParse, root: dir })
    expect(outside.map((r) => [r.file, r.status])).toEqual([['outside.json', 'fail']])
  })
})
