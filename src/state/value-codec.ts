import { Decimal } from '../types/decimal.js'

/**
 * Operator state to bytes and back: JSON text with tagged objects for what JSON lacks (BIGINT,
 * DECIMAL, BYTES, MAP, Set, NaN/±Infinity, -0), so any value of the value model and any UDAF state
 * built from them round-trips. Compact enough for the store (a COUNT/SUM group is ~40 bytes) and,
 * at ~1 µs per small value, far below the per-record budget since only dirty keys are encoded at
 * a commit.
 */

/** The tag key; struct fields are SQL names and never start with a control character. */
const TAG = '\u0001t'
/** The tag key as a JSON string literal (the control character escaped). */
const T = JSON.stringify(TAG)

type Tagged = { readonly [TAG]: string; readonly v: unknown }

function replacer(this: unknown, key: string, v: unknown): unknown {
  // JSON.stringify has already called toJSON: look at the holder's own value.
  const raw = (this as Record<string, unknown>)[key]
  switch (typeof raw) {
    case 'bigint':
      return { [TAG]: 'n', v: raw.toString() }
    case 'number':
      if (Number.isFinite(raw) && !Object.is(raw, -0)) return raw
      return { [TAG]: 'f', v: String(Object.is(raw, -0) ? '-0' : raw) }
    case 'undefined':
      return { [TAG]: 'u', v: 0 }
    case 'object':
      if (raw === null) return null
      if (raw instanceof Decimal) return { [TAG]: 'd', v: [raw.unscaled.toString(), raw.scale] }
      if (raw instanceof Map) return { [TAG]: 'm', v: [...raw] }
      if (raw instanceof Set) return { [TAG]: 's', v: [...raw] }
      if (raw instanceof Uint8Array) return { [TAG]: 'b', v: Buffer.from(raw).toString('base64') }
      return v
    default:
      return v
  }
}

function reviver(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || !(TAG in v)) return v
  const t = v as Tagged
  switch (t[TAG]) {
    case 'n':
      return BigInt(t.v as string)
    case 'f':
      return t.v === '-0' ? -0 : Number(t.v)
    case 'u':
      return undefined
    case 'd': {
      const [unscaled, scale] = t.v as [string, number]
      return new Decimal(BigInt(unscaled), scale)
    }
    case 'm':
      return new Map(t.v as [unknown, unknown][])
    case 's':
      return new Set(t.v as unknown[])
    case 'b':
      return new Uint8Array(Buffer.from(t.v as string, 'base64'))
    default:
      return v
  }
}

/** Field names recur in every state object: quote each once. */
const QUOTED = new Map<string, string>()

function quoted(k: string): string {
  let q = QUOTED.get(k)
  if (q === undefined) {
    q = JSON.stringify(k)
    if (QUOTED.size < 10_000) QUOTED.set(k, q)
  }
  return q
}

/**
 * The same text `JSON.stringify(value, replacer)` makes, written directly: a replacer costs a
 * callback per value, and commits encode every dirty group.
 */
function encodeText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0)
        ? String(v)
        : `{${T}:"f","v":"${Object.is(v, -0) ? '-0' : v}"}`
    case 'boolean':
      return v ? 'true' : 'false'
    case 'bigint':
      return `{${T}:"n","v":"${v}"}`
    case 'undefined':
      return `{${T}:"u","v":0}`
    case 'object': {
      if (v === null) return 'null'
      if (Array.isArray(v)) {
        let out = '['
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + encodeText(v[i])
        return `${out}]`
      }
      if (v instanceof Decimal) return `{${T}:"d","v":["${v.unscaled}",${v.scale}]}`
      if (v instanceof Map) return `{${T}:"m","v":${encodeText([...v])}}`
      if (v instanceof Set) return `{${T}:"s","v":${encodeText([...v])}}`
      if (v instanceof Uint8Array) return `{${T}:"b","v":"${Buffer.from(v).toString('base64')}"}`
      const keys = Object.keys(v)
      let out = '{'
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!
        out += `${i === 0 ? '' : ','}${quoted(k)}:${encodeText((v as Record<string, unknown>)[k])}`
      }
      return `${out}}`
    }
    default:
      return JSON.stringify(v, replacer) ?? 'null'
  }
}

/** State as text: LevelDB takes and returns JS strings (no Buffer per value for the GC to track). */
export function encodeState(value: unknown): string {
  return encodeText(value)
}

export function decodeState<V>(text: string): V {
  return JSON.parse(text, reviver) as V
}
