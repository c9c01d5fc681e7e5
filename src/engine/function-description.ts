import type { Listing } from './results.js'

/**
 * A DESCRIBE FUNCTION listing as ksqlDB's CLI prints it (Console.printFunctionDescription):
 * `Name        : SUBSTRING`, variation lines indented by a tab, long descriptions wrapped at
 * word boundaries to the terminal width (at least 80) and indented under their first line.
 */
export function formatFunctionDescription(listing: Listing, terminalWidth = 80): string {
  const out: string[] = []
  for (const [label = '', value = ''] of listing.rows) {
    if (label === '' && value === '') {
      out.push('')
      continue
    }
    const sub = label.startsWith('  ')
    const name = sub ? label.slice(2) : label
    const prefix = `${sub ? '\t' : ''}${name.padEnd(12)}: `
    const labelLen = prefix.replace('\t', '  ').length
    const lines = splitLongLine(value, Math.max(terminalWidth, 80) - labelLen)
    out.push(`${prefix}${lines.join(`\n${' '.repeat(labelLen)}`)}`)
  }
  return out.join('\n')
}

/** ksqlDB's Console.splitLongLine: words (and the spaces between them) fill lines up to `max`. */
function splitLongLine(input: string, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const token of input.split(/( |\n)/)) {
    if (token === '') continue
    if (token === '\n' || line.length + token.length > max) {
      lines.push(line)
      line = ''
      if (token === '\n') continue
    }
    line += token
  }
  lines.push(line)
  return lines
}
