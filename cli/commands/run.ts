import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { Engine } from '../../src/engine/engine.js'
import { type PushQueryResult, selectOrder } from '../../src/engine/results.js'
import { formatDiagnostic } from '../../src/errors.js'
import type { OutRecord } from '../../src/log/topic-backend.js'
import type { JsonValue } from '../../src/qtt/jsonc.js'
import type { Value } from '../../src/types/values.js'
import { renderResult, toJson } from '../format/result.js'
import type { CliContext } from './context.js'

interface RunOptions {
  readonly dataDir: string
  readonly define: string[]
  readonly load: string[]
  readonly follow?: boolean
  readonly inMemory?: boolean
  readonly offsetReset: string
  readonly output: string
  readonly udf: string[]
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

const OUTPUT_MODES = ['json', 'table']

/** A `--load topic=file` still waiting for a stream or table on its topic. */
interface PendingLoad {
  readonly topic: string
  readonly file: string
  readonly lines: readonly string[]
}

/**
 * `eddy run FILE.sql`: runs a query file on the embedded engine (data in --data-dir, or in memory
 * with --in-memory). Statements run in order; persistent queries process what their sources hold;
 * a push query prints its rows (JSON lines, or a table with --output table) and ends at its LIMIT,
 * or (without --follow) once it has read its source.
 *
 * `--load topic=file.jsonl` produces the records of a JSON-lines file to a topic once the pipeline
 * is set up: just before the file's first push query (or after its last statement), in the order
 * the files are given, each processed by the persistent queries before the next. Records are
 * encoded with the key and value formats of the stream or table on the topic. Each line is a
 * record as ksql-test-runner's inputs write it:
 * `{"key": ..., "value": {...}, "timestamp": epochMs}` (`key` and `timestamp` optional; no
 * timestamp = the time of loading).
 */
export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run a SQL file on the embedded engine')
    .argument('<file>', 'SQL file; "-" reads stdin')
    .option('--data-dir <dir>', 'where topics, tables and queries are kept', '.eddy')
    .option(
      '--in-memory',
      'keep topics, tables and queries in memory only (nothing is written; --data-dir is ignored)',
    )
    .option(
      '--define <name=value>',
      'define a variable for substitution in the file (repeatable)',
      collect,
      [],
    )
    .option(
      '--load <topic=file>',
      'produce the records of a JSON-lines file ({"key", "value", "timestamp"} per line) to a topic (repeatable)',
      collect,
      [],
    )
    .option('--follow', 'keep push queries running and printing new rows until Ctrl-C')
    .option('--offset-reset <earliest|latest>', "auto.offset.reset for this run's queries", 'earliest')
    .option('--output <json|table>', 'how push query rows are printed', 'json')
    .option(
      '--udf <path>',
      'load user functions from a module or a directory of modules (repeatable)',
      collect,
      [],
    )
    .action(async (file: string, opts: RunOptions) => {
      if (!OUTPUT_MODES.includes(opts.output)) {
        ctx.err(`eddy run: --output must be json or table, got '${opts.output}'\n`)
        ctx.exitCode = 2
        return
      }
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
      const pending: PendingLoad[] = []
      for (const l of opts.load) {
        const eq = l.indexOf('=')
        if (eq <= 0 || eq === l.length - 1) {
          ctx.err(`eddy run: --load expects topic=file, got '${l}'\n`)
          ctx.exitCode = 2
          return
        }
        const loadFile = l.slice(eq + 1)
        try {
          const lines = (await readFile(loadFile, 'utf8')).split('\n')
          pending.push({ topic: l.slice(0, eq), file: loadFile, lines })
        } catch (err) {
          ctx.err(`eddy run: cannot read ${loadFile}: ${(err as Error).message}\n`)
          ctx.exitCode = 1
          return
        }
      }
      const { Engine } = await import('../../src/engine/engine.js')
      const { parseStatements } = await import('../../grammar/parse.js')
      const engineOptions = {
        properties: {
          'auto.offset.reset': opts.offsetReset,
          ...(opts.udf.length > 0 ? { 'eddy.extension.dir': opts.udf.join(',') } : {}),
        },
        followPushQueries: opts.follow === true,
      }
      let engine: Engine
      if (opts.inMemory === true) {
        const { EmbeddedBackend } = await import('../../src/log/embedded/embedded-backend.js')
        engine = await Engine.create({ ...engineOptions, backend: EmbeddedBackend.inMemory() })
      } else {
        engine = await Engine.open(opts.dataDir, engineOptions)
      }
      // Errors of one statement have positions in that statement's text.
      let current = text
      try {
        if (defines.length > 0) await engine.execute(defines.join('\n'))
        const statements = parseStatements(text, { substituteVariables: false })
        for (const p of statements) {
          // The files are loaded once the pipeline is set up: before the first push query.
          if (p.statement.kind === 'Query') await loadAll(engine, pending)
          // Each statement as written, so DEFINEs in the file apply to the ones after them.
          current = `${p.text};`
          const [result] = await engine.execute(current)
          await engine.runUntilIdle()
          if (result === undefined) continue
          if (result.kind === 'PushQuery') {
            await printRows(result, opts.output === 'table', opts.follow === true, ctx)
            continue
          }
          const out = renderResult.text(result)
          if (out !== '') ctx.out(`${out}\n`)
        }
        current = text
        await loadAll(engine, pending)
      } catch (err) {
        ctx.err(`${formatDiagnostic(current, err)}\n`)
        ctx.exitCode = 1
      } finally {
        await engine.close()
      }
    })
}

/**
 * Produces the `--load` files in the order given (emptying `pending`), each encoded with the formats
 * of the stream or table on its topic; the persistent queries process each file's records before
 * the next file is produced (load tables before the streams joined with them).
 */
async function loadAll(engine: Engine, pending: PendingLoad[]): Promise<void> {
  if (pending.length === 0) return
  const [{ parseJsonc }, { encodeSpecValue }, { valueBodyColumns }] = await Promise.all([
    import('../../src/qtt/jsonc.js'),
    import('../../src/qtt/record-codec.js'),
    import('../../src/types/schema.js'),
  ])
  for (const load of pending.splice(0, pending.length)) {
    const sources = engine.sources().filter((s) => s.topic === load.topic)
    const source = sources.find((s) => s.writtenBy === undefined) ?? sources[0]
    if (source === undefined) {
      throw new Error(`--load ${load.topic}=${load.file}: no stream or table reads topic '${load.topic}'`)
    }
    const records: OutRecord[] = []
    const now = Date.now()
    load.lines.forEach((line, n) => {
      if (line.trim() === '') return
      const where = `${load.file}:${n + 1}`
      let json: JsonValue
      try {
        json = parseJsonc(line)
      } catch (err) {
        throw new Error(`--load ${where}: invalid JSON: ${(err as Error).message}`)
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json) || !('value' in json)) {
        throw new Error(
          `--load ${where}: expected an object with a "value" (and optional "key", "timestamp")`,
        )
      }
      const rec = json as { readonly [k: string]: JsonValue }
      const ts = rec.timestamp
      if (ts !== undefined && ts !== null && typeof ts !== 'number' && typeof ts !== 'bigint') {
        throw new Error(`--load ${where}: "timestamp" must be epoch milliseconds`)
      }
      try {
        records.push({
          key: encodeSpecValue(rec.key ?? null, source.keyFormat, source.schema.key, true),
          value: encodeSpecValue(
            rec.value ?? null,
            source.valueFormat,
            valueBodyColumns(source.schema),
            false,
          ),
          timestamp: ts === undefined || ts === null ? now : Number(ts),
        })
      } catch (err) {
        throw new Error(`--load ${where}: cannot encode for ${source.name}: ${(err as Error).message}`)
      }
    })
    if (records.length > 0) await engine.backend.produce(load.topic, records)
    await engine.runUntilIdle()
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/**
 * Prints a push query's rows. JSON: one object per line as they arrive. Table: without --follow
 * the rows are collected and printed as one aligned table; with --follow each row is printed as it
 * arrives, in columns as wide as their headers (at least 10).
 */
async function printRows(
  result: PushQueryResult,
  table: boolean,
  follow: boolean,
  ctx: CliContext,
): Promise<void> {
  // Columns in SELECT order, as ksqlDB shows transient query rows.
  const order = selectOrder(result)
  if (!table) {
    const schema = { key: [], value: order.columns }
    for await (const row of result.rows) {
      ctx.out(`${renderResult.row(schema, { ...row, values: order.values(row) })}\n`)
    }
    return
  }
  const names = order.columns.map((c) => c.name)
  const cells = (values: readonly Value[], tombstone: boolean): string[] =>
    order.columns.map((c, i) =>
      tombstone && c.namespace !== 'KEY' ? '<deleted>' : cellText(toJson(values[i] ?? null)),
    )
  if (follow) {
    const widths = names.map((n) => Math.max(n.length, 10))
    const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`
    const line = (cs: readonly string[]): string =>
      `| ${cs.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
    ctx.out(`${rule}\n${line(names)}\n${rule}\n`)
    for await (const row of result.rows)
      ctx.out(`${line(cells(order.values(row), row.tombstone === true))}\n`)
    ctx.out(`${rule}\n`)
    return
  }
  const rows: string[][] = []
  for await (const row of result.rows) rows.push(cells(order.values(row), row.tombstone === true))
  ctx.out(
    `${renderResult.text({ kind: 'Listing', statement: result.statement, type: 'rows', columns: names, rows })}\n`,
  )
  ctx.out(`${rows.length} row${rows.length === 1 ? '' : 's'}\n`)
}
