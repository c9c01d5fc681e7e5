import { describe, expect, it } from 'vitest'
import { parseTestFile } from '../../src/qtt/load.js'
import { statementScripts } from '../../src/qtt/scripts.js'

function variant(kind: 'qtt' | 'rqtt', statements: string[]) {
  const test = { name: 'c', statements, outputs: [{ topic: 't', value: 1 }] }
  return parseTestFile('/x/f.json', JSON.stringify({ tests: [test] }), { kind }).variants[0]!
}

describe('statementScripts', () => {
  it.each([
    [
      'QTT: one script',
      'qtt',
      ['CREATE A;', 'SELECT 1 FROM A;', 'INSERT B;'],
      ['CREATE A;\nSELECT 1 FROM A;\nINSERT B;'],
    ],
    [
      'RQTT: admin script, then each query',
      'rqtt',
      ['CREATE A;', 'CREATE B;', 'SELECT 1 FROM A;', 'SELECT 2 FROM B;'],
      ['CREATE A;\nCREATE B;', 'SELECT 1 FROM A;', 'SELECT 2 FROM B;'],
    ],
    ['RQTT: only admin statements', 'rqtt', ['CREATE A;', 'INSERT B;'], ['CREATE A;\nINSERT B;']],
    [
      'RQTT: only queries',
      'rqtt',
      ['SELECT 1 FROM A;', 'SELECT 2 FROM A;'],
      ['SELECT 1 FROM A;', 'SELECT 2 FROM A;'],
    ],
    ['RQTT: lower-case select is not a query', 'rqtt', ['select 1 from A;'], ['select 1 from A;']],
  ] as const)('%s', (_, kind, statements, scripts) => {
    expect(statementScripts(variant(kind, [...statements]))).toEqual({ ok: true, scripts })
  })

  it('rejects an RQTT case with a statement after its queries', () => {
    const result = statementScripts(variant('rqtt', ['CREATE A;', 'SELECT 1 FROM A;', 'DROP A;']))
    expect(result).toEqual({
      ok: false,
      reason: 'invalid test: statement 2 follows queries, but is not a query',
    })
  })
})
