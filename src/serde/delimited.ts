/**
 * ksqlDB's DELIMITED format: one CSV record (Apache commons-csv `CSVFormat.DEFAULT` with the
 * configured delimiter), one field per column, primitive types only.
 */
import type { Column } from '../types/schema.js'
import type { Type } from '../types/type.js'
import type { Value } from '../types/values.js'
import {
  base64Decode,
  base64Encode,
  decodeUtf8,
  encodeUtf8,
  ensureFit,
  javaDoubleToString,
  javaParseDecimal,
  javaParseDouble,
  javaParseInt,
  javaParseLong,
  javaParseLongNumber,
  type RowSerde,
  SerdeError,
  type SerdeOptions,
  toBigInt,
  toColumnScale,
  toNumber,
} from './common.js'

/** VALUE_DELIMITER / KEY_DELIMITER as ksqlDB's `Delimiter.parse` reads it: one character, TAB or SPACE. */
export function parseDelimiter(text: string | undefined): string {
  if (text === undefined) return ','
  const upper = text.toUpperCase()
  if (upper === 'TAB') return '\t'
  if (upper === 'SPACE') return ' '
  if (text.length === 0 || text.trim().length === 0) {
    throw new SerdeError(
      "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'",
    )
  }
  if (text.length !== 1) {
    throw new SerdeError(
      `Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE`,
    )
  }
  return text
}

/**
 * Reads the first record of a CSV text (commons-csv DEFAULT: `"` quotes with `""` escapes, no
 * escape character, surrounding spaces kept, empty lines skipped). Returns [] when there is no record.
 */
export function parseCsvRecord(text: string, delimiter: string): string[] {
  const d = delimiter.charCodeAt(0)
  const n = text.length
  let pos = 0
  // ignoreEmptyLines: skip leading line breaks
  while (pos < n) {
    const c = text.charCodeAt(pos)
    if (c === 10 || c === 13) pos++
    else break
  }
  if (pos >= n) return []
  const fields: string[] = []
  while (true) {
    if (pos < n && text.charCodeAt(pos) === 34) {
      // encapsulated token
      pos++
      let value = ''
      let chunk = pos
      while (true) {
        if (pos >= n) throw new Error('EOF reached before encapsulated token finished')
        const c = text.charCodeAt(pos)
        if (c === 34) {
          if (pos + 1 < n && text.charCodeAt(pos + 1) === 34) {
            value += text.slice(chunk, pos + 1)
            pos += 2
            chunk = pos
            continue
          }
          value += text.slice(chunk, pos)
          pos++
          break
        }
        pos++
      }
      fields.push(value)
      // after the closing quote: whitespace, then a delimiter, a line break or the end
      while (pos < n) {
        const c = text.charCodeAt(pos)
        if (c === d || c === 10 || c === 13) break
        if (c === 32 || c === 9 || c === 11 || c === 12 || (c >= 28 && c <= 31)) {
          pos++
          continue
        }
        throw new Error('Invalid char between encapsulated token and delimiter')
      }
    } else {
      let end = pos
      while (end < n) {
        const c = text.charCodeAt(end)
        if (c === d || c === 10 || c === 13) break
        end++
      }
      fields.push(text.slice(pos, end))
      pos = end
    }
    if (pos >= n) return fields
    const c = text.charCodeAt(pos)
    if (c === d) {
      pos++
      if (pos >= n) {
        fields.push('')
        return fields
      }
      continue
    }
    return fields // line break: end of the first record
  }
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** commons-csv's QuoteMode.MINIMAL as ksqlDB's version applies it. */
function needsQuotes(s: string, first: boolean, d: number): boolean {
  const n = s.length
  if (n === 0) return first
  const c0 = s.charCodeAt(0)
  if (first && !isAlnum(c0)) return true
  if (c0 <= 35 /* '#' */) return true
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 10 || c === 13 || c === 34 || c === d) return true
  }
  return s.charCodeAt(n - 1) <= 32
}

type Parser = (text: string) => Value
type Formatter = (v: Value) => string

function parser(t: Type): Parser {
  switch (t.kind) {
    case 'BOOLEAN':
      return (s) => s.toLowerCase() === 'true'
    case 'INTEGER':
      return javaParseInt
    case 'BIGINT':
      return javaParseLong
    case 'DOUBLE':
      return javaParseDouble
    case 'STRING':
      return (s) => s
    case 'DECIMAL': {
      const { precision, scale } = t
      return (s) => ensureFit(javaParseDecimal(s), precision, scale)
    }
    case 'TIMESTAMP':
      return javaParseLongNumber
    case 'DATE':
      return javaParseInt
    case 'TIME':
      return (s) => {
        const v = javaParseInt(s)
        if (v < 0 || v > 86400000) {
          throw new Error(
            'Time values must use number of milliseconds greater than 0 and less than 86400000.',
          )
        }
        return v
      }
    case 'BYTES':
      return base64Decode
    default:
      throw new SerdeError(`The 'DELIMITED' format does not support type '${t.kind}'`)
  }
}

function formatter(t: Type): Formatter {
  switch (t.kind) {
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false')
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => String(typeof v === 'number' ? v : toNumber(v))
    case 'BIGINT':
      return (v) => String(typeof v === 'bigint' ? v : toBigInt(v))
    case 'DOUBLE':
      return (v) => javaDoubleToString(typeof v === 'number' ? v : toNumber(v))
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : String(v))
    case 'DECIMAL': {
      const scale = t.scale
      return (v) => toColumnScale(v, scale).toString()
    }
    case 'BYTES':
      return (v) => base64Encode(v as Uint8Array)
    default:
      throw new SerdeError(`The 'DELIMITED' format does not support type '${t.kind}'`)
  }
}

export function createDelimitedSerde(
  columns: readonly Column[],
  delimiterSpec: string | undefined,
  options: SerdeOptions,
): RowSerde {
  const delimiter = parseDelimiter(delimiterSpec)
  const d = delimiter.charCodeAt(0)
  const parsers = columns.map((c) => parser(c.type))
  const formatters = columns.map((c) => formatter(c.type))
  const n = columns.length
  const topic = options.topic ?? '?'
  return {
    serialize(values) {
      if (values === null) return null
      if (options.isKey && n === 1 && (values[0] === null || values[0] === undefined)) return null
      if (values.length !== n) {
        throw new SerdeError(
          `Column count mismatch on serialization. topic: ${topic}, expected: ${n}, got: ${values.length}`,
        )
      }
      let out = ''
      for (let i = 0; i < n; i++) {
        if (i > 0) out += delimiter
        const v = values[i]
        if (v === null || v === undefined) continue
        const s = formatters[i]!(v)
        out += needsQuotes(s, i === 0, d) ? `"${s.replaceAll('"', '""')}"` : s
      }
      return encodeUtf8(out)
    },
    deserialize(bytes) {
      if (bytes === null) return null
      try {
        const fields = parseCsvRecord(decodeUtf8(bytes), delimiter)
        if (fields.length === 0) throw new Error('No fields in record')
        if (fields.length !== n) {
          throw new Error(
            `Column count mismatch on deserialization. topic: ${topic}, expected: ${n}, got: ${fields.length}`,
          )
        }
        const out = new Array<Value>(n)
        for (let i = 0; i < n; i++) {
          const f = fields[i]!
          out[i] = f.length === 0 ? null : parsers[i]!(f)
        }
        return out
      } catch (e) {
        throw new SerdeError(`Error deserializing delimited: ${(e as Error).message}`)
      }
    },
  }
}
