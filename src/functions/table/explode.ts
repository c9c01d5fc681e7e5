import type { Value } from '../../types/values.js'
import { P, type TableFunction, tableFunction } from '../registry.js'

/** EXPLODE(array): one row per element (NULL elements included); a NULL array gives no rows. */
export function explodeFunction(): TableFunction {
  const t = P.generic('T')
  return tableFunction({
    name: 'EXPLODE',
    signatures: [{ params: [P.array(t)], returns: t, fn: (a) => a as readonly Value[] }],
  })
}
