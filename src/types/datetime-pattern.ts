/**
 * java.time DateTimeFormatter patterns (the subset ksqlDB users write: y M d H h m s S a X x Z z
 * E and quoted literals), for TIMESTAMP_FORMAT and the date/time functions. Times without a zone
 * are UTC, as in ksqlDB's default.
 */

type Part =
  | { readonly kind: 'lit'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly width: number }

const cache = new Map<string, readonly Part[]>()

export function compilePattern(pattern: string): readonly Part[] {
  const hit = cache.get(pattern)
  if (hit !== undefined) return hit
  const parts: Part[] = []
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i] as string
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1)
      if (end === i + 1) {
        parts.push({ kind: 'lit', text: "'" })
        i += 2
        continue
      }
      const stop = end < 0 ? pattern.length : end
      parts.push({ kind: 'lit', text: pattern.slice(i + 1, stop) })
      i = stop + 1
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i
      while (j < pattern.length && pattern[j] === ch) j++
      parts.push({ kind: 'field', letter: ch, width: j - i })
      i = j
    } else {
      parts.push({ kind: 'lit', text: ch })
      i++
    }
  }
  cache.set(pattern, parts)
  return parts
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

/**
 * Parses `text` with a java.time pattern into epoch ms; throws RangeError when it does not match.
 * `allowTrailing`: text after the pattern is ignored, as `SimpleDateFormat#parse(String)` /
 * commons-lang `FastDateFormat` do (ksqlDB's PARSE_DATE); java.time rejects it.
 */
export function parseDateTime(
  text: string,
  pattern: string,
  defaultOffsetMinutes = 0,
  allowTrailing = false,
): number {
  const parts = compilePattern(pattern)
  let pos = 0
  let year = 1970
  let month = 1
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let milli = 0
  let pm: boolean | undefined
  let offset: number | undefined
  const fail = (): never => {
    throw new RangeError(`Text '${text}' could not be parsed with pattern '${pattern}'`)
  }
  const digits = (min: number, max: number): number => {
    let j = pos
    while (j < text.length && j - pos < max && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++
    if (j - pos < min) fail()
    const n = Number(text.slice(pos, j))
    pos = j
    return n
  }
  for (let pi = 0; pi < parts.length; pi++) {
    const p = parts[pi] as Part
    if (p.kind === 'lit') {
      if (!text.startsWith(p.text, pos)) fail()
      pos += p.text.length
      continue
    }
    const next = parts[pi + 1]
    const adjacent = next !== undefined && next.kind === 'field'
    const max = adjacent ? p.width : 10
    switch (p.letter) {
      case 'y':
      case 'u':
        year = digits(p.width === 2 ? 2 : 1, p.width === 2 ? 2 : adjacent ? Math.max(p.width, 4) : 9)
        if (p.width === 2) year += 2000
        break
      case 'M':
      case 'L':
        if (p.width >= 3) {
          const word = text.slice(pos, pos + 3).toUpperCase()
          const m = MONTHS.indexOf(word)
          if (m < 0) fail()
          month = m + 1
          pos += 3
          while (pos < text.length && /[a-z]/i.test(text[pos] as string)) pos++
        } else month = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 'd':
        day = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 'D': {
        const doy = digits(p.width, 3)
        month = 1
        day = doy
        break
      }
      case 'H':
      case 'k':
        hour = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 'h':
      case 'K':
        hour = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 'm':
        minute = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 's':
        second = digits(p.width, Math.max(p.width, adjacent ? p.width : 2))
        break
      case 'S': {
        const start = pos
        const n = digits(p.width, adjacent ? p.width : Math.max(p.width, 9))
        const len = pos - start
        milli = Math.floor(n / 10 ** Math.max(0, len - 3)) * 10 ** Math.max(0, 3 - len)
        break
      }
      case 'a': {
        const w = text.slice(pos, pos + 2).toUpperCase()
        if (w !== 'AM' && w !== 'PM') fail()
        pm = w === 'PM'
        pos += 2
        break
      }
      case 'E': {
        while (pos < text.length && /[a-z]/i.test(text[pos] as string)) pos++
        break
      }
      case 'X':
      case 'x':
      case 'Z':
      case 'z':
      case 'O':
      case 'V': {
        if (p.letter === 'X' && text[pos] === 'Z') {
          offset = 0
          pos++
          break
        }
        const m = /^(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})?/.exec(text.slice(pos))
        if (m !== null) {
          offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'))
          pos += m[0].length
        } else {
          const z = /^(UTC|GMT|Z)/.exec(text.slice(pos))
          if (z === null) fail()
          offset = 0
          pos += (z as RegExpExecArray)[0].length
        }
        break
      }
      default:
        void max
        fail()
    }
  }
  if (pos !== text.length && !allowTrailing) fail()
  if (pm !== undefined) {
    if (hour === 12) hour = 0
    if (pm) hour += 12
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) fail()
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli)
  if (year < 100) {
    const d = new Date(ms)
    d.setUTCFullYear(year)
    return d.getTime() - (offset ?? defaultOffsetMinutes) * 60_000
  }
  return ms - (offset ?? defaultOffsetMinutes) * 60_000
}
