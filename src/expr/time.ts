/**
 * ksqlDB's SqlTimeTypes: the text forms of TIMESTAMP / DATE / TIME used by CAST, comparisons of
 * temporal values with strings and INSERT VALUES. Parsing accepts partial timestamps
 * (`2018`, `2018-01-01T10`, ...) with an optional zone (`Z`, `+0445`, `+04:45`); no zone is UTC.
 */

export const MS_PER_DAY = 86_400_000

const TIMESTAMP_RE =
  /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/

function zoneMinutes(z: string | undefined): number {
  if (z === undefined || z === 'Z') return 0
  const sign = z[0] === '-' ? -1 : 1
  const digits = z.slice(1).replace(':', '')
  const h = Number(digits.slice(0, 2))
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  return sign * (h * 60 + m)
}

/** Parses a (partial) ISO timestamp into epoch ms; throws Error with ksqlDB's wording. */
export function parseTimestamp(text: string): number {
  const m = TIMESTAMP_RE.exec(text.trim())
  if (m === null) throw new Error(`Failed to parse timestamp '${text}': Text '${text}' could not be parsed`)
  const year = Number(m[1])
  const month = m[2] === undefined ? 1 : Number(m[2])
  const day = m[3] === undefined ? 1 : Number(m[3])
  const hour = m[4] === undefined ? 0 : Number(m[4])
  const minute = m[5] === undefined ? 0 : Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  const milli = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3))
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new Error(`Failed to parse timestamp '${text}': Text '${text}' could not be parsed`)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, milli) - zoneMinutes(m[8]) * 60_000
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** `yyyy-MM-dd` to days since the epoch. */
export function parseDate(text: string): number {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim())
  if (m === null) throw new Error(`Failed to parse date '${text}'`)
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new Error(`Failed to parse date '${text}'`)
  return Date.UTC(y, mo - 1, d) / MS_PER_DAY
}

/** `HH:mm[:ss[.SSS]]` to milliseconds of the day. */
export function parseTime(text: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text.trim())
  if (m === null) throw new Error(`Failed to parse time '${text}'`)
  const h = Number(m[1])
  const mi = Number(m[2])
  const s = m[3] === undefined ? 0 : Number(m[3])
  const ms = m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0').slice(0, 3))
  if (h > 23 || mi > 59 || s > 59) throw new Error(`Failed to parse time '${text}'`)
  return ((h * 60 + mi) * 60 + s) * 1000 + ms
}

const p2 = (n: number): string => String(n).padStart(2, '0')
const p3 = (n: number): string => String(n).padStart(3, '0')

function yearText(y: number): string {
  if (y < 0) return `-${String(-y).padStart(4, '0')}`
  return y > 9999 ? `+${y}` : String(y).padStart(4, '0')
}

/** `yyyy-MM-ddTHH:mm:ss.SSS` in UTC (SqlTimeTypes.formatTimestamp). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms)
  return `${yearText(d.getUTCFullYear())}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`
}

/** `yyyy-MM-dd`. */
export function formatDate(days: number): string {
  const d = new Date(days * MS_PER_DAY)
  return `${yearText(d.getUTCFullYear())}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`
}

/** `HH:mm:ss` plus `.SSS` when there are milliseconds (java.time ISO_LOCAL_TIME). */
export function formatTime(msOfDay: number): string {
  const ms = msOfDay % 1000
  const total = Math.floor(msOfDay / 1000)
  const base = `${p2(Math.floor(total / 3600))}:${p2(Math.floor(total / 60) % 60)}:${p2(total % 60)}`
  return ms === 0 ? base : `${base}.${p3(ms)}`
}
