/** Texts of the REPL's own commands (interactive and non-interactive). */

export const EDDY_VERSION = '0.1.0'

export const PROMPT = 'eddy> '
export const CONTINUATION = '    > '

export const HELP_TEXT = `Eddy REPL: type SQL statements ending with ';' (they may span several lines).

CLI commands (no ';' needed):
  help                  this text
  version               the Eddy version
  history               the statements entered so far
  output [JSON|TABULAR] show or change how results are printed
  spool <file> | off    copy everything typed and printed to <file> (plain text)
  run script '<file>'   run the statements in <file>
  clear                 clear the screen
  exit                  leave (also Ctrl-D at an empty prompt, or Ctrl-C twice)

Keys: up/down history, Ctrl-R reverse search, TAB completion (keywords, streams, tables,
columns, functions, properties in SET '...'), Ctrl-A/E line start/end, Ctrl-U/K/W delete,
Ctrl-C stops a running push query or clears the line.

Statements go to the engine: SET/UNSET/DEFINE/UNDEFINE last for the session, e.g.
  SET 'auto.offset.reset'='earliest';
A push query (SELECT ... EMIT CHANGES) runs until Ctrl-C or its LIMIT; over a stream its rows
are appended, over a table (GROUP BY, or FROM a table) each key's row is updated in place.`

export function versionText(target: string): string {
  return `Eddy ${EDDY_VERSION} (${target})`
}

/** `history` output: numbered entries, multi-line ones indented. */
export function historyText(history: readonly string[]): string {
  const width = String(history.length).length
  return history
    .map((h, i) => `${String(i + 1).padStart(width)}  ${h.replaceAll('\n', `\n${' '.repeat(width + 2)}`)}`)
    .join('\n')
}
