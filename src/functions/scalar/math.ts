import { javaDoubleToString } from '../../expr/cast.js'
import { Decimal } from '../../types/decimal.js'
import { decimal, T, type Type } from '../../types/type.js'
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
        { params: [T.DOUBLE], returns: T.DOUBLE, fn: (x) => Math.log10(x as number) },
        {
          params: [T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (b, x) => Math.log(x as number) / Math.log(b as number),
        },
      ],
    }),
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
          fn: (a, b, c, d, u) => geoDistance(a as number, b as number, c as number, d as number, u as string),
        },
      ],
    }),
  ]
}

/** ksqlDB's GeoDistance: haversine on a sphere of radius 6371 km (3959 miles). */
function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number, unit: string): number {
  const u = unit.toLowerCase()
  let radius: number
  if (u === 'km' || u === 'kilometers' || u === 'kilometres' || u === 'kilometer' || u === 'kilometre')
    radius = 6371
  else if (u === 'mi' || u === 'miles' || u === 'mile') radius = 3959
  else
    throw new Error(
      `GeoDistance function units parameter must be one of 'MI', 'MILES', 'KM', 'KILOMETERS'. Got: ${unit}`,
    )
  for (const [v, lim, what] of [
    [lat1, 90, 'latitude'],
    [lat2, 90, 'latitude'],
    [lon1, 180, 'longitude'],
    [lon2, 180, 'longitude'],
  ] as const) {
    if (v < -lim || v > lim)
      throw new Error(
        `valid ${what} values for GeoDistance function are in the range of -${lim} to ${lim} decimal degrees`,
      )
  }
  const toRad = (x: number) => (x * Math.PI) / 180
  const dLat = toRad(lat2 - lat1)
  const dLon = toRad(lon2 - lon1)
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLon / 2) ** 2
  return 2 * radius * Math.asin(Math.sqrt(a))
}
