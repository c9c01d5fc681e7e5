import { struct, T, type Type } from '../../types/type.js'
import { doc } from '../registry.js'
import type { Struct, Value } from '../../types/values.js'
import { int32, int64, toDouble, type UdafFunction, type UdafImpl, udafFunction } from './udaf.js'

/** Java arithmetic on the SUM field of AVG / STDDEV states (int wraps at 32 bits, long at 64). */
interface SumOps {
  readonly type: Type
  readonly zero: Value
  add(a: Value, b: Value): Value
  sub(a: Value, b: Value): Value
  /** Java `sum / count` where both are integral (long division) or double. */
  intDiv(sum: Value, count: bigint): number
  /** `v * (count + 1) - (sum + v)` in the sum's Java type (STDDEV's Youngs-Cramer delta). */
  delta(sum: Value, count: bigint, v: Value): number
}

const INT: SumOps = {
  type: T.INTEGER,
  zero: 0,
  add: (a, b) => int32((a as number) + (b as number)),
  sub: (a, b) => int32((a as number) - (b as number)),
  intDiv: (s, c) => Number(BigInt(s as number) / c),
  delta: (s, c, v) =>
    Number(int64(BigInt(v as number) * (c + 1n) - BigInt(int32((s as number) + (v as number))))),
}
const LONG: SumOps = {
  type: T.BIGINT,
  zero: 0n,
  add: (a, b) => int64((a as bigint) + (b as bigint)),
  sub: (a, b) => int64((a as bigint) - (b as bigint)),
  intDiv: (s, c) => Number((s as bigint) / c),
  delta: (s, c, v) => Number(int64(int64((v as bigint) * (c + 1n)) - int64((s as bigint) + (v as bigint)))),
}
const DOUBLE: SumOps = {
  type: T.DOUBLE,
  zero: 0,
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
  intDiv: (s, c) => (s as number) / Number(c),
  delta: (s, c, v) => (v as number) * Number(c + 1n) - ((s as number) + (v as number)),
}

// ---------------------------------------------------------------------------------------------
// AVG: state STRUCT<SUM x, COUNT BIGINT>, result DOUBLE (0.0 when nothing was counted)

function average(ops: SumOps): UdafImpl {
  return {
    returnType: T.DOUBLE,
    aggregateType: struct([
      { name: 'SUM', type: ops.type },
      { name: 'COUNT', type: T.BIGINT },
    ]),
    init: () => ({ SUM: ops.zero, COUNT: 0n }),
    add: (s, args) => {
      const v = args[0] ?? null
      if (v === null) return s
      const a = s as Struct
      return { SUM: ops.add(a.SUM ?? null, v), COUNT: (a.COUNT as bigint) + 1n }
    },
    undo: (s, args) => {
      const v = args[0] ?? null
      if (v === null) return s
      const a = s as Struct
      return { SUM: ops.sub(a.SUM ?? null, v), COUNT: (a.COUNT as bigint) - 1n }
    },
    merge: (x, y) => {
      const a = x as Struct
      const b = y as Struct
      return { SUM: ops.add(a.SUM ?? null, b.SUM ?? null), COUNT: (a.COUNT as bigint) + (b.COUNT as bigint) }
    },
    result: (s) => {
      const a = s as Struct
      const count = a.COUNT as bigint
      if (count === 0n) return 0
      return toDouble(a.SUM ?? null) / Number(count)
    },
  }
}

/** AVG(INTEGER | BIGINT | DOUBLE) → DOUBLE (DECIMAL arguments are widened to DOUBLE). */
export function avgFunction(): UdafFunction {
  return udafFunction({
    name: 'AVG',
    description: 'Returns the average value for a key.',
    signatures: [
      {
        ...doc('Returns the average of the non-NULL BIGINT values.', ['col', 'The column to aggregate.']),
        params: [T.BIGINT],
        make: () => average(LONG),
      },
      {
        ...doc('Returns the average of the non-NULL INT values.', ['col', 'The column to aggregate.']),
        params: [T.INTEGER],
        make: () => average(INT),
      },
      {
        ...doc('Returns the average of the non-NULL DOUBLE values.', ['col', 'The column to aggregate.']),
        params: [T.DOUBLE],
        make: () => average(DOUBLE),
      },
    ],
  })
}

// ---------------------------------------------------------------------------------------------
// STDDEV_SAMP / STDDEV_SAMPLE: state STRUCT<SUM x, COUNT BIGINT, M2 DOUBLE> (Youngs-Cramer)

/**
 * ksqlDB's two standard deviation UDAFs: STDDEV_SAMPLE returns the sample standard deviation;
 * STDDEV_SAMP (as ksqlDB ships it) returns the sample *variance* (no square root) and merges
 * integral sums with long division.
 */
function stddev(ops: SumOps, sqrt: boolean): UdafImpl {
  const mergeInner = sqrt
    ? (a: Struct, b: Struct) =>
        toDouble(a.SUM ?? null) / Number(a.COUNT as bigint) -
        toDouble(b.SUM ?? null) / Number(b.COUNT as bigint)
    : (a: Struct, b: Struct) =>
        ops.type.kind === 'DOUBLE'
          ? ops.intDiv(a.SUM ?? null, a.COUNT as bigint) - ops.intDiv(b.SUM ?? null, b.COUNT as bigint)
          : Number(
              BigInt(ops.intDiv(a.SUM ?? null, a.COUNT as bigint)) -
                BigInt(ops.intDiv(b.SUM ?? null, b.COUNT as bigint)),
            )
  return {
    returnType: T.DOUBLE,
    aggregateType: struct([
      { name: 'SUM', type: ops.type },
      { name: 'COUNT', type: T.BIGINT },
      { name: 'M2', type: T.DOUBLE },
    ]),
    init: () => ({ SUM: ops.zero, COUNT: 0n, M2: 0 }),
    add: (s, args) => {
      const v = args[0] ?? null
      if (v === null) return s
      const a = s as Struct
      const count = a.COUNT as bigint
      const newCount = count + 1n
      let m2 = 0
      if (count > 0n) {
        const d = ops.delta(a.SUM ?? null, count, v)
        m2 = (d * d) / Number(newCount * count)
      }
      return { SUM: ops.add(a.SUM ?? null, v), COUNT: newCount, M2: m2 + (a.M2 as number) }
    },
    undo: (s, args) => {
      const v = args[0] ?? null
      if (v === null) return s
      const a = s as Struct
      const count = a.COUNT as bigint
      const newCount = count - 1n
      let m2 = 0
      if (newCount > 0n) {
        const d = ops.delta(a.SUM ?? null, count, v)
        m2 = (d * d) / Number(newCount * (newCount + 1n))
      }
      return { SUM: ops.sub(a.SUM ?? null, v), COUNT: newCount, M2: (a.M2 as number) - m2 }
    },
    merge: (x, y) => {
      const a = x as Struct
      const b = y as Struct
      const c1 = a.COUNT as bigint
      const c2 = b.COUNT as bigint
      const n = c1 + c2
      let m2 = (a.M2 as number) + (b.M2 as number)
      if (c1 !== 0n && c2 !== 0n) {
        const inner = mergeInner(a, b)
        m2 += (Number(c1 * c2) * inner * inner) / Number(n)
      }
      return { SUM: ops.add(a.SUM ?? null, b.SUM ?? null), COUNT: n, M2: m2 }
    },
    result: (s) => {
      const a = s as Struct
      const count = a.COUNT as bigint
      if (count < 2n) return 0
      const variance = (a.M2 as number) / Number(count - 1n)
      return sqrt ? Math.sqrt(variance) : variance
    },
  }
}

function stddevFunction(name: string, sqrt: boolean, description: string): UdafFunction {
  const of = (t: string) =>
    doc(
      `Returns the ${sqrt ? 'sample standard deviation' : 'sample variance'} of the non-NULL ${t} values.`,
      ['col', 'The column to aggregate.'],
    )
  return udafFunction({
    name,
    description,
    signatures: [
      { ...of('BIGINT'), params: [T.BIGINT], make: () => stddev(LONG, sqrt) },
      { ...of('INT'), params: [T.INTEGER], make: () => stddev(INT, sqrt) },
      { ...of('DOUBLE'), params: [T.DOUBLE], make: () => stddev(DOUBLE, sqrt) },
    ],
  })
}

/** STDDEV_SAMP: ksqlDB's implementation returns the sample variance (conformance data agree). */
export function stddevSampFunction(): UdafFunction {
  return stddevFunction(
    'STDDEV_SAMP',
    false,
    'Returns the sample standard deviation of the input values. As in ksqlDB, the value returned is the sample variance (the square of the standard deviation).',
  )
}

/** STDDEV_SAMPLE: the sample standard deviation. */
export function stddevSampleFunction(): UdafFunction {
  return stddevFunction('STDDEV_SAMPLE', true, 'Returns the sample standard deviation of the input values.')
}

// ---------------------------------------------------------------------------------------------
// CORRELATION(x, y): Pearson coefficient, state of DOUBLE sums and a BIGINT count

const CORR_TYPE = struct([
  { name: 'X_SUM', type: T.DOUBLE },
  { name: 'Y_SUM', type: T.DOUBLE },
  { name: 'X_SQUARED_SUM', type: T.DOUBLE },
  { name: 'Y_SQUARED_SUM', type: T.DOUBLE },
  { name: 'XY_SUM', type: T.DOUBLE },
  { name: 'COUNT', type: T.BIGINT },
])

function correlation(): UdafImpl {
  const step = (s: Value, args: readonly Value[], sign: 1 | -1): Value => {
    const xv = args[0] ?? null
    const yv = args[1] ?? null
    if (xv === null || yv === null) return s
    const x = toDouble(xv)
    const y = toDouble(yv)
    const a = s as Struct
    return {
      X_SUM: (a.X_SUM as number) + sign * x,
      Y_SUM: (a.Y_SUM as number) + sign * y,
      X_SQUARED_SUM: (a.X_SQUARED_SUM as number) + sign * x * x,
      Y_SQUARED_SUM: (a.Y_SQUARED_SUM as number) + sign * y * y,
      XY_SUM: (a.XY_SUM as number) + sign * x * y,
      COUNT: (a.COUNT as bigint) + BigInt(sign),
    }
  }
  return {
    returnType: T.DOUBLE,
    aggregateType: CORR_TYPE,
    init: () => ({ X_SUM: 0, Y_SUM: 0, X_SQUARED_SUM: 0, Y_SQUARED_SUM: 0, XY_SUM: 0, COUNT: 0n }),
    add: (s, args) => step(s, args, 1),
    undo: (s, args) => step(s, args, -1),
    merge: (x, y) => {
      const a = x as Struct
      const b = y as Struct
      return {
        X_SUM: (a.X_SUM as number) + (b.X_SUM as number),
        Y_SUM: (a.Y_SUM as number) + (b.Y_SUM as number),
        X_SQUARED_SUM: (a.X_SQUARED_SUM as number) + (b.X_SQUARED_SUM as number),
        Y_SQUARED_SUM: (a.Y_SQUARED_SUM as number) + (b.Y_SQUARED_SUM as number),
        XY_SUM: (a.XY_SUM as number) + (b.XY_SUM as number),
        COUNT: (a.COUNT as bigint) + (b.COUNT as bigint),
      }
    },
    result: (s) => {
      const a = s as Struct
      const sumX = a.X_SUM as number
      const sumY = a.Y_SUM as number
      const n = Number(a.COUNT as bigint)
      const numerator = n * (a.XY_SUM as number) - sumX * sumY
      const dx = n * (a.X_SQUARED_SUM as number) - sumX * sumX
      const dy = n * (a.Y_SQUARED_SUM as number) - sumY * sumY
      return numerator / Math.sqrt(dx * dy)
    },
  }
}

/** CORRELATION(DOUBLE, DOUBLE) / (INTEGER, INTEGER) / (BIGINT, BIGINT) → DOUBLE (NaN until defined). */
export function correlationFunction(): UdafFunction {
  return udafFunction({
    name: 'CORRELATION',
    description: 'Calculates the Pearson correlation coefficient between two columns of data.',
    signatures: [
      {
        ...doc(
          'Returns the correlation of two DOUBLE columns.',
          ['x', 'The first column.'],
          ['y', 'The second column.'],
        ),
        params: [T.DOUBLE, T.DOUBLE],
        make: correlation,
      },
      {
        ...doc(
          'Returns the correlation of two INT columns.',
          ['x', 'The first column.'],
          ['y', 'The second column.'],
        ),
        params: [T.INTEGER, T.INTEGER],
        make: correlation,
      },
      {
        ...doc(
          'Returns the correlation of two BIGINT columns.',
          ['x', 'The first column.'],
          ['y', 'The second column.'],
        ),
        params: [T.BIGINT, T.BIGINT],
        make: correlation,
      },
    ],
  })
}
