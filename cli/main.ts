import { Command } from 'commander'

/** Runs the `eddy` command with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0
  const program = new Command()
  program.name('eddy').description('Eddy: streaming SQL (ksqlDB semantics) in TypeScript').version('0.1.0')
  program.exitOverride()
  try {
    await program.parseAsync([...argv])
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode
    exitCode = typeof code === 'number' ? code : 1
  }
  return exitCode
}
