import { compareValues, doubleToLong, javaDoubleToString } from '../../expr/cast.js'
import { Decimal } from '../../types/decimal.js'
import { decimal, T, type Type } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { P, type ScalarFunction, scalarFunction } from '../registry.js'

/** Math functions: ABS, CEIL, FLOOR, ROUND, SQRT, SIGN, RANDOM, EXP, LN, POWER, GEO_DISTANCE, ... */

type DecimalT = Extract<Type, { kind: 'DECIMAL' }>

/** Rounds a decimal to `scale` digits with `mode`. */
function roundDecimal(d: Decimal, scale: number, mode: 'HALF_UP' | 'CEILING' | 'FLOOR'): Decimal {
  if (scale >= d.scale) return d.setScale(scale)
  if (mode === 'HALF_UP') return d.setScale(scale)
  const div = 10n ** BigInt(d.scale - scale)
  let q = d.unscaled / div
  const r = d.unscaled % div
  if (r !== 0n) {
    if (mode === 'CEILING' && d.unscaled > 0n) q += 1n
    if (mode === 'FLOOR' && d.unscaled < 0n) q -= 1n
  }
  return new Decimal(q, scale)
}

/** Java Math.round(double): floor(x + 0.5) as a long. */
function javaRound(x: number): bigint {
  if (Number.isNaN(x)) return 0n
  if (!Number.isFinite(x)) return x > 0 ? 2n ** 63n - 1n : -(2n ** 63n)
  return BigInt(Math.floor(x + 0.5))
}

/**
 * ksqlDB's Round: HALF_UP for positive values, HALF_DOWN otherwise (Math.round's "half toward
 * positive infinity"); `places` may be negative.
 */
function roundKsql(d: Decimal, places: number): Decimal {
  if (places >= d.scale) return d.setScale(places)
  const div = 10n ** BigInt(d.scale - places)
  let q = d.unscaled / div
  const r = d.unscaled % div
  const twice = (r < 0n ? -r : r) * 2n
  if (d.unscaled > 0n ? twice >= div : twice > div) q += d.unscaled < 0n ? -1n : 1n
  if (places >= 0) return new Decimal(q, places)
  return new Decimal(q * 10n ** BigInt(-places), 0)
}

const decimalReturn =
  (f: (t: DecimalT) => Type) =>
  (args: readonly (Type | null)[]): Type => {
    const t = args[0]
    return t?.kind === 'DECIMAL' ? f(t) : decimal(10, 0)
  }

const intAbs = (x: number): number => Math.abs(x) | 0

export function mathFunctions(): ScalarFunction[] {
  return [
    scalarFunction({
      name: 'ABS',
      signatures: [
        { params: [T.INTEGER], returns: T.INTEGER, fn: (x) => intAbs(x as number) },
        {
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => BigInt.asIntN(64, (x as bigint) < 0n ? -(x as bigint) : (x as bigint)),
        },
        { params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.abs(x as number) },
        {
          params: [P.anyDecimal],
          returns: decimalReturn((t) => t),
          fn: (x) => {
            const d = x as Decimal
            return d.unscaled < 0n ? new Decimal(-d.unscaled, d.scale) : d
          },
        },
      ],
    }),
    scalarFunction({
      name: 'CEIL',
      signatures: [
        { params: [T.INTEGER], returns: T.INTEGER, fn: (x) => x },
        { params: [T.BIGINT], returns: T.BIGINT, fn: (x) => x },
        { params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.ceil(x as number) },
        {
          params: [P.anyDecimal],
          returns: decimalReturn((t) => t),
          fn: (x) => roundDecimal(x as Decimal, 0, 'CEILING').setScale((x as Decimal).scale),
        },
      ],
    }),
    scalarFunction({
      name: 'FLOOR',
      signatures: [
        { params: [T.INTEGER], returns: T.INTEGER, fn: (x) => x },
        { params: [T.BIGINT], returns: T.BIGINT, fn: (x) => x },
        { params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.floor(x as number) },
        {
          params: [P.anyDecimal],
          returns: decimalReturn((t) => t),
          fn: (x) => roundDecimal(x as Decimal, 0, 'FLOOR').setScale((x as Decimal).scale),
        },
      ],
    }),
    scalarFunction({
      name: 'Round',
      signatures: [
        { params: [T.INTEGER], returns: T.BIGINT, fn: (x) => BigInt(x as number) },
        { params: [T.BIGINT], returns: T.BIGINT, fn: (x) => x },
        { params: [T.DOUBLE], returns: T.BIGINT, fn: (x) => javaRound(x as number) },
        {
          params: [T.DOUBLE, T.INTEGER],
          returns: T.DOUBLE,
          fn: (x, n) => {
            const d = x as number
            if (!Number.isFinite(d)) throw new Error(`Character ${d} is neither a decimal digit number`)
            return roundKsql(Decimal.parse(javaDoubleToString(d)), n as number).toNumber()
          },
        },
        {
          params: [P.anyDecimal],
          returns: decimalReturn((t) => decimal(Math.max(t.precision - t.scale, 1), 0)),
          fn: (x) => roundKsql(x as Decimal, 0),
        },
        {
          params: [P.anyDecimal, T.INTEGER],
          returns: decimalReturn((t) => t),
          fn: (x, n) => roundKsql(x as Decimal, n as number),
        },
      ],
    }),
    scalarFunction({
      name: 'SQRT',
      signatures: [{ params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.sqrt(x as number) }],
    }),
    scalarFunction({
      name: 'CBRT',
      signatures: [{ params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.cbrt(x as number) }],
    }),
    scalarFunction({
      name: 'EXP',
      signatures: [{ params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.exp(x as number) }],
    }),
    scalarFunction({
      name: 'LN',
      signatures: [{ params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.log(x as number) }],
    }),
    scalarFunction({
      name: 'LOG',
      signatures: [
        { params: [T.INTEGER], returns: T.DOUBLE, fn: (x) => Math.log(x as number) },
        { params: [T.BIGINT], returns: T.DOUBLE, fn: (x) => Math.log(Number(x)) },
        { params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.log(x as number) },
        {
          params: [T.INTEGER, T.INTEGER],
          returns: T.DOUBLE,
          fn: (b, x) => logBase(b as number, x as number),
        },
        {
          params: [T.BIGINT, T.BIGINT],
          returns: T.DOUBLE,
          fn: (b, x) => logBase(Number(b), Number(x)),
        },
        { params: [T.DOUBLE, T.DOUBLE], returns: T.DOUBLE, fn: (b, x) => logBase(b as number, x as number) },
      ],
    }),
    scalarFunction({
      name: 'trunc',
      signatures: [
        { params: [T.BIGINT], returns: T.BIGINT, fn: (x) => x },
        { params: [T.INTEGER], returns: T.BIGINT, fn: (x) => BigInt(x as number) },
        { params: [T.DOUBLE], returns: T.BIGINT, fn: (x) => doubleToLong(x as number) },
        {
          params: [T.DOUBLE, T.INTEGER],
          returns: T.DOUBLE,
          fn: (x, n) => truncDecimal(doubleToDecimal(x as number), n as number).toNumber(),
        },
        {
          params: [P.anyDecimal],
          returns: decimalReturn((t) => decimal(Math.max(t.precision - t.scale, 1), 0)),
          fn: (x) => truncDecimal(x as Decimal, 0),
        },
        {
          params: [P.anyDecimal, T.INTEGER],
          returns: decimalReturn((t) => t),
          fn: (x, n) => truncDecimal(x as Decimal, n as number).setScale((x as Decimal).scale),
        },
      ],
    }),
    ...(['least', 'greatest'] as const).map((name) => extremeFunction(name, name === 'least' ? -1 : 1)),
    scalarFunction({
      name: 'POWER',
      signatures: [
        { params: [T.DOUBLE, T.DOUBLE], returns: T.DOUBLE, fn: (a, b) => (a as number) ** (b as number) },
      ],
    }),
    scalarFunction({
      name: 'SIGN',
      signatures: [
        { params: [T.INTEGER], returns: T.INTEGER, fn: (x) => Math.sign(x as number) },
        {
          params: [T.BIGINT],
          returns: T.INTEGER,
          fn: (x) => ((x as bigint) > 0n ? 1 : (x as bigint) < 0n ? -1 : 0),
        },
        { params: [T.DOUBLE], returns: T.INTEGER, fn: (x) => Math.sign(x as number) | 0 },
        {
          params: [P.anyDecimal],
          returns: T.INTEGER,
          fn: (x) => ((x as Decimal).unscaled > 0n ? 1 : (x as Decimal).unscaled < 0n ? -1 : 0),
        },
      ],
    }),
    ...(
      [
        ['ACOS', Math.acos],
        ['ASIN', Math.asin],
        ['ATAN', Math.atan],
        ['COS', Math.cos],
        ['SIN', Math.sin],
        ['TAN', Math.tan],
        ['COT', (x: number) => 1 / Math.tan(x)],
        ['COSH', Math.cosh],
        ['SINH', Math.sinh],
        ['TANH', Math.tanh],
        ['DEGREES', (x: number) => (x * 180) / Math.PI],
        ['RADIANS', (x: number) => (x * Math.PI) / 180],
      ] as const
    ).map(([name, f]) =>
      scalarFunction({
        name,
        signatures: [{ params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => f(x as number) }],
      }),
    ),
    scalarFunction({
      name: 'ATAN2',
      signatures: [
        {
          params: [T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (y, x) => Math.atan2(y as number, x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'RANDOM',
      signatures: [{ params: [], returns: T.DOUBLE, fn: () => Math.random() }],
    }),
    scalarFunction({
      name: 'PI',
      signatures: [{ params: [], returns: T.DOUBLE, fn: () => Math.PI }],
    }),
    scalarFunction({
      name: 'geo_distance',
      signatures: [
        {
          params: [T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (a, b, c, d) => geoDistance(a as number, b as number, c as number, d as number, 'KM'),
        },
        {
          params: [T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE, T.STRING],
          returns: T.DOUBLE,
          nullSafe: true,
          fn: (a, b, c, d, u) =>
            a === null || b === null || c === null || d === null
              ? null
              : geoDistance(a as number, b as number, c as number, d as number, u as string | null),
        },
      ],
    }),
  ]
}

const GEO_MILES = ['mi', 'mile', 'miles']
const GEO_KMS = ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres']
/** Java 8's Math.toRadians. */
const toRadians = (deg: number): number => (deg / 180) * Math.PI

/** ksqlDB's GeoDistance: haversine on a sphere of radius 6371 km (3959 miles). */
function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number, unit: string | null): number {
  if (lat1 < -90 || lat2 < -90 || lat1 > 90 || lat2 > 90)
    throw new Error(
      'valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees',
    )
  if (lon1 < -180 || lon2 < -180 || lon1 > 180 || lon2 > 180)
    throw new Error(
      'valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees',
    )
  let radius = 6371
  const u = unit === null ? '' : unit.trim().toLowerCase()
  if (u !== '') {
    if (GEO_MILES.includes(u)) radius = 3959
    else if (!GEO_KMS.includes(u)) {
      const all = [...GEO_MILES, ...GEO_KMS]
      throw new Error(
        `GeoDistance function units parameter must be one of ${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}. Values are case-insensitive.`,
      )
    }
  }
  const haversin = (x: number) => Math.sin(x / 2) ** 2
  const a =
    haversin(toRadians(lat2 - lat1)) +
    haversin(toRadians(lon2 - lon1)) * Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2))
  return 2 * Math.asin(Math.sqrt(a)) * radius
}

/** ksqlDB's Log with a base: NaN for a base <= 0 or 1. */
function logBase(base: number, x: number): number {
  if (base <= 0 || base === 1) return Number.NaN
  return Math.log(x) / Math.log(base)
}

/** BigDecimal.valueOf(double). */
function doubleToDecimal(d: number): Decimal {
  if (!Number.isFinite(d)) throw new Error(`Character ${d} is neither a decimal digit number`)
  return Decimal.parse(javaDoubleToString(d))
}

/** BigDecimal.setScale(places, DOWN), as a decimal of scale max(places, 0). */
function truncDecimal(d: Decimal, places: number): Decimal {
  if (places >= d.scale) return d.setScale(places)
  const q = d.unscaled / 10n ** BigInt(d.scale - places)
  if (places >= 0) return new Decimal(q, places)
  return new Decimal(q * 10n ** BigInt(-places), 0)
}

/** DecimalUtil.widen: enough integer digits and scale for both. */
function widenDecimal(a: DecimalT, b: DecimalT): DecimalT {
  const scale = Math.max(a.scale, b.scale)
  return { kind: 'DECIMAL', precision: Math.max(a.precision - a.scale, b.precision - b.scale) + scale, scale }
}

/** LEAST / GREATEST: the lowest / highest non-NULL argument, NULL when all are NULL. */
function extremeFunction(name: string, sign: number): ScalarFunction {
  const pick = (...xs: Value[]): Value => {
    let best: Value = null
    for (const x of xs) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x
    return best
  }
  const plain = (t: Type) => ({ params: [t, t], variadic: true, returns: t, nullSafe: true, fn: pick })
  return scalarFunction({
    name,
    signatures: [
      plain(T.INTEGER),
      plain(T.BIGINT),
      plain(T.DOUBLE),
      plain(T.STRING),
      plain(T.BYTES),
      plain(T.DATE),
      plain(T.TIME),
      plain(T.TIMESTAMP),
      {
        params: [P.anyDecimal, P.anyDecimal],
        variadic: true,
        nullSafe: true,
        returns: (args) => {
          let out: DecimalT | undefined
          for (const a of args) if (a?.kind === 'DECIMAL') out = out === undefined ? a : widenDecimal(out, a)
          return out ?? decimal(10, 0)
        },
        make: (_ps, ret) => {
          const scale = ret.kind === 'DECIMAL' ? ret.scale : 0
          return (...xs) => {
            const r = pick(...xs)
            return r === null ? null : (r as Decimal).setScale(scale)
          }
        },
      },
    ],
  })
}
