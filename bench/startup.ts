/**
 * Start-up time of the real `eddy` binary: each command is spawned N times (the variants
 * interleaved) and the median time from spawn is printed, for
 *   - `eddy --version` (to exit),
 *   - `eddy -e "SHOW STREAMS;"` (to exit),
 *   - the README's first command (examples/clickstream) to its first output row,
 *   - the interactive REPL in a terminal (a pty from util-linux `script`, when installed): to the
 *     prompt, and to the answer of `SHOW STREAMS;` typed at once.
 *
 * Variants, measured in the same run: `bundled` is bin/eddy.js as built (dist/bundle, see
 * scripts/bundle.ts); `unbundled` is the same build with EDDY_NO_BUNDLE=1 (dist/'s ES modules
 * loaded one by one: what the bundle saves, not the grammar's start-up savings); `--compare DIR`
 * adds another built checkout's bin/eddy.js, e.g. the commit before, for before/after figures:
 *   git archive REV | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/ &&
 *   (cd /tmp/before && npx tsc -p tsconfig.build.json)
 *
 * Usage: node dist/bench/startup.js [--runs N] [--compare DIR]...
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { repoRoot } from '../src/qtt/paths.js'

interface Variant {
  readonly name: string
  readonly bin: string
  readonly env: Readonly<Record<string, string>>
}

interface Sample {
  /** Milliseconds from spawn to the awaited output (undefined: never seen). */
  readonly at: number | undefined
  readonly exit: number
}

function args(): { runs: number; compare: string[] } {
  const argv = process.argv.slice(2)
  let runs = 10
  const compare: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = argv[i + 1]
    if (a === '--runs' && v !== undefined) {
      runs = Number(v)
      i++
    } else if (a === '--compare' && v !== undefined) {
      compare.push(v)
      i++
    } else {
      throw new Error(`usage: node dist/bench/startup.js [--runs N] [--compare DIR]... (got ${a})`)
    }
  }
  return { runs, compare }
}

/**
 * Spawns `node bin args` and resolves when it exits; `seen` tells when the output so far holds
 * what is awaited.
 */
function time(
  variant: Variant,
  argv: readonly string[],
  cwd: string,
  seen: (out: string) => boolean = () => false,
): Promise<Sample> {
  const t0 = performance.now()
  const child = spawn(process.execPath, [variant.bin, ...argv], {
    cwd,
    env: { ...process.env, ...variant.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return watch(child, t0, seen)
}

function watch(child: ChildProcess, t0: number, seen: (out: string) => boolean): Promise<Sample> {
  let out = ''
  let err = ''
  let at: number | undefined
  child.stdout?.on('data', (d: Buffer) => {
    if (at !== undefined) return
    out += d.toString()
    if (seen(out)) at = performance.now() - t0
  })
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const exit = performance.now() - t0
      if (code !== 0) reject(new Error(`exit code ${code}: ${err || out.slice(-500)}`))
      else resolvePromise({ at, exit })
    })
  })
}

/** The interactive REPL in a pseudo-terminal: `SHOW STREAMS;` is typed at once, then `exit`. */
function timeRepl(variant: Variant, dataDir: string, history: string): Promise<Sample & { prompt?: number }> {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
  const command = [process.execPath, variant.bin, '--data-dir', dataDir].map(q).join(' ')
  const t0 = performance.now()
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, ...variant.env, TERM: 'xterm-256color', EDDY_HISTORY_FILE: history },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin?.write('SHOW STREAMS;\r')
  let prompt: number | undefined
  const sample = watch(child, t0, (out) => {
    prompt ??= out.includes('eddy>') ? performance.now() - t0 : undefined
    if (!out.includes('Stream Name')) return false
    child.stdin?.write('exit\r')
    return true
  })
  const timer = setTimeout(() => child.kill(), 30_000)
  return sample.then(
    (s) => {
      clearTimeout(timer)
      return { ...s, ...(prompt !== undefined ? { prompt } : {}) }
    },
    (e: unknown) => {
      clearTimeout(timer)
      throw e
    },
  )
}

function median(xs: readonly (number | undefined)[]): number {
  const s = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function main(): Promise<void> {
  const { runs, compare } = args()
  const root = repoRoot()
  const bin = join(root, 'bin', 'eddy.js')
  const variants: Variant[] = [
    { name: 'bundled', bin, env: {} },
    { name: 'unbundled', bin, env: { EDDY_NO_BUNDLE: '1' } },
    ...compare.map((dir) => ({ name: dir, bin: join(resolve(dir), 'bin', 'eddy.js'), env: {} })),
  ]
  const tmp = mkdtempSync(join(tmpdir(), 'eddy-startup-'))
  const hasScript = spawnSync('script', ['--version']).status === 0
  // The README's first command (examples/README.md, clickstream), run from the repository root.
  const readme = [
    'run',
    'examples/clickstream/clickstream.sql',
    '--in-memory',
    '--output',
    'table',
    '--load',
    'users=examples/clickstream/users.jsonl',
    '--load',
    'pageviews=examples/clickstream/pageviews.jsonl',
  ]
  // With --output table the first row is the line after the header (`| REGION | ...`).
  const firstRow = (out: string) => /^\| REGION .*\n(?:\+[-+]*\n)?\|/m.test(out)

  // Node itself, for scale (the machine's load moves every figure).
  const bare: number[] = []

  type Key = 'version' | 'execute' | 'readme' | 'replPrompt' | 'replAnswer'
  const results = new Map<string, Record<Key, (number | undefined)[]>>()
  for (const v of variants) {
    results.set(v.name, { version: [], execute: [], readme: [], replPrompt: [], replAnswer: [] })
  }
  try {
    // One warm-up round (file cache, the data directory), not counted.
    for (let round = -1; round < runs; round++) {
      for (const v of variants) {
        const r = results.get(v.name)
        if (r === undefined) continue
        if (variants.indexOf(v) === 0) bare.push((await time({ ...v, bin: '-e' }, [''], root)).exit)
        const dataDir = join(tmp, `data-${variants.indexOf(v)}`)
        const version = await time(v, ['--version'], root)
        const execute = await time(v, ['-e', 'SHOW STREAMS;', '--data-dir', dataDir], root)
        const readmeRun = await time(v, readme, root, firstRow)
        const repl = hasScript
          ? await timeRepl(v, join(tmp, `repl-${variants.indexOf(v)}`), join(tmp, 'history'))
          : undefined
        if (round < 0) continue
        r.version.push(version.exit)
        r.execute.push(execute.exit)
        r.readme.push(readmeRun.at)
        r.replPrompt.push(repl?.prompt)
        r.replAnswer.push(repl?.at)
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }

  const rows: [Key, string][] = [
    ['version', 'eddy --version (exit)'],
    ['execute', 'eddy -e "SHOW STREAMS;" (exit)'],
    ['readme', 'README example: first row'],
    ['replPrompt', 'REPL: prompt shown'],
    ['replAnswer', 'REPL: SHOW STREAMS; answered'],
  ]
  const names = variants.map((v) => v.name)
  const width = Math.max(...rows.map(([, label]) => label.length))
  console.log(
    `median ms from spawn, ${runs} runs each (node ${process.version}; \`node -e ""\` alone: ${median(bare.slice(1)).toFixed(0)} ms)`,
  )
  console.log(`${''.padEnd(width)}  ${names.map((n) => n.padStart(10)).join('  ')}`)
  for (const [key, label] of rows) {
    if (!hasScript && key.startsWith('repl')) continue
    const cells = names.map((n) => {
      const m = median(results.get(n)?.[key] ?? [])
      return (Number.isNaN(m) ? '-' : m.toFixed(0)).padStart(Math.max(10, n.length))
    })
    console.log(`${label.padEnd(width)}  ${cells.join('  ')}`)
  }
  if (!hasScript) console.log('(REPL rows need `script` from util-linux for a pseudo-terminal)')
}

await main()
