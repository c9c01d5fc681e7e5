import { compareValues, valueEquals, valueToString } from '../../expr/cast.js'
import { Decimal } from '../../types/decimal.js'
import { array, struct, T, type Type } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, P, type ScalarFunction, scalarFunction } from '../registry.js'

/** ARRAY / MAP / STRUCT functions, including the lambda functions TRANSFORM, FILTER and REDUCE. */

type Fn = (...xs: Value[]) => Value
const asFn = (v: Value): Fn => v as unknown as Fn

export function collectionFunctions(): ScalarFunction[] {
  const t = P.generic('T')
  const u = P.generic('U')
  const k = P.generic('K')
  const v = P.generic('V')
  return [
    scalarFunction({
      name: 'ARRAY_LENGTH',
      description: 'Returns the number of elements in an array.',
      signatures: [
        {
          ...doc('Returns the number of elements in the array. Returns NULL if the array is NULL.', [
            'array',
            'The array.',
          ]),
          params: [P.array(t)],
          returns: T.INTEGER,
          fn: (a) => (a as readonly Value[]).length,
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_SORT',
      description:
        'Sorts an array of primitive values, according to their natural sort order. Any NULLs in the array will be placed at the end.',
      signatures: [
        {
          ...doc('Sorts the array in ascending order.', ['input', 'The array to sort.']),
          params: [P.array(t)],
          returns: P.array(t),
          fn: (a) => sortArray(a as readonly Value[], 'ASC'),
        },
        {
          ...doc(
            'Sorts the array in the given direction.',
            ['input', 'The array to sort.'],
            ['direction', "Marks the sorting direction: 'ASC' or 'DESC'."],
          ),
          params: [P.array(t), T.STRING],
          returns: P.array(t),
          fn: (a, d) => sortArray(a as readonly Value[], (d as string).toUpperCase()),
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_CONTAINS',
      description: 'Returns true if the array is non-null and contains the supplied value.',
      signatures: [
        {
          ...doc(
            'Returns whether the array contains val.',
            ['array', 'The array.'],
            ['val', 'The value to look for.'],
          ),
          params: [P.array(t), t],
          returns: T.BOOLEAN,
          nullSafe: true,
          fn: (a, x) =>
            a === null
              ? false
              : (a as readonly Value[]).some((y) => (x === null ? y === null : valueEquals(x, y))),
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_DISTINCT',
      description:
        'Returns an array of all the distinct values, including NULL if present, from the input array. The output array elements will be in order of their first occurrence in the input. Returns NULL if the input array is NULL.',
      signatures: [
        {
          ...doc('Returns the distinct values of the array.', ['array', 'The array.']),
          params: [P.array(t)],
          returns: P.array(t),
          fn: (a) => {
            const set = new ValueSet()
            for (const x of a as readonly Value[]) set.add(x)
            return set.values()
          },
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_MAX',
      description:
        'Return the maximum value from within an array of primitive values, according to their natural sort order. If the array is NULL, or contains only NULLs, return NULL.',
      signatures: [
        {
          ...doc('Returns the maximum non-NULL element of the array.', ['array', 'The array.']),
          params: [P.array(t)],
          returns: t,
          fn: (a) => extreme(a as readonly Value[], 1),
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_MIN',
      description:
        'Return the minimum value from within an array of primitive values, according to their natural sort order. If the array is NULL, or contains only NULLs, return NULL.',
      signatures: [
        {
          ...doc('Returns the minimum non-NULL element of the array.', ['array', 'The array.']),
          params: [P.array(t)],
          returns: t,
          fn: (a) => extreme(a as readonly Value[], -1),
        },
      ],
    }),
    scalarFunction({
      name: 'ARRAY_JOIN',
      description:
        "Creates a flat string representation of all the elements contained in the given array. The elements in the resulting string are separated by the chosen delimiter, which is an optional parameter that falls back to a comma ','.",
      signatures: [
        {
          ...doc('Joins the elements of the array with a comma.', ['array', 'The array to join.']),
          params: [P.array(t)],
          returns: T.STRING,
          make: (ps) => {
            const text = joinElementText(ps[0] ?? null)
            return (a) => (a as readonly Value[]).map(text).join(',')
          },
        },
        {
          ...doc(
            'Joins the elements of the array with the delimiter.',
            ['array', 'The array to join.'],
            ['delimiter', 'The string inserted between the elements.'],
          ),
          params: [P.array(t), T.STRING],
          returns: T.STRING,
          nullSafe: true,
          make: (ps) => {
            const text = joinElementText(ps[0] ?? null)
            return (a, d) => (a === null ? null : (a as readonly Value[]).map(text).join((d ?? '') as string))
          },
        },
      ],
    }),
    scalarFunction({
      name: 'array_concat',
      description:
        'Returns an array representing the concatenation of both input arrays. Returns NULL if both input arrays are NULL. If only one argument is NULL, the result is the other argument. The output array is of the same type as the input arrays.',
      signatures: [
        {
          ...doc(
            'Returns the elements of left followed by the elements of right.',
            ['left', 'The first array.'],
            ['right', 'The second array.'],
          ),
          params: [P.array(t), P.array(t)],
          returns: P.array(t),
          nullSafe: true,
          fn: (a, b) => {
            if (a === null && b === null) return null
            return [...((a ?? []) as readonly Value[]), ...((b ?? []) as readonly Value[])]
          },
        },
      ],
    }),
    scalarFunction({
      name: 'array_union',
      description:
        "Returns an array of all the distinct elements from both input arrays, in the order they're encountered. Returns NULL if either input array is NULL.",
      signatures: [
        {
          ...doc(
            'Returns the distinct elements of both arrays.',
            ['left', 'The first array.'],
            ['right', 'The second array.'],
          ),
          params: [P.array(t), P.array(t)],
          returns: P.array(t),
          fn: (a, b) => {
            const set = new ValueSet()
            for (const x of a as readonly Value[]) set.add(x)
            for (const x of b as readonly Value[]) set.add(x)
            return set.values()
          },
        },
      ],
    }),
    scalarFunction({
      name: 'array_intersect',
      description:
        "Returns an array of all the distinct elements from the intersection of both input arrays, in the order they're encountered in the first array. Returns NULL if either input array is NULL.",
      signatures: [
        {
          ...doc(
            'Returns the distinct elements present in both arrays.',
            ['left', 'The first array.'],
            ['right', 'The second array.'],
          ),
          params: [P.array(t), P.array(t)],
          returns: P.array(t),
          fn: (a, b) => {
            const right = new ValueSet()
            for (const x of b as readonly Value[]) right.add(x)
            const out = new ValueSet()
            for (const x of a as readonly Value[]) if (right.has(x)) out.add(x)
            return out.values()
          },
        },
      ],
    }),
    scalarFunction({
      name: 'array_except',
      description:
        'Returns an array of all the distinct elements from an array, except for those also present in a second array. The order of entries in the first array is preserved. Returns NULL if either input is NULL.',
      signatures: [
        {
          ...doc(
            'Returns the distinct elements of left that are not in right.',
            ['left', 'The array to take elements from.'],
            ['right', 'The elements to leave out.'],
          ),
          params: [P.array(t), P.array(t)],
          returns: P.array(t),
          fn: (a, b) => {
            const right = new ValueSet()
            for (const x of b as readonly Value[]) right.add(x)
            const out = new ValueSet()
            for (const x of a as readonly Value[]) if (!right.has(x)) out.add(x)
            return out.values()
          },
        },
      ],
    }),
    scalarFunction({
      name: 'array_remove',
      description:
        'Removes all elements from the input array equal to a given value. Returns NULL if the array is NULL.',
      signatures: [
        {
          ...doc(
            'Returns the array without the elements equal to victim.',
            ['array', 'The array.'],
            ['victim', 'The value to remove.'],
          ),
          params: [P.array(t), t],
          returns: P.array(t),
          nullSafe: true,
          fn: (a, victim) =>
            a === null
              ? null
              : (a as readonly Value[]).filter(
                  (x) => !(x === null ? victim === null : javaEquals(x, victim)),
                ),
        },
      ],
    }),
    scalarFunction({
      name: 'slice',
      description:
        'Returns a subset of a list, from the given start (inclusive) to end (inclusive). Indexes are 1-based.',
      signatures: [
        {
          ...doc(
            'Returns the elements of the list from start to end, both 1-based and inclusive.',
            ['list', 'The list to slice.'],
            ['from', 'The 1-based index of the first element.'],
            ['to', 'The 1-based index of the last element.'],
          ),
          params: [P.array(t), T.INTEGER, T.INTEGER],
          returns: P.array(t),
          nullSafe: true,
          fn: (a, from, to) => {
            if (a === null) return null
            const arr = a as readonly Value[]
            const start = from === null ? 0 : (from as number) - 1
            const end = to === null ? arr.length : (to as number)
            // List.subList: out of range or reversed bounds are an error, mapped to NULL.
            if (start < 0 || end > arr.length || start > end) return null
            return arr.slice(start, end)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'GENERATE_SERIES',
      description:
        'Construct an array of a range of values, from start to end (inclusive) in steps of step (1 or -1 by default).',
      signatures: [
        {
          ...doc(
            'Construct an array of a range of INT values.',
            ['start', 'The start of the range.'],
            ['end', 'The end of the range (inclusive).'],
          ),
          params: [T.INTEGER, T.INTEGER],
          returns: array(T.INTEGER),
          fn: (a, b) => series(a, b, null),
        },
        {
          ...doc(
            'Construct an array of a range of INT values with the given step.',
            ['start', 'The start of the range.'],
            ['end', 'The end of the range (inclusive).'],
            ['step', 'The difference between successive values.'],
          ),
          params: [T.INTEGER, T.INTEGER, T.INTEGER],
          returns: array(T.INTEGER),
          fn: series,
        },
        {
          ...doc(
            'Construct an array of a range of BIGINT values.',
            ['start', 'The start of the range.'],
            ['end', 'The end of the range (inclusive).'],
          ),
          params: [T.BIGINT, T.BIGINT],
          returns: array(T.BIGINT),
          fn: (a, b) => series(a, b, null),
        },
        {
          ...doc(
            'Construct an array of a range of BIGINT values with the given step.',
            ['start', 'The start of the range.'],
            ['end', 'The end of the range (inclusive).'],
            ['step', 'The difference between successive values.'],
          ),
          params: [T.BIGINT, T.BIGINT, T.INTEGER],
          returns: array(T.BIGINT),
          fn: series,
        },
      ],
    }),
    scalarFunction({
      name: 'ENTRIES',
      description:
        'Construct an array from the entries in a map. The array can be optionally sorted on the keys.',
      signatures: [T.INTEGER, T.BIGINT, T.DOUBLE, T.BOOLEAN, T.STRING, P.anyStruct].map((valueType) => ({
        ...doc(
          'Returns the entries of the map as an array of structs with fields K and V.',
          ['map', 'The map to get the entries of.'],
          ['sorted', 'Whether to sort the entries by key.'],
        ),
        params: [P.map(T.STRING, valueType), T.BOOLEAN],
        returns: (args: readonly (Type | null)[]) => {
          const m = args[0]
          const v = m?.kind === 'MAP' ? m.value : T.STRING
          return array(
            struct([
              { name: 'K', type: T.STRING },
              { name: 'V', type: v },
            ]),
          )
        },
        fn: (m: Value, sorted: Value) => {
          const entries = [...(m as ReadonlyMap<Value, Value>)]
          if (sorted === true) entries.sort(([a], [b]) => compareValues(a, b))
          return entries.map(([k, v]) => ({ K: k, V: v }))
        },
      })),
    }),
    scalarFunction({
      name: 'MAP_KEYS',
      description: 'Returns an array of all the keys in the specified map. Returns NULL if the map is NULL.',
      signatures: [
        {
          ...doc('Returns the keys of the map.', ['input', 'The map.']),
          params: [P.map(k, v)],
          returns: P.array(k),
          fn: (m) => [...(m as ReadonlyMap<Value, Value>).keys()],
        },
      ],
    }),
    scalarFunction({
      name: 'MAP_VALUES',
      description:
        'Returns an array of all the values in the specified map. Returns NULL if the map is NULL.',
      signatures: [
        {
          ...doc('Returns the values of the map.', ['input', 'The map.']),
          params: [P.map(k, v)],
          returns: P.array(v),
          fn: (m) => [...(m as ReadonlyMap<Value, Value>).values()],
        },
      ],
    }),
    scalarFunction({
      name: 'MAP_UNION',
      description:
        'Returns a new map containing the union of all entries from both input maps. If a key is present in both input maps then the value from map2 is the one which appears in the result. Returns NULL if all of the input maps are NULL.',
      signatures: [
        {
          ...doc(
            'Returns the union of both maps.',
            ['map1', 'The first map.'],
            ['map2', 'The second map; its values win.'],
          ),
          params: [P.map(k, v), P.map(k, v)],
          returns: P.map(k, v),
          nullSafe: true,
          fn: (a, b) => {
            if (a === null && b === null) return null
            const out = new Map<Value, Value>()
            for (const m of [a, b])
              if (m !== null) for (const [x, y] of m as ReadonlyMap<Value, Value>) out.set(x, y)
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'AS_MAP',
      description: 'Construct a map from a list of keys and a list of values.',
      signatures: [
        {
          ...doc(
            'Returns a map of each key to the value at the same position.',
            ['keys', 'The keys.'],
            ['values', 'The values.'],
          ),
          params: [P.array(T.STRING), P.array(v)],
          returns: (args) => ({
            kind: 'MAP',
            key: T.STRING,
            value: (args[1]?.kind === 'ARRAY' ? args[1].element : T.STRING) as Type,
          }),
          fn: (ks, vs) => {
            const out = new Map<Value, Value>()
            const keys = ks as readonly Value[]
            const vals = vs as readonly Value[]
            for (let i = 0; i < keys.length; i++)
              out.set(keys[i] as Value, i < vals.length ? (vals[i] as Value) : null)
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'TRANSFORM',
      description:
        'Apply a function to each element in an array or map. The transformed array or map is returned.',
      signatures: [
        {
          ...doc(
            'Returns the array with the lambda applied to each element.',
            ['array', 'The array.'],
            ['function', 'The lambda function.'],
          ),
          params: [P.array(t), P.lambda([t], u)],
          returns: P.array(u),
          fn: (a, f) => (a as readonly Value[]).map((x) => asFn(f)(x)),
        },
        {
          ...doc(
            'Returns the map with the lambdas applied to each key and each value.',
            ['map', 'The map.'],
            ['key_function', 'The lambda function for the keys.'],
            ['value_function', 'The lambda function for the values.'],
          ),
          params: [P.map(k, v), P.lambda([k, v], P.generic('K2')), P.lambda([k, v], P.generic('V2'))],
          returns: P.map(P.generic('K2'), P.generic('V2')),
          // Java's Collectors.toMap, as ksqlDB's Transform: a null value or a duplicate key
          // fails the call (the expression is then null).
          fn: (m, fk, fv) => {
            const out = new Map<Value, Value>()
            for (const [x, y] of m as ReadonlyMap<Value, Value>) {
              const key = asFn(fk)(x, y)
              const value = asFn(fv)(x, y)
              if (value === null) throw new Error(`Null value for key ${valueToString(key, null)}`)
              const dup =
                out.has(key) ||
                (typeof key === 'object' && key !== null && [...out.keys()].some((o) => valueEquals(o, key)))
              if (dup) throw new Error(`Duplicate key ${valueToString(key, null)}`)
              out.set(key, value)
            }
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'FILTER',
      description: 'Filter the input array or map using a lambda function.',
      signatures: [
        {
          ...doc(
            'Returns the elements of the array for which the lambda is true.',
            ['array', 'The array.'],
            ['function', 'The lambda function.'],
          ),
          params: [P.array(t), P.lambda([t], T.BOOLEAN)],
          returns: P.array(t),
          fn: (a, f) => (a as readonly Value[]).filter((x) => asFn(f)(x) === true),
        },
        {
          ...doc(
            'Returns the entries of the map for which the lambda is true.',
            ['map', 'The map.'],
            ['function', 'The lambda function.'],
          ),
          params: [P.map(k, v), P.lambda([k, v], T.BOOLEAN)],
          returns: P.map(k, v),
          fn: (m, f) => {
            const out = new Map<Value, Value>()
            for (const [x, y] of m as ReadonlyMap<Value, Value>) if (asFn(f)(x, y) === true) out.set(x, y)
            return out
          },
        },
      ],
    }),
    scalarFunction({
      name: 'REDUCE',
      description:
        'Reduce the input array or map down to a single value using an initial state and a lambda function.',
      signatures: [
        {
          ...doc(
            'Folds the elements of the array into the state with the lambda.',
            ['array', 'The array.'],
            ['initialState', 'The initial state.'],
            ['function', 'The lambda function.'],
          ),
          params: [P.array(t), u, P.lambda([u, t], u)],
          returns: u,
          nullSafe: true,
          fn: (a, init, f) => {
            if (init === null) return null
            if (a === null) return init
            let acc: Value = init
            for (const x of a as readonly Value[]) acc = asFn(f)(acc, x)
            return acc
          },
        },
        {
          ...doc(
            'Folds the entries of the map into the state with the lambda.',
            ['map', 'The map.'],
            ['initialState', 'The initial state.'],
            ['function', 'The lambda function.'],
          ),
          params: [P.map(k, v), u, P.lambda([u, k, v], u)],
          returns: u,
          nullSafe: true,
          fn: (m, init, f) => {
            if (init === null) return null
            if (m === null) return init
            let acc: Value = init
            for (const [x, y] of m as ReadonlyMap<Value, Value>) acc = asFn(f)(acc, x, y)
            return acc
          },
        },
      ],
    }),
  ]
}

function sortArray(a: readonly Value[], dir: string): Value[] | null {
  if (dir !== 'ASC' && dir !== 'DESC') return null
  const nonNull = a.filter((x) => x !== null).sort(compareValues)
  if (dir === 'DESC') nonNull.reverse()
  const nulls = a.filter((x) => x === null)
  return [...nonNull, ...nulls]
}

function extreme(a: readonly Value[], sign: number): Value {
  let best: Value = null
  for (const x of a) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x
  return best
}

/** Java's `Objects.equals` on two values of one SQL type (DECIMAL compares scale too; NaN equals NaN). */
export function javaEquals(a: Value, b: Value): boolean {
  if (a instanceof Decimal && b instanceof Decimal) return a.equals(b)
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b
  return valueEquals(a, b)
}

/**
 * An insertion-ordered set of values with Java `equals` semantics (LinkedHashSet): primitives
 * hash by value, other values are compared one by one.
 */
export class ValueSet {
  private readonly keys = new Set<unknown>()
  private readonly others: Value[] = []
  private readonly order: Value[] = []

  private static keyOf(v: Value): unknown {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v
    if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v
    if (v instanceof Decimal) return `D${v.unscaled}e${v.scale}`
    return undefined
  }

  has(v: Value): boolean {
    const k = ValueSet.keyOf(v)
    if (k !== undefined) return this.keys.has(k)
    return this.others.some((o) => javaEquals(o, v))
  }

  add(v: Value): void {
    if (this.has(v)) return
    const k = ValueSet.keyOf(v)
    if (k !== undefined) this.keys.add(k)
    else this.others.push(v)
    this.order.push(v)
  }

  values(): Value[] {
    return this.order
  }
}

const JAVA_CLASS: Readonly<Partial<Record<Type['kind'], string>>> = {
  ARRAY: 'java.util.ArrayList',
  MAP: 'java.util.HashMap',
  STRUCT: 'org.apache.kafka.connect.data.Struct',
  BYTES: 'java.nio.HeapByteBuffer',
  DATE: 'java.sql.Date',
  TIME: 'java.sql.Time',
  TIMESTAMP: 'java.sql.Timestamp',
}

/** How ARRAY_JOIN writes one element: Java's toString of the primitives, an error otherwise. */
function joinElementText(arrayType: Type | null): (x: Value) => string {
  const et = arrayType?.kind === 'ARRAY' ? arrayType.element : null
  const cls = et === null ? undefined : JAVA_CLASS[et.kind]
  if (cls !== undefined) {
    return (x) => {
      if (x === null) return 'null'
      throw new Error(`error: hit element of type ${cls} which is currently not supported`)
    }
  }
  return (x) => valueToString(x, et)
}

/** GENERATE_SERIES(start, end[, step]) over INTEGER (numbers) or BIGINT (bigints); `end` is inclusive. */
function series(start: Value, end: Value, step: Value): Value[] {
  if (typeof start === 'bigint') {
    const e = end as bigint
    const st = step === null ? (e - start > 0n ? 1n : -1n) : BigInt(step as number)
    if (st === 0n) throw new Error('GENERATE_SERIES step cannot be zero')
    const diff = e - start
    if ((diff > 0n && st < 0n) || (diff < 0n && st > 0n))
      throw new Error('GENERATE_SERIES step has wrong sign')
    const size = Number(diff / st) + 1
    const out: Value[] = []
    for (let i = 0, v = start; i < size; i++, v += st) out.push(v)
    return out
  }
  const s = start as number
  const e = end as number
  const st = step === null ? (e - s > 0 ? 1 : -1) : (step as number)
  if (st === 0) throw new Error('GENERATE_SERIES step cannot be zero')
  const diff = e - s
  if ((diff > 0 && st < 0) || (diff < 0 && st > 0)) throw new Error('GENERATE_SERIES step has wrong sign')
  const size = Math.trunc(diff / st) + 1
  const out: Value[] = []
  for (let i = 0, v = s; i < size; i++, v = (v + st) | 0) out.push(v)
  return out
}
