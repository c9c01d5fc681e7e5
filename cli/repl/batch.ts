import { appendFileSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { formatDiagnostic } from '../../src/errors.js'
import type { CliContext } from '../commands/context.js'
import { HELP_TEXT, versionText } from './commands.js'
import { type OutputFormat, parseCliCommand, splitStatements } from './input.js'
import { columnNames, renderResult, rowJson } from './render.js'
import type { ReplSession } from './session.js'

/**
 * The REPL without a terminal: `eddy -e "SQL"` and `... | eddy`. Statements run as soon as
 * their `;` has been read; results are printed as text (listings as tables, push-query rows as
 * JSON lines). The first failing statement ends the run with exit code 1. Ctrl-C (SIGINT) stops
 * a running push query, and otherwise the run.
 */
export class BatchRunner {
  private spool: string | undefined
  private buffer = ''
  private running: { cancel(): void } | undefined
  /** Set by `exit`, a failure or a second SIGINT: no more input is run. */
  stopped = false

  constructor(
    private readonly session: ReplSession,
    private readonly ctx: CliContext,
    private format: OutputFormat = 'TABULAR',
  ) {}

  private out(text: string): void {
    this.ctx.out(`${text}\n`)
    if (this.spool !== undefined) appendFileSync(this.spool, `${text}\n`)
  }

  private fail(text: string): void {
    this.ctx.err(`${text}\n`)
    this.ctx.exitCode = 1
    this.stopped = true
  }

  /** SIGINT: cancel the push query, or stop. */
  interrupt(): void {
    if (this.running !== undefined) this.running.cancel()
    else {
      this.stopped = true
      this.ctx.exitCode = 130
    }
  }

  /** Feeds one line of input; runs what it completes. */
  async line(line: string): Promise<void> {
    if (this.stopped) return
    if (this.buffer.trim() === '') {
      const cmd = parseCliCommand(line)
      if (cmd !== undefined) {
        this.buffer = ''
        await this.command(line)
        return
      }
    }
    this.buffer += `${line}\n`
    const { statements, rest } = splitStatements(this.buffer)
    this.buffer = rest === '' ? '' : `${rest}\n`
    for (const stmt of statements) {
      if (this.stopped) return
      await this.sql(stmt)
    }
  }

  /** End of input: an unterminated last statement still runs. */
  async end(): Promise<void> {
    const rest = this.buffer.trim()
    this.buffer = ''
    if (rest !== '' && !this.stopped) await this.sql(`${rest};`)
  }

  /** A whole text (`-e`), line by line. */
  async text(text: string): Promise<void> {
    for (const line of text.split('\n')) {
      if (this.stopped) return
      await this.line(line)
    }
    await this.end()
  }

  private async sql(sql: string): Promise<boolean> {
    try {
      const results = await this.session.execute(sql)
      for (const r of results) {
        if (r.kind !== 'PushQuery') {
          const text = renderResult(r, this.format)
          if (text !== '') this.out(text)
          continue
        }
        const columns = columnNames(r.schema)
        this.running = r
        try {
          for await (const row of r.rows) this.out(rowJson(columns, row))
        } finally {
          this.running = undefined
        }
      }
      return true
    } catch (err) {
      this.fail(formatDiagnostic(sql, err))
      return false
    }
  }

  private async command(text: string): Promise<void> {
    const cmd = parseCliCommand(text)
    switch (cmd?.kind) {
      case undefined:
      case 'clear':
      case 'history':
        return
      case 'help':
        this.out(HELP_TEXT)
        return
      case 'version':
        this.out(versionText(this.session.target))
        return
      case 'exit':
        this.stopped = true
        return
      case 'output':
        if (cmd.format === undefined) this.out(`Output format: ${this.format}`)
        else this.format = cmd.format
        return
      case 'spool':
        this.spool = cmd.file
        return
      case 'runScript': {
        let script: string
        try {
          script = readFileSync(cmd.file, 'utf8')
        } catch (err) {
          this.fail(`Cannot read ${cmd.file}: ${(err as Error).message}`)
          return
        }
        const { statements, rest } = splitStatements(script)
        for (const stmt of [...statements, ...(rest === '' ? [] : [`${rest};`])]) {
          if (this.stopped || !(await this.sql(stmt))) return
        }
        return
      }
      case 'invalid':
        this.fail(cmd.message)
        return
    }
  }
}

/** Runs `sql` (from -e), or else stdin line by line, on `session`. */
export async function runBatch(
  session: ReplSession,
  ctx: CliContext,
  sql: string | undefined,
  format: OutputFormat = 'TABULAR',
): Promise<void> {
  const runner = new BatchRunner(session, ctx, format)
  const onSigint = (): void => runner.interrupt()
  process.on('SIGINT', onSigint)
  try {
    if (sql !== undefined) {
      await runner.text(sql)
      return
    }
    const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false })
    for await (const line of rl) {
      await runner.line(line)
      if (runner.stopped) break
    }
    rl.close()
    await runner.end()
  } finally {
    process.off('SIGINT', onSigint)
  }
}
