import { describe, expect, it } from 'vitest'
import { renderJson, renderText } from '../../src/qtt/report.js'
import type { CaseResult } from '../../src/qtt/results.js'

const results: CaseResult[] = [
  { file: 'q/a.json', name: 'a - one', status: 'pass' },
  { file: 'q/a.json', name: 'a - two', status: 'fail', reason: 'parse error "x"' },
  { file: 'q/a.json', name: 'a - three', status: 'skip', reason: 'disabled (enabled: false)' },
]

describe('renderText', () => {
  it('lists failures and regressions, then the summary as the last line', () => {
    expect(renderText('parse', results, [{ key: 'q/a.json :: a - two', reason: 'parse error "x"' }])).toBe(
      [
        'FAIL q/a.json :: a - two: parse error "x"',
        'REGRESSION q/a.json :: a - two: parse error "x"',
        'parse: 1 passed, 1 failed, 1 skipped',
        '',
      ].join('\n'),
    )
  })

  it('leaves out the skipped count when nothing was skipped', () => {
    expect(renderText('parse', results.slice(0, 1))).toBe('parse: 1 passed, 0 failed\n')
  })
})

describe('renderJson', () => {
  it('prints counts and one entry per case', () => {
    expect(JSON.parse(renderJson(results))).toEqual({
      passed: 1,
      failed: 1,
      skipped: 1,
      cases: [
        { file: 'q/a.json', name: 'a - one', status: 'pass' },
        { file: 'q/a.json', name: 'a - two', status: 'fail', reason: 'parse error "x"' },
        { file: 'q/a.json', name: 'a - three', status: 'skip', reason: 'disabled (enabled: false)' },
      ],
    })
  })
})
