import { KEYWORD_TEXTS } from '../../src/ast/keywords.js'
import type { CompletionData } from './session.js'

/** The CLI's own command words, completed at the start of an input. */
const CLI_WORDS = ['help', 'exit', 'clear', 'version', 'history', 'output', 'spool', 'run script']

/** Keywords after which a stream or table name comes. */
const SOURCE_CONTEXT = new Set(['FROM', 'JOIN', 'INTO', 'DESCRIBE', 'STREAM', 'TABLE', 'EXTENDED'])

export interface Completion {
  /** The part of the buffer replaced by a candidate: [start, end). */
  readonly start: number
  readonly end: number
  /** What was typed there. */
  readonly word: string
  /** Full replacements, best first, without duplicates. */
  readonly candidates: readonly string[]
}

const WORD_CHAR = /[A-Za-z0-9_.`]/

/**
 * TAB completion at `cursor`: keywords, stream/table names, column names (of the sources the
 * statement mentions, else all), function names, and property names inside the quotes of
 * SET / UNSET. Pure: the names come in `data`.
 */
export function complete(buffer: string, cursor: number, data: CompletionData): Completion {
  const before = buffer.slice(0, cursor)
  const stmtStart = lastStatementStart(before)
  const stmt = before.slice(stmtStart)

  // SET 'prop...  /  UNSET 'prop...
  const prop = /^\s*(?:SET|UNSET)\s+'([^']*)$/i.exec(stmt)
  if (prop !== null) {
    const word = prop[1] ?? ''
    const candidates = data.properties.filter((p) => p.startsWith(word)).map((p) => `${p}'`)
    return { start: cursor - word.length, end: cursor, word, candidates }
  }

  let start = cursor
  while (start > 0 && WORD_CHAR.test(before[start - 1] ?? '')) start--
  const word = before.slice(start)
  const previous = /([A-Za-z_]+)\s*$/.exec(before.slice(0, start))?.[1]?.toUpperCase()

  // alias.column / source.column
  const dot = word.lastIndexOf('.')
  if (dot >= 0) {
    const qualifier = word.slice(0, dot)
    const part = word.slice(dot + 1)
    const source = data.sources.find((s) => s.name.toUpperCase() === qualifier.toUpperCase())
    const columns = source?.columns ?? mentionedColumns(buffer, data)
    return {
      start: start + dot + 1,
      end: cursor,
      word: part,
      candidates: unique(matching(columns, part).map((c) => identifier(c, part))),
    }
  }

  const out: string[] = []
  if (previous !== undefined && SOURCE_CONTEXT.has(previous)) {
    // A name comes here: only sources, when some match.
    const sources = matching(
      data.sources.map((s) => s.name),
      word,
    ).map((n) => identifier(n, word))
    if (sources.length > 0) return { start, end: cursor, word, candidates: sources }
  }
  if (stmt.trim() === word && stmtStart === 0) {
    out.push(...matching(CLI_WORDS, word).map((w) => sameCase(w, word)))
  }
  if (word === '') return { start, end: cursor, word, candidates: unique(out) }
  out.push(...matching(mentionedColumns(buffer, data), word).map((c) => identifier(c, word)))
  out.push(
    ...matching(
      data.sources.map((s) => s.name),
      word,
    ).map((n) => identifier(n, word)),
  )
  out.push(...matching(data.functions, word).map((f) => `${sameCase(f, word)}(`))
  out.push(...matching(KEYWORD_TEXTS, word).map((k) => sameCase(k, word)))
  return { start, end: cursor, word, candidates: unique(out) }
}

/** The longest prefix shared by every candidate (case-insensitive; the first one's spelling). */
export function commonPrefix(candidates: readonly string[]): string {
  const first = candidates[0]
  if (first === undefined) return ''
  let n = first.length
  for (const c of candidates) {
    let i = 0
    while (i < n && i < c.length && c[i]?.toUpperCase() === first[i]?.toUpperCase()) i++
    n = i
  }
  return first.slice(0, n)
}

function lastStatementStart(text: string): number {
  let inQuote = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") inQuote = !inQuote
    else if (c === ';' && !inQuote) start = i + 1
  }
  return start
}

/** Columns of the sources named in the buffer; every column when it names none. */
function mentionedColumns(buffer: string, data: CompletionData): string[] {
  const words = new Set(buffer.toUpperCase().match(/[A-Z0-9_]+/g) ?? [])
  const named = data.sources.filter((s) => words.has(s.name.toUpperCase()))
  return (named.length > 0 ? named : data.sources).flatMap((s) => s.columns)
}

function matching(names: readonly string[], prefix: string): string[] {
  const p = prefix.replaceAll('`', '').toUpperCase()
  return names.filter((n) => n.toUpperCase().startsWith(p) && n.length > 0)
}

/** A name as it can be typed: bare when unquoted would do, in the case the user is typing. */
function identifier(name: string, typed: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) return `\`${name}\``
  return sameCase(name, typed)
}

/** Lower-case completions for a lower-case prefix. */
function sameCase(text: string, typed: string): string {
  return typed !== '' && typed === typed.toLowerCase() && /[a-z]/.test(typed) ? text.toLowerCase() : text
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)]
}
