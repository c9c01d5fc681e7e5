import { T } from '../../types/type.js'
import { type ScalarFunction, scalarFunction } from '../registry.js'

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

const extract = (name: string, f: (u: Uri) => string | null): ScalarFunction =>
  scalarFunction({
    name,
    signatures: [{ params: [T.STRING], returns: T.STRING, fn: (url) => f(parseUri(url as string)) }],
  })

export function urlFunctions(): ScalarFunction[] {
  return [
    scalarFunction({
      name: 'url_encode_param',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => urlEncodeParam(s as string) }],
    }),
    scalarFunction({
      name: 'url_decode_param',
      signatures: [{ params: [T.STRING], returns: T.STRING, fn: (s) => urlDecodeParam(s as string) }],
    }),
    extract('url_extract_fragment', (u) => decode(u.fragment)),
    extract('url_extract_host', (u) => u.host),
    extract('url_extract_path', (u) => decode(u.path)),
    scalarFunction({
      name: 'url_extract_port',
      signatures: [
        {
          params: [T.STRING],
          returns: T.INTEGER,
          fn: (url) => {
            const port = parseUri(url as string).port
            return port < 0 ? null : port
          },
        },
      ],
    }),
    extract('url_extract_protocol', (u) => u.scheme),
    extract('url_extract_query', (u) => decode(u.query)),
    scalarFunction({
      name: 'url_extract_parameter',
      signatures: [
        {
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
