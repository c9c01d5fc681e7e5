import type { Expr } from '../../ast/expressions.js'
import { compareValues } from '../../expr/cast.js'
import { array, struct, T, type Type } from '../../types/type.js'
import type { Struct, Value } from '../../types/values.js'
import { doc, P, type ParamType, variationsOf } from '../registry.js'
import {
  type AggregateConfig,
  contains,
  finish,
  literalValue,
  notAccepted,
  type ResolvedUdaf,
  signatureText,
  type UdafFunction,
  type UdafImpl,
  udafFunction,
} from './udaf.js'
import { formatExpression } from '../../ast/format.js'
import { SqlPlanError } from '../../errors.js'

/**
 * The types ksqlDB's MIN / MAX / TOPKDISTINCT accept (AggregateFunctionFactory.COMPARABLE_ARGS).
 * A function, not a constant: registry.js (P) may still be initializing when this module loads
 * (registry → builtins → aggregate-registry → here).
 */
const comparable = (): readonly ParamType[] => [
  T.INTEGER,
  T.BIGINT,
  T.DOUBLE,
  P.anyDecimal,
  T.DATE,
  T.TIME,
  T.TIMESTAMP,
  T.STRING,
  T.BYTES,
]

/**
 * MIN / MAX (BaseComparableKudaf): NULL inputs are skipped; the state is the current extreme
 * (NULL until a value arrives). On a tie the newer value is kept (as ksqlDB).
 */
function extreme(name: 'MIN' | 'MAX'): UdafFunction {
  const sign = name === 'MIN' ? 1 : -1
  const pick = (current: Value, agg: Value): Value => {
    if (current === null) return agg
    if (agg === null) return current
    // MIN: first.compareTo(second) < 0 ? first : second, first being the aggregate.
    return compareValues(agg, current) * sign < 0 ? agg : current
  }
  const which = name === 'MIN' ? 'minimum' : 'maximum'
  return udafFunction({
    name,
    description: `Computes the ${which} value for a key.`,
    signatures: comparable().map((p) => ({
      ...doc(`Returns the ${which} non-NULL value of the column.`, ['col', 'The column to aggregate.']),
      params: [p],
      make: (ctx): UdafImpl => {
        const t = ctx.types[0] as Type
        return {
          returnType: t,
          aggregateType: t,
          init: () => null,
          add: (s, args) => pick(args[0] ?? null, s),
          merge: (a, b) => pick(a, b),
          result: (s) => s,
        }
      },
    })),
  })
}

export function minFunction(): UdafFunction {
  return extreme('MIN')
}

export function maxFunction(): UdafFunction {
  return extreme('MAX')
}

// ---------------------------------------------------------------------------------------------
// TOPK(sort_col [, other_col ...], k)

const TOPK_SORT_TYPES: readonly Type[] = [T.INTEGER, T.BIGINT, T.DOUBLE, T.STRING]

/** Descending by `key`, stable (Java's List.sort with a reversed comparator). */
function sortDesc(list: Value[], key: (v: Value) => Value): void {
  list.sort((a, b) => compareValues(key(b), key(a)))
}

/**
 * TOPK(col, k) → ARRAY<T>: the k greatest non-NULL values, descending (duplicates kept).
 * TOPK(col, other1, ..., k) → ARRAY<STRUCT<sort_col T, col0 ..., col1 ...>>: the rows with the
 * k greatest `col`, carrying the other columns. k must be an INTEGER literal. Stream only.
 */
export function topkFunction(): UdafFunction {
  const name = 'TOPK'
  const alternatives = TOPK_SORT_TYPES.map((t) => signatureText(name, [t, T.INTEGER]))
  const variations = variationsOf({
    name,
    signatures: TOPK_SORT_TYPES.map((t) => ({
      ...doc(
        'Returns the k highest values of the column, highest first; given other columns, an array of structs with the sort column (sort_col) and the others (col0, col1, ...).',
        ['col', 'The column to sort by.'],
        ['k', 'The number of values to return (an INTEGER literal).'],
      ),
      params: [t, T.INTEGER],
      returns: array(t),
    })),
  })
  return {
    name,
    description: 'Computes the top k values for a key.',
    category: 'AGGREGATE',
    variations: () => variations,
    resolve(argTypes, args?: readonly Expr[], _config?: AggregateConfig): ResolvedUdaf {
      const n = argTypes.length
      const sortType = argTypes[0] ?? null
      const kType = argTypes[n - 1] ?? null
      if (
        n < 2 ||
        sortType === null ||
        !TOPK_SORT_TYPES.some((t) => t.kind === sortType.kind) ||
        (kType !== null && kType.kind !== 'INTEGER')
      ) {
        throw notAccepted(name, argTypes, alternatives)
      }
      const kExpr = args?.[n - 1]
      const kv = kExpr === undefined ? undefined : literalValue(kExpr)
      if (kExpr === undefined || kv === undefined) {
        throw new SqlPlanError(
          `Parameter ${n} passed to function ${name} must be a literal constant, but was expression: '${
            kExpr === undefined ? '?' : formatExpression(kExpr)
          }'`,
        )
      }
      const k = typeof kv === 'number' ? kv : 0
      const argCount = n - 1
      const types: Type[] = []
      for (let i = 0; i < argCount; i++) {
        const t = argTypes[i] ?? null
        if (t === null) throw notAccepted(name, argTypes, alternatives)
        types.push(t)
      }
      const withStruct = argCount > 1
      const elemType = withStruct
        ? struct(types.map((t, i) => ({ name: i === 0 ? 'sort_col' : `col${i - 1}`, type: t })))
        : sortType
      const fieldNames = types.map((_t, i) => (i === 0 ? 'sort_col' : `col${i - 1}`))
      const key = withStruct ? (v: Value) => (v as Struct).sort_col ?? null : (v: Value) => v
      const toElem = withStruct
        ? (args: readonly Value[]): Value => {
            const o: Record<string, Value> = {}
            for (let i = 0; i < fieldNames.length; i++) o[fieldNames[i] as string] = args[i] ?? null
            return o
          }
        : (args: readonly Value[]): Value => args[0] ?? null
      const impl: UdafImpl = {
        returnType: array(elemType),
        aggregateType: array(elemType),
        init: () => [],
        add: (s, args) => {
          const v = args[0] ?? null
          if (v === null || k <= 0) return s
          const list = s as readonly Value[]
          const size = list.length
          if (size === k && compareValues(v, key(list[size - 1] as Value)) <= 0) return s
          const out = list.slice()
          if (size >= k) out[size - 1] = toElem(args)
          else out.push(toElem(args))
          sortDesc(out, key)
          return out
        },
        merge: (a, b) => {
          const x = a as readonly Value[]
          const y = b as readonly Value[]
          const out: Value[] = []
          let i = 0
          let j = 0
          for (let n2 = 0; n2 < k; n2++) {
            const s1 = i < x.length ? (x[i] as Value) : undefined
            const s2 = j < y.length ? (y[j] as Value) : undefined
            const v1 = s1 === undefined ? null : key(s1)
            const v2 = s2 === undefined ? null : key(s2)
            if (v1 !== null && (v2 === null || compareValues(v1, v2) >= 0)) {
              out.push(s1 as Value)
              i++
            } else if (v2 !== null) {
              out.push(s2 as Value)
              j++
            } else break
          }
          return out
        },
        result: (s) => s,
      }
      return finish(impl, argCount, argTypes, types)
    },
  }
}

/** TOPKDISTINCT(col, k) → ARRAY<T>: the k greatest distinct non-NULL values, descending. Stream only. */
export function topkDistinctFunction(): UdafFunction {
  return udafFunction({
    name: 'TOPKDISTINCT',
    description: 'Calculates the top k distinct values for a column and a key.',
    signatures: comparable().map((p) => ({
      ...doc(
        'Returns the k highest distinct values of the column, highest first.',
        ['col', 'The column to aggregate.'],
        ['k', 'The number of values to return.'],
      ),
      params: [p, T.INTEGER],
      initArgs: 1,
      make: (ctx): UdafImpl => {
        const t = ctx.types[0] as Type
        const kv = ctx.init[0] ?? null
        const k = typeof kv === 'number' ? kv : 0
        return {
          returnType: array(t),
          aggregateType: array(t),
          init: () => [],
          add: (s, args) => {
            const v = args[0] ?? null
            if (v === null || k <= 0) return s
            const list = s as readonly Value[]
            const size = list.length
            if (size === k && compareValues(v, list[size - 1] as Value) <= 0) return s
            if (contains(list, v)) return s
            const out = list.slice()
            if (size >= k) out[size - 1] = v
            else out.push(v)
            sortDesc(out, (x) => x)
            return out
          },
          merge: (a, b) => {
            const x = a as readonly Value[]
            const y = b as readonly Value[]
            const out: Value[] = []
            let i = 0
            let j = 0
            for (let n = 0; n < k; n++) {
              const v1 = i < x.length ? (x[i] as Value) : null
              const v2 = j < y.length ? (y[j] as Value) : null
              if (v1 === null && v2 === null) break
              if (v1 !== null && (v2 === null || compareValues(v1, v2) > 0)) {
                out.push(v1)
                i++
              } else if (v1 === null || compareValues(v2, v1) > 0) {
                out.push(v2)
                j++
              } else {
                out.push(v1)
                i++
                j++
              }
            }
            return out
          },
          result: (s) => s,
        }
      },
    })),
  })
}
