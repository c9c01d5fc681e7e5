import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Entries kept in the history file (older ones are dropped when it is rewritten). */
export const HISTORY_LIMIT = 1000

/** `$EDDY_HISTORY_FILE`, else `~/.eddy_history`. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const f = env.EDDY_HISTORY_FILE
  return f !== undefined && f !== '' ? f : join(homedir(), '.eddy_history')
}

/** One entry per line; a multi-line statement keeps its line breaks as `\n` (and `\` as `\\`). */
export function encodeEntry(entry: string): string {
  return entry.replaceAll('\\', '\\\\').replaceAll('\r', '').replaceAll('\n', '\\n')
}

export function decodeEntry(line: string): string {
  return line.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'))
}

/** The entries in the file, oldest first ([] when it does not exist or cannot be read). */
export function loadHistory(file: string): string[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const entries = text
    .split('\n')
    .filter((l) => l !== '')
    .map(decodeEntry)
  if (entries.length > HISTORY_LIMIT) {
    const kept = entries.slice(-HISTORY_LIMIT)
    try {
      writeFileSync(file, kept.map((e) => `${encodeEntry(e)}\n`).join(''))
    } catch {
      // A read-only history file still serves this session.
    }
    return kept
  }
  return entries
}

/** Appends one entry; a history file that cannot be written is not an error for the REPL. */
export function appendHistory(file: string, entry: string): void {
  try {
    appendFileSync(file, `${encodeEntry(entry)}\n`)
  } catch {
    // ignore: history is a convenience
  }
}
