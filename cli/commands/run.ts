import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { formatDiagnostic } from '../../src/errors.js'
import type { CliContext } from './context.js'
import { renderResult } from '../format/result.js'

interface RunOptions {
  readonly dataDir: string
  readonly define: string[]
  readonly follow?: boolean
  readonly offsetReset: string
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/**
 * `eddy run FILE.sql`: runs a query file on the embedded engine (data in --data-dir). Statements
 * run in order; persistent queries process what their sources hold; a push query prints its rows
 * as JSON lines and ends at its LIMIT, or (without --follow) once it has read its source.
 */
export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run a SQL file on the embedded engine')
    .argument('<file>', 'SQL file; "-" reads stdin')
    .option('--data-dir <dir>', 'where topics, tables and queries are kept', '.eddy')
    .option(
      '--define <name=value>',
      'define a variable for substitution in the file (repeatable)',
      collect,
      [],
    )
    .option('--follow', 'keep push queries running and printing new rows until Ctrl-C')
    .option('--offset-reset <earliest|latest>', "auto.offset.reset for this run's queries", 'earliest')
    .action(async (file: string, opts: RunOptions) => {
      let text: string
      try {
        text = file === '-' ? await ctx.readStdin() : await readFile(file, 'utf8')
      } catch (err) {
        ctx.err(`eddy run: cannot read ${file}: ${(err as Error).message}\n`)
        ctx.exitCode = 1
        return
      }
      const defines: string[] = []
      for (const d of opts.define) {
        const eq = d.indexOf('=')
        if (eq <= 0) {
          ctx.err(`eddy run: --define expects name=value, got '${d}'\n`)
          ctx.exitCode = 2
          return
        }
        defines.push(`DEFINE ${d.slice(0, eq)} = '${d.slice(eq + 1).replaceAll("'", "''")}';`)
      }
      const { Engine } = await import('../../src/engine/engine.js')
      const { parseStatements } = await import('../../grammar/parse.js')
      const engine = await Engine.open(opts.dataDir, {
        properties: { 'auto.offset.reset': opts.offsetReset },
        followPushQueries: opts.follow === true,
      })
      try {
        if (defines.length > 0) await engine.execute(defines.join('\n'))
        const statements = parseStatements(text, { substituteVariables: false })
        for (const p of statements) {
          // Each statement as written, so DEFINEs in the file apply to the ones after them.
          const [result] = await engine.execute(`${p.text};`)
          await engine.runUntilIdle()
          if (result === undefined) continue
          if (result.kind === 'PushQuery') {
            for await (const row of result.rows) ctx.out(`${renderResult.row(result.schema, row)}\n`)
            continue
          }
          const out = renderResult.text(result)
          if (out !== '') ctx.out(`${out}\n`)
        }
      } catch (err) {
        ctx.err(`${formatDiagnostic(text, err)}\n`)
        ctx.exitCode = 1
      } finally {
        await engine.close()
      }
    })
}
