import type { Expr } from '../ast/expressions.js'
import { SqlPlanError } from '../errors.js'
import { castFunction } from '../expr/cast.js'
import { decimal, type Type, T, typeEquals, typeToString } from '../types/type.js'
import type { Value } from '../types/values.js'

/**
 * The function registry: scalar functions (UDFs), table functions (UDTFs) and aggregate
 * functions (UDAFs), looked up by upper-cased name. Declaring a function takes a list of
 * signatures; overload resolution follows ksqlDB's UdfIndex: an exact match wins, else a match
 * through implicit widening (INTEGER → BIGINT → DECIMAL → DOUBLE); a NULL argument matches any
 * parameter; generics (`T`) bind to the first argument that fixes them.
 */

// ---------------------------------------------------------------------------------------------
// Parameter types

/** A parameter or return type in a signature: a concrete type or a pattern with generics. */
export type ParamType =
  | Type
  | { readonly kind: 'GENERIC'; readonly name: string }
  | { readonly kind: 'ANY_DECIMAL' }
  | { readonly kind: 'ANY_STRUCT' }
  | { readonly kind: 'ANY' }
  | { readonly kind: 'GARRAY'; readonly element: ParamType }
  | { readonly kind: 'GMAP'; readonly key: ParamType; readonly value: ParamType }
  | { readonly kind: 'LAMBDA'; readonly params: readonly ParamType[]; readonly returns: ParamType }

/** Builders of parameter patterns. */
export const P = {
  generic: (name: string): ParamType => ({ kind: 'GENERIC', name }),
  array: (element: ParamType): ParamType => ({ kind: 'GARRAY', element }),
  map: (key: ParamType, value: ParamType): ParamType => ({ kind: 'GMAP', key, value }),
  lambda: (params: readonly ParamType[], returns: ParamType): ParamType => ({
    kind: 'LAMBDA',
    params,
    returns,
  }),
  /** Any DECIMAL; INTEGER and BIGINT arguments are widened to DECIMAL(10, 0) / DECIMAL(19, 0). */
  anyDecimal: { kind: 'ANY_DECIMAL' } as ParamType,
  anyStruct: { kind: 'ANY_STRUCT' } as ParamType,
  /** Any type, each occurrence independent (Java's Object parameters). */
  any: { kind: 'ANY' } as ParamType,
} as const

export type Bindings = Map<string, Type>

/** One overload of a function. */
export interface Signature<R = Value> {
  readonly params: readonly ParamType[]
  /** The last parameter repeats zero or more times (Java varargs). */
  readonly variadic?: boolean
  /** The return type, or how to compute it from the (widened) argument types and generic bindings. */
  readonly returns: ParamType | ((argTypes: readonly (Type | null)[], bindings: Bindings) => Type)
  readonly fn: (...args: Value[]) => R
  /**
   * `fn` handles NULL arguments itself. Otherwise a call with any NULL argument returns NULL
   * (scalar) or no rows (table function) without calling `fn`.
   */
  readonly nullSafe?: boolean
  /** Text of the signature in error messages; derived from the params when absent. */
  readonly description?: string
}

/** Types a lambda argument's body given its parameter types (supplied by the expression compiler). */
export type LambdaTyper = (argIndex: number, paramTypes: readonly Type[]) => Type | null

export interface ResolvedScalar {
  readonly returnType: Type
  readonly impl: (...args: Value[]) => Value
  /** `impl` handles NULL arguments itself; otherwise the caller short-circuits NULL to NULL. */
  readonly nullSafe?: boolean
  /** The concrete parameter type of each argument (after generic binding); lambdas: their LAMBDA type. */
  readonly paramTypes: readonly (Type | null)[]
  /** The parameter types of each lambda argument (by argument index). */
  readonly lambdaParams: ReadonlyMap<number, readonly Type[]>
}

export interface ScalarFunction {
  readonly name: string
  readonly description?: string
  /**
   * ksqlDB's overload resolution incl. implicit casts & varargs; throws SqlPlanError with ksqlDB's
   * message. The returned `impl` expects arguments already converted to `paramTypes`.
   */
  resolve(argTypes: readonly (Type | null)[], args?: readonly Expr[], lambdas?: LambdaTyper): ResolvedScalar
}

export interface ResolvedTable {
  readonly returnType: Type
  /** Converts arguments itself (takes values of the argument types given to resolve); NULL-safe. */
  readonly impl: (...args: Value[]) => readonly Value[]
}

export interface TableFunction {
  readonly name: string
  resolve(argTypes: readonly (Type | null)[]): ResolvedTable
}

/** An aggregate function (implemented by the aggregation operators). */
export interface AggregateFunction {
  readonly name: string
  resolve(argTypes: readonly (Type | null)[], args?: readonly Expr[]): ResolvedAggregate
}

export interface ResolvedAggregate {
  readonly returnType: Type
  /** Type of the intermediate state, when it differs from the return type. */
  readonly aggregateType?: Type
  readonly [extra: string]: unknown
}

export class FunctionRegistry {
  private readonly scalars = new Map<string, ScalarFunction>()
  private readonly tables = new Map<string, TableFunction>()
  private readonly aggregates = new Map<string, AggregateFunction>()

  registerScalar(f: ScalarFunction): this {
    this.scalars.set(f.name.toUpperCase(), f)
    return this
  }
  registerTable(f: TableFunction): this {
    this.tables.set(f.name.toUpperCase(), f)
    return this
  }
  registerAggregate(f: AggregateFunction): this {
    this.aggregates.set(f.name.toUpperCase(), f)
    return this
  }
  scalar(name: string): ScalarFunction | undefined {
    return this.scalars.get(name.toUpperCase())
  }
  table(name: string): TableFunction | undefined {
    return this.tables.get(name.toUpperCase())
  }
  aggregate(name: string): AggregateFunction | undefined {
    return this.aggregates.get(name.toUpperCase())
  }
  isAggregate(name: string): boolean {
    return this.aggregates.has(name.toUpperCase())
  }
  isTable(name: string): boolean {
    return this.tables.has(name.toUpperCase())
  }
  /** Every function, sorted by name. */
  list(): readonly { readonly name: string; readonly type: 'SCALAR' | 'TABLE' | 'AGGREGATE' }[] {
    const out: { name: string; type: 'SCALAR' | 'TABLE' | 'AGGREGATE' }[] = []
    for (const n of this.scalars.keys()) out.push({ name: n, type: 'SCALAR' })
    for (const n of this.tables.keys()) out.push({ name: n, type: 'TABLE' })
    for (const n of this.aggregates.keys()) out.push({ name: n, type: 'AGGREGATE' })
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
  /** A copy sharing the function objects (to add test-only functions without touching the original). */
  copy(): FunctionRegistry {
    const r = new FunctionRegistry()
    for (const f of this.scalars.values()) r.registerScalar(f)
    for (const f of this.tables.values()) r.registerTable(f)
    for (const f of this.aggregates.values()) r.registerAggregate(f)
    return r
  }
}

// ---------------------------------------------------------------------------------------------
// Declaring functions

export interface FunctionSpec<R = Value> {
  /** The name as ksqlDB writes it in messages (`'COALESCE'`, `'geo_distance'`). */
  readonly name: string
  readonly description?: string
  readonly signatures: readonly Signature<R>[]
}

/** Declares a scalar function from its signatures. */
export function scalarFunction(spec: FunctionSpec): ScalarFunction {
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    resolve(argTypes, _args, lambdas) {
      const m = resolveSignature(spec, argTypes, lambdas)
      const sig = m.sig
      return {
        returnType: m.returnType,
        impl: sig.fn,
        ...(sig.nullSafe === true ? { nullSafe: true } : {}),
        paramTypes: m.paramTypes,
        lambdaParams: m.lambdaParams,
      }
    },
  }
}

/** Declares a table function; `fn` returns the rows' values. */
export function tableFunction(spec: FunctionSpec<readonly Value[]>): TableFunction {
  return {
    name: spec.name,
    resolve(argTypes) {
      const m = resolveSignature(spec, argTypes)
      const sig = m.sig
      const casts = argTypes.map((t, i) => {
        const to = m.paramTypes[i]
        return t === null || to === null || to === undefined || typeEquals(t, to) ? null : castFunction(t, to)
      })
      const anyCast = casts.some((c) => c !== null)
      const fn = sig.fn
      const nullSafe = sig.nullSafe === true
      const impl = (...args: Value[]): readonly Value[] => {
        if (anyCast) {
          for (let i = 0; i < args.length; i++) {
            const c = casts[i]
            if (c) args[i] = c(args[i] as Value)
          }
        }
        if (!nullSafe) for (const a of args) if (a === null) return []
        return fn(...args)
      }
      return { returnType: m.returnType, impl }
    },
  }
}

interface Match<R> {
  readonly sig: Signature<R>
  readonly returnType: Type
  readonly paramTypes: readonly (Type | null)[]
  readonly lambdaParams: ReadonlyMap<number, readonly Type[]>
  readonly cost: number
}

function argsText(argTypes: readonly (Type | null)[], nullText: string): string {
  return argTypes.map((t) => (t === null ? nullText : typeToString(t))).join(', ')
}

/** ksqlDB's text of a parameter pattern (Java-ish: generics by letter). */
export function paramTypeToString(p: ParamType): string {
  switch (p.kind) {
    case 'GENERIC':
      return p.name
    case 'ANY_DECIMAL':
      return 'DECIMAL'
    case 'ANY_STRUCT':
      return 'STRUCT'
    case 'ANY':
      return 'ANY'
    case 'GARRAY':
      return `ARRAY<${paramTypeToString(p.element)}>`
    case 'GMAP':
      return `MAP<${paramTypeToString(p.key)}, ${paramTypeToString(p.value)}>`
    case 'LAMBDA':
      return `LAMBDA (${p.params.map(paramTypeToString).join(', ')}) => ${paramTypeToString(p.returns)}`
    default:
      return typeToString(p)
  }
}

function signatureText(name: string, sig: Signature<unknown>): string {
  if (sig.description !== undefined) return sig.description
  const ps = sig.params.map((p, i) =>
    sig.variadic === true && i === sig.params.length - 1
      ? `${paramTypeToString(p)}...`
      : paramTypeToString(p),
  )
  return `${name}(${ps.join(', ')})`
}

/** Picks the overload for `argTypes` (ksqlDB's UdfIndex), or throws ksqlDB's message. */
export function resolveSignature<R>(
  spec: FunctionSpec<R>,
  argTypes: readonly (Type | null)[],
  lambdas?: LambdaTyper,
): Match<R> {
  let best: Match<R>[] = []
  for (const sig of spec.signatures) {
    const m = matchSignature(sig, argTypes, lambdas)
    if (m === undefined) continue
    if (best.length === 0 || m.cost < (best[0] as Match<R>).cost) best = [m]
    else if (m.cost === (best[0] as Match<R>).cost) best.push(m)
  }
  const first = best[0]
  if (first === undefined) {
    const alternatives = spec.signatures.map((s) => signatureText(spec.name, s)).join('\n')
    throw new SqlPlanError(
      `Function '${spec.name}' does not accept parameters (${argsText(argTypes, 'null')}).\nValid alternatives are:\n${alternatives}`,
    )
  }
  if (best.length > 1 && argTypes.some((t) => t === null)) {
    const distinct = new Set(
      best.map((b) => b.paramTypes.map((t) => (t === null ? '?' : typeToString(t))).join()),
    )
    if (distinct.size > 1) {
      throw new SqlPlanError(
        `Function '${spec.name}' cannot be resolved due to ambiguous method parameters (${argsText(argTypes, 'null')}).`,
      )
    }
  }
  return first
}

/** How far `from` must widen to reach `to`: 0 equal, >0 widening, undefined impossible. */
function widenCost(from: Type, to: Type): number | undefined {
  if (typeEquals(from, to)) return 0
  const rank = (t: Type): number =>
    t.kind === 'INTEGER'
      ? 1
      : t.kind === 'BIGINT'
        ? 2
        : t.kind === 'DECIMAL'
          ? 3
          : t.kind === 'DOUBLE'
            ? 4
            : 0
  const a = rank(from)
  const b = rank(to)
  if (a > 0 && b > 0) {
    if (a < b) return b - a
    if (a === 3 && b === 3) return 1 // DECIMAL(p, s) to another DECIMAL
    return undefined
  }
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') {
    const c = widenCost(from.element, to.element)
    return c === undefined ? undefined : c
  }
  if (from.kind === 'MAP' && to.kind === 'MAP') {
    const k = widenCost(from.key, to.key)
    const v = widenCost(from.value, to.value)
    return k === undefined || v === undefined ? undefined : k + v
  }
  return undefined
}

function matchSignature<R>(
  sig: Signature<R>,
  argTypes: readonly (Type | null)[],
  lambdas: LambdaTyper | undefined,
): Match<R> | undefined {
  const n = sig.params.length
  const variadic = sig.variadic === true
  if (variadic ? argTypes.length < n - 1 : argTypes.length !== n) return undefined
  const paramOf = (i: number): ParamType => sig.params[Math.min(i, n - 1)] as ParamType
  const bindings: Bindings = new Map()
  const paramTypes: (Type | null)[] = new Array(argTypes.length).fill(null)
  const lambdaParams = new Map<number, readonly Type[]>()
  let cost = variadic ? 1000 : 0
  // Non-lambda arguments first (they bind generics), exact pass then widening pass per argument.
  const lambdaIdx: number[] = []
  for (let i = 0; i < argTypes.length; i++) {
    const p = paramOf(i)
    if (p.kind === 'LAMBDA') {
      lambdaIdx.push(i)
      continue
    }
    const a = argTypes[i] as Type | null
    if (a === null) continue
    const c = bind(p, a, bindings)
    if (c === undefined) return undefined
    cost += c
  }
  for (let i = 0; i < argTypes.length; i++) {
    const p = paramOf(i)
    if (p.kind === 'LAMBDA') continue
    paramTypes[i] = instantiate(p, bindings, argTypes[i] ?? null)
  }
  for (const i of lambdaIdx) {
    const p = paramOf(i) as Extract<ParamType, { kind: 'LAMBDA' }>
    const ps: Type[] = []
    for (const q of p.params) {
      const t = instantiate(q, bindings, null)
      if (t === null) return undefined
      ps.push(t)
    }
    lambdaParams.set(i, ps)
    const bodyType = lambdas === undefined ? null : lambdas(i, ps)
    if (bodyType !== null) {
      const c = bind(p.returns, bodyType, bindings)
      if (c === undefined) return undefined
      cost += c
    }
  }
  let returnType: Type | null
  if (typeof sig.returns === 'function') {
    returnType = sig.returns(
      argTypes.map((a, i) => (a === null ? null : (paramTypes[i] ?? a))),
      bindings,
    )
  } else {
    returnType = instantiate(sig.returns, bindings, null)
  }
  if (returnType === null) return undefined
  return { sig, returnType, paramTypes, lambdaParams, cost }
}

/** Matches `arg` against pattern `p`, binding generics; returns the widening cost. */
function bind(p: ParamType, arg: Type, b: Bindings): number | undefined {
  switch (p.kind) {
    case 'ANY':
      return 0
    case 'GENERIC': {
      const bound = b.get(p.name)
      if (bound === undefined) {
        b.set(p.name, arg)
        return 0
      }
      const c = widenCost(arg, bound)
      if (c !== undefined) return c
      // A later argument may be wider (e.g. GREATEST(1, 2.5)): rebind to the wider type.
      const back = widenCost(bound, arg)
      if (back !== undefined) {
        b.set(p.name, arg)
        return back
      }
      return undefined
    }
    case 'ANY_DECIMAL':
      return arg.kind === 'DECIMAL' ? 0 : arg.kind === 'INTEGER' ? 2 : arg.kind === 'BIGINT' ? 1 : undefined
    case 'ANY_STRUCT':
      return arg.kind === 'STRUCT' ? 0 : undefined
    case 'GARRAY':
      return arg.kind === 'ARRAY' ? bind(p.element, arg.element, b) : undefined
    case 'GMAP': {
      if (arg.kind !== 'MAP') return undefined
      const k = bind(p.key, arg.key, b)
      const v = bind(p.value, arg.value, b)
      return k === undefined || v === undefined ? undefined : k + v
    }
    case 'LAMBDA':
      return undefined
    default:
      return widenCost(arg, p)
  }
}

/** The concrete type of pattern `p` under `b`; `arg` fills ANY / ANY_DECIMAL / ANY_STRUCT. */
function instantiate(p: ParamType, b: Bindings, arg: Type | null): Type | null {
  switch (p.kind) {
    case 'ANY':
    case 'ANY_STRUCT':
      return arg
    case 'ANY_DECIMAL':
      if (arg === null) return null
      return arg.kind === 'INTEGER' ? decimal(10, 0) : arg.kind === 'BIGINT' ? decimal(19, 0) : arg
    case 'GENERIC':
      return b.get(p.name) ?? null
    case 'GARRAY': {
      const e = instantiate(p.element, b, arg?.kind === 'ARRAY' ? arg.element : null)
      return e === null ? null : { kind: 'ARRAY', element: e }
    }
    case 'GMAP': {
      const k = instantiate(p.key, b, arg?.kind === 'MAP' ? arg.key : null)
      const v = instantiate(p.value, b, arg?.kind === 'MAP' ? arg.value : null)
      return k === null || v === null ? null : { kind: 'MAP', key: k, value: v }
    }
    case 'LAMBDA':
      return null
    default:
      return p
  }
}

export { T }

/** A fresh registry with every builtin function. */
export { builtinFunctions } from './builtins.js'
