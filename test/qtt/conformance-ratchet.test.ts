import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findRegressions, readBaseline } from '../../src/qtt/baseline.js'
import { runParseOnly } from '../../src/qtt/parse-only.js'
import { conformanceRoot, repoRoot } from '../../src/qtt/paths.js'

// The ratchet of .ci/run as a test: every case in the committed parse-only baseline still passes
// over ksqlDB's own test files (read from the conformance folder beside the repository).
const BASELINE = join(repoRoot(), 'test', 'conformance', 'baseline-parse.json')
const FOLDERS = ['ksqldb-qtt', 'ksqldb-rqtt']

describe('parse-only conformance baseline', () => {
  it('has the conformance data beside the repository', () => {
    for (const folder of FOLDERS) expect(existsSync(join(conformanceRoot(), folder)), folder).toBe(true)
  })

  it('still passes every case the baseline lists', { timeout: 120_000 }, () => {
    const baseline = readBaseline(BASELINE, 'parse-only')
    const results = runParseOnly(FOLDERS.map((f) => join(conformanceRoot(), f)))
    expect(results.length).toBeGreaterThan(baseline.cases.length)
    expect(findRegressions(baseline, results)).toEqual([])
  })
})
