import { valueEquals } from '../../expr/cast.js'
import { P, type ScalarFunction, scalarFunction } from '../registry.js'

/** NULL handling: COALESCE, IFNULL, NULLIF, AS_VALUE. */
export function nullFunctions(): ScalarFunction[] {
  const t = P.generic('T')
  return [
    scalarFunction({
      name: 'COALESCE',
      signatures: [
        {
          params: [t, t],
          variadic: true,
          returns: t,
          nullSafe: true,
          fn: (...xs) => {
            for (const x of xs) if (x !== null) return x
            return null
          },
        },
      ],
    }),
    scalarFunction({
      name: 'IFNULL',
      signatures: [{ params: [t, t], returns: t, nullSafe: true, fn: (a, b) => (a === null ? b : a) }],
    }),
    scalarFunction({
      name: 'NULLIF',
      signatures: [
        {
          params: [t, t],
          returns: t,
          nullSafe: true,
          fn: (a, b) => (a !== null && b !== null && valueEquals(a, b) ? null : a),
        },
      ],
    }),
    scalarFunction({
      name: 'AS_VALUE',
      signatures: [{ params: [t], returns: t, nullSafe: true, fn: (a) => a }],
    }),
  ]
}
