/** A fresh registry with every builtin function. */
import { registerAggregates } from './aggregate-registry.js'
import { FunctionRegistry, type ScalarFunction } from './registry.js'
import { collectionFunctions } from './scalar/collections.js'
import { datetimeFunctions } from './scalar/datetime.js'
import { jsonFunctions } from './scalar/json.js'
import { mathFunctions } from './scalar/math.js'
import { nullFunctions } from './scalar/nulls.js'
import { stringFunctions } from './scalar/string.js'
import { urlFunctions } from './scalar/url.js'
import { cubeExplodeFunction } from './table/cube.js'
import { explodeFunction } from './table/explode.js'

/** ksqlDB's FunctionCategory of a builtin scalar function, from its family and name. */
function category(family: string, name: string): string {
  const n = name.toUpperCase()
  if (n.startsWith('REGEXP_')) return 'REGULAR EXPRESSION'
  if (n.includes('JSON')) return 'JSON'
  if (n === 'TRANSFORM' || n === 'FILTER' || n === 'REDUCE') return 'LAMBDA'
  if (family === 'COLLECTION') {
    return n.startsWith('MAP_') || n === 'AS_MAP' || n === 'ENTRIES' ? 'MAP' : 'ARRAY'
  }
  if (family === 'NULL') return n === 'AS_VALUE' ? 'OTHER' : 'CONDITIONAL'
  return family
}

const FAMILIES: readonly [string, () => readonly ScalarFunction[]][] = [
  ['STRING', stringFunctions],
  ['MATHEMATICAL', mathFunctions],
  ['NULL', nullFunctions],
  ['DATE / TIME', datetimeFunctions],
  ['COLLECTION', collectionFunctions],
  ['JSON', jsonFunctions],
  ['URL', urlFunctions],
]

/** A fresh registry with every builtin function. */
export function builtinFunctions(): FunctionRegistry {
  const r = new FunctionRegistry()
  for (const [family, functions] of FAMILIES) {
    for (const f of functions()) {
      r.registerScalar(f.category === undefined ? { ...f, category: category(family, f.name) } : f)
    }
  }
  r.registerTable(explodeFunction())
  r.registerTable(cubeExplodeFunction())
  registerAggregates(r)
  return r
}
