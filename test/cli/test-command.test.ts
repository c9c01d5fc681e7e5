import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../src/qtt/paths.js'
import { runEddy } from './run-eddy.js'

// The ksqlDB test-runner samples are read in place (never copied into the repo).
const CONFORMANCE = resolve(repoRoot(), process.env.EDDY_CONFORMANCE_DIR ?? '../shared/conformance')
const RUNNER = join(CONFORMANCE, 'ksqldb-test-runner')
const SQLTESTS = join(CONFORMANCE, 'ksqldb-sqltests')

/** Correct samples Eddy cannot run, with the reason it prints (none since AVRO runs on the embedded registry). */
const UNSUPPORTED: Readonly<Record<string, string>> = {}

/** Why each incorrect sample fails. */
const INCORRECT_REASONS: Readonly<Record<string, RegExp>> = {
  empty_input: /input\.json Message: Inputs cannot be empty\.$/,
  empty_output: /output\.json Message: Outputs cannot be empty\.$/,
  expected_mismatch: /^topic S1, record 0: expected <"1001", "101"> but was <"101", "101">/,
  incorrect_input_format: /input\.json Message: .*line 1:2/,
  insert_values: /^statement failed: .*Expected number columns and values to match: 3, 4/,
  missing_field_in_output: /output\.json Message: No 'outputs' field in the output file\.$/,
  second_of_three_stmts_fails: /^statement failed: .*Expected number columns and values to match: 3, 4/,
}

const eddy = (args: readonly string[]) => runEddy(args)

function samples(folder: string): string[] {
  const dir = join(RUNNER, folder)
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

function tripleArgs(dir: string): string[] {
  const args = ['test', '-s', join(dir, 'statements.sql'), '-o', join(dir, 'output.json')]
  if (existsSync(join(dir, 'input.json'))) args.push('-i', join(dir, 'input.json'))
  return args
}

describe.skipIf(!existsSync(RUNNER))('eddy test -s -i -o (ksql-test-runner)', () => {
  it.each(samples('correct'))('correct/%s passes', async (name) => {
    const r = await eddy(tripleArgs(join(RUNNER, 'correct', name)))
    const unsupported = UNSUPPORTED[name]
    if (unsupported !== undefined) {
      expect(r.err).toBe(`\t>>>>> Test failed: ${unsupported}\n`)
      expect(r.code).toBe(1)
      return
    }
    expect(r.err).toBe('')
    expect(r.out).toBe('\t >>> Test passed!\n')
    expect(r.code).toBe(0)
  })

  it.each(samples('incorrect'))('incorrect/%s fails', async (name) => {
    const r = await eddy(tripleArgs(join(RUNNER, 'incorrect', name)))
    expect(r.out).toBe('')
    expect(r.err).toMatch(/^\t>>>>> Test failed: \S/)
    expect(r.err.replace(/^\t>>>>> Test failed: /, '').trimEnd()).toMatch(INCORRECT_REASONS[name]!)
    expect(r.code).toBe(1)
  })

  it.each(['test5', 'test6'])('%s (INSERT VALUES, no input file) passes', async (name) => {
    const r = await eddy(tripleArgs(join(RUNNER, name)))
    expect(r.out).toBe('\t >>> Test passed!\n')
  })

  it('udf needs its function: fails without -e, passes with the example extension', async () => {
    const without = await eddy(tripleArgs(join(RUNNER, 'udf')))
    expect(without.err).toContain("Can't find any functions with the name 'BACKWARD_CONCAT'")
    expect(without.code).toBe(1)
    const withExt = await eddy([
      ...tripleArgs(join(RUNNER, 'udf')),
      '-e',
      join(repoRoot(), 'examples', 'extensions'),
    ])
    expect(withExt.out).toBe('\t >>> Test passed!\n')
    expect(withExt.code).toBe(0)
  })

  it('rejects -s without -o', async () => {
    const r = await eddy(['test', '-s', join(RUNNER, 'correct', 'from_docs', 'statements.sql')])
    expect(r.code).toBe(2)
    expect(r.err).toContain('-o <output file> are required')
  })
})

/**
 * Tests of ksqlDB's test.sql that fail without the script RUN SCRIPT reads: ksqlDB finds
 * '/test-script.sql' on its test class path, which the corpus does not carry.
 */
const SQLTEST_GAPS: Readonly<Record<string, RegExp>> = {
  'basic test with run script': /Could not read \/test-script\.sql/,
}

/** The script test.sql's RUN SCRIPT names, as ksqlDB's test resources hold it. */
const SCRIPT_DIR = join(repoRoot(), 'test', 'cli', 'fixtures', 'sqltest-scripts')

function testNames(out: string, prefix: 'PASS  ' | 'FAIL  '): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(l.lastIndexOf('.sql: ') + 6))
}

describe.skipIf(!existsSync(SQLTESTS))('eddy test FILE.sql (run-ksql-test, ASSERT statements)', () => {
  it('runs every --@test of ksqlDB test.sql: all pass but RUN SCRIPT without its script', async () => {
    const r = await eddy(['test', join(SQLTESTS, 'test.sql')])
    const lines = r.out.split('\n')
    const passed = testNames(r.out, 'PASS  ')
    expect(testNames(r.out, 'FAIL  ').sort()).toEqual(Object.keys(SQLTEST_GAPS).sort())
    for (const [name, reason] of Object.entries(SQLTEST_GAPS)) {
      const at = lines.findIndex((l) => l.endsWith(`.sql: ${name}`))
      expect(lines[at + 1]).toMatch(reason)
    }
    expect(passed).toContain('assert a subset of columns')
    expect(passed).toContain('assert tombstones')
    expect(passed).toContain('assert stream with wrong topic should fail')
    expect(passed).toContain('bad engine statement should fail')
    expect(passed).toContain('insert bytes')
    expect(passed).toHaveLength(28)
    expect(passed).toContain('basic test (format AVRO)')
    expect(r.out).toContain('28 passed, 1 failed (29 tests)')
    expect(r.code).toBe(1)
  })

  it('runs RUN SCRIPT from a --script-dir: every test of test.sql passes', async () => {
    const r = await eddy(['test', '--script-dir', SCRIPT_DIR, join(SQLTESTS, 'test.sql')])
    expect(testNames(r.out, 'FAIL  ')).toEqual([])
    expect(testNames(r.out, 'PASS  ')).toContain('basic test with run script')
    expect(r.out).toContain('29 passed, 0 failed (29 tests)')
    expect(r.code).toBe(0)
  })
})

/**
 * ksqlDB's query-upgrades sqltests (CREATE OR REPLACE over running queries): per file, how many
 * of its --@test cases pass. A ratchet: raise a number when more pass, never lower it.
 */
const QUERY_UPGRADES: Readonly<Record<string, { readonly passed: number; readonly tests: number }>> = {
  'alter.sql': { passed: 6, tests: 6 },
  'chained-upgrades.sql': { passed: 2, tests: 2 },
  'filters.sql': { passed: 18, tests: 18 },
  'headers.sql': { passed: 3, tests: 3 },
  'prohibited-upgrades.sql': { passed: 4, tests: 4 },
  'projections.sql': { passed: 16, tests: 16 },
  'session-windows.sql': { passed: 3, tests: 3 },
}

describe.skipIf(!existsSync(join(SQLTESTS, 'query-upgrades')))('eddy test query-upgrades/*.sql', () => {
  it('covers every file of the folder', () => {
    const files = readdirSync(join(SQLTESTS, 'query-upgrades')).filter((f) => f.endsWith('.sql'))
    expect(files.sort()).toEqual(Object.keys(QUERY_UPGRADES).sort())
  })

  it.each(Object.entries(QUERY_UPGRADES))(
    '%s: at least the pinned number of tests pass',
    async (file, pin) => {
      const r = await eddy(['test', join(SQLTESTS, 'query-upgrades', file)])
      const summary = /^(\d+) passed, (\d+) failed \((\d+) tests\)$/m.exec(r.out)
      expect(summary, r.out).not.toBeNull()
      const [, passed, failed, tests] = (summary as RegExpExecArray).map(Number)
      expect(tests).toBe(pin.tests)
      expect(passed, r.out).toBeGreaterThanOrEqual(pin.passed)
      expect(r.code).toBe(failed === 0 ? 0 : 1)
    },
  )
})

describe('eddy test FILE.sql', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-sqltest-'))
  const file = (name: string, text: string): string => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const setup = `CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM t AS SELECT id, v * 10 AS v10 FROM s WHERE v > 0;
INSERT INTO s (rowtime, id, v) VALUES (5, 1, 0);
INSERT INTO s (rowtime, id, v) VALUES (6, 2, 3);
`

  it('passes when the asserted records are the ones written, in order', async () => {
    const path = file(
      'ok.sql',
      `--@test: filter and project\n${setup}ASSERT VALUES t (rowtime, id, v10) VALUES (6, 2, 30);\nASSERT STREAM t (id INT KEY, v10 INT) WITH (kafka_topic='T', value_format='JSON');\n`,
    )
    const r = await eddy(['test', path])
    expect(r.out).toBe(`PASS  ${path}: filter and project\n1 passed, 0 failed (1 tests)\n`)
    expect(r.code).toBe(0)
  })

  it('fails with a table of expected and actual rows, and on a missing record', async () => {
    const path = file(
      'bad.sql',
      `--@test: wrong value\n${setup}ASSERT VALUES t (id, v10) VALUES (2, 31);\n--@test: one too many\n${setup}ASSERT VALUES t (id, v10) VALUES (2, 30);\nASSERT VALUES t (id, v10) VALUES (3, 30);\n`,
    )
    const r = await eddy(['test', path])
    expect(r.out).toContain(`FAIL  ${path}: wrong value\n      Expected record does not match actual.`)
    expect(r.out).toMatch(/\|EXPECTED\|<any> *\|2 *\|31 *\|/)
    expect(r.out).toMatch(/\|ACTUAL *\|6 *\|2 *\|30 *\|/)
    expect(r.out).toContain(
      `FAIL  ${path}: one too many\n      Expected another record, but all records have already been read:`,
    )
    expect(r.out).toContain('0 passed, 2 failed (2 tests)')
    expect(r.code).toBe(1)
  })

  it('ASSERT STREAM names the property that differs', async () => {
    const path = file(
      'schema.sql',
      `--@test: wrong type\n${setup}ASSERT STREAM t (id INT KEY, v10 BIGINT) WITH (kafka_topic='T', value_format='JSON');\n`,
    )
    const r = await eddy(['test', path])
    expect(r.out).toContain('Expected schema does not match actual for source T.')
    expect(r.out).toContain('Expected: `ID` INTEGER KEY, `V10` BIGINT')
    expect(r.code).toBe(1)
  })
})
