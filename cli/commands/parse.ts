import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { formatDiagnostic } from '../../src/errors.js'
import type { CliContext } from './context.js'

interface ParseOptions {
  readonly testStatements?: boolean
  readonly spans: boolean
}

function withoutSpans(key: string, value: unknown): unknown {
  return key === 'span' ? undefined : value
}

/** `eddy parse [FILE|-]`: prints the statements' ASTs as a JSON array, or the syntax error with a caret. */
export function registerParseCommand(program: Command, ctx: CliContext): void {
  program
    .command('parse')
    .description("Parse a SQL script and print each statement's AST as JSON")
    .argument('[file]', 'SQL file to parse; "-" or nothing reads stdin', '-')
    .option('--test-statements', 'accept the test-runner statements (ASSERT ..., RUN SCRIPT)')
    .option('--no-spans', 'leave source spans out of the printed AST')
    .action(async (file: string, opts: ParseOptions) => {
      let text: string
      try {
        text = file === '-' ? await ctx.readStdin() : await readFile(file, 'utf8')
      } catch (err) {
        ctx.err(`eddy parse: cannot read ${file}: ${(err as Error).message}\n`)
        ctx.exitCode = 1
        return
      }
      // Loaded here, not at start-up: building the parser costs time `eddy --help` should not pay.
      const { parseStatements } = await import('../../grammar/parse.js')
      try {
        const parsed = parseStatements(text, { testStatements: opts.testStatements === true })
        const asts = parsed.map((p) => p.statement)
        ctx.out(`${JSON.stringify(asts, opts.spans ? undefined : withoutSpans, 2)}\n`)
      } catch (err) {
        ctx.err(`${formatDiagnostic(text, err)}\n`)
        ctx.exitCode = 1
      }
    })
}
