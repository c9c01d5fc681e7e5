import type { Command } from 'commander'
import type { CliContext } from '../commands/context.js'

interface ReplOptions {
  readonly dataDir: string
  readonly execute?: string
  readonly output?: string
}

/**
 * `eddy` with no command: the REPL on the embedded engine. With a terminal it is interactive
 * (ink); with `-e SQL` or piped stdin it runs the statements and prints their results. Every
 * module beyond this one is imported when needed, so `eddy --help` stays fast.
 */
export function registerReplCommand(program: Command, ctx: CliContext): void {
  program
    .command('repl', { isDefault: true })
    .description('Interactive SQL shell on the embedded engine (the default command)')
    .option('--data-dir <dir>', 'where topics, tables and queries are kept', '.eddy')
    .option('-e, --execute <sql>', 'run these statements, print their results and exit')
    .option('--output <format>', 'TABULAR or JSON', 'TABULAR')
    // `eddy frobnicate` lands here as the default command: name it as an unknown command.
    .allowExcessArguments(true)
    .action(async (opts: ReplOptions, command: Command) => {
      const stray = command.args[0]
      if (stray !== undefined) {
        ctx.err(`error: unknown command '${stray}' (see eddy --help)\n`)
        ctx.exitCode = 1
        return
      }
      const output = (opts.output ?? 'TABULAR').toUpperCase()
      if (output !== 'TABULAR' && output !== 'JSON') {
        ctx.err(`eddy: --output must be TABULAR or JSON, got '${opts.output}'\n`)
        ctx.exitCode = 2
        return
      }
      if (opts.execute === undefined && process.stdin.isTTY === true && process.stdout.isTTY === true) {
        const { runInteractive } = await import('./interactive.js')
        ctx.exitCode = await runInteractive({ dataDir: opts.dataDir, format: output })
        return
      }
      const { openEmbeddedSession } = await import('./embedded-session.js')
      const { runBatch } = await import('./batch.js')
      let session: Awaited<ReturnType<typeof openEmbeddedSession>>
      try {
        session = await openEmbeddedSession(opts.dataDir)
      } catch (err) {
        ctx.err(`eddy: cannot open ${opts.dataDir}: ${(err as Error).message}\n`)
        ctx.exitCode = 1
        return
      }
      try {
        await runBatch(session, ctx, opts.execute, output)
      } finally {
        await session.close()
      }
    })
}
