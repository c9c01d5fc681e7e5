import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../src/qtt/paths.js'
import { runEddy } from './cli/run-eddy.js'

// Runs every command examples/README.md documents, as written, and checks the rows it prints.
const ROOT = repoRoot()
const README = readFileSync(join(ROOT, 'examples', 'README.md'), 'utf8')

/** The `npx eddy run ...` commands of the README's sh blocks, by example file. */
function documentedCommands(): Map<string, string[]> {
  const commands = new Map<string, string[]>()
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const args = line.trim().split(/\s+/)
      if (args[0] !== 'npx' || args[1] !== 'eddy' || args[2] !== 'run') continue
      commands.set(args[3]!, args.slice(2))
    }
  }
  return commands
}

const temp = mkdtempSync(join(tmpdir(), 'eddy-examples-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** Runs `eddy ARGS` in-process from the repository root (paths made absolute), in a temp data dir. */
async function run(
  args: readonly string[],
  dataDir: string,
): Promise<{ code: number; out: string; err: string }> {
  const abs = args.map((a) => a.replace(/(^|=)examples\//, (_m, pre: string) => `${pre}${ROOT}/examples/`))
  if (!abs.includes('--in-memory')) abs.push('--data-dir', dataDir)
  // A bound, so a push query that never ends fails the test instead of hanging it.
  return runEddy(abs, 25_000)
}

/** A table row with these cells (padding ignored). */
function row(...cells: string[]): RegExp {
  const esc = cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^\\| ${esc.join(' +\\| ')} +\\|$`, 'm')
}

const commands = documentedCommands()

describe('examples/README.md', () => {
  it('documents every example', () => {
    expect([...commands.keys()].sort()).toEqual([
      'examples/clickstream/clickstream.sql',
      'examples/orders.sql',
      'examples/revenue/revenue.sql',
      'examples/riders/riders.sql',
    ])
  })

  it("is what the top-level README's first command runs", () => {
    const top = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const first = /```sh\n([^\n]*)\n/.exec(top)?.[1] ?? ''
    expect(first.startsWith('npm install && ')).toBe(true)
    const args = first.slice('npm install && '.length).split(/\s+/)
    expect(args.slice(0, 2)).toEqual(['npx', 'eddy'])
    expect(args.slice(2)).toEqual(commands.get('examples/clickstream/clickstream.sql'))
  })

  it('orders: big orders with VAT', async () => {
    const r = await run(commands.get('examples/orders.sql')!, join(temp, 'orders'))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('{"ID":1,"CUSTOMER":"ADA","AMOUNT":"250.00","VAT":"50.000","CITY":"London"}')
    expect(r.out).toContain('{"ID":3,"CUSTOMER":"ALAN","AMOUNT":"130.10","VAT":"26.020","CITY":"Manchester"}')
    expect(r.out).not.toContain('GRACE')
  })

  it('clickstream: views per region per minute, through a stream-table join', async () => {
    const r = await run(commands.get('examples/clickstream/clickstream.sql')!, join(temp, 'clickstream'))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(row('REGION', 'WINDOW_START', 'VIEWS', 'USERS'))
    expect(r.out).toMatch(row('APAC', '00:00:00', '2', '1'))
    expect(r.out).toMatch(row('AMER', '00:01:00', '3', '2'))
    expect(r.out).toMatch(row('EMEA', '00:02:00', '6', '2'))
    expect(r.out).toContain('\n30 rows\n')
  })

  it('revenue: one row per closed window (EMIT FINAL)', async () => {
    const r = await run(commands.get('examples/revenue/revenue.sql')!, join(temp, 'revenue'))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(row('bakery', '00:00', '2', '5', '13.00'))
    expect(r.out).toMatch(row('merch', '00:01', '2', '5', '60.00'))
    expect(r.out).toMatch(row('drinks', '00:02', '1', '1', '3.50'))
    expect(r.out).not.toContain('00:03')
    expect(r.out).toContain('\n7 rows\n')
  })

  it("riders: ksqlDB's quickstart results", async () => {
    const r = await run(commands.get('examples/riders/riders.sql')!, join(temp, 'riders'))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(row('4ab5cbad', '37.3952', '-122.0813'))
    expect(r.out).toMatch(row('4a7c7b41', '37.4049', '-122.0822'))
    expect(r.out).not.toMatch(row('c2309eec', '37.7877', '-122.4205'))
    expect(r.out).toMatch(row('0', '["4ab5cbad","8b6eae59","4a7c7b41"]', '3'))
    expect(r.out).toMatch(row('10', '["18f4ea86"]', '1'))
    expect(r.out).toMatch(row('50', '["c2309eec","4ddad000"]', '2'))
  })

  it('--load works with a data dir too (not only --in-memory)', async () => {
    const args = commands.get('examples/riders/riders.sql')!.filter((a) => a !== '--in-memory')
    const r = await run(args, join(temp, 'riders-dir'))
    expect(r.err).toBe('')
    expect(r.out).toMatch(row('0', '["4ab5cbad","8b6eae59","4a7c7b41"]', '3'))
  })
})
