/**
 * A strict JSON parser that keeps numbers exact, as Jackson reads them for ksqlDB
 * (USE_BIG_DECIMAL_FOR_FLOATS + exact big decimals). It is the slow path of the JSON deserializer,
 * used only for records whose text holds long digit runs or when a value needs the number's text.
 *
 * Numbers come out as:
 * - an integer with at most 15 digits → `number` (exact);
 * - a longer integer → `bigint`;
 * - a number with a fraction or exponent → `JsonNum` (the text as written).
 */

/** A JSON number with a fraction or exponent, kept as written (Jackson's DecimalNode). */
export class JsonNum {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

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

export function parseJsonExact(text: string): unknown {
  const p = new Parser(text)
  p.blank()
  const v = p.value(0)
  p.blank()
  if (p.pos < text.length) p.fail('Unexpected character after the JSON value')
  return v
}

class Parser {
  pos = 0
  constructor(private readonly t: string) {}

  fail(message: string): never {
    throw new Error(`${message} at position ${this.pos}`)
  }

  blank(): void {
    const t = this.t
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++
      else return
    }
  }

  value(depth: number): unknown {
    if (depth > 1000) this.fail('JSON nested too deeply')
    const c = this.t[this.pos]
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
        return this.fail(c === undefined ? 'Unexpected end of JSON input' : `Unexpected character '${c}'`)
    }
  }

  private literal(word: string, v: unknown): unknown {
    if (!this.t.startsWith(word, this.pos)) this.fail('Unexpected token')
    this.pos += word.length
    return v
  }

  private number(): unknown {
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.t)
    if (m === null) return this.fail('Invalid number')
    this.pos += m[0].length
    const text = m[0]
    if (m[1] !== undefined || m[2] !== undefined) return new JsonNum(text)
    const digits = text.charCodeAt(0) === 45 ? text.length - 1 : text.length
    if (digits <= 15) {
      const n = Number(text)
      return n === 0 ? 0 : n
    }
    return BigInt(text)
  }

  private string(): string {
    const t = this.t
    this.pos++
    let out = ''
    let chunk = this.pos
    while (true) {
      if (this.pos >= t.length) this.fail('Unterminated string')
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

  private array(depth: number): unknown[] {
    this.pos++
    const items: unknown[] = []
    this.blank()
    if (this.t[this.pos] === ']') {
      this.pos++
      return items
    }
    while (true) {
      this.blank()
      items.push(this.value(depth + 1))
      this.blank()
      const c = this.t[this.pos]
      this.pos++
      if (c === ']') return items
      if (c !== ',') this.fail("Expected ',' or ']'")
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++
    const obj: Record<string, unknown> = {}
    this.blank()
    if (this.t[this.pos] === '}') {
      this.pos++
      return obj
    }
    while (true) {
      this.blank()
      if (this.t[this.pos] !== '"') this.fail('Expected a property name')
      const key = this.string()
      this.blank()
      if (this.t[this.pos] !== ':') this.fail("Expected ':'")
      this.pos++
      this.blank()
      const v = this.value(depth + 1)
      if (key === '__proto__') {
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true })
      } else {
        obj[key] = v
      }
      this.blank()
      const c = this.t[this.pos]
      this.pos++
      if (c === '}') return obj
      if (c !== ',') this.fail("Expected ',' or '}'")
    }
  }
}
