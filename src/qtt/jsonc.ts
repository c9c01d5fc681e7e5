import { posAt } from '../errors.js'
/**
 * A JSON reader for ksqlDB's test files: JSON plus `//` and `/* *\/` comments (outside strings), read
 * the way ksqlDB's Jackson mapper reads them — numbers keep their exact text where a JavaScript
 * `number` would lose it:
 * - an integer that is a safe JavaScript integer → `number`;
 * - a larger integer (BIGINT bounds such as 9223372036854775807) → `bigint`;
 * - a number with a fraction or exponent → `JsonDecimal` (scale kept: `2.50` is not `2.5`).
 */

/** A number with a fraction or exponent, kept as written (Jackson's `BigDecimal`). */
export class JsonDecimal {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  /** The nearest double (for comparisons that read JSON numbers as doubles). */
  toNumber(): number {
    return Number(this.text)
  }
  /** Digits after the decimal point, as BigDecimal counts them (`1.50` → 2, `1e3` → -3). */
  get scale(): number {
    const m = /^-?\d+(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(this.text)
    return (m?.[1]?.length ?? 0) - Number(m?.[2] ?? 0)
  }
  toJSON(): number {
    return this.toNumber()
  }
}

export type JsonValue = null | boolean | number | bigint | string | JsonDecimal | JsonArray | JsonObject
export type JsonArray = readonly JsonValue[]
export interface JsonObject {
  readonly [key: string]: JsonValue
}

/** A JSON text that does not parse; `line`/`column` are 1-based. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError'
  readonly line: number
  readonly column: number
  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}:${column}`)
    this.line = line
    this.column = column
  }
}

/** Parses JSON with comments. Duplicate keys: the last one wins (as in Jackson). */
export function parseJsonc(text: string): JsonValue {
  const reader = new Reader(text)
  reader.skipBlank()
  const value = reader.value(0)
  reader.skipBlank()
  if (!reader.atEnd()) reader.fail('Unexpected text after the JSON value')
  return value
}

const MAX_DEPTH = 1000
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

class Reader {
  private pos = 0
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length
  }

  fail(message: string, at: number = this.pos): never {
    const { line, column } = posAt(this.text, at)
    throw new JsonSyntaxError(message, line, column)
  }

  /** Skips whitespace and comments. */
  skipBlank(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t[this.pos]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++
      } else if (c === '/' && t[this.pos + 1] === '/') {
        const end = t.indexOf('\n', this.pos)
        this.pos = end < 0 ? t.length : end + 1
      } else if (c === '/' && t[this.pos + 1] === '*') {
        const end = t.indexOf('*/', this.pos + 2)
        if (end < 0) this.fail('Unterminated comment')
        this.pos = end + 2
      } else {
        return
      }
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply')
    const c = this.text[this.pos]
    switch (c) {
      case '{':
        return this.object(depth)
      case '[':
        return this.array(depth)
      case '"':
        return this.string()
      case 't':
        return this.literal('true', true)
      case 'f':
        return this.literal('false', false)
      case 'n':
        return this.literal('null', null)
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
        return this.fail(c === undefined ? 'Unexpected end of JSON' : `Unexpected character '${c}'`)
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('Unexpected token')
    this.pos += word.length
    return value
  }

  private number(): JsonValue {
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    if (m === null) return this.fail('Invalid number')
    this.pos += m[0].length
    if (m[1] !== undefined || m[2] !== undefined) return new JsonDecimal(m[0])
    const n = Number(m[0])
    return Number.isSafeInteger(n) ? n : BigInt(m[0])
  }

  private string(): string {
    const t = this.text
    const start = this.pos
    this.pos++
    let out = ''
    let chunk = this.pos
    while (true) {
      if (this.pos >= t.length) this.fail('Unterminated string', start)
      const code = t.charCodeAt(this.pos)
      if (code === 34) break
      if (code < 0x20) this.fail('Control character in string')
      if (code !== 92) {
        this.pos++
        continue
      }
      out += t.slice(chunk, this.pos)
      const e = t[this.pos + 1]
      if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape')
        out += String.fromCharCode(Number.parseInt(hex, 16))
        this.pos += 6
      } else {
        const s = e === undefined ? undefined : ESCAPES[e]
        if (s === undefined) this.fail('Invalid escape')
        out += s
        this.pos += 2
      }
      chunk = this.pos
    }
    out += t.slice(chunk, this.pos)
    this.pos++
    return out
  }

  private array(depth: number): JsonArray {
    this.pos++
    const items: JsonValue[] = []
    this.skipBlank()
    if (this.text[this.pos] === ']') {
      this.pos++
      return items
    }
    while (true) {
      this.skipBlank()
      items.push(this.value(depth + 1))
      this.skipBlank()
      const c = this.text[this.pos]
      this.pos++
      if (c === ']') return items
      if (c !== ',') this.fail("Expected ',' or ']'", this.pos - 1)
    }
  }

  private object(depth: number): JsonObject {
    this.pos++
    const obj: Record<string, JsonValue> = {}
    this.skipBlank()
    if (this.text[this.pos] === '}') {
      this.pos++
      return obj
    }
    while (true) {
      this.skipBlank()
      if (this.text[this.pos] !== '"') this.fail('Expected a property name')
      const key = this.string()
      this.skipBlank()
      if (this.text[this.pos] !== ':') this.fail("Expected ':'")
      this.pos++
      this.skipBlank()
      const value = this.value(depth + 1)
      if (key === '__proto__') {
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
      } else {
        obj[key] = value
      }
      this.skipBlank()
      const c = this.text[this.pos]
      this.pos++
      if (c === '}') return obj
      if (c !== ',') this.fail("Expected ',' or '}'", this.pos - 1)
    }
  }
}
