import { compareValues, doubleToLong, javaDoubleToString } from '../../expr/cast.js'
import { Decimal } from '../../types/decimal.js'
import { decimal, T, type Type } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, P, type ScalarFunction, scalarFunction } from '../registry.js'

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
      description:
        'Returns the absolute value of its argument. If the argument is not negative, the argument is returned. If the argument is negative, the negation of the argument is returned.',
      signatures: [
        {
          ...doc('Returns the absolute value of an INT value.', [
            'value',
            'The value to get the absolute value of.',
          ]),
          params: [T.INTEGER],
          returns: T.INTEGER,
          fn: (x) => intAbs(x as number),
        },
        {
          ...doc('Returns the absolute value of a BIGINT value.', [
            'value',
            'The value to get the absolute value of.',
          ]),
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => BigInt.asIntN(64, (x as bigint) < 0n ? -(x as bigint) : (x as bigint)),
        },
        {
          ...doc('Returns the absolute value of a DOUBLE value.', [
            'value',
            'The value to get the absolute value of.',
          ]),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.abs(x as number),
        },
        {
          ...doc('Returns the absolute value of a DECIMAL value.', [
            'value',
            'The value to get the absolute value of.',
          ]),
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
      description:
        'Returns the smallest integer value that is greater than or equal to the argument (rounds towards positive infinity).',
      signatures: [
        {
          ...doc('Returns the ceiling of an INT value.', ['value', 'The value to get the ceiling of.']),
          params: [T.INTEGER],
          returns: T.INTEGER,
          fn: (x) => x,
        },
        {
          ...doc('Returns the ceiling of a BIGINT value.', ['value', 'The value to get the ceiling of.']),
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => x,
        },
        {
          ...doc('Returns the ceiling of a DOUBLE value.', ['value', 'The value to get the ceiling of.']),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.ceil(x as number),
        },
        {
          ...doc('Returns the ceiling of a DECIMAL value.', ['value', 'The value to get the ceiling of.']),
          params: [P.anyDecimal],
          returns: decimalReturn((t) => t),
          fn: (x) => roundDecimal(x as Decimal, 0, 'CEILING').setScale((x as Decimal).scale),
        },
      ],
    }),
    scalarFunction({
      name: 'FLOOR',
      description:
        'Returns the largest integer value that is less than or equal to the argument (rounds towards negative infinity).',
      signatures: [
        {
          ...doc('Returns the floor of an INT value.', ['value', 'The value to get the floor of.']),
          params: [T.INTEGER],
          returns: T.INTEGER,
          fn: (x) => x,
        },
        {
          ...doc('Returns the floor of a BIGINT value.', ['value', 'The value to get the floor of.']),
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => x,
        },
        {
          ...doc('Returns the floor of a DOUBLE value.', ['value', 'The value to get the floor of.']),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.floor(x as number),
        },
        {
          ...doc('Returns the floor of a DECIMAL value.', ['value', 'The value to get the floor of.']),
          params: [P.anyDecimal],
          returns: decimalReturn((t) => t),
          fn: (x) => roundDecimal(x as Decimal, 0, 'FLOOR').setScale((x as Decimal).scale),
        },
      ],
    }),
    scalarFunction({
      name: 'Round',
      description:
        'Round a value to the number of decimal places as specified by scale to the right of the decimal point. If scale is negative then value is rounded to the right of the decimal point. Numbers equidistant to the nearest value are rounded up (in the positive direction). If the number of decimal places is not provided it defaults to zero.',
      signatures: [
        {
          ...doc('Returns an INT value rounded to the nearest whole number.', ['val', 'The value to round.']),
          params: [T.INTEGER],
          returns: T.BIGINT,
          fn: (x) => BigInt(x as number),
        },
        {
          ...doc('Returns a BIGINT value rounded to the nearest whole number.', [
            'val',
            'The value to round.',
          ]),
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => x,
        },
        {
          ...doc('Returns a DOUBLE value rounded to the nearest whole number.', [
            'val',
            'The value to round.',
          ]),
          params: [T.DOUBLE],
          returns: T.BIGINT,
          fn: (x) => javaRound(x as number),
        },
        {
          ...doc(
            'Returns a DOUBLE value rounded to the given number of decimal places.',
            ['val', 'The value to round.'],
            ['decimalPlaces', 'The number of decimal places to round to.'],
          ),
          params: [T.DOUBLE, T.INTEGER],
          returns: T.DOUBLE,
          fn: (x, n) => {
            const d = x as number
            if (!Number.isFinite(d)) throw new Error(`Character ${d} is neither a decimal digit number`)
            return roundKsql(Decimal.parse(javaDoubleToString(d)), n as number).toNumber()
          },
        },
        {
          ...doc('Returns a DECIMAL value rounded to the nearest whole number.', [
            'val',
            'The value to round.',
          ]),
          params: [P.anyDecimal],
          returns: decimalReturn((t) => decimal(Math.max(t.precision - t.scale, 1), 0)),
          fn: (x) => roundKsql(x as Decimal, 0),
        },
        {
          ...doc(
            'Returns a DECIMAL value rounded to the given number of decimal places.',
            ['val', 'The value to round.'],
            ['decimalPlaces', 'The number of decimal places to round to.'],
          ),
          params: [P.anyDecimal, T.INTEGER],
          returns: decimalReturn((t) => t),
          fn: (x, n) => roundKsql(x as Decimal, n as number),
        },
      ],
    }),
    scalarFunction({
      name: 'SQRT',
      description: 'The square root of a value.',
      signatures: [
        {
          ...doc('Returns the correctly rounded positive square root of a DOUBLE value', [
            'value',
            'The value to get the square root of.',
          ]),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.sqrt(x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'CBRT',
      description: 'The cube root of a value.',
      signatures: [
        {
          ...doc('Returns the cube root of a DOUBLE value', ['value', 'The value to get the cube root of.']),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.cbrt(x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'EXP',
      description: 'The exponential of a value.',
      signatures: [
        {
          ...doc("Returns Euler's number e raised to the power of a DOUBLE value.", [
            'exponent',
            'the exponent to raise e to.',
          ]),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.exp(x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'LN',
      description: 'The natural logarithm of a value.',
      signatures: [
        {
          ...doc('Returns the natural logarithm (base e) of a DOUBLE value.', [
            'value',
            'the value get the natual logarithm of.',
          ]),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.log(x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'LOG',
      description: 'The logarithm of a value.',
      signatures: [
        {
          ...doc('Returns the natural logarithm of an INT value.', [
            'value',
            'the value get the logarithm of.',
          ]),
          params: [T.INTEGER],
          returns: T.DOUBLE,
          fn: (x) => Math.log(x as number),
        },
        {
          ...doc('Returns the natural logarithm of a BIGINT value.', [
            'value',
            'the value get the logarithm of.',
          ]),
          params: [T.BIGINT],
          returns: T.DOUBLE,
          fn: (x) => Math.log(Number(x)),
        },
        {
          ...doc('Returns the natural logarithm of a DOUBLE value.', [
            'value',
            'the value get the logarithm of.',
          ]),
          params: [T.DOUBLE],
          returns: T.DOUBLE,
          fn: (x) => Math.log(x as number),
        },
        {
          ...doc(
            'Returns the logarithm with the given base of an INT value.',
            ['base', 'the base of the logarithm.'],
            ['value', 'the value get the logarithm of.'],
          ),
          params: [T.INTEGER, T.INTEGER],
          returns: T.DOUBLE,
          fn: (b, x) => logBase(b as number, x as number),
        },
        {
          ...doc(
            'Returns the logarithm with the given base of a BIGINT value.',
            ['base', 'the base of the logarithm.'],
            ['value', 'the value get the logarithm of.'],
          ),
          params: [T.BIGINT, T.BIGINT],
          returns: T.DOUBLE,
          fn: (b, x) => logBase(Number(b), Number(x)),
        },
        {
          ...doc(
            'Returns the logarithm with the given base of a DOUBLE value.',
            ['base', 'the base of the logarithm.'],
            ['value', 'the value get the logarithm of.'],
          ),
          params: [T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (b, x) => logBase(b as number, x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'trunc',
      description:
        'Truncates a value to the number of decimal places as specified by scale to the right of the decimal point. If scale is negative then value is truncated to the right of the decimal point. If the number of decimal places is not provided it defaults to zero.',
      signatures: [
        {
          ...doc('Returns a BIGINT value unchanged.', ['val', 'The value to truncate.']),
          params: [T.BIGINT],
          returns: T.BIGINT,
          fn: (x) => x,
        },
        {
          ...doc('Returns an INT value as a BIGINT.', ['val', 'The value to truncate.']),
          params: [T.INTEGER],
          returns: T.BIGINT,
          fn: (x) => BigInt(x as number),
        },
        {
          ...doc('Returns a DOUBLE value with its fractional part removed, as a BIGINT.', [
            'val',
            'The value to truncate.',
          ]),
          params: [T.DOUBLE],
          returns: T.BIGINT,
          fn: (x) => doubleToLong(x as number),
        },
        {
          ...doc(
            'Returns a DOUBLE value truncated to the given number of decimal places.',
            ['val', 'The value to truncate.'],
            ['decimalPlaces', 'The number of decimal places to truncate to.'],
          ),
          params: [T.DOUBLE, T.INTEGER],
          returns: T.DOUBLE,
          fn: (x, n) => truncDecimal(doubleToDecimal(x as number), n as number).toNumber(),
        },
        {
          ...doc('Returns a DECIMAL value with its fractional part removed.', [
            'val',
            'The value to truncate.',
          ]),
          params: [P.anyDecimal],
          returns: decimalReturn((t) => decimal(Math.max(t.precision - t.scale, 1), 0)),
          fn: (x) => truncDecimal(x as Decimal, 0),
        },
        {
          ...doc(
            'Returns a DECIMAL value truncated to the given number of decimal places.',
            ['val', 'The value to truncate.'],
            ['decimalPlaces', 'The number of decimal places to truncate to.'],
          ),
          params: [P.anyDecimal, T.INTEGER],
          returns: decimalReturn((t) => t),
          fn: (x, n) => truncDecimal(x as Decimal, n as number).setScale((x as Decimal).scale),
        },
      ],
    }),
    ...(['least', 'greatest'] as const).map((name) => extremeFunction(name, name === 'least' ? -1 : 1)),
    scalarFunction({
      name: 'POWER',
      description: 'Returns the value of the first argument raised to the power of the second argument.',
      signatures: [
        {
          ...doc(
            'Returns the first DOUBLE raised to the power of the second.',
            ['base', 'the base of the power.'],
            ['exponent', 'the exponent of the power.'],
          ),
          params: [T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (a, b) => (a as number) ** (b as number),
        },
      ],
    }),
    scalarFunction({
      name: 'SIGN',
      description:
        'The sign of a numeric value as an INTEGER: -1 if the argument is negative, 0 if the argument is zero, 1 if the argument is positive.',
      signatures: [
        {
          ...doc('Returns the sign of an INT value.', ['value', 'The value to get the sign of.']),
          params: [T.INTEGER],
          returns: T.INTEGER,
          fn: (x) => Math.sign(x as number),
        },
        {
          ...doc('Returns the sign of a BIGINT value.', ['value', 'The value to get the sign of.']),
          params: [T.BIGINT],
          returns: T.INTEGER,
          fn: (x) => ((x as bigint) > 0n ? 1 : (x as bigint) < 0n ? -1 : 0),
        },
        {
          ...doc('Returns the sign of a DOUBLE value.', ['value', 'The value to get the sign of.']),
          params: [T.DOUBLE],
          returns: T.INTEGER,
          fn: (x) => Math.sign(x as number) | 0,
        },
        {
          ...doc('Returns the sign of a DECIMAL value.', ['value', 'The value to get the sign of.']),
          params: [P.anyDecimal],
          returns: T.INTEGER,
          fn: (x) => ((x as Decimal).unscaled > 0n ? 1 : (x as Decimal).unscaled < 0n ? -1 : 0),
        },
      ],
    }),
    ...(
      [
        [
          'ACOS',
          Math.acos,
          'The inverse (arc) cosine of a value. The returned value is in radians.',
          'inverse (arc) cosine',
          'inverse cosine',
        ],
        [
          'ASIN',
          Math.asin,
          'The inverse (arc) sine of a value. The returned value is in radians.',
          'inverse (arc) sine',
          'inverse sine',
        ],
        [
          'ATAN',
          Math.atan,
          'The inverse (arc) tangent of a value. The returned value is in radians.',
          'inverse (arc) tangent',
          'inverse tangent',
        ],
        ['COS', Math.cos, 'The cosine of a value. The value is in radians.', 'cosine', 'cosine'],
        ['SIN', Math.sin, 'The sine of a value. The value is in radians.', 'sine', 'sine'],
        ['TAN', Math.tan, 'The tangent of a value. The value is in radians.', 'tangent', 'tangent'],
        [
          'COT',
          (x: number) => 1 / Math.tan(x),
          'The cotangent of a value. The value is in radians.',
          'cotangent',
          'cotangent',
        ],
        ['COSH', Math.cosh, 'The hyperbolic cosine of a value.', 'hyperbolic cosine', 'hyperbolic cosine'],
        ['SINH', Math.sinh, 'The hyperbolic sine of a value.', 'hyperbolic sine', 'hyperbolic sine'],
        ['TANH', Math.tanh, 'The hyperbolic tangent of a value.', 'hyperbolic tangent', 'hyperbolic tangent'],
        [
          'DEGREES',
          (x: number) => (x * 180) / Math.PI,
          'Converts a value in radians to a value in degrees.',
          'value in degrees',
          'value in radians to convert to degrees',
        ],
        [
          'RADIANS',
          (x: number) => (x * Math.PI) / 180,
          'Converts a value in degrees to a value in radians.',
          'value in radians',
          'value in degrees to convert to radians',
        ],
      ] as const
    ).map(([name, f, description, what, param]) =>
      scalarFunction({
        name,
        description,
        signatures: [
          {
            ...doc(`Returns the ${what} of a DOUBLE value`, [
              'value',
              `The ${param}${param.startsWith('value') ? '.' : ' of.'}`,
            ]),
            params: [T.DOUBLE],
            returns: T.DOUBLE,
            fn: (x) => f(x as number),
          },
        ],
      }),
    ),
    scalarFunction({
      name: 'ATAN2',
      description:
        'The inverse (arc) tangent of y / x. This is equivalent to the angle theta when Cartesian coordinates (x, y) are converted to polar coordinates (radius, theta). The returned value is in radians.',
      signatures: [
        {
          ...doc(
            'Returns the inverse (arc) tangent of y / x',
            ['y', 'The ordinate (y) coordinate.'],
            ['x', 'The abscissa (x) coordinate.'],
          ),
          params: [T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (y, x) => Math.atan2(y as number, x as number),
        },
      ],
    }),
    scalarFunction({
      name: 'RANDOM',
      description: 'Returns a random DOUBLE value between 0.0 and 1.0.',
      signatures: [
        {
          ...doc('Returns a random DOUBLE value greater than or equal to 0.0 and less than 1.0.'),
          params: [],
          returns: T.DOUBLE,
          fn: () => Math.random(),
        },
      ],
    }),
    scalarFunction({
      name: 'PI',
      description: 'Returns an approximate value of PI.',
      signatures: [
        { ...doc('Returns an approximate value of PI.'), params: [], returns: T.DOUBLE, fn: () => Math.PI },
      ],
    }),
    scalarFunction({
      name: 'geo_distance',
      description:
        'Compute the distance between two points on the surface of the earth, according to the Haversine formula for "great circle distance".',
      signatures: [
        {
          ...doc(
            'Returns the distance in kilometers between two points given their latitudes and longitudes in decimal degrees.',
            ['lat1', 'The latitude of the first point in decimal degrees.'],
            ['lon1', 'The longitude of the first point in decimal degrees.'],
            ['lat2', 'The latitude of the second point in decimal degrees.'],
            ['lon2', 'The longitude of the second point in decimal degrees.'],
          ),
          params: [T.DOUBLE, T.DOUBLE, T.DOUBLE, T.DOUBLE],
          returns: T.DOUBLE,
          fn: (a, b, c, d) => geoDistance(a as number, b as number, c as number, d as number, 'KM'),
        },
        {
          ...doc(
            'Returns the distance between two points given their latitudes and longitudes in decimal degrees, in the given units.',
            ['lat1', 'The latitude of the first point in decimal degrees.'],
            ['lon1', 'The longitude of the first point in decimal degrees.'],
            ['lat2', 'The latitude of the second point in decimal degrees.'],
            ['lon2', 'The longitude of the second point in decimal degrees.'],
            ['units', 'The units for the return value. Either MILES or KM.'],
          ),
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
  const which = sign < 0 ? 'lowest' : 'highest'
  const of = (t: string) =>
    doc(
      `Returns the ${which} non-null ${t} value.`,
      ['val', 'The first value.'],
      ['vals', 'The other values.'],
    )
  const pick = (...xs: Value[]): Value => {
    let best: Value = null
    for (const x of xs) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x
    return best
  }
  const plain = (t: Type) => ({
    ...of(t.kind === 'INTEGER' ? 'INT' : t.kind === 'STRING' ? 'VARCHAR' : t.kind),
    params: [t, t],
    variadic: true,
    returns: t,
    nullSafe: true,
    fn: pick,
  })
  return scalarFunction({
    name,
    description: `Returns the ${which} non-null value among a variable number of comparable columns. If comparing columns of different numerical types, use CAST to first cast them to be of the same type.`,
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
        ...of('DECIMAL'),
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
