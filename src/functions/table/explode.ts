import type { Value } from '../../types/values.js'
import { doc, P, type TableFunction, tableFunction } from '../registry.js'

/** EXPLODE(array): one row per element (NULL elements included); a NULL array gives no rows. */
export function explodeFunction(): TableFunction {
  const t = P.generic('T')
  return tableFunction({
    name: 'EXPLODE',
    description: 'Explodes an array. This function outputs one value for each element of the array.',
    signatures: [
      {
        ...doc('Returns a row for each element of the array.', ['input', 'The array to explode.']),
        params: [P.array(t)],
        returns: t,
        fn: (a) => a as readonly Value[],
      },
    ],
  })
}
