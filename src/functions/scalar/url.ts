import { T } from '../../types/type.js'
import { doc, type ScalarFunction, scalarFunction } from '../registry.js'

/** URL functions: URL_ENCODE_PARAM, URL_DECODE_PARAM, URL_EXTRACT_* (java.net.URI semantics). */

interface Uri {
  readonly scheme: string | null
  readonly userInfo: string | null
  readonly host: string | null
  readonly port: number
  readonly path: string | null
  readonly query: string | null
  readonly fragment: string | null
}

// RFC 2396 appendix B, as java.net.URI splits a URI reference.
const URI_RE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s
/** Characters java.net.URI rejects anywhere (outside escapes): controls, space and `"<>\\^`{|}`. */
function hasIllegalChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f || '"<>\\^`{|}'.includes(s[i] as string)) return true
  }
  return false
}
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/

/** java.net.URI's parse; throws ksqlDB's message on invalid syntax. */
export function parseUri(url: string): Uri {
  const m = URI_RE.exec(url)
  const scheme = m?.[1] ?? null
  if (
    m === null ||
    hasIllegalChar(url) ||
    BAD_ESCAPE.test(url) ||
    (scheme !== null && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) ||
    url === ''
  ) {
    throw new Error(`URL input has invalid syntax: ${url}`)
  }
  const authority = m[2]
  let userInfo: string | null = null
  let host: string | null = null
  let port = -1
  if (authority !== undefined) {
    let hostPort = authority
    const at = authority.lastIndexOf('@')
    if (at >= 0) {
      userInfo = authority.slice(0, at)
      hostPort = authority.slice(at + 1)
    }
    const pm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort)
    if (pm !== null) {
      host = pm[1] === '' ? null : (pm[1] as string)
      if (pm[2] !== undefined && pm[2] !== '') port = Number(pm[2])
    }
  }
  const opaque = scheme !== null && authority === undefined && !(m[3] ?? '').startsWith('/')
  return {
    scheme,
    userInfo,
    host,
    port,
    path: opaque ? null : (m[3] ?? ''),
    query: opaque ? null : (m[4] ?? null),
    fragment: m[5] ?? null,
  }
}

/** java.net.URI's decoding of the `get*` (not `getRaw*`) components. */
function decode(s: string | null): string | null {
  if (s === null || !s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Guava's UrlEscapers.urlFormParameterEscaper(). */
export function urlEncodeParam(s: string): string {
  let out = ''
  for (const ch of s) {
    if (/^[A-Za-z0-9\-_.*]$/.test(ch)) out += ch
    else if (ch === ' ') out += '+'
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** java.net.URLDecoder.decode(s, UTF-8). */
export function urlDecodeParam(s: string): string {
  const bytes: number[] = []
  let out = ''
  const flush = () => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8')
      bytes.length = 0
    }
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c === '%') {
      const hex = s.substring(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        throw new Error(`URLDecoder: Illegal hex characters in escape (%) pattern - ${hex}`)
      bytes.push(Number.parseInt(hex, 16))
      i += 2
      continue
    }
    flush()
    out += c === '+' ? ' ' : c
  }
  flush()
  return out
}

/** A URL_EXTRACT_ function: `part` names what it extracts in its descriptions. */
const extract = (
  name: string,
  description: string,
  part: string,
  f: (u: Uri) => string | null,
): ScalarFunction =>
  scalarFunction({
    name,
    description,
    signatures: [
      {
        ...doc(`Extract the ${part} portion of the specified value.`, [
          'input',
          `A valid URL to extract a ${part} from.`,
        ]),
        params: [T.STRING],
        returns: T.STRING,
        fn: (url) => f(parseUri(url as string)),
      },
    ],
  })

const RFC = 'the value is not a valid URI according to RFC-2396'

export function urlFunctions(): ScalarFunction[] {
  return [
    scalarFunction({
      name: 'url_encode_param',
      description: 'Escapes a string for use in a URL query parameter value.',
      signatures: [
        {
          ...doc('Encodes the input for use in a URL query parameter.', ['input', 'the value to encode']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => urlEncodeParam(s as string),
        },
      ],
    }),
    scalarFunction({
      name: 'url_decode_param',
      description: 'Unescapes a previously encoded URL query parameter value.',
      signatures: [
        {
          ...doc('Decodes a URL-encoded query parameter value.', ['input', 'the value to decode']),
          params: [T.STRING],
          returns: T.STRING,
          fn: (s) => urlDecodeParam(s as string),
        },
      ],
    }),
    extract(
      'url_extract_fragment',
      `Extracts the fragment portion of the specified value. Returns NULL if ${RFC} or if the fragment does not exist. Any encoded value will be decoded.`,
      'fragment',
      (u) => decode(u.fragment),
    ),
    extract(
      'url_extract_host',
      `Extracts the host-name portion of the specified value. Returns NULL if ${RFC}.`,
      'host-name',
      (u) => u.host,
    ),
    extract(
      'url_extract_path',
      `Extracts the path from a URL. Returns NULL if ${RFC}. Any encoded value will be decoded.`,
      'path',
      (u) => decode(u.path),
    ),
    scalarFunction({
      name: 'url_extract_port',
      description: `Extracts the port number from a URL. Returns NULL if ${RFC} or the port does not exist.`,
      signatures: [
        {
          ...doc('Extract the port portion of the specified value.', [
            'input',
            'A valid URL to extract a port from.',
          ]),
          params: [T.STRING],
          returns: T.INTEGER,
          fn: (url) => {
            const port = parseUri(url as string).port
            return port < 0 ? null : port
          },
        },
      ],
    }),
    extract(
      'url_extract_protocol',
      `Extracts the protocol portion of the specified value. Returns NULL if ${RFC}.`,
      'protocol',
      (u) => u.scheme,
    ),
    extract(
      'url_extract_query',
      `Extracts the decoded query-string portion of the specified value. Returns NULL if no query-string is present or ${RFC}.`,
      'query-string',
      (u) => decode(u.query),
    ),
    scalarFunction({
      name: 'url_extract_parameter',
      description: `Extracts a parameter with a specified name encoded inside the query-string portion of the specified value. Returns NULL if the parameter is not present, has no value specified for it in the query-string, or ${RFC}.`,
      signatures: [
        {
          ...doc(
            'Extract the value of a query parameter.',
            ['input', 'A valid URL.'],
            ['paramName', 'The name of the query parameter.'],
          ),
          params: [T.STRING, T.STRING],
          returns: T.STRING,
          fn: (url, key) => {
            const query = decode(parseUri(url as string).query)
            if (query === null) return null
            for (const param of query.split('&')) {
              const eq = param.indexOf('=')
              if (eq < 0) {
                if (param === key) return ''
              } else if (param.slice(0, eq) === key) return param.slice(eq + 1)
            }
            return null
          },
        },
      ],
    }),
  ]
}
