// Parser throughput over every statement of ksqlDB's conformance files:
//   npm run bench:parse [-- --passes N]
// Prints statements/s (median of 5 runs) and, as yardsticks measured in the same run on the same
// machine, the lexer alone and JSON.parse of the same texts (as JSON strings). A figure to watch,
// never an assertion.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseStatements } from '../grammar/parse.js'
import { sqlLexer } from '../grammar/tokens.js'
import { listTestFiles, loadTestFile } from '../src/qtt/load.js'
import { conformanceRoot } from '../src/qtt/paths.js'

const RUNS = 5

function corpus(): string[] {
  const folders = ['ksqldb-qtt', 'ksqldb-rqtt', 'ksqldb-qtt-registry']
    .map((f) => join(conformanceRoot(), f))
    .filter((f) => existsSync(f))
  if (folders.length === 0) throw new Error(`no conformance data under ${conformanceRoot()}`)
  const statements = new Set<string>()
  for (const file of listTestFiles(folders)) {
    for (const v of loadTestFile(file).variants) for (const s of v.statements) statements.add(s)
  }
  return [...statements]
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Median over RUNS of the time `pass` takes `passes` times; returns ms per pass. */
function measure(passes: number, pass: () => void): number {
  pass() // warm-up
  const times: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now()
    for (let i = 0; i < passes; i++) pass()
    times.push((performance.now() - t0) / passes)
  }
  return median(times)
}

function main(): void {
  const arg = process.argv.indexOf('--passes')
  const passes = arg >= 0 ? Math.max(1, Number(process.argv[arg + 1]) || 1) : 3
  const statements = corpus()
  const chars = statements.reduce((n, s) => n + s.length, 0)
  let rejected = 0
  for (const s of statements) {
    try {
      parseStatements(s)
    } catch {
      rejected++
    }
  }
  const jsonTexts = statements.map((s) => JSON.stringify(s))

  const parseMs = measure(passes, () => {
    for (const s of statements) {
      try {
        parseStatements(s)
      } catch {
        // statements meant to fail are timed too
      }
    }
  })
  const lexMs = measure(passes, () => {
    for (const s of statements) sqlLexer.tokenize(s)
  })
  const jsonMs = measure(passes, () => {
    for (const t of jsonTexts) JSON.parse(t)
  })

  const perSecond = (ms: number) => Math.round((statements.length / ms) * 1000)
  const fmt = (n: number) => n.toLocaleString('en-US')
  console.log(
    `corpus: ${fmt(statements.length)} distinct statements, ${fmt(chars)} characters (${fmt(rejected)} rejected by the parser)`,
  )
  console.log(`runs: median of ${RUNS}, ${passes} passes each`)
  console.log(`parseStatements: ${fmt(perSecond(parseMs))} statements/s (${parseMs.toFixed(1)} ms per pass)`)
  console.log(`lexer alone: ${fmt(perSecond(lexMs))} statements/s (${lexMs.toFixed(1)} ms per pass)`)
  console.log(
    `JSON.parse of the same texts: ${fmt(perSecond(jsonMs))} statements/s (${jsonMs.toFixed(2)} ms per pass)`,
  )
  console.log(
    `ratio: parseStatements takes ${(parseMs / lexMs).toFixed(1)}x the time of the lexer, ` +
      `${(parseMs / jsonMs).toFixed(0)}x that of JSON.parse`,
  )
}

main()
