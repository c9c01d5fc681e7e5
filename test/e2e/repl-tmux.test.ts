import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../src/qtt/paths.js'

// The real `eddy` binary in a real terminal: tmux runs it, send-keys types, capture-pane reads the
// screen. The test command builds dist/ first. CI installs tmux (.ci/run); there a missing tmux
// fails this test instead of skipping it.

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0
const required = process.env.CI !== undefined || process.env.EDDY_REQUIRE_KAFKA !== undefined
const socket = `eddy-test-${process.pid}`
const session = 'repl'

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

/** Types text literally (tmux reads a trailing `;` as a command separator unless escaped). */
function type(text: string): void {
  tmux('send-keys', '-t', session, '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text)
}

function press(...keys: string[]): void {
  tmux('send-keys', '-t', session, ...keys)
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', session)
}

async function waitFor(what: string, test: (screen: string) => boolean, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms
  let last = ''
  for (;;) {
    last = screen()
    if (test(last)) return last
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${last}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function sessionAlive(): boolean {
  return spawnSync('tmux', ['-L', socket, 'has-session', '-t', session]).status === 0
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server'])
})

describe('eddy REPL in a terminal (tmux)', () => {
  it.runIf(!hasTmux && required)('needs tmux (install it: apt-get install -y tmux)', () => {
    expect.fail('tmux is not installed, and CI requires this end-to-end test')
  })

  it.runIf(hasTmux)(
    'creates a stream, inserts rows, runs a GROUP BY push query, and returns to the prompt on Ctrl-C',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eddy-repl-e2e-'))
      const bin = join(repoRoot(), 'bin', 'eddy.js')
      const cmd = `EDDY_HISTORY_FILE='${join(dir, 'history')}' '${process.execPath}' '${bin}' --data-dir '${join(dir, 'data')}'`
      tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', cmd)
      // capture-pane drops trailing blanks: an empty prompt reads `eddy>`.
      await waitFor('the prompt', (s) => /^eddy>/m.test(s))

      // A statement over two lines: a continuation prompt, then the result.
      type('CREATE STREAM clicks (id INT KEY, region STRING)')
      press('Enter')
      await waitFor('the continuation prompt', (s) => /^ {4}>/m.test(s))
      type("  WITH (kafka_topic='clicks', value_format='JSON', partitions=1);")
      press('Enter')
      await waitFor('Stream created', (s) => s.includes('Stream created'))

      type("INSERT INTO clicks (id, region) VALUES (1, 'eu');")
      press('Enter')
      type("INSERT INTO clicks (id, region) VALUES (2, 'eu');")
      press('Enter')
      type("SET 'auto.offset.reset'='earliest';")
      press('Enter')
      await waitFor('the SET', (s) => s.includes('Successfully set property auto.offset.reset to earliest'))

      type('SELECT region, COUNT(*) AS clicks FROM clicks GROUP BY region EMIT CHANGES;')
      press('Enter')
      const live = await waitFor('the count 2 row', (s) => /\| eu +\| 2 +\|/.test(s))
      expect(live).toMatch(/\| REGION +\| CLICKS +\|/)
      expect(live).toMatch(/transient_CLICKS_\d+ · \d+ rows? · .* elapsed/)
      // One row per key, updated in place.
      expect(live.match(/\| eu /g)?.length).toBe(1)

      press('C-c')
      const after = await waitFor(
        'the prompt after Ctrl-C',
        (s) => s.includes('Query terminated') && /\neddy>$/.test(s.trimEnd()),
      )
      expect(after.indexOf('Query terminated')).toBeLessThan(after.lastIndexOf('eddy>'))

      type('exit')
      press('Enter')
      const deadline = Date.now() + 20_000
      while (sessionAlive()) {
        if (Date.now() > deadline) throw new Error(`eddy did not exit; screen:\n${screen()}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    90_000,
  )
})
