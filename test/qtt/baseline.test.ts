import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BaselineError,
  findRegressions,
  formatBaseline,
  mergeBaseline,
  readBaseline,
  writeBaseline,
} from '../../src/qtt/baseline.js'
import type { CaseResult } from '../../src/qtt/results.js'

const r = (name: string, status: CaseResult['status'], reason?: string): CaseResult => ({
  file: 'dir/f.json',
  name,
  status,
  ...(reason === undefined ? {} : { reason }),
})

describe('findRegressions', () => {
  it('reports listed cases that fail, are skipped or are missing', () => {
    const results = [
      r('a', 'pass'),
      r('b', 'fail', 'parse error'),
      r('c', 'skip', 'disabled'),
      r('e', 'fail', 'x'),
    ]
    const baseline = {
      mode: 'parse-only',
      cases: ['dir/f.json :: a', 'dir/f.json :: b', 'dir/f.json :: c', 'dir/f.json :: d'],
    }
    expect(findRegressions(baseline, results)).toEqual([
      { key: 'dir/f.json :: b', reason: 'parse error' },
      { key: 'dir/f.json :: c', reason: 'disabled' },
      { key: 'dir/f.json :: d', reason: 'missing (case not found)' },
    ])
  })
})

describe('mergeBaseline', () => {
  it('lists passing cases plus earlier entries that still pass or were not run, sorted', () => {
    const results = [r('b', 'pass'), r('a', 'fail'), r('c', 'pass')]
    const previous = ['dir/f.json :: a', 'dir/f.json :: c', 'other.json :: z']
    expect(mergeBaseline(previous, results)).toEqual([
      'dir/f.json :: b',
      'dir/f.json :: c',
      'other.json :: z',
    ])
  })
})

describe('formatBaseline', () => {
  it('puts a short list on one line and a long one one entry per line', () => {
    expect(formatBaseline({ mode: 'parse-only', cases: ['a :: b'] })).toBe(
      '{\n  "mode": "parse-only",\n  "cases": ["a :: b"]\n}\n',
    )
    const long = Array.from({ length: 5 }, (_, i) => `ksqldb-qtt/some-file.json :: some-file - case ${i}`)
    const text = formatBaseline({ mode: 'parse-only', cases: long })
    expect(text.split('\n')).toHaveLength(5 + 6)
    expect(JSON.parse(text)).toEqual({ mode: 'parse-only', cases: long })
  })
})

describe('readBaseline / writeBaseline', () => {
  it('round-trips and merges with the existing file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'eddy-baseline-')), 'b.json')
    writeBaseline(path, 'parse-only', [r('a', 'pass'), r('b', 'fail')])
    expect(readBaseline(path, 'parse-only').cases).toEqual(['dir/f.json :: a'])
    writeBaseline(path, 'parse-only', [r('b', 'pass')])
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      mode: 'parse-only',
      cases: ['dir/f.json :: a', 'dir/f.json :: b'],
    })
  })

  it.each([
    ['missing', undefined],
    ['not JSON', '{'],
    ['of another mode', '{"mode": "full", "cases": []}'],
    ['without cases', '{"mode": "parse-only"}'],
  ])('rejects a baseline that is %s', (_, text) => {
    const path = join(mkdtempSync(join(tmpdir(), 'eddy-baseline-')), 'b.json')
    if (text !== undefined) writeFileSync(path, text)
    expect(() => readBaseline(path, 'parse-only')).toThrow(BaselineError)
  })
})
