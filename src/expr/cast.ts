import { SqlPlanError } from '../errors.js'
import { Decimal } from '../types/decimal.js'
import { type Type, typeEquals, typeToString } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'
import { ExprEvalError } from './errors.js'
import { javaDoubleToString } from '../serde/common.js'
import {
  formatDate,
  formatTime,
  formatTimestamp,
  MS_PER_DAY,
  parseDate,
  parseTime,
  parseTimestamp,
} from './time.js'

/**
 * ksqlDB's CAST rules (CastEvaluator) and the value helpers the operators share: SQL equality and
 * ordering, Java-compatible number formatting and conversions.
 */

export type Caster = (v: Value) => Value

const identity: Caster = (v) => v

/** Coerce a value of type `from` to type `to` with ksqlDB's CAST rules. */
export function castValue(v: Value, from: Type | null, to: Type): Value {
  if (v === null) return null
  return castFunction(from, to)(v)
}

/**
 * A precompiled cast from `from` to `to`. NULL maps to NULL. Throws SqlPlanError at compile time
 * when ksqlDB does not support the cast; the returned function throws ExprEvalError on bad values.
 */
export function castFunction(from: Type | null, to: Type): Caster {
  if (from === null) return () => null
  if (typeEquals(from, to)) return identity
  const f = castInner(from, to)
  if (f === undefined) {
    throw new SqlPlanError(`Cast of ${typeToString(from)} to ${typeToString(to)} is not supported`)
  }
  return (v) => (v === null ? null : f(v))
}

type NonNull = Exclude<Value, null>

function castInner(from: Type, to: Type): ((v: NonNull) => Value) | undefined {
  if (typeEquals(from, to)) return (v) => v
  switch (to.kind) {
    case 'STRING':
      return (v) => valueToString(v, from)
    case 'BOOLEAN':
      if (from.kind === 'STRING') return (v) => parseBooleanLenient(v as string)
      return undefined
    case 'INTEGER':
      switch (from.kind) {
        case 'BIGINT':
          return (v) => Number(BigInt.asIntN(32, v as bigint))
        case 'DOUBLE':
          return (v) => doubleToInt(v as number)
        case 'DECIMAL':
          return (v) => Number(BigInt.asIntN(32, decimalToBigInt(v as Decimal)))
        case 'STRING':
          return (v) => parseJavaInt(v as string)
        default:
          return undefined
      }
    case 'BIGINT':
      switch (from.kind) {
        case 'INTEGER':
          return (v) => BigInt(v as number)
        case 'DOUBLE':
          return (v) => doubleToLong(v as number)
        case 'DECIMAL':
          return (v) => BigInt.asIntN(64, decimalToBigInt(v as Decimal))
        case 'STRING':
          return (v) => parseJavaLong(v as string)
        default:
          return undefined
      }
    case 'DOUBLE':
      switch (from.kind) {
        case 'INTEGER':
          return (v) => v
        case 'BIGINT':
          return (v) => Number(v as bigint)
        case 'DECIMAL':
          return (v) => (v as Decimal).toNumber()
        case 'STRING':
          return (v) => parseJavaDouble(v as string)
        default:
          return undefined
      }
    case 'DECIMAL': {
      const { precision, scale } = to
      const fitTo = (d: Decimal): Decimal => ensureFit(d.setScale(scale), precision, scale)
      switch (from.kind) {
        case 'INTEGER':
          return (v) => fitTo(new Decimal(BigInt(v as number), 0))
        case 'BIGINT':
          return (v) => fitTo(new Decimal(v as bigint, 0))
        case 'DOUBLE':
          return (v) => {
            const d = v as number
            if (!Number.isFinite(d))
              throw new ExprEvalError(`Cannot convert ${javaDoubleToString(d)} to DECIMAL`)
            return fitTo(Decimal.parse(javaDoubleToString(d)))
          }
        case 'DECIMAL':
          return (v) => fitTo(v as Decimal)
        case 'STRING':
          return (v) => fitTo(parseDecimal(v as string))
        default:
          return undefined
      }
    }
    case 'TIMESTAMP':
      if (from.kind === 'STRING') return (v) => wrapParse(() => parseTimestamp(v as string))
      if (from.kind === 'DATE') return (v) => (v as number) * MS_PER_DAY
      return undefined
    case 'DATE':
      if (from.kind === 'STRING') return (v) => wrapParse(() => parseDate(v as string))
      if (from.kind === 'TIMESTAMP') return (v) => Math.floor((v as number) / MS_PER_DAY)
      return undefined
    case 'TIME':
      if (from.kind === 'STRING') return (v) => wrapParse(() => parseTime(v as string))
      if (from.kind === 'TIMESTAMP') return (v) => (((v as number) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY
      return undefined
    case 'BYTES':
      return undefined
    case 'ARRAY': {
      if (from.kind !== 'ARRAY') return undefined
      const e = castFunction(from.element, to.element)
      return (v) => (v as readonly Value[]).map((x) => (x === null ? null : e(x)))
    }
    case 'MAP': {
      if (from.kind !== 'MAP') return undefined
      const k = castFunction(from.key, to.key)
      const val = castFunction(from.value, to.value)
      return (v) => {
        const out = new Map<Value, Value>()
        for (const [a, b] of v as ReadonlyMap<Value, Value>) out.set(k(a), val(b))
        return out
      }
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') return undefined
      const casts = to.fields.map((f) => {
        const src = from.fields.find((g) => g.name === f.name)
        return {
          name: f.name,
          from: src?.name,
          cast: src === undefined ? () => null : castFunction(src.type, f.type),
        }
      })
      return (v) => {
        const s = v as Struct
        const out: Record<string, Value> = {}
        for (const c of casts) out[c.name] = c.from === undefined ? null : c.cast(s[c.from] ?? null)
        return out
      }
    }
  }
}

function wrapParse(f: () => number): number {
  try {
    return f()
  } catch (e) {
    throw new ExprEvalError(e instanceof Error ? e.message : String(e))
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers, Java-compatible

const INT_MIN = -2147483648
const INT_MAX = 2147483647
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/** Java's `(int) d`: truncation, saturating, NaN → 0. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0
  if (d >= INT_MAX) return INT_MAX
  if (d <= INT_MIN) return INT_MIN
  return Math.trunc(d) | 0
}

/** Java's `(long) d`. */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n
  if (d >= 9.223372036854776e18) return LONG_MAX
  if (d <= -9.223372036854776e18) return LONG_MIN
  return BigInt(Math.trunc(d))
}

/** BigDecimal.toBigInteger(): truncation toward zero. */
export function decimalToBigInt(d: Decimal): bigint {
  if (d.scale <= 0) return d.unscaled * 10n ** BigInt(-d.scale)
  return d.unscaled / 10n ** BigInt(d.scale)
}

function numberFormatError(s: string): ExprEvalError {
  return new ExprEvalError(`For input string: "${s}"`)
}

/** Integer.parseInt(s.trim()). */
export function parseJavaInt(s: string): number {
  const t = s.trim()
  if (!/^[+-]?\d+$/.test(t)) throw numberFormatError(t)
  const n = Number(t)
  if (n < INT_MIN || n > INT_MAX) throw numberFormatError(t)
  return n
}

/** Long.parseLong(s.trim()). */
export function parseJavaLong(s: string): bigint {
  const t = s.trim()
  if (!/^[+-]?\d+$/.test(t)) throw numberFormatError(t)
  const n = BigInt(t)
  if (n < LONG_MIN || n > LONG_MAX) throw numberFormatError(t)
  return n
}

/** Double.parseDouble(s.trim()). */
export function parseJavaDouble(s: string): number {
  const t = s.trim()
  if (/^[+-]?NaN$/.test(t)) return Number.NaN
  if (/^[+-]?Infinity$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[dDfF]?$/.exec(t)
  if (m === null) throw numberFormatError(t)
  return Number(m[1])
}

/** new BigDecimal(s.trim()). */
export function parseDecimal(s: string): Decimal {
  try {
    return Decimal.parse(s.trim())
  } catch {
    throw new ExprEvalError(
      `Character ${s.trim()[0] ?? ''} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`,
    )
  }
}

/** ksqlDB's DecimalUtil.ensureFit. */
export function ensureFit(d: Decimal, precision: number, scale: number): Decimal {
  const digits = d.unscaled < 0n ? (-d.unscaled).toString().length : d.unscaled.toString().length
  const intDigits = d.unscaled === 0n ? 0 : digits - d.scale
  if (intDigits > precision - scale) {
    throw new ExprEvalError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${precision - scale}. Got ${d.toString()}`,
    )
  }
  return d
}

/** Java's Double.toString. */
export { javaDoubleToString }

/** SqlBooleans.parseBoolean (CAST to BOOLEAN): like `parseBooleanStrict`, anything else is false. */
export function parseBooleanLenient(s: string): boolean {
  return parseBooleanStrict(s) ?? false
}

/**
 * SqlBooleans.parseBooleanExact (the LAX literal coercer): a case-insensitive prefix of `true`,
 * `yes`, `false` or `no` (`t`, `tr`, `Y`, ...); undefined if not a boolean.
 */
export function parseBooleanStrict(s: string): boolean | undefined {
  const t = s.trim().toLowerCase()
  if (t === '') return undefined
  if ('true'.startsWith(t) || 'yes'.startsWith(t)) return true
  if ('false'.startsWith(t) || 'no'.startsWith(t)) return false
  return undefined
}

export function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
}

/** A value as CAST(... AS STRING) writes it (Java's toString of the value). */
export function valueToString(v: Value, t: Type | null): string {
  if (v === null) return 'null'
  const kind = t?.kind
  switch (kind) {
    case 'DOUBLE':
      return javaDoubleToString(v as number)
    case 'TIMESTAMP':
      return formatTimestamp(v as number)
    case 'DATE':
      return formatDate(v as number)
    case 'TIME':
      return formatTime(v as number)
    case 'ARRAY': {
      const et = t?.kind === 'ARRAY' ? t.element : null
      return `[${(v as readonly Value[]).map((x) => valueToString(x, et)).join(', ')}]`
    }
    case 'MAP': {
      const kt = t?.kind === 'MAP' ? t.key : null
      const vt = t?.kind === 'MAP' ? t.value : null
      const parts: string[] = []
      for (const [a, b] of v as ReadonlyMap<Value, Value>)
        parts.push(`${valueToString(a, kt)}=${valueToString(b, vt)}`)
      return `{${parts.join(', ')}}`
    }
    case 'STRUCT': {
      const fields = t?.kind === 'STRUCT' ? t.fields : []
      const s = v as Struct
      return `Struct{${fields
        .filter((f) => s[f.name] !== null && s[f.name] !== undefined)
        .map((f) => `${f.name}=${valueToString(s[f.name] ?? null, f.type)}`)
        .join(',')}}`
    }
    case 'BYTES':
      return bytesToBase64(v as Uint8Array)
    default:
      if (typeof v === 'number' && t === null && !Number.isInteger(v)) return javaDoubleToString(v)
      return String(v)
  }
}

// ---------------------------------------------------------------------------------------------
// Equality and ordering

function numericCompare(a: NonNull, b: NonNull): number | undefined {
  if (typeof a === 'number' && typeof b === 'number')
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : cmpNaN(a, b)
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  const da = toDecimalOrNumber(a)
  const db = toDecimalOrNumber(b)
  if (da === undefined || db === undefined) return undefined
  if (typeof da === 'number' || typeof db === 'number') {
    const x = typeof da === 'number' ? da : da.toNumber()
    const y = typeof db === 'number' ? db : db.toNumber()
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : cmpNaN(x, y)
  }
  return da.compareTo(db)
}

function cmpNaN(a: number, b: number): number {
  // Double.compare: NaN is greater than everything and equal to itself.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1
  return -1
}

function toDecimalOrNumber(v: NonNull): Decimal | number | undefined {
  if (v instanceof Decimal) return v
  if (typeof v === 'bigint') return new Decimal(v, 0)
  if (typeof v === 'number') return Number.isInteger(v) ? new Decimal(BigInt(v), 0) : v
  return undefined
}

/** SQL ordering of two values of comparable types; NULL sorts first. */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  const n = numericCompare(a, b)
  if (n !== undefined) return n
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const len = Math.min(a.length, b.length)
    for (let i = 0; i < len; i++) {
      // ByteBuffer.compareTo compares signed bytes.
      const x = ((a[i] as number) << 24) >> 24
      const y = ((b[i] as number) << 24) >> 24
      if (x !== y) return x < y ? -1 : 1
    }
    return a.length - b.length
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const len = Math.min(a.length, b.length)
    for (let i = 0; i < len; i++) {
      const c = compareValues(a[i] as Value, b[i] as Value)
      if (c !== 0) return c
    }
    return a.length - b.length
  }
  if (a instanceof Map && b instanceof Map) {
    const ea = [...a.entries()]
    const eb = [...b.entries()]
    const len = Math.min(ea.length, eb.length)
    for (let i = 0; i < len; i++) {
      const [ka, va] = ea[i] as [Value, Value]
      const [kb, vb] = eb[i] as [Value, Value]
      const c = compareValues(ka, kb) || compareValues(va, vb)
      if (c !== 0) return c
    }
    return ea.length - eb.length
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    const len = Math.min(ka.length, kb.length)
    for (let i = 0; i < len; i++) {
      const x = ka[i] as string
      const y = kb[i] as string
      if (x !== y) return x < y ? -1 : 1
      const c = compareValues((a as Struct)[x] ?? null, (b as Struct)[y] ?? null)
      if (c !== 0) return c
    }
    return ka.length - kb.length
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

/**
 * Java `equals` of two values (used for ARRAY / MAP / STRUCT equality, IN, NULLIF, GROUP BY keys):
 * deep; numbers of different Java classes compare by value here because the compiler has already
 * coerced both sides to one type.
 */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (a instanceof Decimal && b instanceof Decimal) return a.compareTo(b) === 0
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i] as Value, b[i] as Value)) return false
    return true
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false
    for (const [k, v] of a) {
      let found = false
      if (b.has(k)) found = valueEquals(v, b.get(k) as Value)
      else {
        for (const [k2, v2] of b) {
          if (valueEquals(k, k2)) {
            found = valueEquals(v, v2)
            break
          }
        }
      }
      if (!found) return false
    }
    return true
  }
  if (
    typeof a === 'object' &&
    typeof b === 'object' &&
    !(a instanceof Map) &&
    !(b instanceof Map) &&
    !Array.isArray(a) &&
    !Array.isArray(b) &&
    !(a instanceof Decimal) &&
    !(b instanceof Decimal) &&
    !(a instanceof Uint8Array) &&
    !(b instanceof Uint8Array)
  ) {
    const sa = a as Struct
    const sb = b as Struct
    const ka = Object.keys(sa)
    if (ka.length !== Object.keys(sb).length) return false
    for (const k of ka) if (!valueEquals(sa[k] ?? null, sb[k] ?? null)) return false
    return true
  }
  const n = numericCompare(a, b)
  return n === 0
}
