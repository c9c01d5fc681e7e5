import type { Command } from 'commander'
import { BaselineError, findRegressions, readBaseline, writeBaseline } from '../../src/qtt/baseline.js'
import { TestFileError } from '../../src/qtt/load.js'
import { renderJson, renderRegressions, renderText } from '../../src/qtt/report.js'
import type { CliContext } from './context.js'

interface QttOptions {
  readonly parseOnly?: boolean
  readonly json?: boolean
  readonly baseline?: string
  readonly writeBaseline?: string
}

const MODE = 'parse-only'

/** `eddy qtt --parse-only [--json] [--baseline FILE] [--write-baseline FILE] PATH...` */
export function registerQttCommand(program: Command, ctx: CliContext): void {
  program
    .command('qtt')
    .description('Run ksqlDB conformance test files (QTT/RQTT .json files, or folders of them)')
    .argument('<paths...>', 'test files, or folders of *.json test files (not recursive)')
    .option('--parse-only', 'only check that the statements parse (or fail to parse) as each case expects')
    .option('--json', 'print the results as JSON instead of text')
    .option('--baseline <file>', 'exit 1 if a case the baseline lists fails or is missing')
    .option('--write-baseline <file>', 'write the passing cases to this baseline (merged with what it lists)')
    .action(async (paths: string[], opts: QttOptions) => {
      if (opts.parseOnly !== true) {
        ctx.err('eddy qtt: only --parse-only is implemented so far\n')
        ctx.exitCode = 2
        return
      }
      try {
        const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline, MODE)
        // Loaded here, not at start-up: building the parser costs time `eddy --help` should not pay.
        const { runParseOnly } = await import('../../src/qtt/parse-only.js')
        const results = runParseOnly(paths)
        const regressions = baseline === undefined ? [] : findRegressions(baseline, results)
        if (opts.json === true) {
          ctx.out(renderJson(results))
          const lines = renderRegressions(regressions)
          if (lines.length > 0) ctx.err(`${lines.join('\n')}\n`)
        } else {
          ctx.out(renderText('parse', results, regressions))
        }
        if (opts.writeBaseline !== undefined) {
          const written = writeBaseline(opts.writeBaseline, MODE, results)
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
