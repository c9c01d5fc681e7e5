import { createHash } from 'node:crypto'
import { bytesToBase64 } from '../../expr/cast.js'
import { T } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, type ScalarFunction, scalarFunction } from '../registry.js'

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
      description: 'Returns the length of the input string or bytes.',
      signatures: [
        {
          ...doc('Returns the length of the input string.', ['input', 'The input string']),
          params: [T.STRING],
          returns: T.INTEGER,
          fn: (s) => (s as string).length,
        },
        {
          ...doc('Returns the length of the input bytes.', ['input', 'The input bytes']),
          params: [T.BYTES],
          returns: T.INTEGER,
          fn: (b) => (b as Uint8Array).length,
        },
      ],
    }),
    scalarFunction({
      name: 'UCASE',
      description: 'Returns an upper-case version of the input string.',
      signatures: [
        {
          ...doc('Returns the input string in upper case.', ['input', 'The string to upper-case']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => (s as string).toUpperCase(),
        },
      ],
    }),
    scalarFunction({
      name: 'LCASE',
      description: 'Returns a lower-case version of the input string.',
      signatures: [
        {
          ...doc('Returns the input string in lower case.', ['input', 'The string to lower-case']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => (s as string).toLowerCase(),
        },
      ],
    }),
    scalarFunction({
      name: 'TRIM',
      description: 'Remove whitespace from the beginning and end of a string.',
      signatures: [
        {
          ...doc('Returns the input string without leading and trailing whitespace.', [
            'input',
            'The string to trim',
          ]),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => trimEnd(trimStart(s as string)),
        },
      ],
    }),
    scalarFunction({
      name: 'LTRIM',
      description: 'Remove whitespace from the beginning of a string.',
      signatures: [
        {
          ...doc('Returns the input string without leading whitespace.', ['input', 'The string to trim']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => trimStart(s as string),
        },
      ],
    }),
    scalarFunction({
      name: 'RTRIM',
      description: 'Remove whitespace from the end of a string.',
      signatures: [
        {
          ...doc('Returns the input string without trailing whitespace.', ['input', 'The string to trim']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => trimEnd(s as string),
        },
      ],
    }),
    scalarFunction({
      name: 'SUBSTRING',
      description: 'Returns the portion of the string or bytes passed in value.',
      signatures: [
        {
          ...doc(
            'Returns the portion of str from pos to the end of str',
            ['str', 'The source string.'],
            ['pos', 'The base-one position to start from.'],
          ),
          params: [T.STRING, T.INTEGER],
          returns: T.STRING,
          fn: (s, pos) => {
            const str = s as string
            return str.substring(substringStart(str.length, pos as number))
          },
        },
        {
          ...doc(
            'Returns the portion of str that starts at pos and is of length len',
            ['str', 'The source string.'],
            ['pos', 'The base-one position to start from.'],
            ['length', 'The length to extract.'],
          ),
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
          ...doc(
            'Returns the portion of the bytes value from pos to the end of the bytes value',
            ['bytes', 'The source bytes.'],
            ['pos', 'The base-one position to start from.'],
          ),
          params: [T.BYTES, T.INTEGER],
          returns: T.BYTES,
          fn: (b, pos) => {
            const bytes = b as Uint8Array
            return bytes.slice(substringStart(bytes.length, pos as number))
          },
        },
        {
          ...doc(
            'Returns the portion of the bytes value that starts at pos and is of length len',
            ['bytes', 'The source bytes.'],
            ['pos', 'The base-one position to start from.'],
            ['length', 'The length to extract.'],
          ),
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
      description: 'Concatenate an arbitrary number of string or bytes fields together',
      signatures: [
        {
          ...doc('Returns the concatenation of the non-NULL strings.', [
            'inputs',
            'The varchar fields to concatenate',
          ]),
          params: [T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (...xs) => xs.filter((x) => x !== null).join(''),
        },
        {
          ...doc('Returns the concatenation of the non-NULL bytes values.', [
            'inputs',
            'The bytes fields to concatenate',
          ]),
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
      description:
        'Concatenate several strings or bytes, inserting a separator passed as the first argument between each one.',
      signatures: [
        {
          ...doc(
            'Returns the non-NULL strings joined by the separator.',
            ['separator', 'The separator string'],
            ['inputs', 'The values to join'],
          ),
          params: [T.STRING, T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (sep, ...xs) => (sep === null ? null : xs.filter((x) => x !== null).join(sep as string)),
        },
        {
          ...doc(
            'Returns the non-NULL bytes values joined by the separator.',
            ['separator', 'The separator bytes'],
            ['inputs', 'The bytes values to join'],
          ),
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
      description: 'Replaces all occurances of a substring in a string with a new substring.',
      signatures: [
        {
          ...doc(
            'Returns a new string with all occurences of oldStr in str with newStr',
            ['str', 'The source string. If null, then function returns null.'],
            ['oldStr', 'The substring to replace. If null, then function returns null.'],
            ['newStr', 'The string to replace the old substrings with. If null, then function returns null.'],
          ),
          params: [T.STRING, T.STRING, T.STRING],
          returns: T.STRING,
          fn: (s, a, b) => (s as string).replaceAll(a as string, b as string),
        },
      ],
    }),
    scalarFunction({
      name: 'EXTRACTJSONFIELD',
      description:
        'Given a STRING that contains JSON data, extract the value at the specified JSONPath or NULL if the specified path does not exist.',
      signatures: [
        {
          ...doc(
            'Extracts the value at the JSONPath from the JSON string, as a STRING.',
            ['input', 'The JSON string'],
            ['path', 'The JSONPath to extract, for example $.log.cloud'],
          ),
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
      name: 'instr',
      description: 'Returns the position of substring in the provided string, or 0 if it is not found.',
      signatures: [
        {
          ...doc(
            'Returns the position of the first occurrence of substring in str.',
            ['str', 'The string to search'],
            ['substring', 'The substring to look for'],
          ),
          params: [T.STRING, T.STRING],
          returns: T.INTEGER,
          nullSafe: true,
          fn: (s, sub) => instr(s as string | null, sub as string | null, 1, 1),
        },
        {
          ...doc(
            'Returns the position of the first occurrence of substring in str, searching from position (backwards from the end when negative).',
            ['str', 'The string to search'],
            ['substring', 'The substring to look for'],
            ['position', 'The base-one position to start searching from'],
          ),
          params: [T.STRING, T.STRING, T.INTEGER],
          returns: T.INTEGER,
          nullSafe: true,
          fn: (s, sub, pos) =>
            pos === null ? null : instr(s as string | null, sub as string | null, pos as number, 1),
        },
        {
          ...doc(
            'Returns the position of the n-th occurrence of substring in str, searching from position (backwards from the end when negative).',
            ['str', 'The string to search'],
            ['substring', 'The substring to look for'],
            ['position', 'The base-one position to start searching from'],
            ['occurrence', 'Which occurrence to find'],
          ),
          params: [T.STRING, T.STRING, T.INTEGER, T.INTEGER],
          returns: T.INTEGER,
          nullSafe: true,
          fn: (s, sub, pos, occ) =>
            pos === null || occ === null
              ? null
              : instr(s as string | null, sub as string | null, pos as number, occ as number),
        },
      ],
    }),
    scalarFunction({
      name: 'TO_BYTES',
      description:
        "Converts a STRING value in the specified encoding to BYTES. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
      signatures: [
        {
          ...doc(
            "Converts a STRING value in the specified encoding to BYTES. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
            ['value', 'The string to convert.'],
            ['encoding', 'The type of encoding.'],
          ),
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
      description:
        "Converts a BYTES value to STRING in the specified encoding. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
      signatures: [
        {
          ...doc(
            "Converts a BYTES value to STRING in the specified encoding. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
            ['value', 'The bytes value to convert.'],
            ['encoding', 'The encoding to use on conversion.'],
          ),
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
      name: 'split',
      description:
        'Splits a string or bytes into an array of substrings or bytes based on a delimiter. If the delimiter is found at the beginning of the string/bytes, end of the string/bytes, or there are contiguous delimiters in the string/bytes, then empty strings/bytes are added to the array. If the delimiter is not found, then the original string or bytes is returned as the only element in the array. If the delimiter is empty, then all characters or bytes in the string or bytes are split.',
      signatures: [
        {
          ...doc(
            'Splits a string into an array of substrings based on a delimiter.',
            ['string', 'The string to be split. If NULL, then function returns NULL.'],
            ['delimiter', 'The delimiter to split a string by. If NULL, then function returns NULL.'],
          ),
          params: [T.STRING, T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (s, d) => {
            const str = s as string
            const delim = d as string
            if (delim === '') return str === '' ? [''] : str.split('')
            return str.split(delim) as Value[]
          },
        },
        {
          ...doc(
            'Splits a byte array into an array of bytes values based on a delimiter.',
            ['bytes', 'The byte array to be split. If NULL, then function returns NULL.'],
            ['delimiter', 'The delimiter to split the byte array by. If NULL, then function returns NULL.'],
          ),
          params: [T.BYTES, T.BYTES],
          returns: { kind: 'ARRAY', element: T.BYTES },
          fn: (b, d) => splitBytes(b as Uint8Array, d as Uint8Array),
        },
      ],
    }),
    scalarFunction({
      name: 'split_to_map',
      description:
        "Splits a string into key-value pairs and creates a map from them. The 'entryDelimiter' splits the string into key-value pairs which are then split by 'kvDelimiter'. If the same key is present multiple times in the input, the latest value for that key is returned. Returns NULL if the input text or either of the delimiters is NULL.",
      signatures: [
        {
          ...doc(
            'Returns the map of the key-value pairs in input.',
            ['input', 'Separated key-value pairs'],
            ['entryDelimiter', 'Separator string for key-value pairs'],
            ['kvDelimiter', 'Separator string for key and value'],
          ),
          params: [T.STRING, T.STRING, T.STRING],
          returns: { kind: 'MAP', key: T.STRING, value: T.STRING },
          fn: (s, e, kv) => {
            const entryDelim = e as string
            const kvDelim = kv as string
            if (entryDelim === '' || kvDelim === '' || entryDelim === kvDelim) return null
            const out = new Map<Value, Value>()
            for (const entry of (s as string).split(entryDelim)) {
              if (entry === '' || !entry.includes(kvDelim)) continue
              const parts = entry.split(kvDelim)
              out.set(parts[0] as string, parts[1] as string)
            }
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'initcap',
      description:
        'Capitalizes the first letter of each word in a string and the rest lowercased. Words are delimited by whitespace.',
      signatures: [
        {
          ...doc(
            'Returns the string with the the first letter of each word capitalized and the rest lowercased',
            ['str', 'The source string. If null, then function returns null.'],
          ),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => initcap(s as string),
        },
      ],
    }),
    scalarFunction({
      name: 'md5',
      description: 'Computes the hex-encoded md5 hash of the given string',
      signatures: [
        {
          ...doc('Returns the hex-encoded md5 hash of the input string', ['s', 'The input string']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) =>
            createHash('md5')
              .update(s as string, 'utf8')
              .digest('hex'),
        },
      ],
    }),
    scalarFunction({
      name: 'ELT',
      description:
        'ELT() returns the Nth element of the list of strings. Returns NULL if N is less than 1 or greater than the number of arguments. Note that this method is 1-indexed. This is the complement to FIELD.',
      signatures: [
        {
          ...doc(
            'Returns the n-th of the strings.',
            ['n', 'the nth element to extract'],
            ['args', 'the strings of which to extract the nth'],
          ),
          params: [T.INTEGER, T.STRING],
          variadic: true,
          returns: T.STRING,
          nullSafe: true,
          fn: (n, ...xs) => {
            if (n === null) return null
            const i = n as number
            return i < 1 || i > xs.length ? null : (xs[i - 1] ?? null)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'FIELD',
      description:
        'Returns the position (1-indexed) of str in args, or 0 if not found. If str is NULL, the return value is 0 because NULL is not considered equal to any value. This is the compliment to ELT.',
      signatures: [
        {
          ...doc(
            'Returns the position of str in args.',
            ['str', 'The string to look for'],
            ['args', 'The strings to search'],
          ),
          params: [T.STRING, T.STRING],
          variadic: true,
          returns: T.INTEGER,
          nullSafe: true,
          fn: (str, ...xs) => (str === null ? 0 : xs.indexOf(str) + 1),
        },
      ],
    }),
    scalarFunction({
      name: 'regexp_extract',
      description: 'extract the first subtring matched by a regex pattern',
      signatures: [
        {
          ...doc(
            'Returns first substring of the input that matches the given regex pattern',
            ['pattern', 'The regex pattern'],
            ['input', 'The input string to apply regex on'],
          ),
          params: [T.STRING, T.STRING],
          returns: T.STRING,
          fn: (p, s) => regexpExtract(p as string, s as string, 0),
        },
        {
          ...doc(
            'Returns the first substring of the input that matches the regex pattern and the capturing group number specified',
            ['pattern', 'The regex pattern'],
            ['input', 'The input string to apply regex on'],
            ['group', 'The capturing group number'],
          ),
          params: [T.STRING, T.STRING, T.INTEGER],
          returns: T.STRING,
          fn: (p, s, g) => regexpExtract(p as string, s as string, g as number),
        },
      ],
    }),
    scalarFunction({
      name: 'regexp_extract_all',
      description: 'Extracts the all subtrings matched by a regex pattern',
      signatures: [
        {
          ...doc(
            'Returns all substrings of the input that matches the given regex pattern',
            ['pattern', 'The regex pattern'],
            ['input', 'The input string to apply regex on'],
          ),
          params: [T.STRING, T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (p, s) => regexpExtractAll(p as string, s as string, 0),
        },
        {
          ...doc(
            'Returns all substrings of the input that matches the regex pattern and the capturing group number specified',
            ['pattern', 'The regex pattern'],
            ['input', 'The input string to apply regex on'],
            ['group', 'The capturing group number'],
          ),
          params: [T.STRING, T.STRING, T.INTEGER],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (p, s, g) => regexpExtractAll(p as string, s as string, g as number),
        },
      ],
    }),
    scalarFunction({
      name: 'regexp_replace',
      description: 'Replaces all matches of a regexp in a string with a new substring.',
      signatures: [
        {
          ...doc(
            'Returns a new string with all matches of regexp in str replaced with newStr',
            ['str', 'The source string. If null, then function returns null.'],
            ['regexp', 'The regexp to match. If null, then function returns null.'],
            ['newStr', 'The string to replace the matches with. If null, then function returns null.'],
          ),
          params: [T.STRING, T.STRING, T.STRING],
          returns: T.STRING,
          fn: (s, p, r) => (s as string).replace(javaRegex(p as string, 'g'), javaReplacement(r as string)),
        },
      ],
    }),
    scalarFunction({
      name: 'regexp_split_to_array',
      description:
        'Splits a string into an array of substrings based on a regexp. If the regexp is found at the beginning of the string, end of the string, or there are contiguous matches in the string, then empty strings are added to the array. If the regexp is not found, then the original string is returned as the only element in the array. If the regexp is empty, then all characters in the string are split.',
      signatures: [
        {
          ...doc(
            'Splits a string into an array of substrings based on a regexp.',
            ['string', 'The string to be split. If NULL, then function returns NULL.'],
            ['regexp', 'The regular expression to split the string by. If NULL, then function returns NULL.'],
          ),
          params: [T.STRING, T.STRING],
          returns: { kind: 'ARRAY', element: T.STRING },
          fn: (s, p) => regexpSplit(s as string, p as string),
        },
      ],
    }),
    scalarFunction({
      name: 'LPAD',
      description:
        'Pads the input string or bytes, starting from the beginning, with the specified padding string until the target length is reached. If the input string or bytes are longer than the specified target length it will be truncated. If the padding string or bytes are empty or NULL, or the target length is negative, then NULL is returned.',
      signatures: [
        {
          ...doc(
            'Returns the input padded on the left to targetLen.',
            ['input', 'String to be padded'],
            ['targetLen', 'Target length'],
            ['padding', 'Padding string'],
          ),
          params: [T.STRING, T.INTEGER, T.STRING],
          returns: T.STRING,
          fn: (s, n, p) => pad(s as string, n as number, p as string, true),
        },
      ],
    }),
    scalarFunction({
      name: 'RPAD',
      description:
        'Pads the input string or bytes, beginning from the end, with the specified padding string or bytes until the target length is reached. If the input string or bytes are longer than the specified target length it will be truncated. If the padding string or bytes are empty or NULL, or the target length is negative, then NULL is returned.',
      signatures: [
        {
          ...doc(
            'Returns the input padded on the right to targetLen.',
            ['input', 'String to be padded'],
            ['targetLen', 'Target length'],
            ['padding', 'Padding string'],
          ),
          params: [T.STRING, T.INTEGER, T.STRING],
          returns: T.STRING,
          fn: (s, n, p) => pad(s as string, n as number, p as string, false),
        },
      ],
    }),
    scalarFunction({
      name: 'Chr',
      description: 'Returns a single-character string corresponding to the input character code.',
      signatures: [
        {
          ...doc('Returns the character of a decimal code point.', ['decimalCode', 'Decimal codepoint']),
          params: [T.INTEGER],
          returns: T.STRING,
          fn: (c) => {
            const code = c as number
            return code < 0 || code > 0x10ffff ? null : String.fromCodePoint(code)
          },
        },
        {
          ...doc('Returns the character of a UTF-16 escape.', [
            'utf16Code',
            "UTF16 code for the desired character e.g. '\\u004b'",
          ]),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => {
            const str = s as string
            return str.length < 6 || !str.startsWith('\\u') ? null : unescapeJava(str)
          },
        },
      ],
    }),
    ...maskFunctions(),
  ]
}

function pad(s: string, n: number, p: string, left: boolean): string | null {
  if (n < 0 || p === '') return null
  if (s.length >= n) return s.slice(0, n)
  const fill = p.repeat(Math.ceil((n - s.length) / p.length)).slice(0, n - s.length)
  return left ? fill + s : s + fill
}

/** Java's regex `\\s`: space, \\t, \\n, \\x0B, \\f, \\r. */
const isJavaSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13)

/** InitCap: each word (non-whitespace then whitespace, leading whitespace dropped) capitalized, the rest lowercased. */
function initcap(s: string): string {
  const lower = s.toLowerCase()
  let out = ''
  let i = 0
  while (i < lower.length && isJavaSpace(lower.charCodeAt(i))) i++
  let wordStart = true
  for (; i < lower.length; i++) {
    const c = lower.charCodeAt(i)
    if (isJavaSpace(c)) {
      wordStart = true
      out += lower[i]
    } else {
      out += wordStart ? (lower[i] as string).toUpperCase() : lower[i]
      wordStart = false
    }
  }
  return out
}

/** commons-lang StringUtils.substring(str, start) (negative start counts from the end). */
function substringFrom(s: string, start: number): string {
  let i = start < 0 ? s.length + start : start
  if (i < 0) i = 0
  return i > s.length ? '' : s.substring(i)
}

/** commons-lang StringUtils.ordinalIndexOf (overlapping occurrences). */
function ordinalIndexOf(s: string, sub: string, ordinal: number): number {
  if (ordinal <= 0) return -1
  if (sub.length === 0) return 0
  let found = 0
  let index = -1
  do {
    index = s.indexOf(sub, index + 1)
    if (index < 0) return index
    found++
  } while (found < ordinal)
  return index
}

/** ksqlDB's Instr: 1-based position of the nth occurrence searching from `position` (backwards when negative), 0 when absent. */
export function instr(s: string | null, sub: string | null, position: number, occurrence: number): number {
  if (s === null || sub === null) return 0
  if (Math.abs(position) > s.length) return 0
  const reversed = position < 0
  const str = reversed ? [...s].reverse().join('') : s
  const needle = reversed ? [...sub].reverse().join('') : sub
  const pos = reversed ? -position : position
  const i = ordinalIndexOf(substringFrom(str, pos - 1), needle, occurrence)
  if (i < 0) return 0
  return reversed ? s.length - pos - i : i + pos
}

/** BytesUtils.split: by a byte sequence (each byte when empty), keeping empty parts. */
function splitBytes(b: Uint8Array, d: Uint8Array): Uint8Array[] {
  if (d.length === 0) return b.length === 0 ? [new Uint8Array(0)] : Array.from(b, (x) => new Uint8Array([x]))
  const out: Uint8Array[] = []
  let start = 0
  let i = 0
  while (i <= b.length - d.length) {
    let match = true
    for (let j = 0; j < d.length; j++) {
      if (b[i + j] !== d[j]) {
        match = false
        break
      }
    }
    if (match) {
      out.push(b.slice(start, i))
      i += d.length
      start = i
    } else i++
  }
  out.push(b.slice(start))
  return out
}

const REGEX_CACHE = new Map<string, RegExp>()

/** A JavaScript RegExp for a java.util.regex pattern (cached); ksqlDB's error when invalid. */
export function javaRegex(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`
  const hit = REGEX_CACHE.get(key)
  if (hit !== undefined) {
    hit.lastIndex = 0
    return hit
  }
  let re: RegExp
  try {
    re = new RegExp(pattern, flags)
  } catch {
    throw new Error(`Invalid regular expression pattern: ${pattern}`)
  }
  if (REGEX_CACHE.size > 256) REGEX_CACHE.clear()
  REGEX_CACHE.set(key, re)
  return re
}

const GROUP_COUNTS = new WeakMap<RegExp, number>()

/** Matcher.groupCount(): the pattern's capturing groups. */
function groupCount(re: RegExp): number {
  let n = GROUP_COUNTS.get(re)
  if (n === undefined) {
    n = (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1
    GROUP_COUNTS.set(re, n)
  }
  return n
}

function regexpExtract(pattern: string, input: string, group: number): string | null {
  const re = javaRegex(pattern)
  if (group > groupCount(re)) return null
  const m = re.exec(input)
  return m === null ? null : (m[group] ?? null)
}

function regexpExtractAll(pattern: string, input: string, group: number): Value[] | null {
  const re = javaRegex(pattern, 'g')
  if (group > groupCount(re)) return null
  const out: Value[] = []
  for (const m of input.matchAll(re)) out.push(m[group] ?? null)
  return out
}

/** Java's replacement syntax (`$1`, `${name}`, `\\x` literal) in JavaScript's (`$1`, `$<name>`, `$$`). */
function javaReplacement(r: string): string {
  let out = ''
  for (let i = 0; i < r.length; i++) {
    const c = r[i] as string
    if (c === '\\') {
      i++
      if (i >= r.length) throw new Error('character to be escaped is missing')
      const x = r[i] as string
      out += x === '$' ? '$$' : x
    } else if (c === '$') {
      const named = /^\$\{([A-Za-z][A-Za-z0-9]*)\}/.exec(r.slice(i))
      if (named !== null) {
        out += `$<${named[1]}>`
        i += named[0].length - 1
      } else {
        const num = /^\$(\d+)/.exec(r.slice(i))
        if (num === null) throw new Error('Illegal group reference')
        out += `$${num[1]}`
        i += num[0].length - 1
      }
    } else out += c
  }
  return out
}

const MATCHES_EMPTY = new Map<string, boolean>()

/** RegexpSplitToArray: Guava's Splitter.on(pattern), or Java's Pattern.split when the pattern matches ''. */
function regexpSplit(input: string, pattern: string): Value[] {
  const re = javaRegex(pattern, 'g')
  let matchesEmpty = MATCHES_EMPTY.get(pattern)
  if (matchesEmpty === undefined) {
    matchesEmpty = pattern === '' || new RegExp(`^(?:${pattern})$`).test('')
    if (MATCHES_EMPTY.size > 256) MATCHES_EMPTY.clear()
    MATCHES_EMPTY.set(pattern, matchesEmpty)
  }
  const out: string[] = []
  let index = 0
  re.lastIndex = 0
  if (!matchesEmpty) {
    for (let m = re.exec(input); m !== null; m = re.exec(input)) {
      out.push(input.substring(index, m.index))
      index = m.index + m[0].length
    }
    out.push(input.substring(index))
    return out
  }
  if (input === '') return ['']
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    if (m[0].length === 0) re.lastIndex++
    if (m.index >= input.length) break
    if (index === 0 && m.index === 0 && m[0].length === 0) continue
    out.push(input.substring(index, m.index))
    index = m.index + m[0].length
  }
  if (index === 0) return [input]
  out.push(input.substring(index))
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}

/** commons-lang StringEscapeUtils.unescapeJava. */
function unescapeJava(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c !== '\\' || i + 1 >= s.length) {
      out += c
      continue
    }
    const n = s[++i] as string
    if (n === 'u') {
      while (s[i + 1] === 'u') i++
      const hex = s.substring(i + 1, i + 5)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`Unable to parse unicode value: ${hex}`)
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 4
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(s.slice(i)) as RegExpExecArray
      out += String.fromCharCode(Number.parseInt(m[0], 8))
      i += m[0].length - 1
    } else {
      const map: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' }
      out += map[n] ?? n
    }
  }
  return out
}

const NO_MASK = -1
const UPPER = /^\p{Lu}$/u
const LOWER = /^\p{Ll}$/u
const DIGIT = /^\p{Nd}$/u

/** Masker.getMaskCharacter: NULL means "keep", otherwise exactly one character. */
function maskChar(m: Value): number {
  if (m === null) return NO_MASK
  const str = m as string
  if (str.length !== 1)
    throw new Error(`Invalid mask character. Must be only single character, but was '${str}'`)
  return str.codePointAt(0) as number
}

/** ksqlDB's Masker: upper-case letters, lower-case letters, digits and other characters replaced. */
function masker(upper: number, lower: number, digit: number, other: number): (s: string) => string {
  return (s) => {
    let out = ''
    for (let i = 0; i < s.length; i++) {
      const c = s.codePointAt(i) as number
      const ch = String.fromCodePoint(c)
      const m = UPPER.test(ch) ? upper : LOWER.test(ch) ? lower : DIGIT.test(ch) ? digit : other
      out += String.fromCodePoint(m === NO_MASK ? c : m)
    }
    return out
  }
}

const DEFAULT_MASK = masker(88, 120, 110, 45) // X x n -

/** MASK, MASK_LEFT, MASK_RIGHT, MASK_KEEP_LEFT, MASK_KEEP_RIGHT. */
function maskFunctions(): ScalarFunction[] {
  const custom = (u: Value, l: Value, d: Value, o: Value) =>
    masker(maskChar(u), maskChar(l), maskChar(d), maskChar(o))
  const partial = (
    name: string,
    /** What is masked: `'the first n'`, `'all but the last n'`, ... */
    which: { readonly description: string; readonly overload: string; readonly n: string },
    split: (s: string, n: number) => readonly [masked: string, kept: string, maskedFirst: boolean],
  ): ScalarFunction => {
    const apply = (s: string, n: number, mask: (x: string) => string): string => {
      if (n < 0)
        throw new Error(`function ${name} requires a non-negative number of characters to mask or skip`)
      const [masked, kept, first] = split(s, n)
      return first ? mask(masked) + kept : kept + mask(masked)
    }
    return scalarFunction({
      name,
      description: `${which.description} Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.`,
      signatures: [
        {
          ...doc(
            `Returns a masked version of the input string. ${which.overload} will be replaced according to the default masking rules.`,
            ['input', 'input STRING to be masked'],
            ['numChars', which.n],
          ),
          params: [T.STRING, T.INTEGER],
          returns: T.STRING,
          fn: (s, n) => apply(s as string, n as number, DEFAULT_MASK),
        },
        {
          ...doc(
            `Returns a masked version of the input string. ${which.overload} will be replaced with the specified masking characters`,
            ['input', 'input STRING to be masked'],
            ['numChars', which.n],
            ['upper', 'upper-case mask, or NULL to use default'],
            ['lower', 'lower-case mask, or NULL to use default'],
            ['digit', 'digit mask, or NULL to use default'],
            ['other', 'mask for other characters, or NULL to use default'],
          ),
          params: [T.STRING, T.INTEGER, T.STRING, T.STRING, T.STRING, T.STRING],
          returns: T.STRING,
          nullSafe: true,
          fn: (s, n, u, l, d, o) =>
            s === null || n === null ? null : apply(s as string, n as number, custom(u, l, d, o)),
        },
      ],
    })
  }
  return [
    scalarFunction({
      name: 'mask',
      description:
        "Returns a version of the input string with every character replaced by a mask. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
      signatures: [
        {
          ...doc(
            'Returns a masked version of the input string. All characters of the input will be replaced according to the default masking rules.',
            ['input', 'input STRING to be masked'],
          ),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => DEFAULT_MASK(s as string),
        },
        {
          ...doc(
            'Returns a masked version of the input string. All characters of the input will be replaced with the specified masking characters',
            ['input', 'input STRING to be masked'],
            ['upper', 'upper-case mask, or NULL to use default'],
            ['lower', 'lower-case mask, or NULL to use default'],
            ['digit', 'digit mask, or NULL to use default'],
            ['other', 'mask for other characters, or NULL to use default'],
          ),
          params: [T.STRING, T.STRING, T.STRING, T.STRING, T.STRING],
          returns: T.STRING,
          nullSafe: true,
          fn: (s, u, l, d, o) => (s === null ? null : custom(u, l, d, o)(s as string)),
        },
      ],
    }),
    partial(
      'mask_left',
      {
        description:
          'Returns a version of the input string with the specified number of left-most characters masked out.',
        overload: 'The first n characters',
        n: 'number of characters to mask from the start',
      },
      (s, n) => {
        const k = Math.min(n, s.length)
        return [s.substring(0, k), s.substring(k), true]
      },
    ),
    partial(
      'mask_right',
      {
        description:
          'Returns a version of the input string with the specified number of right-most characters masked out.',
        overload: 'The last n characters',
        n: 'number of characters to mask from the end',
      },
      (s, n) => {
        const k = Math.max(s.length - n, 0)
        return [s.substring(k), s.substring(0, k), false]
      },
    ),
    partial(
      'mask_keep_left',
      {
        description:
          'Returns a version of the input string with all but the specified number of left-most characters masked out.',
        overload: 'All characters except for the first n',
        n: 'number of characters to keep unmasked at the start',
      },
      (s, n) => {
        const k = Math.min(n, s.length)
        return [s.substring(k), s.substring(0, k), false]
      },
    ),
    partial(
      'mask_keep_right',
      {
        description:
          'Returns a version of the input string with all but the specified number of right-most characters masked out.',
        overload: 'All characters except for the last n',
        n: 'number of characters to keep unmasked at the end',
      },
      (s, n) => {
        const k = Math.max(s.length - n, 0)
        return [s.substring(0, k), s.substring(k), true]
      },
    ),
  ]
}
