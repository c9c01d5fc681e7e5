import Table from 'cli-table3'
import { formatFunctionDescription } from '../../src/engine/function-description.js'
import type { Listing, PushRow } from '../../src/engine/results.js'
import { Decimal } from '../../src/types/decimal.js'
import type { LogicalSchema } from '../../src/types/schema.js'
import type { Value } from '../../src/types/values.js'
import { toJson } from '../format/result.js'
import type { OutputFormat } from './input.js'
import type { SessionResult } from './session.js'

/**
 * Text renderings shared by the interactive REPL and its non-interactive mode: listings as
 * ksql-like ASCII tables (cli-table3), push-query rows as table lines (TABULAR) or JSON objects.
 */

const CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '|',
  'right-mid': '',
  middle: '|',
}

const STYLE = { head: [], border: [], 'padding-left': 1, 'padding-right': 1 }

/** Inverse video: how the live table view marks a cell that just changed. */
export const HIGHLIGHT_ON = '\u001b[7m'
export const HIGHLIGHT_OFF = '\u001b[27m'

/** One value as a table cell: strings bare, NULL as `null`, composites as JSON. */
export function cellText(v: Value): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return v
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Decimal) return v.toString()
  return JSON.stringify(toJson(v))
}

/** Column names of a push query's rows (key columns first, as the rows are). */
export function columnNames(schema: LogicalSchema): string[] {
  return [...schema.key, ...schema.value].map((c) => c.name)
}

/** A boxed table: header, a rule, the rows. `colWidths` (cell width incl. padding) wraps long cells. */
export function boxTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  colWidths?: readonly number[],
): string {
  const t = new Table({
    chars: CHARS,
    style: STYLE,
    ...(colWidths === undefined
      ? {}
      : { colWidths: [...colWidths], wordWrap: true, wrapOnWordBoundary: false }),
  })
  t.push([...columns], ...rows.map((r) => [...r]))
  const lines = t.toString().split('\n')
  const rule = lines[0] ?? ''
  // cli-table3 draws the header row's lines after the top rule; add the rule under them.
  const headerLines = headerHeight(columns, colWidths)
  return [...lines.slice(0, 1 + headerLines), rule, ...lines.slice(1 + headerLines)].join('\n')
}

function headerHeight(columns: readonly string[], colWidths: readonly number[] | undefined): number {
  if (colWidths === undefined) return 1
  return Math.max(1, ...columns.map((c, i) => Math.ceil(c.length / Math.max(1, (colWidths[i] ?? 3) - 2))))
}

/**
 * A Listing (SHOW / LIST / DESCRIBE / EXPLAIN) in the given output format. DESCRIBE FUNCTION is
 * text as ksqlDB prints it, its descriptions wrapped to `terminalWidth` (at least 80).
 */
export function renderListing(listing: Listing, format: OutputFormat, terminalWidth = 80): string {
  if (format === 'JSON') {
    return JSON.stringify({
      '@type': listing.type,
      statementText: listing.statement,
      rows: listing.rows.map((r) => Object.fromEntries(listing.columns.map((c, i) => [c, r[i] ?? '']))),
    })
  }
  if (listing.rows.length === 0 && listing.columns.length === 0) return ''
  if (listing.type === 'describe_function') return formatFunctionDescription(listing, terminalWidth)
  return boxTable(listing.columns, listing.rows)
}

/** A statement result other than a push query's rows. */
export function renderResult(result: SessionResult, format: OutputFormat): string {
  switch (result.kind) {
    case 'Listing':
      return renderListing(result, format)
    case 'CommandStatus':
    case 'QueryStarted':
      if (format === 'JSON') {
        return JSON.stringify({
          '@type': 'currentStatus',
          statementText: result.statement,
          commandStatus: { status: 'SUCCESS', message: result.message },
          ...(result.kind === 'QueryStarted' ? { queryId: result.queryId } : {}),
        })
      }
      return result.message
    case 'PushQuery':
      return ''
  }
}

/** A push row as one JSON object keyed by column name (`tombstone: true` for a deleted row). */
export function rowJson(columns: readonly string[], row: PushRow): string {
  const obj: Record<string, unknown> = {}
  columns.forEach((n, i) => {
    obj[n] = toJson(row.values[i] ?? null)
  })
  return JSON.stringify(row.tombstone === true ? { ...obj, tombstone: true } : obj)
}

/** The cells of a push row (a tombstone shows `<TOMBSTONE>` in its value columns). */
export function rowCells(row: PushRow, columnCount: number, keyCount: number): string[] {
  const cells: string[] = []
  for (let i = 0; i < columnCount; i++) {
    cells.push(row.tombstone === true && i >= keyCount ? '<TOMBSTONE>' : cellText(row.values[i] ?? null))
  }
  return cells
}

// ---------------------------------------------------------------------------------------------
// Push query over a stream: a header once, then a line (or a few, when wrapped) per row.

/** Fixed column widths (incl. padding) sharing the terminal width, as ksql's CLI does. */
export function streamColumnWidths(columns: readonly string[], terminalWidth: number): number[] {
  const n = Math.max(1, columns.length)
  const share = Math.floor((terminalWidth - n - 1) / n)
  return columns.map((c) => Math.max(8, Math.min(c.length + 2, share), Math.min(32, share)))
}

/** The header of a stream's live table: top rule, column names, rule. */
export function streamHeader(columns: readonly string[], widths: readonly number[]): string {
  const lines = boxTable(columns, [], widths).split('\n')
  return lines.slice(0, -1).join('\n')
}

/** One row of a stream's live table (no rules). */
export function streamRowLines(cells: readonly string[], widths: readonly number[]): string {
  const t = new Table({
    chars: CHARS,
    style: STYLE,
    colWidths: [...widths],
    wordWrap: true,
    wrapOnWordBoundary: false,
  })
  t.push([...cells])
  const lines = t.toString().split('\n')
  return lines.slice(1, -1).join('\n')
}

/** The rule that closes a stream's live table. */
export function streamFooter(widths: readonly number[]): string {
  return `+${widths.map((w) => '-'.repeat(w)).join('+')}+`
}

// ---------------------------------------------------------------------------------------------
// Push query over a table: one row per key, updated in place.

export interface TableViewRow {
  readonly cells: readonly string[]
  /** Per cell: show it highlighted (it changed recently). */
  readonly highlight?: readonly boolean[]
}

/** The live table of a changelog query; highlighted cells in inverse video. */
export function tableView(columns: readonly string[], rows: readonly TableViewRow[]): string {
  return boxTable(
    columns,
    rows.map((r) =>
      r.cells.map((c, i) => (r.highlight?.[i] === true ? `${HIGHLIGHT_ON}${c}${HIGHLIGHT_OFF}` : c)),
    ),
  )
}

/** Removes ANSI escape sequences (spool files get plain text). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
}
