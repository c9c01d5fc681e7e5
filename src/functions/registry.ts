import type { Expr } from '../ast/expressions.js'
import { InternalError, SqlPlanError } from '../errors.js'
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
  | { readonly kind: 'INTERVAL_UNIT' }
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
  /**
   * A bare time unit (`SECONDS`, an IntervalUnit expression, typed null by the compiler): the
   * function receives the unit's name (`'SECONDS'`). Any typed argument is rejected.
   */
  intervalUnit: { kind: 'INTERVAL_UNIT' } as ParamType,
} as const

export type Bindings = Map<string, Type>

/** One overload of a function. */
export interface Signature<R = Value> {
  readonly params: readonly ParamType[]
  /** The last parameter repeats zero or more times (Java varargs); see `variadicIndex`. */
  readonly variadic?: boolean
  /**
   * With `variadic`: the index of the parameter that repeats, when it is not the last one (a UDAF's
   * variadic column followed by its literal init arguments, ksqlDB's MID_VAR_ARG).
   */
  readonly variadicIndex?: number
  /** The return type, or how to compute it from the (widened) argument types and generic bindings. */
  readonly returns: ParamType | ((argTypes: readonly (Type | null)[], bindings: Bindings) => Type)
  /** The implementation (or give `make`). */
  readonly fn?: (...args: Value[]) => R
  /**
   * Builds the implementation once per call site from the resolved parameter types (null for
   * NULL / time-unit arguments) and return type, for functions whose behaviour depends on the
   * argument types (e.g. how ARRAY_JOIN prints a DOUBLE element).
   */
  readonly make?: (paramTypes: readonly (Type | null)[], returnType: Type) => (...args: Value[]) => R
  /**
   * `fn` handles NULL arguments itself. Otherwise a call with any NULL argument returns NULL
   * (scalar) or no rows (table function) without calling `fn`.
   */
  readonly nullSafe?: boolean
  /** Text of the signature in error messages; derived from the params when absent. */
  readonly description?: string
  /** What this overload does (DESCRIBE FUNCTION's per-variation description). */
  readonly doc?: string
  /** Parameter names, shown by DESCRIBE FUNCTION (`multiply(a INTEGER, b INTEGER)`). */
  readonly paramNames?: readonly string[]
  /** Parameter descriptions (DESCRIBE FUNCTION), by index. */
  readonly paramDocs?: readonly string[]
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

/** One overload as DESCRIBE FUNCTION lists it. */
export interface FunctionVariation {
  /** `(val1 INT, val2 INT)`-style text of the parameters. */
  readonly arguments: string
  readonly returns: string
  readonly description: string
  /** Parameters that have a description. */
  readonly params?: readonly { readonly name: string; readonly description: string }[]
}

/** What SHOW FUNCTIONS / DESCRIBE FUNCTION print about a function. */
export interface FunctionInfo {
  readonly name: string
  readonly type: 'SCALAR' | 'TABLE' | 'AGGREGATE'
  /** ksqlDB's FunctionCategory (`STRING`, `MATHEMATICAL`, `DATE / TIME`, ...; `OTHER` for user functions). */
  readonly category: string
  readonly description: string
  readonly author: string
  readonly version: string
  /** Where the function comes from: `internal`, or the path of the user module (ksqlDB's "Jar"). */
  readonly source: string
  readonly variations: readonly FunctionVariation[]
}

/** Metadata a function declaration may carry (see `FunctionInfo`). */
export interface FunctionMeta {
  readonly description?: string
  readonly category?: string
  readonly author?: string
  readonly version?: string
  readonly source?: string
}

export interface ScalarFunction extends FunctionMeta {
  readonly name: string
  /** The overloads for DESCRIBE FUNCTION. */
  variations?(): readonly FunctionVariation[]
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

export interface TableFunction extends FunctionMeta {
  readonly name: string
  variations?(): readonly FunctionVariation[]
  resolve(argTypes: readonly (Type | null)[]): ResolvedTable
}

/** An aggregate function (implemented by the aggregation operators). */
export interface AggregateFunction extends FunctionMeta {
  readonly name: string
  variations?(): readonly FunctionVariation[]
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
  /** Removes a function of any kind (user functions dropped by a reload). */
  unregister(name: string): boolean {
    const n = name.toUpperCase()
    const a = this.scalars.delete(n)
    const b = this.tables.delete(n)
    const c = this.aggregates.delete(n)
    return a || b || c
  }
  /** DESCRIBE FUNCTION's view of a function, or undefined when there is none by that name. */
  info(name: string): FunctionInfo | undefined {
    const n = name.toUpperCase()
    const s = this.scalars.get(n)
    if (s !== undefined) return describeFunction(s, 'SCALAR')
    const t = this.tables.get(n)
    if (t !== undefined) return describeFunction(t, 'TABLE')
    const a = this.aggregates.get(n)
    if (a !== undefined) return describeFunction(a, 'AGGREGATE')
    return undefined
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

function describeFunction(
  f: FunctionMeta & { readonly name: string; variations?(): readonly FunctionVariation[] },
  type: FunctionInfo['type'],
): FunctionInfo {
  return {
    name: f.name.toUpperCase(),
    type,
    category: f.category ?? (type === 'SCALAR' ? 'OTHER' : type),
    description: f.description ?? '',
    author: f.author ?? (f.source === undefined ? 'Confluent' : ''),
    version: f.version ?? '',
    source: f.source ?? 'internal',
    variations: f.variations?.() ?? [],
  }
}

// ---------------------------------------------------------------------------------------------
// Declaring functions

export interface FunctionSpec<R = Value> extends FunctionMeta {
  /** The name as ksqlDB writes it in messages (`'COALESCE'`, `'geo_distance'`). */
  readonly name: string
  readonly signatures: readonly Signature<R>[]
}

/** The metadata fields of a spec that are set (exactOptionalPropertyTypes-friendly copy). */
export function metaOf(m: FunctionMeta): FunctionMeta {
  const out: { -readonly [K in keyof FunctionMeta]: FunctionMeta[K] } = {}
  if (m.description !== undefined) out.description = m.description
  if (m.category !== undefined) out.category = m.category
  if (m.author !== undefined) out.author = m.author
  if (m.version !== undefined) out.version = m.version
  if (m.source !== undefined) out.source = m.source
  return out
}

/**
 * What DESCRIBE FUNCTION says of an overload, as data next to its signature:
 * `...doc('Returns the portion of str from pos to the end of str', ['str', 'The source string.'], ['pos'])`
 * gives the overload's description, its parameters' names and their descriptions (ksqlDB's
 * `@Udf(description)` and `@UdfParameter(value, description)`).
 */
export function doc(
  description: string,
  ...params: readonly (readonly [name: string, description?: string])[]
): Pick<Signature, 'doc' | 'paramNames' | 'paramDocs'> {
  return {
    doc: description,
    ...(params.length === 0
      ? {}
      : { paramNames: params.map((p) => p[0]), paramDocs: params.map((p) => p[1] ?? '') }),
  }
}

/**
 * A parameter or return type as ksqlDB's DESCRIBE FUNCTION prints it (its ParamType.toString():
 * `VARCHAR`, `INT`, `ARRAY<T>`, `LAMBDA (T) -> U`).
 */
export function describeTypeText(p: ParamType): string {
  switch (p.kind) {
    case 'STRING':
      return 'VARCHAR'
    case 'INTEGER':
      return 'INT'
    case 'GENERIC':
      return p.name
    case 'ANY_DECIMAL':
      return 'DECIMAL'
    case 'ANY_STRUCT':
      return 'STRUCT<>'
    case 'ANY':
      return 'ANY'
    case 'INTERVAL_UNIT':
      return 'INTERVALUNIT'
    case 'GARRAY':
      return `ARRAY<${describeTypeText(p.element)}>`
    case 'GMAP':
      return `MAP<${describeTypeText(p.key)}, ${describeTypeText(p.value)}>`
    case 'LAMBDA':
      return `LAMBDA (${p.params.map(describeTypeText).join(', ')}) -> ${describeTypeText(p.returns)}`
    case 'ARRAY':
      return `ARRAY<${describeTypeText(p.element)}>`
    case 'MAP':
      return `MAP<${describeTypeText(p.key)}, ${describeTypeText(p.value)}>`
    case 'DECIMAL':
      return 'DECIMAL'
    default:
      return typeToString(p)
  }
}

/**
 * DESCRIBE FUNCTION's variations of a spec: parameter list (`(str VARCHAR, pos INT)`, a repeating
 * parameter as `VARCHAR[]`, as ksqlDB's CLI prints them), return type, description.
 */
export function variationsOf(spec: FunctionSpec<unknown>): FunctionVariation[] {
  return spec.signatures.map((sig) => {
    const v = variadicIndexOf(sig)
    const names = sig.paramNames
    const args = sig.params.map((p, i) => {
      const type = `${describeTypeText(p)}${i === v ? '[]' : ''}`
      const name = names?.[i]
      return name === undefined || name === '' ? type : `${name} ${type}`
    })
    return {
      arguments: `(${args.join(', ')})`,
      returns: typeof sig.returns === 'function' ? 'depends on the arguments' : describeTypeText(sig.returns),
      description: sig.doc ?? '',
      ...(names === undefined || sig.paramDocs === undefined
        ? {}
        : {
            params: sig.paramDocs
              .map((d, i) => ({ name: names[i] ?? `arg${i + 1}`, description: d }))
              .filter((p) => p.description !== ''),
          }),
    }
  })
}

/** Declares a scalar function from its signatures. */
export function scalarFunction(spec: FunctionSpec): ScalarFunction {
  return {
    name: spec.name,
    ...metaOf(spec),
    variations: () => variationsOf(spec),
    resolve(argTypes, args, lambdas) {
      const m = resolveSignature(spec, argTypes, lambdas, args)
      const sig = m.sig
      return {
        returnType: m.returnType,
        impl: implOf(m),
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
    ...metaOf(spec),
    variations: () => variationsOf(spec),
    resolve(argTypes) {
      const m = resolveSignature(spec, argTypes)
      const sig = m.sig
      const casts = argTypes.map((t, i) => {
        const to = m.paramTypes[i]
        return t === null || to === null || to === undefined || typeEquals(t, to) ? null : castFunction(t, to)
      })
      const anyCast = casts.some((c) => c !== null)
      const fn = implOf(m)
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

function implOf<R>(m: Match<R>): (...args: Value[]) => R {
  const sig = m.sig
  if (sig.make !== undefined) return sig.make(m.paramTypes, m.returnType)
  if (sig.fn === undefined) throw new InternalError('function signature without an implementation')
  return sig.fn
}

interface Match<R> {
  readonly sig: Signature<R>
  /** The generic bindings (`T` → INTEGER) of the chosen overload. */
  readonly bindings: ReadonlyMap<string, Type>
  readonly returnType: Type
  readonly paramTypes: readonly (Type | null)[]
  readonly lambdaParams: ReadonlyMap<number, readonly Type[]>
}

function argsText(argTypes: readonly (Type | null)[], args: readonly Expr[] | undefined): string {
  return argTypes
    .map((t, i) => {
      if (t !== null) return typeToString(t)
      const a = args?.[i]
      if (a?.kind === 'Lambda') return `LAMBDA ${a.params.length}`
      if (a?.kind === 'IntervalUnit') return 'INTERVALUNIT'
      return 'null'
    })
    .join(', ')
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
    case 'INTERVAL_UNIT':
      return 'INTERVALUNIT'
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

/** The index of a signature's repeating parameter, or -1. */
export function variadicIndexOf(
  sig: Pick<Signature<unknown>, 'variadic' | 'variadicIndex' | 'params'>,
): number {
  if (sig.variadic !== true) return -1
  return sig.variadicIndex ?? sig.params.length - 1
}

function signatureText(name: string, sig: Signature<unknown>): string {
  if (sig.description !== undefined) return sig.description
  const v = variadicIndexOf(sig)
  const ps = sig.params.map((p, i) => (i === v ? `${paramTypeToString(p)}...` : paramTypeToString(p)))
  return `${name}(${ps.join(', ')})`
}

const DESCRIBE_HINT = 'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;'

/**
 * Picks the overload for `argTypes` as ksqlDB's UdfIndex does, or throws ksqlDB's message. First
 * without implicit casts, then with them (numbers widen INTEGER → BIGINT → DECIMAL → DOUBLE, a
 * STRING becomes a DATE / TIME / TIMESTAMP). A NULL argument fits any parameter. Among the
 * candidates a non-variadic signature beats a variadic one, then more parameters beat fewer, then
 * fewer generic parameters beat more; a tie at the top is ambiguous.
 */
export function resolveSignature<R>(
  spec: FunctionSpec<R>,
  argTypes: readonly (Type | null)[],
  lambdas?: LambdaTyper,
  args?: readonly Expr[],
): Match<R> {
  for (const allowCasts of [false, true]) {
    const found: Match<R>[] = []
    for (const sig of spec.signatures) {
      const m = matchSignature(sig, argTypes, lambdas, args, allowCasts)
      if (m !== undefined) found.push(m)
    }
    if (found.length === 0) continue
    let best = found[0] as Match<R>
    let tie = false
    for (let i = 1; i < found.length; i++) {
      const m = found[i] as Match<R>
      const c = compareMatches(m, best)
      if (c > 0) {
        best = m
        tie = false
      } else if (c === 0) tie = true
    }
    if (tie) {
      throw new SqlPlanError(
        `Function '${spec.name}' cannot be resolved due to ambiguous method parameters (${argsText(argTypes, args)}).\n` +
          'Use CAST() to explicitly cast your parameters to one of the supported function calls.\n' +
          `Valid function calls are:\n${alternatives(spec)}\n${DESCRIBE_HINT}`,
      )
    }
    return best
  }
  throw new SqlPlanError(
    `Function '${spec.name}' does not accept parameters (${argsText(argTypes, args)}).\nValid alternatives are:\n${alternatives(spec)}\n${DESCRIBE_HINT}`,
  )
}

function alternatives(spec: FunctionSpec<unknown>): string {
  return spec.signatures.map((s) => signatureText(spec.name, s)).join('\n')
}

/** UdfIndex's order of candidates: >0 when `a` is preferred over `b`. */
function compareMatches(a: Match<unknown>, b: Match<unknown>): number {
  const va = a.sig.variadic === true ? 0 : 1
  const vb = b.sig.variadic === true ? 0 : 1
  if (va !== vb) return va - vb
  if (a.sig.params.length !== b.sig.params.length) return a.sig.params.length - b.sig.params.length
  return genericCount(b.sig) - genericCount(a.sig)
}

function genericCount(sig: Signature<unknown>): number {
  let n = 0
  for (const p of sig.params) if (hasGenerics(p)) n++
  return n
}

function hasGenerics(p: ParamType): boolean {
  switch (p.kind) {
    case 'GENERIC':
      return true
    case 'GARRAY':
      return hasGenerics(p.element)
    case 'GMAP':
      return hasGenerics(p.key) || hasGenerics(p.value)
    case 'LAMBDA':
      return p.params.some(hasGenerics) || hasGenerics(p.returns)
    default:
      return false
  }
}

const NUMERIC_RANK: Readonly<Partial<Record<Type['kind'], number>>> = {
  INTEGER: 1,
  BIGINT: 2,
  DECIMAL: 3,
  DOUBLE: 4,
}

/** SqlBaseType.canImplicitlyCast, applied through ARRAY / MAP element types. */
export function canImplicitlyCast(from: Type, to: Type): boolean {
  if (typeEquals(from, to)) return true
  const a = NUMERIC_RANK[from.kind]
  const b = NUMERIC_RANK[to.kind]
  if (a !== undefined && b !== undefined) return a <= b
  if (from.kind === 'STRING') return to.kind === 'DATE' || to.kind === 'TIME' || to.kind === 'TIMESTAMP'
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return canImplicitlyCast(from.element, to.element)
  if (from.kind === 'MAP' && to.kind === 'MAP')
    return canImplicitlyCast(from.key, to.key) && canImplicitlyCast(from.value, to.value)
  return false
}

function matchSignature<R>(
  sig: Signature<R>,
  argTypes: readonly (Type | null)[],
  lambdas: LambdaTyper | undefined,
  args: readonly Expr[] | undefined,
  allowCasts: boolean,
): Match<R> | undefined {
  const n = sig.params.length
  const v = variadicIndexOf(sig)
  if (v >= 0 ? argTypes.length < n - 1 : argTypes.length !== n) return undefined
  // Arguments before the variadic parameter map one to one, the ones after it from the end.
  const repeats = argTypes.length - (n - 1)
  const paramOf = (i: number): ParamType =>
    sig.params[v < 0 || i < v ? i : i < v + repeats ? v : i - repeats + 1] as ParamType
  const bindings: Bindings = new Map()
  const paramTypes: (Type | null)[] = new Array(argTypes.length).fill(null)
  const lambdaParams = new Map<number, readonly Type[]>()
  // Non-lambda arguments first (they bind generics).
  const lambdaIdx: number[] = []
  for (let i = 0; i < argTypes.length; i++) {
    const p = paramOf(i)
    const isLambda = args?.[i]?.kind === 'Lambda'
    if (p.kind === 'LAMBDA') {
      if (args !== undefined && !isLambda) return undefined
      lambdaIdx.push(i)
      continue
    }
    if (isLambda) return undefined
    const a = argTypes[i] as Type | null
    if (a === null) continue
    if (!bind(p, a, bindings, allowCasts)) return undefined
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
    if (bodyType !== null && !bind(p.returns, bodyType, bindings, allowCasts)) return undefined
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
  return { sig, bindings, returnType, paramTypes, lambdaParams }
}

/** Matches `arg` against pattern `p`, binding generics. */
function bind(p: ParamType, arg: Type, b: Bindings, allowCasts: boolean): boolean {
  switch (p.kind) {
    case 'ANY':
      return true
    case 'INTERVAL_UNIT':
      return false
    case 'GENERIC': {
      const bound = b.get(p.name)
      if (bound === undefined) {
        b.set(p.name, arg)
        return true
      }
      if (typeEquals(arg, bound)) return true
      if (!allowCasts) return false
      if (canImplicitlyCast(arg, bound)) return true
      // A later argument may be wider (e.g. GREATEST(1, 2.5)): rebind to the wider type.
      if (canImplicitlyCast(bound, arg)) {
        b.set(p.name, arg)
        return true
      }
      return false
    }
    case 'ANY_DECIMAL':
      return arg.kind === 'DECIMAL' || (allowCasts && (arg.kind === 'INTEGER' || arg.kind === 'BIGINT'))
    case 'ANY_STRUCT':
      return arg.kind === 'STRUCT'
    case 'GARRAY':
      return arg.kind === 'ARRAY' && bind(p.element, arg.element, b, allowCasts)
    case 'GMAP':
      return (
        arg.kind === 'MAP' && bind(p.key, arg.key, b, allowCasts) && bind(p.value, arg.value, b, allowCasts)
      )
    case 'LAMBDA':
      return false
    default:
      return typeEquals(arg, p) || (allowCasts && canImplicitlyCast(arg, p))
  }
}

/** The concrete type of pattern `p` under `b`; `arg` fills ANY / ANY_DECIMAL / ANY_STRUCT. */
export function instantiate(p: ParamType, b: Bindings, arg: Type | null): Type | null {
  switch (p.kind) {
    case 'ANY':
    case 'ANY_STRUCT':
      return arg
    case 'INTERVAL_UNIT':
      return null
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
