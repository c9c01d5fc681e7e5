import type { CliContext } from '../../cli/commands/context.js'
import { main } from '../../cli/main.js'

export interface EddyRun {
  readonly code: number
  readonly out: string
  readonly err: string
}

/**
 * Runs `eddy ARGS` in-process (cli/main.ts) with captured output and empty stdin. With
 * `boundMs`, a run that does not finish in time fails instead of hanging the test.
 */
export async function runEddy(args: readonly string[], boundMs?: number): Promise<EddyRun> {
  let out = ''
  let err = ''
  const ctx: CliContext = {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    readStdin: async () => '',
    exitCode: 0,
  }
  let timer: NodeJS.Timeout | undefined
  const runs: Promise<number>[] = [main(['node', 'eddy', ...args], ctx)]
  if (boundMs !== undefined) {
    runs.push(
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`eddy ${args.join(' ')} did not finish in ${boundMs} ms`)),
          boundMs,
        )
      }),
    )
  }
  try {
    const code = await Promise.race(runs)
    return { code, out, err }
  } finally {
    clearTimeout(timer)
  }
}
