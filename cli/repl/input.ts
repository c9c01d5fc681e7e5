/**
 * What the REPL does with typed text before anything reaches the engine: splitting a buffer into
 * `;`-terminated statements (quotes and comments respected) and recognising the CLI's own
 * commands (`help`, `exit`, `SPOOL f`, `RUN SCRIPT 'f'`, ...), which need no `;`.
 */

export interface SplitInput {
  /** Complete statements, each with its `;`, trimmed. */
  readonly statements: readonly string[]
  /** Text after the last `;` (an unfinished statement), trimmed; '' when only blanks/comments. */
  readonly rest: string
}

/** Splits `text` at every `;` outside string literals, quoted identifiers and comments. */
export function splitStatements(text: string): SplitInput {
  const statements: string[] = []
  let start = 0
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c === "'" || c === '"' || c === '`') {
      // A quote ends at the next unescaped quote of the same kind ('' escapes ').
      i++
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) {
            i += 2
            continue
          }
          break
        }
        i++
      }
      i++
      continue
    }
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i)
      i = nl === -1 ? n : nl + 1
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
      continue
    }
    if (c === ';') {
      const stmt = text.slice(start, i + 1).trim()
      if (stmt !== ';') statements.push(stmt)
      start = i + 1
    }
    i++
  }
  const rest = text.slice(start)
  return { statements, rest: onlyBlanksOrComments(rest) ? '' : rest.trim() }
}

function onlyBlanksOrComments(text: string): boolean {
  return (
    text
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() === ''
  )
}

/** True when `text` is inside an unterminated string literal at its end. */
export function insideStringLiteral(text: string): boolean {
  let inside = false
  let inComment: 'line' | 'block' | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inComment === 'line') {
      if (c === '\n') inComment = undefined
      continue
    }
    if (inComment === 'block') {
      if (c === '*' && text[i + 1] === '/') {
        inComment = undefined
        i++
      }
      continue
    }
    if (c === "'") inside = !inside
    else if (!inside && c === '-' && text[i + 1] === '-') inComment = 'line'
    else if (!inside && c === '/' && text[i + 1] === '*') inComment = 'block'
  }
  return inside
}

/** The REPL's own commands (ksql CLI's in-shell commands). */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'exit' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'version' }
  | { readonly kind: 'history' }
  | { readonly kind: 'output'; readonly format?: OutputFormat }
  | { readonly kind: 'spool'; readonly file?: string }
  | { readonly kind: 'runScript'; readonly file: string }
  | { readonly kind: 'invalid'; readonly message: string }

export type OutputFormat = 'TABULAR' | 'JSON'

function unquote(s: string): string {
  const t = s.trim()
  if (t.length >= 2 && ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')))) {
    return t.slice(1, -1).replaceAll(`${t[0]}${t[0]}`, t[0] as string)
  }
  return t
}

/**
 * The CLI command that `text` is (case-insensitive, an optional trailing `;`), or undefined for
 * SQL. Only a whole input is a command: `RUN SCRIPT 'f.sql'`, `spool out.txt`, `output json`.
 */
export function parseCliCommand(text: string): CliCommand | undefined {
  const t = text.trim().replace(/;\s*$/, '').trim()
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(t)
  if (m === null) return undefined
  const word = (m[1] ?? '').toLowerCase()
  const arg = (m[2] ?? '').trim()
  switch (word) {
    case 'help':
    case 'clear':
    case 'version':
    case 'history':
      return arg === '' ? { kind: word } : undefined
    case 'exit':
    case 'quit':
      return arg === '' ? { kind: 'exit' } : undefined
    case 'output': {
      if (arg === '') return { kind: 'output' }
      const f = arg.toUpperCase()
      if (f === 'JSON' || f === 'TABULAR') return { kind: 'output', format: f }
      return { kind: 'invalid', message: `Invalid output format: '${arg}' (expected JSON or TABULAR)` }
    }
    case 'spool': {
      if (arg === '') return { kind: 'invalid', message: 'SPOOL needs a file name, or OFF' }
      return arg.toUpperCase() === 'OFF' ? { kind: 'spool' } : { kind: 'spool', file: unquote(arg) }
    }
    case 'run': {
      const s = /^script\s+([\s\S]+)$/i.exec(arg)
      if (s === null) return undefined
      return { kind: 'runScript', file: unquote(s[1] ?? '') }
    }
    default:
      return undefined
  }
}

/**
 * Whether the editor buffer is ready to run on Enter: a CLI command, or text whose last
 * non-blank content closes a statement with `;`.
 */
export function isComplete(buffer: string): boolean {
  if (buffer.trim() === '') return false
  if (parseCliCommand(buffer) !== undefined) return true
  const { statements, rest } = splitStatements(buffer)
  return statements.length > 0 && rest === ''
}
