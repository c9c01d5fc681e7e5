import { SqlPlanError } from '../../errors.js'
import { array, struct, T, type Type } from '../../types/type.js'
import type { Struct, Value } from '../../types/values.js'
import { doc, P } from '../registry.js'
import {
  type UdafContext,
  type UdafFunction,
  type UdafImpl,
  type UdafSignature,
  udafFunction,
} from './udaf.js'

/**
 * LATEST_BY_OFFSET / EARLIEST_BY_OFFSET. The state records each value with a sequence number
 * (STRUCT<SEQ BIGINT, VAL T>) so that session merges can tell which came first; like ksqlDB, the
 * sequence is a process-wide counter (a negative sequence means it wrapped and is later).
 */
let sequence = 0n

function nextSeq(): bigint {
  const s = sequence
  sequence = BigInt.asIntN(64, sequence + 1n)
  return s
}

/** For tests: restarts the process-wide sequence. */
export function resetOffsetSequence(value = 0n): void {
  sequence = value
}

function entry(val: Value): Struct {
  return { SEQ: nextSeq(), VAL: val }
}

/** KudafByOffsetUtils.INTERMEDIATE_STRUCT_COMPARATOR: by sequence, a wrapped (negative) one is later. */
function bySeq(a: Struct, b: Struct): number {
  const s1 = a.SEQ as bigint
  const s2 = b.SEQ as bigint
  if (s1 < 0n && s2 >= 0n) return 1
  if (s2 < 0n && s1 >= 0n) return -1
  return s1 < s2 ? -1 : s1 > s2 ? 1 : 0
}

/** INTERMEDIATE_STRUCT_COMPARATOR_IGNORE_NULLS: an entry with a NULL value loses. */
function bySeqIgnoreNulls(a: Struct, b: Struct): number {
  const n1 = (a.VAL ?? null) === null
  const n2 = (b.VAL ?? null) === null
  if (n1 && n2) return 0
  if (n1) return -1
  if (n2) return 1
  return bySeq(a, b)
}

function entryType(t: Type): Type {
  return struct([
    { name: 'SEQ', type: T.BIGINT },
    { name: 'VAL', type: t },
  ])
}

interface Options {
  readonly n: number | undefined
  readonly ignoreNulls: boolean
}

function options(name: 'latestN' | 'earliestN', ctx: UdafContext, hasN: boolean): Options {
  const init = ctx.init
  let n: number | undefined
  let ignoreNulls = true
  if (hasN) {
    const v = init[0] ?? null
    n = typeof v === 'number' ? v : 0
    if (n <= 0) throw new SqlPlanError(`${name} must be 1 or greater`)
    if (init.length > 1) ignoreNulls = init[1] === true
  } else if (init.length > 0) ignoreNulls = init[0] === true
  return { n, ignoreNulls }
}

function latest(ctx: UdafContext, o: Options): UdafImpl {
  const t = ctx.types[0] as Type
  const cmp = o.ignoreNulls ? bySeqIgnoreNulls : bySeq
  if (o.n === undefined) {
    return {
      returnType: t,
      aggregateType: entryType(t),
      init: () => entry(null),
      add: (s, args) => {
        const v = args[0] ?? null
        return v === null && o.ignoreNulls ? s : entry(v)
      },
      merge: (a, b) => (cmp(a as Struct, b as Struct) >= 0 ? a : b),
      result: (s) => (s === null ? null : ((s as Struct).VAL ?? null)),
    }
  }
  const n = o.n
  return {
    returnType: array(t),
    aggregateType: array(entryType(t)),
    init: () => [],
    add: (s, args) => {
      const v = args[0] ?? null
      if (v === null && o.ignoreNulls) return s
      const list = s as readonly Value[]
      const out = list.length + 1 > n ? list.slice(list.length + 1 - n) : list.slice()
      out.push(entry(v))
      return out
    },
    // As ksqlDB: both lists sorted by sequence, the first n kept.
    merge: (a, b) => {
      const all = [...(a as readonly Struct[]), ...(b as readonly Struct[])]
      all.sort(cmp)
      return all.slice(0, n)
    },
    result: (s) => (s as readonly Struct[]).map((e) => e.VAL ?? null),
  }
}

function earliest(ctx: UdafContext, o: Options): UdafImpl {
  const t = ctx.types[0] as Type
  if (o.n === undefined) {
    return {
      returnType: t,
      aggregateType: entryType(t),
      init: () => null,
      add: (s, args) => {
        if (s !== null) return s
        const v = args[0] ?? null
        return v === null && o.ignoreNulls ? null : entry(v)
      },
      merge: (a, b) => {
        if (a === null) return b
        if (b === null) return a
        return bySeq(a as Struct, b as Struct) < 0 ? a : b
      },
      result: (s) => (s === null ? null : ((s as Struct).VAL ?? null)),
    }
  }
  const n = o.n
  return {
    returnType: array(t),
    aggregateType: array(entryType(t)),
    init: () => [],
    add: (s, args) => {
      const v = args[0] ?? null
      if (v === null && o.ignoreNulls) return s
      const list = s as readonly Value[]
      if (list.length >= n) return s
      return [...list, entry(v)]
    },
    merge: (a, b) => {
      const all = [...(a as readonly Struct[]), ...(b as readonly Struct[])]
      all.sort(bySeq)
      return all.slice(0, n)
    },
    result: (s) => (s as readonly Struct[]).map((e) => e.VAL ?? null),
  }
}

function byOffset(name: string, nName: 'latestN' | 'earliestN', impl: typeof latest): UdafFunction {
  const latestFirst = nName === 'latestN'
  const what = latestFirst ? 'most recent' : 'oldest'
  const sig = (params: UdafSignature['params'], hasN: boolean): UdafSignature => ({
    ...doc(
      hasN
        ? `Returns the ${what} n values of the column by offset, oldest first.`
        : `Returns the ${what} value of the column by offset.`,
      ['col', 'The column to aggregate.'],
      ...(hasN ? [['n', 'The number of values to return.'] as const] : []),
      ...(params.length === (hasN ? 3 : 2)
        ? [['ignoreNulls', 'Whether to skip NULL values (true by default).'] as const]
        : []),
    ),
    params,
    initArgs: params.length - 1,
    make: (ctx) => impl(ctx, options(nName, ctx, hasN)),
  })
  const t = P.generic('T')
  return udafFunction({
    name,
    description: `This function returns the ${what} value for the column, computed by offset.`,
    signatures: [
      sig([t], false),
      sig([t, T.BOOLEAN], false),
      sig([t, T.INTEGER], true),
      sig([t, T.INTEGER, T.BOOLEAN], true),
    ],
  })
}

/**
 * LATEST_BY_OFFSET(col [, ignoreNulls]) → T; LATEST_BY_OFFSET(col, n [, ignoreNulls]) → ARRAY<T>
 * of the latest n values, oldest first. ignoreNulls defaults to true. Stream only.
 */
export function latestByOffsetFunction(): UdafFunction {
  return byOffset('LATEST_BY_OFFSET', 'latestN', latest)
}

/** EARLIEST_BY_OFFSET(col [, ignoreNulls]) / (col, n [, ignoreNulls]): the first value(s) seen. Stream only. */
export function earliestByOffsetFunction(): UdafFunction {
  return byOffset('EARLIEST_BY_OFFSET', 'earliestN', earliest)
}
