import type { Command } from 'commander'
import { BaselineError, findRegressions, readBaseline, writeBaseline } from '../../src/qtt/baseline.js'
import { TestFileError } from '../../src/qtt/load.js'
import { renderByFile, renderJson, renderRegressions, renderText } from '../../src/qtt/report.js'
import type { CaseResult } from '../../src/qtt/results.js'
import type { CliContext } from './context.js'

interface QttOptions {
  readonly parseOnly?: boolean
  readonly json?: boolean
  readonly baseline?: string
  readonly writeBaseline?: string
  readonly filter?: string
  readonly verbose?: boolean
  readonly byFile?: boolean
  readonly timeout?: string
}

/**
 * `eddy qtt [--parse-only] [--json] [--baseline FILE] [--write-baseline FILE] [--filter TEXT]
 * [--verbose] [--by-file] PATH...`
 *
 * Without --parse-only every variant runs on a fresh engine (mode `full`); with it the statements
 * are only parsed (mode `parse-only`). Exit 1 when a case the baseline lists does not pass, 2 on
 * bad arguments or unreadable files.
 */
export function registerQttCommand(program: Command, ctx: CliContext): void {
  program
    .command('qtt')
    .description('Run ksqlDB conformance test files (QTT .json files, or folders of them)')
    .argument('<paths...>', 'test files, or folders of *.json test files (not recursive)')
    .option('--parse-only', 'only check that the statements parse (or fail to parse) as each case expects')
    .option('--json', 'print the results as JSON instead of text')
    .option('--baseline <file>', 'exit 1 if a case the baseline lists fails or is missing')
    .option('--write-baseline <file>', 'write the passing cases to this baseline (merged with what it lists)')
    .option('--filter <text>', 'only run variants whose name contains this text')
    .option('--verbose', 'print every failing variant with its reason (full runs)')
    .option('--by-file', 'print a per-file table of passed/failed/unsupported')
    .option('--timeout <ms>', 'time limit per variant in ms (full runs; default 10000)')
    .action(async (paths: string[], opts: QttOptions) => {
      const parseOnly = opts.parseOnly === true
      const mode = parseOnly ? 'parse-only' : 'full'
      try {
        const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline, mode)
        let results: CaseResult[]
        if (parseOnly) {
          // Loaded here, not at start-up: building the parser costs time `eddy --help` should not pay.
          const { runParseOnly } = await import('../../src/qtt/parse-only.js')
          results = runParseOnly(paths)
          if (opts.filter !== undefined) {
            const filter = opts.filter
            results = results.filter((r) => r.name.includes(filter))
          }
        } else {
          const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout)
          if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
            ctx.err(`eddy qtt: --timeout must be a positive number of ms, got ${opts.timeout}\n`)
            ctx.exitCode = 2
            return
          }
          const { runFull } = await import('../../src/qtt/run.js')
          results = await runFull(paths, {
            ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          })
        }
        const regressions = baseline === undefined ? [] : findRegressions(baseline, results)
        const render = { unsupported: !parseOnly, failures: parseOnly || opts.verbose === true }
        if (opts.json === true) {
          ctx.out(renderJson(results, render))
          const lines = renderRegressions(regressions)
          if (lines.length > 0) ctx.err(`${lines.join('\n')}\n`)
        } else {
          if (opts.byFile === true) ctx.out(renderByFile(results))
          ctx.out(renderText(parseOnly ? 'parse' : 'qtt', results, regressions, render))
        }
        if (opts.writeBaseline !== undefined) {
          const written = writeBaseline(opts.writeBaseline, mode, results)
          ctx.err(`wrote ${written.cases.length} cases to ${opts.writeBaseline}\n`)
        }
        ctx.exitCode = regressions.length > 0 ? 1 : 0
      } catch (err) {
        if (!(err instanceof TestFileError || err instanceof BaselineError)) throw err
        ctx.err(`eddy qtt: ${err.message}\n`)
        ctx.exitCode = 2
      }
    })
}
