import type { Value } from '../../types/values.js'
import { doc, P, type TableFunction, tableFunction } from '../registry.js'

/**
 * CUBE_EXPLODE(array): one row per combination of the elements kept or replaced by NULL (all
 * NULL first, the input itself last); combinations that only differ in an element that is
 * already NULL appear once. A NULL array gives no rows.
 */
export function cubeExplodeFunction(): TableFunction {
  const t = P.generic('T')
  return tableFunction({
    name: 'cube_explode',
    description:
      'Takes as argument a list of columns and outputs all possible combinations of them. It produces 2^d new rows where d is the number of columns given as parameter. Duplicate entries for columns with null value are skipped.',
    signatures: [
      {
        ...doc('Returns a row for each combination of the elements kept or replaced by NULL.', [
          'input',
          'The columns to combine, as an array.',
        ]),
        params: [P.array(t)],
        returns: P.array(t),
        fn: (a) => cube(a as readonly Value[]),
      },
    ],
  })
}

export function cube(a: readonly Value[]): Value[][] {
  const n = a.length
  const rows: Value[][] = []
  const combos = 2 ** n
  outer: for (let mask = 0; mask < combos; mask++) {
    const row: Value[] = new Array(n)
    for (let i = 0; i < n; i++) {
      const keep = ((mask >> (n - 1 - i)) & 1) === 1
      const v = a[i] ?? null
      if (keep && v === null) continue outer
      row[i] = keep ? v : null
    }
    rows.push(row)
  }
  return rows
}
