import { array, map, struct, T, type Type } from '../../types/type.js'
import type { Struct, Value } from '../../types/values.js'
import { doc, P } from '../registry.js'
import {
  configLimit,
  contains,
  javaEquals,
  lastIndexOf,
  type UdafFunction,
  type UdafImpl,
  udafFunction,
} from './udaf.js'

export const COLLECT_LIST_LIMIT = 'ksql.functions.collect_list.limit'
export const COLLECT_SET_LIMIT = 'ksql.functions.collect_set.limit'

/**
 * COLLECT_LIST(col) → ARRAY<T>: every value (NULLs included) in arrival order, at most
 * `ksql.functions.collect_list.limit` of them. Undo removes the last equal element.
 * Pure: each add copies the list (O(size) per row).
 */
export function collectListFunction(): UdafFunction {
  return udafFunction({
    name: 'COLLECT_LIST',
    description:
      'Gather all of the values from an input grouping into a single Array field. Although this aggregate works on both Stream and Table inputs, the order of entries in the result array is not guaranteed when working on Table input data. The size of the result Array is limited by ksql.functions.collect_list.limit (1000 entries by default); any values beyond this limit are silently ignored.',
    signatures: [
      {
        ...doc('Returns an array of the values in the group, NULLs included.', [
          'col',
          'The column to collect.',
        ]),
        params: [P.generic('T')],
        make: (ctx): UdafImpl => {
          const t = ctx.types[0] as Type
          const limit = configLimit(ctx.config, COLLECT_LIST_LIMIT)
          return {
            returnType: array(t),
            aggregateType: array(t),
            init: () => [],
            add: (s, args) => {
              const list = s as readonly Value[]
              return list.length < limit ? [...list, args[0] ?? null] : s
            },
            undo: (s, args) => {
              const list = s as readonly Value[]
              const i = lastIndexOf(list, args[0] ?? null)
              if (i < 0) return s
              return [...list.slice(0, i), ...list.slice(i + 1)]
            },
            merge: (a, b) => {
              const x = a as readonly Value[]
              const y = b as readonly Value[]
              const room = Math.max(0, limit - x.length)
              return [...x, ...y.slice(0, Math.min(room, y.length))]
            },
            result: (s) => s,
          }
        },
      },
    ],
  })
}

/**
 * COLLECT_SET(col) → ARRAY<T>: distinct values (NULL counts as one) in first-seen order, at most
 * `ksql.functions.collect_set.limit`. Stream only.
 */
export function collectSetFunction(): UdafFunction {
  return udafFunction({
    name: 'COLLECT_SET',
    description:
      'Gather all of the distinct values from an input grouping into a single Array. Not available for aggregating values from an input Table. The size of the result Array is limited by ksql.functions.collect_set.limit (1000 entries by default); any values beyond this limit are silently ignored.',
    signatures: [
      {
        ...doc('Returns an array of the distinct values in the group.', ['col', 'The column to collect.']),
        params: [P.generic('T')],
        make: (ctx): UdafImpl => {
          const t = ctx.types[0] as Type
          const limit = configLimit(ctx.config, COLLECT_SET_LIMIT)
          return {
            returnType: array(t),
            aggregateType: array(t),
            init: () => [],
            add: (s, args) => {
              const list = s as readonly Value[]
              const v = args[0] ?? null
              return list.length < limit && !contains(list, v) ? [...list, v] : s
            },
            merge: (a, b) => {
              const out = [...(a as readonly Value[])]
              for (const v of b as readonly Value[]) {
                if (out.length >= limit) break
                if (!contains(out, v)) out.push(v)
              }
              return out
            },
            result: (s) => s,
          }
        },
      },
    ],
  })
}

const HISTOGRAM_LIMIT = 1000

/**
 * HISTOGRAM(STRING) → MAP<STRING, BIGINT>: how many times each value occurs (NULL is a key too);
 * at most 1000 distinct keys, later new keys are ignored. Stream and table.
 */
export function histogramFunction(): UdafFunction {
  const bump = (m: ReadonlyMap<Value, Value>, k: Value, by: bigint): ReadonlyMap<Value, Value> => {
    const out = new Map(m)
    out.set(k, ((m.get(k) as bigint | undefined) ?? 0n) + by)
    return out
  }
  return udafFunction({
    name: 'HISTOGRAM',
    description:
      'Returns a map of each distinct String from the input Stream or Table and how many times each occurs. This version limits the size of the resultant Map to 1000 entries. Any entries added beyond this limit will be ignored.',
    signatures: [
      {
        ...doc('Returns a map of each distinct value to the number of times it occurs.', [
          'col',
          'The column to count the values of.',
        ]),
        params: [T.STRING],
        make: (): UdafImpl => ({
          returnType: map(T.STRING, T.BIGINT),
          aggregateType: map(T.STRING, T.BIGINT),
          init: () => new Map(),
          add: (s, args) => {
            const m = s as ReadonlyMap<Value, Value>
            const k = args[0] ?? null
            return m.size < HISTOGRAM_LIMIT || m.has(k) ? bump(m, k, 1n) : s
          },
          undo: (s, args) => {
            const m = s as ReadonlyMap<Value, Value>
            const k = args[0] ?? null
            const c = m.get(k) as bigint | undefined
            if (c === undefined) return s
            const out = new Map(m)
            if (c - 1n < 1n) out.delete(k)
            else out.set(k, c - 1n)
            return out
          },
          merge: (a, b) => {
            const out = new Map(a as ReadonlyMap<Value, Value>)
            for (const [k, v] of b as ReadonlyMap<Value, Value>) {
              if (out.size < HISTOGRAM_LIMIT || out.has(k))
                out.set(k, ((out.get(k) as bigint | undefined) ?? 0n) + (v as bigint))
            }
            return out
          },
          result: (s) => s,
        }),
      },
    ],
  })
}

/**
 * ATTR(col) (undocumented): the value when every counted row agrees on it, else NULL. State:
 * ARRAY<STRUCT<VALUE T, COUNT INTEGER>> of the distinct values with their counts. Stream and table.
 */
export function attrFunction(): UdafFunction {
  const update = (list: readonly Value[], v: Value, by: number): Value[] => {
    let found = false
    const out = list.map((e) => {
      const s = e as Struct
      if (!javaEquals(s.VALUE ?? null, v)) return e
      found = true
      return { VALUE: s.VALUE ?? null, COUNT: Math.max(0, (s.COUNT as number) + by) }
    })
    if (!found && by > 0) out.push({ VALUE: v, COUNT: by })
    return out
  }
  return udafFunction({
    name: 'ATTR',
    description:
      'Returns the value of a column if every row in the group has the same value for it, or NULL otherwise.',
    signatures: [
      {
        ...doc('Returns the single value of the column in the group, or NULL if the rows differ.', [
          'col',
          'The column to check.',
        ]),
        params: [P.generic('T')],
        make: (ctx): UdafImpl => {
          const t = ctx.types[0] as Type
          const stateType = array(
            struct([
              { name: 'VALUE', type: t },
              { name: 'COUNT', type: T.INTEGER },
            ]),
          )
          return {
            returnType: t,
            aggregateType: stateType,
            init: () => [],
            add: (s, args) => update(s as readonly Value[], args[0] ?? null, 1),
            undo: (s, args) => update(s as readonly Value[], args[0] ?? null, -1),
            merge: (a, b) => {
              let out: readonly Value[] = a as readonly Value[]
              for (const e of b as readonly Value[]) {
                const s = e as Struct
                out = update(out, s.VALUE ?? null, s.COUNT as number)
              }
              return out
            },
            result: (s) => {
              let only: Struct | undefined
              for (const e of s as readonly Value[]) {
                const x = e as Struct
                if ((x.COUNT as number) > 0) {
                  if (only !== undefined) return null
                  only = x
                }
              }
              return only === undefined ? null : (only.VALUE ?? null)
            },
          }
        },
      },
    ],
  })
}
