import {
  attrFunction,
  collectListFunction,
  collectSetFunction,
  histogramFunction,
} from './aggregate/collect.js'
import { countDistinctFunction, countFunction } from './aggregate/count.js'
import { maxFunction, minFunction, topkDistinctFunction, topkFunction } from './aggregate/minmax.js'
import { earliestByOffsetFunction, latestByOffsetFunction } from './aggregate/offset.js'
import {
  avgFunction,
  correlationFunction,
  stddevSampFunction,
  stddevSampleFunction,
} from './aggregate/stats.js'
import { sumFunction, sumListFunction } from './aggregate/sum.js'
import type { UdafFunction } from './aggregate/udaf.js'
import type { FunctionRegistry } from './registry.js'

/** ksqlDB's 18 aggregate functions (and STDDEV_SAMPLE, the second standard deviation UDAF). */
export function aggregateFunctions(): readonly UdafFunction[] {
  return [
    attrFunction(),
    avgFunction(),
    collectListFunction(),
    collectSetFunction(),
    correlationFunction(),
    countFunction(),
    countDistinctFunction(),
    earliestByOffsetFunction(),
    histogramFunction(),
    latestByOffsetFunction(),
    maxFunction(),
    minFunction(),
    stddevSampFunction(),
    stddevSampleFunction(),
    sumFunction(),
    sumListFunction(),
    topkFunction(),
    topkDistinctFunction(),
  ]
}

/** Registers every builtin aggregate function. */
export function registerAggregates(registry: FunctionRegistry): void {
  for (const f of aggregateFunctions()) registry.registerAggregate(f)
}
