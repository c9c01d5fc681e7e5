import { describe, expect, it } from 'vitest'
import { commonPrefix, complete } from '../../../cli/repl/completion.js'
import type { CompletionData } from '../../../cli/repl/session.js'

const data: CompletionData = {
  sources: [
    { name: 'ORDERS', kind: 'STREAM', columns: ['ID', 'REGION', 'AMOUNT'] },
    { name: 'TOTALS', kind: 'TABLE', columns: ['REGION', 'TOTAL'] },
    { name: 'mixedCase', kind: 'STREAM', columns: ['a b'] },
  ],
  functions: ['ABS', 'ARRAY_LENGTH', 'COUNT', 'CONCAT'],
  properties: ['auto.offset.reset', 'ksql.service.id'],
}

function at(text: string): ReturnType<typeof complete> {
  return complete(text, text.length, data)
}

describe('complete', () => {
  it('completes keywords in the case typed', () => {
    expect(at('SEL').candidates).toEqual(['SELECT'])
    expect(at('sel').candidates).toEqual(['select'])
  })

  it('offers stream and table names after FROM, first', () => {
    const c = at('SELECT * FROM ')
    expect(c.candidates).toEqual(['ORDERS', 'TOTALS', '`mixedCase`'])
    expect(at('SELECT * FROM o').candidates[0]).toBe('orders')
  })

  it('offers the columns of the sources the statement names', () => {
    const c = at('SELECT REG')
    expect(c.candidates).toContain('REGION')
    expect(at('SELECT AM').candidates).toEqual(['AMOUNT'])
    const inStmt = complete('SELECT TO FROM totals', 'SELECT TO'.length, data)
    expect(inStmt.candidates.slice(0, 2)).toEqual(['TOTAL', 'TOTALS'])
    expect(inStmt.start).toBe('SELECT '.length)
  })

  it('completes qualified columns', () => {
    const c = at('SELECT orders.AM')
    expect(c.candidates).toEqual(['AMOUNT'])
    expect(c.start).toBe('SELECT orders.'.length)
  })

  it('completes function names with an opening parenthesis', () => {
    expect(at('SELECT ARRAY_L').candidates).toEqual(['ARRAY_LENGTH('])
    expect(at('SELECT con').candidates).toContain('concat(')
  })

  it("completes property names inside SET '...'", () => {
    const c = at("SET 'auto.o")
    expect(c.candidates).toEqual(["auto.offset.reset'"])
    expect(c.word).toBe('auto.o')
    expect(at("UNSET 'ksql").candidates).toEqual(["ksql.service.id'"])
  })

  it('completes CLI commands at the start of the input', () => {
    expect(at('spo').candidates).toContain('spool')
    expect(at('SELECT spo').candidates).not.toContain('spool')
  })
})

describe('commonPrefix', () => {
  it('is case-insensitive and keeps the first spelling', () => {
    expect(commonPrefix(['STREAM', 'STREAMS', 'stringtodate('])).toBe('STR')
    expect(commonPrefix([])).toBe('')
  })
})
