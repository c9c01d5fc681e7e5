import { Command } from 'commander'
import { type CliContext, processContext } from './commands/context.js'
import { registerParseCommand } from './commands/parse.js'
import { registerQttCommand } from './commands/qtt.js'
import { registerRunCommand } from './commands/run.js'
import { registerReplCommand } from './repl/command.js'
import { registerTestCommand } from './commands/test.js'

/** Runs the `eddy` command with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = new Command()
  program.name('eddy').description('Eddy: streaming SQL (ksqlDB semantics) in TypeScript').version('0.1.0')
  // Before the subcommands are added: they inherit it, so --help and usage errors return a code
  // instead of calling process.exit.
  program.exitOverride()
  registerParseCommand(program, ctx)
  registerQttCommand(program, ctx)
  registerRunCommand(program, ctx)
  registerReplCommand(program, ctx)
  registerTestCommand(program, ctx)
  try {
    await program.parseAsync([...argv])
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode
    if (typeof code !== 'number') throw err
    return code
  }
  return ctx.exitCode
}
