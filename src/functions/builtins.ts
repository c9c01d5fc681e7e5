import { registerAggregates } from './aggregate-registry.js'
import { FunctionRegistry } from './registry.js'
import { collectionFunctions } from './scalar/collections.js'
import { datetimeFunctions } from './scalar/datetime.js'
import { jsonFunctions } from './scalar/json.js'
import { mathFunctions } from './scalar/math.js'
import { nullFunctions } from './scalar/nulls.js'
import { stringFunctions } from './scalar/string.js'
import { urlFunctions } from './scalar/url.js'
import { cubeExplodeFunction } from './table/cube.js'
import { explodeFunction } from './table/explode.js'

/** A fresh registry with every builtin function. */
export function builtinFunctions(): FunctionRegistry {
  const r = new FunctionRegistry()
  for (const f of [
    ...stringFunctions(),
    ...mathFunctions(),
    ...nullFunctions(),
    ...datetimeFunctions(),
    ...collectionFunctions(),
    ...jsonFunctions(),
    ...urlFunctions(),
  ]) {
    r.registerScalar(f)
  }
  r.registerTable(explodeFunction())
  r.registerTable(cubeExplodeFunction())
  registerAggregates(r)
  return r
}
