/** What a command needs from the process: output streams, stdin, and where to put its exit code. */
export interface CliContext {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly readStdin: () => Promise<string>
  exitCode: number
}

export function processContext(): CliContext {
  return {
    out: (text) => {
      process.stdout.write(text)
    },
    err: (text) => {
      process.stderr.write(text)
    },
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
      return Buffer.concat(chunks).toString('utf8')
    },
    exitCode: 0,
  }
}
