import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../../src/qtt/paths.js'

// The built binary without a terminal (the test command builds dist/ first): -e and piped stdin.
function eddy(args: string[], input = '') {
  return spawnSync(process.execPath, [join(repoRoot(), 'bin', 'eddy.js'), ...args], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
    env: { ...process.env, EDDY_HISTORY_FILE: join(tmpdir(), 'eddy-batch-test-history') },
  })
}

const SETUP = `CREATE STREAM s (id INT KEY, region STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
INSERT INTO s (id, region) VALUES (1, 'eu');
INSERT INTO s (id, region) VALUES (2, 'eu');
SET 'auto.offset.reset'='earliest';`

describe('eddy without a terminal', () => {
  it('-e runs the statements and prints listings as tables and push rows as JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-batch-'))
    const r = eddy([
      '--data-dir',
      dir,
      '-e',
      `${SETUP}
DESCRIBE s;
SELECT region, COUNT(*) AS n FROM s GROUP BY region EMIT CHANGES LIMIT 2;`,
    ])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Stream created')
    expect(r.stdout).toContain('| REGION | STRING        |')
    expect(r.stdout).toContain('{"REGION":"eu","N":1}\n{"REGION":"eu","N":2}\n')
  })

  it('reads piped stdin; the data stays in --data-dir for the next run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-batch-'))
    const first = eddy(['--data-dir', dir], `${SETUP}\n`)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const r = eddy(['--data-dir', dir], 'SHOW STREAMS;\nversion\n')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/\| S +\| s +\| KAFKA +\| JSON +\| false +\|/)
    expect(r.stdout).toContain(`Eddy 0.1.0 (embedded engine, data in ${dir})`)
  })

  it('stops at the first error with the statement and a caret, exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-batch-'))
    const r = eddy(['--data-dir', dir], 'SHOW STREAMS;\nSELECT * FORM s;\nSHOW TABLES;\n')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('SELECT * FORM s;\n         ^^^^')
    expect(r.stdout).not.toContain('Table Name')
  })

  it('supports OUTPUT JSON, RUN SCRIPT and SPOOL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-batch-'))
    const script = join(dir, 'setup.sql')
    writeFileSync(script, SETUP)
    const spool = join(dir, 'spool.txt')
    const r = eddy(
      ['--data-dir', join(dir, 'data')],
      `RUN SCRIPT '${script}'\nspool ${spool}\noutput json\nSHOW STREAMS;\nspool off\nSHOW TABLES;\n`,
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('{"@type":"streams"')
    expect(readFileSync(spool, 'utf8')).toContain('"Stream Name":"S"')
    expect(readFileSync(spool, 'utf8')).not.toContain('"@type":"tables"')
  })
})
