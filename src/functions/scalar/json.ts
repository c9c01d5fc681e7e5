import { bytesToBase64, javaDoubleToString } from '../../expr/cast.js'
import { formatDate, formatTime, formatTimestamp } from '../../expr/time.js'
import type { Decimal } from '../../types/decimal.js'
import { T, type Type } from '../../types/type.js'
import type { Struct, Value } from '../../types/values.js'
import { doc, P, type ScalarFunction, scalarFunction } from '../registry.js'

/**
 * JSON functions: IS_JSON_STRING, JSON_ARRAY_CONTAINS, JSON_ARRAY_LENGTH, JSON_CONCAT, JSON_ITEMS,
 * JSON_KEYS, JSON_RECORDS, TO_JSON_STRING. Parsing follows Jackson's readTree as ksqlDB's
 * UdfJsonMapper configures it: numbers keep their text, object keys keep their order (a repeated
 * key keeps its first position and its last value), and text after the first value is ignored.
 */

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(
    readonly text: string,
    readonly integral: boolean,
  ) {}
}

export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | Map<string, JsonNode>

/** No JSON value at all (empty or blank text): Jackson's MissingNode. */
export const MISSING = Symbol('missing')

class JsonSyntaxError extends Error {}

/** Parses the first JSON value of `text`; MISSING when there is none; throws JsonSyntaxError. */
export function parseJsonNode(text: string): JsonNode | typeof MISSING {
  let i = 0
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 32 || c === 9 || c === 10 || c === 13) i++
      else break
    }
  }
  const fail = (): never => {
    throw new JsonSyntaxError(`Unexpected character at ${i}`)
  }
  const value = (): JsonNode => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const obj = new Map<string, JsonNode>()
      ws()
      if (text[i] === '}') {
        i++
        return obj
      }
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        const k = str()
        ws()
        if (text[i] !== ':') fail()
        i++
        obj.set(k, value())
        ws()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return obj
        }
        fail()
      }
    }
    if (c === '[') {
      i++
      const arr: JsonNode[] = []
      ws()
      if (text[i] === ']') {
        i++
        return arr
      }
      for (;;) {
        arr.push(value())
        ws()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return arr
        }
        fail()
      }
    }
    if (c === '"') return str()
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m !== null && m[0] !== '' && m[0] !== '-') {
      i += m[0].length
      return new JsonNumber(m[0], m[1] === undefined && m[2] === undefined)
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length
        return v
      }
    }
    return fail()
  }
  const str = (): string => {
    i++
    let out = ''
    for (;;) {
      const c = text[i]
      if (c === undefined) fail()
      if (c === '"') {
        i++
        return out
      }
      if (c === '\\') {
        const e = text[i + 1]
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        }
        if (e === 'u') {
          const hex = text.substring(i + 2, i + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail()
          out += String.fromCharCode(Number.parseInt(hex, 16))
          i += 6
        } else if (e !== undefined && simple[e] !== undefined) {
          out += simple[e]
          i += 2
        } else fail()
        continue
      }
      if ((c as string).charCodeAt(0) < 32) fail()
      out += c
      i++
    }
  }
  ws()
  if (i >= text.length) return MISSING
  return value()
}

/** UdfJsonMapper.parseJson: ksqlDB's error on invalid JSON. */
function parseOrThrow(text: string): JsonNode | typeof MISSING {
  try {
    return parseJsonNode(text)
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new Error(`Invalid JSON format:${text}`)
    throw e
  }
}

/** Jackson's string escaping. */
export function jsonQuote(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 34) out += '\\"'
    else if (c === 92) out += '\\\\'
    else if (c < 32) {
      const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }
      out += short[c] ?? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
    } else out += s[i]
  }
  return `${out}"`
}

/** JsonNode.toString(): compact JSON. */
export function writeJsonNode(n: JsonNode): string {
  if (n === null) return 'null'
  if (typeof n === 'boolean') return n ? 'true' : 'false'
  if (typeof n === 'string') return jsonQuote(n)
  if (n instanceof JsonNumber) return n.text
  if (Array.isArray(n)) return `[${n.map(writeJsonNode).join(',')}]`
  const parts: string[] = []
  for (const [k, v] of n) parts.push(`${jsonQuote(k)}:${writeJsonNode(v)}`)
  return `{${parts.join(',')}}`
}

const isObject = (n: JsonNode | typeof MISSING): n is Map<string, JsonNode> => n instanceof Map

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** TO_JSON_STRING's writer for a value of type `t` (struct fields and map keys sorted). */
function jsonWriter(t: Type | null): (v: Value) => string {
  if (t === null) return () => 'null'
  const nn =
    (f: (v: Value) => string) =>
    (v: Value): string =>
      v === null ? 'null' : f(v)
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
      return nn((v) => String(v))
    case 'DOUBLE':
      return nn((v) => {
        const d = v as number
        return Number.isFinite(d) ? javaDoubleToString(d) : `"${javaDoubleToString(d)}"`
      })
    case 'DECIMAL':
      return nn((v) => (v as Decimal).toString())
    case 'STRING':
      return nn((v) => jsonQuote(v as string))
    case 'BYTES':
      return nn((v) => jsonQuote(bytesToBase64(v as Uint8Array)))
    case 'DATE':
      return nn((v) => jsonQuote(formatDate(v as number)))
    case 'TIME':
      return nn((v) => jsonQuote(formatTime(v as number)))
    case 'TIMESTAMP':
      return nn((v) => jsonQuote(formatTimestamp(v as number)))
    case 'ARRAY': {
      const w = jsonWriter(t.element)
      return nn((v) => `[${(v as readonly Value[]).map(w).join(',')}]`)
    }
    case 'MAP': {
      const w = jsonWriter(t.value)
      return nn((v) => {
        const entries = new Map<string, Value>()
        for (const [k, x] of v as ReadonlyMap<Value, Value>) entries.set(String(k), x)
        const keys = [...entries.keys()].sort(byCodeUnits)
        return `{${keys.map((k) => `${jsonQuote(k)}:${w(entries.get(k) ?? null)}`).join(',')}}`
      })
    }
    case 'STRUCT': {
      const fields = [...t.fields]
        .sort((a, b) => byCodeUnits(a.name, b.name))
        .map((f) => ({ name: f.name, key: jsonQuote(f.name), w: jsonWriter(f.type) }))
      return nn((v) => {
        const s = v as Struct
        return `{${fields.map((f) => `${f.key}:${f.w(s[f.name] ?? null)}`).join(',')}}`
      })
    }
  }
}

/** Whether JSON value `n` equals `val` of type `t` as JSON_ARRAY_CONTAINS compares them. */
function containsMatcher(t: Type | null): (n: JsonNode, val: Value) => boolean {
  switch (t?.kind) {
    case undefined:
      return (n) => n === null
    case 'INTEGER':
      return (n, v) => n instanceof JsonNumber && n.integral && Number(n.text) === v
    case 'BIGINT':
      return (n, v) => n instanceof JsonNumber && n.integral && BigInt(n.text) === v
    case 'DOUBLE':
      return (n, v) => n instanceof JsonNumber && !n.integral && Number(n.text) === v
    case 'STRING':
    case 'BOOLEAN':
      return (n, v) => n === v
    default:
      return () => false
  }
}

export function jsonFunctions(): ScalarFunction[] {
  const t = P.generic('T')
  return [
    scalarFunction({
      name: 'IS_JSON_STRING',
      description: 'Given a string, returns true if it can be parsed as a valid JSON value, false otherwise.',
      signatures: [
        {
          ...doc('Returns whether the string is valid JSON.', ['str', 'The input string']),
          params: [T.STRING],
          returns: T.BOOLEAN,
          nullSafe: true,
          fn: (s) => {
            if (s === null) return false
            try {
              return parseJsonNode(s as string) !== MISSING
            } catch {
              return false
            }
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_ARRAY_CONTAINS',
      description:
        'Parses a JSON array and determines whether or not the supplied value is contained within the array.',
      signatures: [
        {
          ...doc(
            'Returns whether the JSON array contains val.',
            ['jsonArray', 'The JSON array'],
            ['val', 'The value to look for'],
          ),
          params: [T.STRING, t],
          returns: T.BOOLEAN,
          nullSafe: true,
          make: (ps) => {
            const matches = containsMatcher(ps[1] ?? null)
            return (json, val) => {
              if (json === null) return null
              let root: JsonNode | typeof MISSING
              try {
                root = parseJsonNode(json as string)
              } catch {
                return false
              }
              if (!Array.isArray(root)) return false
              return root.some((n) => (val === null ? n === null : n !== null && matches(n, val)))
            }
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_ARRAY_LENGTH',
      description:
        "Given a string, parses it as a JSON value and returns the length of the top-level array. Returns NULL if the string can't be interpreted as a JSON array, i.e., it is NULL or it does not contain valid JSON, or the JSON value is not an array.",
      signatures: [
        {
          ...doc('Returns the length of the top-level JSON array.', ['jsonArray', 'The JSON array']),
          params: [T.STRING],
          returns: T.INTEGER,
          fn: (s) => {
            const n = parseOrThrow(s as string)
            return Array.isArray(n) ? n.length : null
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_KEYS',
      description:
        "Given a string, parses it as a JSON object and returns a ksqlDB array of strings representing the top-level keys. Returns NULL if the string can't be interpreted as a JSON object, i.e., it is NULL or it does not contain valid JSON, or the JSON value is not an object.",
      signatures: [
        {
          ...doc('Returns the top-level keys of the JSON object.', ['jsonObj', 'The JSON object']),
          params: [T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (s) => {
            const n = parseOrThrow(s as string)
            return isObject(n) ? [...n.keys()] : null
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_RECORDS',
      description:
        "Given a string, parses it as a JSON object and returns a map representing the top-level keys and values. Returns NULL if the string can't be interpreted as a JSON object, i.e., it is NULL or it does not contain valid JSON, or the JSON value is not an object.",
      signatures: [
        {
          ...doc('Returns the top-level keys and values of the JSON object, the values as JSON strings.', [
            'jsonObj',
            'The JSON object',
          ]),
          params: [T.STRING],
          returns: { kind: 'MAP', key: T.STRING, value: T.STRING },
          fn: (s) => {
            const n = parseOrThrow(s as string)
            if (!isObject(n)) return null
            const out = new Map<Value, Value>()
            for (const [k, v] of n) out.set(k, writeJsonNode(v))
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_ITEMS',
      description:
        "Given a string with JSON array, converts it to a ksqlDB array of JSON strings. Returns NULL if the string can't be interpreted as a JSON array, i.e., it is NULL or it does not contain valid JSON, or the JSON value is not an array.",
      signatures: [
        {
          ...doc('Returns the elements of the JSON array as JSON strings.', ['jsonArray', 'The JSON array']),
          params: [T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (s) => {
            const n = parseOrThrow(s as string)
            if (!Array.isArray(n)) throw new Error(`Invalid JSON format:${s as string}`)
            const out: Value[] = []
            for (const item of n) {
              if (!(item instanceof Map)) return null
              out.push(writeJsonNode(item))
            }
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'JSON_CONCAT',
      description:
        "Given N strings, parse them as JSON values and return a string representing their concatenation. Concatenation rules are identical to PostgreSQL's || operator: if all inputs are JSON objects, they are merged (later keys win); otherwise every input that is not an array is wrapped in one and the arrays are concatenated. Returns NULL if any input is NULL or not valid JSON.",
      signatures: [
        {
          ...doc('Returns the concatenation of the JSON values.', [
            'inputs',
            'The JSON strings to concatenate',
          ]),
          params: [T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (...xs) => {
            const nodes: JsonNode[] = []
            for (const x of xs) {
              if (x === null) return null
              const n = parseOrThrow(x as string)
              if (n === MISSING) return null
              nodes.push(n)
            }
            if (nodes.length === 0) throw new Error('Index 0 out of bounds for length 0')
            if (nodes.length === 1) return writeJsonNode(nodes[0] as JsonNode)
            if (nodes.every((n) => n instanceof Map)) {
              const out = new Map<string, JsonNode>()
              for (const n of nodes) for (const [k, v] of n as Map<string, JsonNode>) out.set(k, v)
              return writeJsonNode(out)
            }
            const out: JsonNode[] = []
            for (const n of nodes)
              if (Array.isArray(n)) out.push(...n)
              else out.push(n)
            return writeJsonNode(out)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'TO_JSON_STRING',
      description: 'Given any ksqlDB type returns the equivalent JSON string.',
      signatures: [
        {
          ...doc('Returns the value as a JSON string.', ['input', 'The value to convert']),
          params: [t],
          returns: T.STRING,
          nullSafe: true,
          make: (ps) => jsonWriter(ps[0] ?? null),
        },
      ],
    }),
  ]
}
