import { valueEquals } from '../../expr/cast.js'
import { doc, P, type ScalarFunction, scalarFunction } from '../registry.js'

/** NULL handling: COALESCE, IFNULL, NULLIF, AS_VALUE. */
export function nullFunctions(): ScalarFunction[] {
  const t = P.generic('T')
  return [
    scalarFunction({
      name: 'COALESCE',
      description: 'Returns first non-null value.',
      signatures: [
        {
          ...doc('Returns the first of its arguments that is not NULL.', ['first'], ['others']),
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
      description: 'Returns expression if not NULL, otherwise returns altValue.',
      signatures: [
        {
          ...doc(
            'Returns expression if not NULL, otherwise returns altValue.',
            ['expression', 'The value to check.'],
            ['altValue', 'The value returned when expression is NULL.'],
          ),
          params: [t, t],
          returns: t,
          nullSafe: true,
          fn: (a, b) => (a === null ? b : a),
        },
      ],
    }),
    scalarFunction({
      name: 'NULLIF',
      description: 'Returns NULL if two expressions are equal, otherwise returns the first expression.',
      signatures: [
        {
          ...doc(
            'Returns NULL if expr1 equals expr2, otherwise expr1.',
            ['expr1', 'The value returned when the two are not equal.'],
            ['expr2', 'The value to compare expr1 with.'],
          ),
          params: [t, t],
          returns: t,
          nullSafe: true,
          fn: (a, b) => (a !== null && b !== null && valueEquals(a, b) ? null : a),
        },
      ],
    }),
    scalarFunction({
      name: 'AS_VALUE',
      description:
        'Used exclusively in the projection of a query to allow a key column to be copied into the value schema. Has no affect if used anywhere else.',
      signatures: [
        {
          ...doc('Returns its argument unchanged.', ['source', 'The key column to copy into the value.']),
          params: [t],
          returns: t,
          nullSafe: true,
          fn: (a) => a,
        },
      ],
    }),
  ]
}
