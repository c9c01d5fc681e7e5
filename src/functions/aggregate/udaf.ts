import type { Expr } from '../../ast/expressions.js'
import { formatExpression } from '../../ast/format.js'
import { InternalError, SqlPlanError } from '../../errors.js'
import { castFunction, valueEquals } from '../../expr/cast.js'
import {
  type AggregateFunction,
  type FunctionMeta,
  type FunctionSpec,
  metaOf,
  type ParamType,
  paramTypeToString,
  type ResolvedAggregate,
  resolveSignature,
  type Signature,
  variationsOf,
} from '../registry.js'
import { Decimal } from '../../types/decimal.js'
import { T, type Type, typeEquals, typeToString } from '../../types/type.js'
import type { Value } from '../../types/values.js'

/**
 * Aggregate functions (ksqlDB's UDAFs: initialize / aggregate / merge / map / undo).
 *
 * A call `F(a1, ..., an, l1, ..., lm)` has `argCount` leading per-row arguments (evaluated for
 * every input row and passed to `add` / `undo`) and trailing literal "init" arguments (TOPK's k,
 * LATEST_BY_OFFSET's n and ignoreNulls), read once at resolve time from the call's expressions.
 *
 * States are plain values of the value model (bigint, number, Decimal, arrays, Map, Struct
 * objects): the runtime may persist them with the serde of `aggregateType`. Every function here is
 * pure: it never mutates a state passed in and returns a new one when something changes (it may
 * return the same object when nothing changes).
 */
export interface UdafImpl {
  /** The type of `result`. */
  readonly returnType: Type
  /** The SQL type of the intermediate state (to serialize it with the value model). */
  readonly aggregateType: Type
  /** The initial state (e.g. 0n for COUNT). */
  init(): Value
  /** Folds one input row in; `args` holds the `argCount` per-row argument values (may be null). */
  add(state: Value, args: readonly Value[]): Value
  /**
   * Retracts a row (table aggregation). Absent for stream-only functions (MIN, MAX, TOPK,
   * LATEST_BY_OFFSET, ...): ksqlDB rejects those on a table source.
   */
  undo?(state: Value, args: readonly Value[]): Value
  /** Merges two states (session window merge); `a` is the earlier session. */
  merge(a: Value, b: Value): Value
  /** The output value of a state. */
  result(state: Value): Value
}

/** A resolved aggregate call (what the aggregation operators run). */
export interface ResolvedUdaf extends ResolvedAggregate, UdafImpl {
  readonly returnType: Type
  readonly aggregateType: Type
  /** Number of leading call arguments that are per-row inputs (0 for COUNT(*)); the rest were literals. */
  readonly argCount: number
}

/** Query properties visible to aggregate functions (e.g. `ksql.functions.collect_list.limit`). */
export type AggregateConfig = Readonly<Record<string, unknown>>

/** An aggregate function whose resolve also takes the query's config. */
export interface UdafFunction extends AggregateFunction {
  resolve(argTypes: readonly (Type | null)[], args?: readonly Expr[], config?: AggregateConfig): ResolvedUdaf
}

/** What a UDAF factory receives once its overload is chosen. */
export interface UdafContext {
  /** The call's argument types (null for a NULL literal). */
  readonly argTypes: readonly (Type | null)[]
  /** The per-row arguments' types after overload resolution (what `add` receives). */
  readonly types: readonly Type[]
  /** The literal init arguments' values. */
  readonly init: readonly Value[]
  /** The init arguments' parameter types after overload resolution (null for a NULL literal). */
  readonly initTypes: readonly (Type | null)[]
  /** The overload's return type when its signature declares `returns` (generics bound). */
  readonly returnType?: Type
  /** Generic bindings of the chosen overload (`T` → INTEGER). */
  readonly bindings: ReadonlyMap<string, Type>
  readonly config: AggregateConfig
}

export interface UdafSignature {
  /** Parameter patterns: the per-row ones, then the init (literal) ones. */
  readonly params: readonly ParamType[]
  /** How many of the trailing params are literal init arguments. */
  readonly initArgs?: number
  /** The index in `params` of a parameter that repeats zero or more times (per-row or init). */
  readonly variadic?: number
  /** Text of the signature in error messages; derived from the params when absent. */
  readonly description?: string
  /** The return type as DESCRIBE FUNCTION shows it. */
  readonly returns?: ParamType
  /** What this overload does (DESCRIBE FUNCTION). */
  readonly doc?: string
  /** Parameter names for DESCRIBE FUNCTION. */
  readonly paramNames?: readonly string[]
  readonly paramDocs?: readonly string[]
  readonly make: (ctx: UdafContext) => UdafImpl
}

export interface UdafSpec extends FunctionMeta {
  /** The name as ksqlDB writes it in messages. */
  readonly name: string
  readonly signatures: readonly UdafSignature[]
}

/**
 * Declares an aggregate function: overloads are resolved as ksqlDB's UdfIndex does (through
 * the registry's `resolveSignature`, same messages); arguments that need an implicit cast
 * (e.g. CORRELATION(INT, DOUBLE)) are converted before the implementation sees them.
 */
export function udafFunction(spec: UdafSpec): UdafFunction {
  const bySig = new Map<Signature, UdafSignature>()
  const signatures: Signature[] = spec.signatures.map((s) => {
    const sig: Signature = {
      params: s.params,
      returns: s.returns ?? (() => T.BOOLEAN),
      ...(s.variadic === undefined ? {} : { variadic: true, variadicIndex: s.variadic }),
      ...(s.description === undefined ? {} : { description: s.description }),
      ...(s.doc === undefined ? {} : { doc: s.doc }),
      ...(s.paramNames === undefined ? {} : { paramNames: s.paramNames }),
      ...(s.paramDocs === undefined ? {} : { paramDocs: s.paramDocs }),
    }
    bySig.set(sig, s)
    return sig
  })
  const fspec: FunctionSpec = { name: spec.name, signatures }
  return {
    name: spec.name,
    ...metaOf(spec),
    category: spec.category ?? 'AGGREGATE',
    variations: () => variationsOf(fspec),
    resolve(argTypes, args, config) {
      const m = resolveSignature(fspec, argTypes, undefined, args)
      const us = bySig.get(m.sig)
      if (us === undefined) throw new InternalError(`no UDAF signature for ${spec.name}`)
      const initCount = us.initArgs ?? 0
      const rowParams = us.params.length - initCount
      // A variadic init parameter takes every argument after the per-row ones.
      const argCount =
        us.variadic !== undefined && us.variadic >= rowParams ? rowParams : argTypes.length - initCount
      const types: Type[] = []
      for (let i = 0; i < argCount; i++) {
        const t = m.paramTypes[i] ?? argTypes[i] ?? null
        if (t === null) {
          throw new SqlPlanError(
            `Function '${spec.name}' cannot be resolved for a NULL argument: cast the NULL to a type.`,
          )
        }
        types.push(t)
      }
      const init = readInitArgs(spec.name, argTypes, args, argCount)
      const initTypes = m.paramTypes.slice(argCount)
      const impl = us.make({
        argTypes,
        types,
        init,
        initTypes,
        ...(us.returns === undefined ? {} : { returnType: m.returnType }),
        bindings: m.bindings,
        config: config ?? {},
      })
      return finish(impl, argCount, argTypes, types)
    },
  }
}

/** Adds `argCount` and wraps add / undo with implicit casts of per-row arguments when needed. */
export function finish(
  impl: UdafImpl,
  argCount: number,
  argTypes: readonly (Type | null)[],
  types: readonly Type[],
): ResolvedUdaf {
  const casts: (((v: Value) => Value) | null)[] = []
  let anyCast = false
  for (let i = 0; i < argCount; i++) {
    const from = argTypes[i] ?? null
    const to = types[i] as Type
    const c = from === null || typeEquals(from, to) ? null : castFunction(from, to)
    if (c !== null) anyCast = true
    casts.push(c)
  }
  if (!anyCast) return { ...impl, argCount }
  const conv = (args: readonly Value[]): Value[] =>
    args.map((a, i) => {
      const c = casts[i]
      return c ? c(a) : a
    })
  const { add, undo } = impl
  return {
    ...impl,
    argCount,
    add: (s, args) => add(s, conv(args)),
    ...(undo === undefined ? {} : { undo: (s: Value, args: readonly Value[]) => undo(s, conv(args)) }),
  }
}

// ---------------------------------------------------------------------------------------------
// Init (literal) arguments

/** The value of a literal expression, or undefined when `e` is not a literal. */
export function literalValue(e: Expr): Value | undefined {
  switch (e.kind) {
    case 'NullLiteral':
      return null
    case 'BooleanLiteral':
    case 'IntegerLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
      return e.value
    case 'LongLiteral':
      return BigInt(e.value)
    case 'DecimalLiteral':
      return Decimal.parse(e.value)
    case 'ArithmeticUnary': {
      const v = literalValue(e.operand)
      if (e.op === '+')
        return typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal ? v : undefined
      if (typeof v === 'number') return -v
      if (typeof v === 'bigint') return -v
      if (v instanceof Decimal) return new Decimal(-v.unscaled, v.scale)
      return undefined
    }
    default:
      return undefined
  }
}

function readInitArgs(
  name: string,
  argTypes: readonly (Type | null)[],
  args: readonly Expr[] | undefined,
  from: number,
): Value[] {
  const out: Value[] = []
  for (let i = from; i < argTypes.length; i++) {
    const e = args?.[i]
    if (e === undefined) throw new InternalError(`${name}: literal argument ${i + 1} was not supplied`)
    const v = literalValue(e)
    if (v === undefined) {
      throw new SqlPlanError(
        `Parameter ${i + 1} passed to function ${name} must be a literal constant, but was expression: '${formatExpression(e)}'`,
        e.span,
      )
    }
    out.push(v)
  }
  return out
}

/** ksqlDB's "does not accept parameters" message, for functions resolved by hand (TOPK). */
export function notAccepted(
  name: string,
  argTypes: readonly (Type | null)[],
  alternatives: readonly string[],
) {
  const text = argTypes.map((t) => (t === null ? 'null' : typeToString(t))).join(', ')
  return new SqlPlanError(
    `Function '${name}' does not accept parameters (${text}).\nValid alternatives are:\n${alternatives.join('\n')}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
  )
}

export function signatureText(name: string, params: readonly ParamType[]): string {
  return `${name}(${params.map(paramTypeToString).join(', ')})`
}

/** An integer config value (Number or numeric String, as ksqlDB's Configurable UDAFs read it); negative → unlimited. */
export function configLimit(config: AggregateConfig, key: string): number {
  const v = config[key]
  let limit = Number.MAX_SAFE_INTEGER
  if (typeof v === 'number') limit = Math.trunc(v)
  else if (typeof v === 'bigint') limit = Number(v)
  else if (typeof v === 'string') {
    const n = Number.parseInt(v, 10)
    if (Number.isNaN(n)) throw new SqlPlanError(`For input string: "${v}"`)
    limit = n
  }
  return limit < 0 ? Number.MAX_SAFE_INTEGER : limit
}

// ---------------------------------------------------------------------------------------------
// Java arithmetic and equality

/** Java `int` addition / subtraction (wraps at 32 bits). */
export function int32(v: number): number {
  return v | 0
}

/** Java `long` arithmetic result (wraps at 64 bits). */
export function int64(v: bigint): bigint {
  return BigInt.asIntN(64, v)
}

/** A numeric value as a double (Java's `doubleValue`). */
export function toDouble(v: Value): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Decimal) return v.toNumber()
  throw new InternalError(`not a number: ${String(v)}`)
}

/**
 * Java `Objects.equals` between two values of one SQL type: DECIMAL compares scale too, NaN
 * equals NaN, BYTES by content, collections deeply.
 */
export function javaEquals(a: Value, b: Value): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (a instanceof Decimal && b instanceof Decimal) return a.equals(b)
  return valueEquals(a, b)
}

/** Index of the last element equal (Java equals) to `v`, or -1. */
export function lastIndexOf(list: readonly Value[], v: Value): number {
  for (let i = list.length - 1; i >= 0; i--) if (javaEquals(list[i] as Value, v)) return i
  return -1
}

export function contains(list: readonly Value[], v: Value): boolean {
  for (const x of list) if (javaEquals(x, v)) return true
  return false
}
