import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../src/qtt/paths.js'

// Runs the built binary (the test command builds dist/ first).
function eddy(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(repoRoot(), 'bin', 'eddy.js'), ...args], {
    cwd: repoRoot(),
    encoding: 'utf8',
    input: input ?? '',
    timeout: 60_000,
  })
}

const GOOD_SQL = `CREATE STREAM orders (id INT KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
SELECT id, amount FROM orders WHERE amount > 10 EMIT CHANGES;
`
const BAD_SQL = `CREATE STREAM orders (id INT KEY) WITH (kafka_topic='orders', value_format='JSON');
SELECT * FORM orders EMIT CHANGES;
`

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'eddy-cli-'))
}

describe('eddy', () => {
  it.each([['--help'], ['parse', '--help'], ['qtt', '--help']])('%s prints usage and exits 0', (...args) => {
    const r = eddy(args)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Usage: eddy')
  })

  it('lists its commands in --help', () => {
    const r = eddy(['--help'])
    expect(r.stdout).toMatch(/parse .*\n/)
    expect(r.stdout).toMatch(/qtt .*\n/)
  })

  it('exits non-zero on an unknown command', () => {
    const r = eddy(['frobnicate'])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('frobnicate')
  })
})

describe('eddy parse', () => {
  it('prints the ASTs of a file as a JSON array', () => {
    const file = join(tempDir(), 'good.sql')
    writeFileSync(file, GOOD_SQL)
    const r = eddy(['parse', file])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const asts = JSON.parse(r.stdout) as { kind: string; span?: unknown }[]
    expect(asts.map((a) => a.kind)).toEqual(['CreateStream', 'Query'])
    expect(asts[0]!.span).toBeDefined()
    expect(r.stdout).toContain('\n  {') // pretty-printed
  })

  it.each([[[]], [['-']]])('reads stdin when given %j', (args) => {
    const r = eddy(['parse', ...args], GOOD_SQL)
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(2)
  })

  it('leaves spans out with --no-spans', () => {
    const r = eddy(['parse', '--no-spans', '-'], GOOD_SQL)
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain('"span"')
  })

  it('renders a syntax error with the line and a caret on stderr, exit 1', () => {
    const file = join(tempDir(), 'bad.sql')
    writeFileSync(file, BAD_SQL)
    const r = eddy(['parse', file])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    const [, line, column] = /^line (\d+):(\d+)/.exec(lines[0]!) ?? []
    expect(Number(line)).toBe(2)
    const caret = lines.at(-1)!
    expect(lines.at(-2)).toBe('SELECT * FORM orders EMIT CHANGES;')
    expect(caret).toMatch(/^ *\^+$/)
    expect(caret.indexOf('^') + 1).toBe(Number(column))
  })

  it('accepts test-runner statements only with --test-statements', () => {
    const sql = 'ASSERT VALUES orders (id) VALUES (1);\n'
    expect(eddy(['parse', '-'], sql).status).toBe(1)
    const r = eddy(['parse', '--test-statements', '-'], sql)
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as { kind: string }[])[0]!.kind).toBe('AssertValues')
  })

  it('reports a missing file', () => {
    const r = eddy(['parse', join(tempDir(), 'nope.sql')])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('cannot read')
  })
})

describe('eddy qtt --parse-only', () => {
  const PARSE_FAILED = 'io.confluent.ksql.parser.exception.ParseFailedException'
  const create = "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='{FORMAT}');"
  const tests = [
    {
      name: 'select',
      format: ['JSON', 'DELIMITED'],
      statements: [create, 'CREATE STREAM T AS SELECT ID, V FROM S;'],
      inputs: [{ topic: 's', key: 1, value: { V: 'a' } }],
      outputs: [{ topic: 'T', key: 1, value: { V: 'a' } }],
    },
    {
      name: 'typo',
      statements: [
        "CREATE STREAM S (ID INT) WITH (kafka_topic='s', value_format='JSON');",
        'SELEKT * FROM S;',
      ],
      expectedException: { type: PARSE_FAILED, message: 'line 2:1' },
    },
    {
      name: 'parses after all',
      statements: ["CREATE STREAM S (ID INT) WITH (kafka_topic='s', value_format='JSON');"],
      expectedException: { type: PARSE_FAILED },
    },
    { name: 'off', enabled: false, statements: ['SELECT 1;'], outputs: [{ topic: 'x', value: 1 }] },
  ]

  function suite(): string {
    const dir = join(tempDir(), 'suite')
    mkdirSync(dir)
    // A comment, as some of ksqlDB's files have.
    writeFileSync(join(dir, 'tiny.json'), `// handwritten\n${JSON.stringify({ tests }, null, 2)}`)
    return dir
  }

  it('prints JSON results with --json', () => {
    const r = eddy(['qtt', '--parse-only', '--json', suite()])
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout) as { passed: number; failed: number; skipped: number; cases: unknown[] }
    expect(out).toMatchObject({ passed: 3, failed: 1, skipped: 1 })
    expect(out.cases).toEqual([
      { file: 'tiny.json', name: 'tiny - select - JSON', status: 'pass' },
      { file: 'tiny.json', name: 'tiny - select - DELIMITED', status: 'pass' },
      { file: 'tiny.json', name: 'tiny - typo', status: 'pass' },
      {
        file: 'tiny.json',
        name: 'tiny - parses after all',
        status: 'fail',
        reason: 'expected a parse error, but the statements parsed',
      },
      { file: 'tiny.json', name: 'tiny - off', status: 'skip', reason: 'disabled (enabled: false)' },
    ])
  })

  it('prints failures and a closing summary line in text mode', () => {
    const r = eddy(['qtt', '--parse-only', suite()])
    expect(r.status).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toEqual([
      'FAIL tiny.json :: tiny - parses after all: expected a parse error, but the statements parsed',
      'parse: 3 passed, 1 failed, 1 skipped',
    ])
  })

  it('writes a baseline and exits 1 when a baselined case regresses', () => {
    const dir = suite()
    const baseline = join(tempDir(), 'baseline.json')
    expect(eddy(['qtt', '--parse-only', '--write-baseline', baseline, dir]).status).toBe(0)
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toEqual({
      mode: 'parse-only',
      cases: [
        'tiny.json :: tiny - select - DELIMITED',
        'tiny.json :: tiny - select - JSON',
        'tiny.json :: tiny - typo',
      ],
    })
    expect(eddy(['qtt', '--parse-only', '--baseline', baseline, dir]).status).toBe(0)
    // Break one baselined case.
    const broken = tests.map((t) => (t.name === 'typo' ? { ...t, statements: ['SELECT 1 FROM S;'] } : t))
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify({ tests: broken }))
    const r = eddy(['qtt', '--parse-only', '--baseline', baseline, dir])
    expect(r.status).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toContain(
      'REGRESSION tiny.json :: tiny - typo: expected a parse error, but the statements parsed',
    )
    expect(lines.at(-1)).toBe('parse: 2 passed, 2 failed, 1 skipped')
  })

  it('without --parse-only runs the cases on the engine', () => {
    const r = eddy(['qtt', '--json', suite()])
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as { cases: { name: string; status: string }[] }
    expect(Object.fromEntries(report.cases.map((x) => [x.name, x.status]))).toEqual({
      'tiny - select - JSON': 'pass',
      'tiny - select - DELIMITED': 'fail',
      'tiny - typo': 'pass',
      'tiny - parses after all': 'fail',
      'tiny - off': 'skip',
    })
    expect(eddy(['qtt', suite()]).stdout.trimEnd().split('\n').at(-1)).toBe(
      'qtt: 2 passed, 2 failed, 0 unsupported, 1 skipped',
    )
  })

  it.each([
    ['on a missing path', ['qtt', '--parse-only', '/no/such/dir']],
    ['on a missing path (full run)', ['qtt', '/no/such/dir']],
  ])('exits 2 %s', (_, args) => {
    const r = eddy(args)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^eddy qtt: /)
  })
})

describe('eddy run', () => {
  it('runs examples/orders.sql on the embedded engine and resumes from its data directory', () => {
    const dataDir = join(tempDir(), 'data')
    const first = eddy(['run', '--data-dir', dataDir, 'examples/orders.sql'])
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const rows = first.stdout.split('\n').filter((l) => l.startsWith('{'))
    expect(rows.map((r) => JSON.parse(r))).toEqual([
      { ID: 1, CUSTOMER: 'ADA', AMOUNT: '250.00', VAT: '50.000', CITY: 'London' },
      { ID: 3, CUSTOMER: 'ALAN', AMOUNT: '130.10', VAT: '26.020', CITY: 'Manchester' },
    ])
    expect(first.stdout).toContain('Created query with ID CSAS_BIG_ORDERS_0')
    expect(first.stdout).toMatch(/\| VAT +\| DECIMAL\(11, 3\) +\|/)
    // Second run: the sources and the query exist already; the new INSERTs are processed once.
    const second = eddy(['run', '--data-dir', dataDir, 'examples/orders.sql'])
    expect(second.status).toBe(0)
    expect(second.stdout.split('\n').filter((l) => l.startsWith('{'))).toHaveLength(4)
  })

  it('prints a failing statement with a caret and exits 1', () => {
    const dir = tempDir()
    const file = join(dir, 'bad.sql')
    writeFileSync(
      file,
      "CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);\nCREATE STREAM t AS SELECT id, nope FROM s;\n",
    )
    const r = eddy(['run', '--data-dir', join(dir, 'data'), file])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("SELECT column 'NOPE' cannot be resolved.")
    expect(r.stderr).toMatch(/\n *\^+/)
  })
})
