import { bytesToBase64 } from '../../expr/cast.js'
import { T } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { type ScalarFunction, scalarFunction } from '../registry.js'

/** String functions: LEN, UCASE, LCASE, TRIM, LTRIM, RTRIM, SUBSTRING, CONCAT, CONCAT_WS, REPLACE, ... */

/** Java's String.trim(): strips code units <= U+0020 at both ends. */
function trimStart(s: string): string {
  let i = 0
  while (i < s.length && s.charCodeAt(i) <= 32) i++
  return s.slice(i)
}
function trimEnd(s: string): string {
  let j = s.length
  while (j > 0 && s.charCodeAt(j - 1) <= 32) j--
  return s.slice(0, j)
}

function substringStart(len: number, pos: number): number {
  if (pos > 0) return Math.min(pos - 1, len)
  if (pos < 0) return Math.max(len + pos, 0)
  return 0
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** `$.a.b[0]["c"]` paths of EXTRACTJSONFIELD. */
function jsonPath(root: unknown, path: string): unknown {
  const re = /\.([^.[\]]+)|\[\s*(\d+)\s*\]|\[\s*['"]([^'"]*)['"]\s*\]/gy
  if (!path.startsWith('$')) return undefined
  re.lastIndex = 1
  let cur: unknown = root
  while (re.lastIndex < path.length) {
    const m = re.exec(path)
    if (m === null) return undefined
    if (cur === null || typeof cur !== 'object') return undefined
    if (m[2] !== undefined) {
      if (!Array.isArray(cur)) return undefined
      cur = cur[Number(m[2])]
    } else {
      const key = (m[1] ?? m[3]) as string
      if (Array.isArray(cur)) return undefined
      cur = (cur as Record<string, unknown>)[key]
    }
    if (cur === undefined) return undefined
  }
  return cur
}

export function stringFunctions(): ScalarFunction[] {
  return [
    scalarFunction({
      name: 'LEN',
      signatures: [
        { params: [T.STRING], returns: T.INTEGER, fn: (s) => (s as string).length },
        { params: [T.BYTES], returns: T.INTEGER, fn: (b) => (b as Uint8Array).length },
      ],
    }),
    scalarFunction({
      name: 'UCASE',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => (s as string).toUpperCase() }],
    }),
    scalarFunction({
      name: 'LCASE',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => (s as string).toLowerCase() }],
    }),
    scalarFunction({
      name: 'TRIM',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => trimEnd(trimStart(s as string)) }],
    }),
    scalarFunction({
      name: 'LTRIM',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => trimStart(s as string) }],
    }),
    scalarFunction({
      name: 'RTRIM',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => trimEnd(s as string) }],
    }),
    scalarFunction({
      name: 'SUBSTRING',
      signatures: [
        {
          params: [T.STRING, T.INTEGER],
          returns: T.STRING,
          fn: (s, pos) => {
            const str = s as string
            return str.substring(substringStart(str.length, pos as number))
          },
        },
        {
          params: [T.STRING, T.INTEGER, T.INTEGER],
          returns: T.STRING,
          fn: (s, pos, len) => {
            const str = s as string
            const start = substringStart(str.length, pos as number)
            const end = Math.max(Math.min(start + (len as number), str.length), start)
            return str.substring(start, end)
          },
        },
        {
          params: [T.BYTES, T.INTEGER],
          returns: T.BYTES,
          fn: (b, pos) => {
            const bytes = b as Uint8Array
            return bytes.slice(substringStart(bytes.length, pos as number))
          },
        },
        {
          params: [T.BYTES, T.INTEGER, T.INTEGER],
          returns: T.BYTES,
          fn: (b, pos, len) => {
            const bytes = b as Uint8Array
            const start = substringStart(bytes.length, pos as number)
            return bytes.slice(start, Math.max(Math.min(start + (len as number), bytes.length), start))
          },
        },
      ],
    }),
    scalarFunction({
      name: 'concat',
      signatures: [
        {
          params: [T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (...xs) => xs.filter((x) => x !== null).join(''),
        },
        {
          params: [T.BYTES],
          variadic: true,
          returns: T.BYTES,
          nullSafe: true,
          fn: (...xs) => concatBytes(xs.filter((x): x is Uint8Array => x !== null) as Uint8Array[]),
        },
      ],
    }),
    scalarFunction({
      name: 'concat_ws',
      signatures: [
        {
          params: [T.STRING, T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (sep, ...xs) => (sep === null ? null : xs.filter((x) => x !== null).join(sep as string)),
        },
        {
          params: [T.BYTES, T.BYTES],
          variadic: true,
          returns: T.BYTES,
          nullSafe: true,
          fn: (sep, ...xs) => {
            if (sep === null) return null
            const parts: Uint8Array[] = []
            for (const x of xs) {
              if (x === null) continue
              if (parts.length > 0) parts.push(sep as Uint8Array)
              parts.push(x as Uint8Array)
            }
            return concatBytes(parts)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'REPLACE',
      signatures: [
        {
          params: [T.STRING, T.STRING, T.STRING],
          returns: T.STRING,
          fn: (s, a, b) => (s as string).replaceAll(a as string, b as string),
        },
      ],
    }),
    scalarFunction({
      name: 'EXTRACTJSONFIELD',
      signatures: [
        {
          params: [T.STRING, T.STRING],
          returns: T.STRING,
          fn: (json, path) => {
            let root: unknown
            try {
              root = JSON.parse(json as string)
            } catch {
              return null
            }
            const v = jsonPath(root, path as string)
            if (v === undefined || v === null) return null
            return typeof v === 'string' ? v : JSON.stringify(v)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'INSTR',
      signatures: [
        {
          params: [T.STRING, T.STRING],
          returns: T.INTEGER,
          fn: (s, sub) => (s as string).indexOf(sub as string) + 1,
        },
      ],
    }),
    scalarFunction({
      name: 'TO_BYTES',
      signatures: [
        {
          params: [T.STRING, T.STRING],
          returns: T.BYTES,
          fn: (s, enc) => {
            const e = (enc as string).toLowerCase()
            const b =
              e === 'hex'
                ? Buffer.from(s as string, 'hex')
                : e === 'base64'
                  ? Buffer.from(s as string, 'base64')
                  : Buffer.from(s as string, e === 'ascii' ? 'latin1' : 'utf8')
            return new Uint8Array(b)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'FROM_BYTES',
      signatures: [
        {
          params: [T.BYTES, T.STRING],
          returns: T.STRING,
          fn: (b, enc) => {
            const e = (enc as string).toLowerCase()
            const bytes = b as Uint8Array
            if (e === 'base64') return bytesToBase64(bytes)
            const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
            return e === 'hex'
              ? buf.toString('hex').toUpperCase()
              : buf.toString(e === 'ascii' ? 'latin1' : 'utf8')
          },
        },
      ],
    }),
    scalarFunction({
      name: 'SPLIT',
      signatures: [
        {
          params: [T.STRING, T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (s, d) => {
            const str = s as string
            const delim = d as string
            if (delim === '') return [...str]
            return str.split(delim) as Value[]
          },
        },
      ],
    }),
    scalarFunction({
      name: 'LPAD',
      signatures: [
        {
          params: [T.STRING, T.INTEGER, T.STRING],
          returns: T.STRING,
          fn: (s, n, p) => pad(s as string, n as number, p as string, true),
        },
      ],
    }),
    scalarFunction({
      name: 'RPAD',
      signatures: [
        {
          params: [T.STRING, T.INTEGER, T.STRING],
          returns: T.STRING,
          fn: (s, n, p) => pad(s as string, n as number, p as string, false),
        },
      ],
    }),
    scalarFunction({
      name: 'CHR',
      signatures: [
        { params: [T.INTEGER], returns: T.STRING, fn: (c) => String.fromCodePoint(c as number) },
        {
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => String.fromCodePoint(Number.parseInt((s as string).replace(/^\\u/, ''), 16)),
        },
      ],
    }),
  ]
}

function pad(s: string, n: number, p: string, left: boolean): string | null {
  if (n < 0 || p === '') return null
  if (s.length >= n) return s.slice(0, n)
  const fill = p.repeat(Math.ceil((n - s.length) / p.length)).slice(0, n - s.length)
  return left ? fill + s : s + fill
}
