import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, extname, join, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import { EddyError } from '../errors.js'
import { castValue } from '../expr/cast.js'
import { Decimal } from '../types/decimal.js'
import { type Field, T, type Type, typeEquals, typeToString } from '../types/type.js'
import type { Value } from '../types/values.js'
import { type UdafImpl, udafFunction } from './aggregate/udaf.js'
import {
  type FunctionRegistry,
  instantiate,
  P,
  type ParamType,
  paramTypeToString,
  type Signature,
  scalarFunction,
  tableFunction,
} from './registry.js'
import type {
  AggregateDefinition,
  Aggregator,
  CallInfo,
  ParamDefinition,
  SqlValue,
  UdfDefinition,
  UdfModule,
} from './udf-api.js'

/**
 * Loads user functions (see udf-api.ts for the module format) into a FunctionRegistry, and
 * reloads them on demand.
 *
 * Every overload is registered as a registry signature whose implementation dispatches through a
 * `Slot`: the code of one overload, keyed by kind, name and types. A reload swaps the code held
 * by the slots whose key still exists, so the queries that already resolved the overload run the
 * new code for the records that follow; nothing is re-planned or restarted.
 */

/** A user module or definition that cannot be loaded: what and where. */
export class UdfLoadError extends EddyError {
  readonly code = 'UDF_LOAD'
  override readonly name = 'UdfLoadError'
}

// ---------------------------------------------------------------------------------------------
// Type text

const PRIMITIVES: Readonly<Record<string, Type>> = {
  BOOLEAN: T.BOOLEAN,
  INT: T.INTEGER,
  INTEGER: T.INTEGER,
  BIGINT: T.BIGINT,
  DOUBLE: T.DOUBLE,
  STRING: T.STRING,
  VARCHAR: T.STRING,
  BYTES: T.BYTES,
  DATE: T.DATE,
  TIME: T.TIME,
  TIMESTAMP: T.TIMESTAMP,
}

const GENERIC_NAME = /^[A-Z][0-9]*$/

/** A parsed parameter or return type text: the pattern and whether it ends in `...`. */
export interface ParsedTypeText {
  readonly type: ParamType
  readonly variadic: boolean
}

/**
 * Parses SQL type text as UDF signatures write it (`INT`, `ARRAY<T>`, `DECIMAL`, `STRUCT<A INT>`,
 * `LAMBDA(T) => U`, `STRING...`). Throws an Error naming the problem.
 */
export function parseTypeText(text: string): ParsedTypeText {
  const tokens = text.match(/`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+|\.\.\.|=>|[<>(),]|\S/g) ?? []
  let pos = 0
  const peek = (): string | undefined => tokens[pos]
  const fail = (why: string): never => {
    throw new Error(`invalid type '${text}': ${why}`)
  }
  const expect = (t: string): void => {
    const got = tokens[pos]
    if (got !== t) fail(got === undefined ? `expected '${t}' at the end` : `expected '${t}', found '${got}'`)
    pos++
  }
  const int = (): number => {
    const t = tokens[pos++]
    if (t === undefined || !/^\d+$/.test(t)) fail(`expected a number, found '${t ?? 'the end'}'`)
    return Number(t)
  }
  const type = (): ParamType => {
    const word = tokens[pos++]
    if (word === undefined) return fail('a type is missing')
    const upper = word.toUpperCase()
    const prim = PRIMITIVES[upper]
    if (prim !== undefined) return prim
    switch (upper) {
      case 'DECIMAL': {
        if (peek() !== '(') return P.anyDecimal
        pos++
        const precision = int()
        expect(',')
        const scale = int()
        expect(')')
        if (precision < 1 || scale > precision) fail(`DECIMAL(${precision}, ${scale}) is not a valid decimal`)
        return { kind: 'DECIMAL', precision, scale }
      }
      case 'ARRAY': {
        expect('<')
        const element = type()
        expect('>')
        return isConcrete(element) ? { kind: 'ARRAY', element: element as Type } : P.array(element)
      }
      case 'MAP': {
        expect('<')
        const key = type()
        expect(',')
        const value = type()
        expect('>')
        return isConcrete(key) && isConcrete(value)
          ? { kind: 'MAP', key: key as Type, value: value as Type }
          : P.map(key, value)
      }
      case 'STRUCT': {
        if (peek() !== '<') return P.anyStruct
        pos++
        const fields: Field[] = []
        while (peek() !== '>') {
          if (fields.length > 0) expect(',')
          const raw = tokens[pos++]
          if (raw === undefined) return fail('unterminated STRUCT')
          const name = raw.startsWith('`') ? raw.slice(1, -1) : raw.toUpperCase()
          const ft = type()
          if (!isConcrete(ft)) fail(`STRUCT field ${name} must have a concrete type`)
          fields.push({ name, type: ft as Type })
        }
        pos++
        return { kind: 'STRUCT', fields }
      }
      case 'ANY':
        return P.any
      case 'LAMBDA': {
        expect('(')
        const params: ParamType[] = []
        while (peek() !== ')') {
          if (params.length > 0) expect(',')
          params.push(type())
        }
        pos++
        expect('=>')
        return P.lambda(params, type())
      }
      default:
        if (GENERIC_NAME.test(word)) return P.generic(word)
        return fail(`unknown type ${word}`)
    }
  }
  const t = type()
  let variadic = false
  if (peek() === '...') {
    pos++
    variadic = true
  }
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`)
  return { type: t, variadic }
}

/** A fully known type: returnable and without type variables. */
function isConcrete(p: ParamType): boolean {
  return isReturnable(p) && genericsOf(p, new Set()).size === 0
}

function genericsOf(p: ParamType, out: Set<string>): Set<string> {
  switch (p.kind) {
    case 'GENERIC':
      out.add(p.name)
      break
    case 'GARRAY':
      genericsOf(p.element, out)
      break
    case 'GMAP':
      genericsOf(p.key, out)
      genericsOf(p.value, out)
      break
    case 'LAMBDA':
      for (const q of p.params) genericsOf(q, out)
      genericsOf(p.returns, out)
      break
    default:
      break
  }
  return out
}

/** Can a value of pattern `p` be produced (no ANY / open DECIMAL / open STRUCT at the top)? */
function isReturnable(p: ParamType): boolean {
  switch (p.kind) {
    case 'ANY':
    case 'ANY_DECIMAL':
    case 'ANY_STRUCT':
    case 'INTERVAL_UNIT':
    case 'LAMBDA':
      return false
    case 'GARRAY':
      return isReturnable(p.element)
    case 'GMAP':
      return isReturnable(p.key) && isReturnable(p.value)
    default:
      return true
  }
}

// ---------------------------------------------------------------------------------------------
// Results: JavaScript values to the value model

type Coerce = (v: unknown) => Value

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Map) return 'a Map'
  if (v instanceof Uint8Array) return 'bytes'
  if (v instanceof Decimal) return 'a Decimal'
  if (v instanceof Date) return 'a Date'
  return typeof v === 'object' ? 'an object' : `a ${typeof v} (${String(v)})`
}

function mismatch(v: unknown, t: Type): never {
  throw new Error(`returned ${typeName(v)} where ${typeToString(t)} is declared`)
}

const INT_MIN = -(2 ** 31)
const INT_MAX = 2 ** 31 - 1
const DAY_MS = 86_400_000

/** Converts what a user function returned to a value of type `t` (deep), or throws. */
export function resultCoercer(t: Type): Coerce {
  switch (t.kind) {
    case 'BOOLEAN':
      return (v) => (v == null ? null : typeof v === 'boolean' ? v : mismatch(v, t))
    case 'INTEGER':
      return (v) => {
        if (v == null) return null
        const n = typeof v === 'bigint' ? Number(v) : v
        return typeof n === 'number' && Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX
          ? n
          : mismatch(v, t)
      }
    case 'BIGINT':
      return (v) => {
        if (v == null) return null
        if (typeof v === 'bigint') return BigInt.asIntN(64, v)
        return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : mismatch(v, t)
      }
    case 'DOUBLE':
      return (v) => {
        if (v == null) return null
        if (typeof v === 'number') return v
        if (typeof v === 'bigint') return Number(v)
        return v instanceof Decimal ? v.toNumber() : mismatch(v, t)
      }
    case 'DECIMAL':
      return (v) => {
        if (v == null) return null
        let d: Decimal
        if (v instanceof Decimal) d = v
        else if (typeof v === 'number' && Number.isFinite(v)) d = Decimal.parse(String(v))
        else if (typeof v === 'bigint') d = Decimal.fromBigInt(v)
        else if (typeof v === 'string') d = Decimal.parse(v)
        else return mismatch(v, t)
        const scaled = d.setScale(t.scale)
        if (scaled.precision > t.precision && scaled.unscaled !== 0n) {
          throw new Error(`returned ${d.toString()}, which does not fit ${typeToString(t)}`)
        }
        return scaled
      }
    case 'STRING':
      return (v) => (v == null ? null : typeof v === 'string' ? v : mismatch(v, t))
    case 'BYTES':
      return (v) => (v == null ? null : v instanceof Uint8Array ? v : mismatch(v, t))
    case 'DATE':
      return (v) => {
        if (v == null) return null
        if (v instanceof Date) return Math.floor(v.getTime() / DAY_MS)
        return typeof v === 'number' && Number.isInteger(v) ? v : mismatch(v, t)
      }
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => {
        if (v == null) return null
        if (v instanceof Date) return v.getTime()
        return typeof v === 'number' && Number.isInteger(v) ? v : mismatch(v, t)
      }
    case 'ARRAY': {
      const el = resultCoercer(t.element)
      return (v) => (v == null ? null : Array.isArray(v) ? v.map(el) : mismatch(v, t))
    }
    case 'MAP': {
      const k = resultCoercer(t.key)
      const val = resultCoercer(t.value)
      return (v) => {
        if (v == null) return null
        const entries: Iterable<[unknown, unknown]> =
          v instanceof Map
            ? v.entries()
            : typeof v === 'object' && !Array.isArray(v)
              ? Object.entries(v)
              : mismatch(v, t)
        const out = new Map<Value, Value>()
        for (const [key, x] of entries) out.set(k(key), val(x))
        return out
      }
    }
    case 'STRUCT': {
      const fields = t.fields.map((f) => ({ name: f.name, coerce: resultCoercer(f.type) }))
      return (v) => {
        if (v == null) return null
        if (typeof v !== 'object' || Array.isArray(v) || v instanceof Map) return mismatch(v, t)
        const src = v as Record<string, unknown>
        const out: Record<string, Value> = {}
        for (const f of fields) out[f.name] = f.coerce(src[f.name])
        return out
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Definitions

type Kind = 'scalar' | 'table' | 'aggregate'

/** One validated overload. */
interface Overload {
  readonly kind: Kind
  readonly name: string
  /** Per-row parameters, then (aggregates) the init parameters. */
  readonly params: readonly ParamType[]
  readonly paramNames: readonly string[]
  readonly paramDocs: readonly string[]
  /** Index of the variadic parameter in `params`, or -1. */
  readonly variadic: number
  readonly initCount: number
  readonly returns: ParamType
  readonly aggregate?: ParamType
  readonly def: UdfDefinition
  readonly source: string
  /** Identifies the overload across reloads. */
  readonly key: string
  /** Changes when its code or behaviour changes. */
  readonly fingerprint: string
}

/** The code of one overload; reloads swap `overload` and bump `version`. */
interface Slot {
  overload: Overload
  version: number
}

interface ParsedParams {
  readonly types: ParamType[]
  readonly names: string[]
  readonly docs: string[]
  readonly variadic: number
}

function parseParams(
  list: unknown,
  what: string,
  where: (i: number) => string,
  offset: number,
): ParsedParams {
  if (!Array.isArray(list)) throw new Error(`${what} must be an array of SQL type texts`)
  const types: ParamType[] = []
  const names: string[] = []
  const docs: string[] = []
  let variadic = -1
  list.forEach((p: ParamDefinition, i) => {
    const text = typeof p === 'string' ? p : typeof p === 'object' && p !== null ? p.type : undefined
    if (typeof text !== 'string') throw new Error(`${where(i)} must be a type text or { name, type }`)
    let parsed: ParsedTypeText
    try {
      parsed = parseTypeText(text)
    } catch (e) {
      throw new Error(`${where(i)}: ${(e as Error).message}`)
    }
    if (parsed.variadic) {
      if (variadic >= 0) throw new Error(`${where(i)}: only one parameter can be variadic (...)`)
      variadic = offset + i
    }
    types.push(parsed.type)
    names.push(typeof p === 'object' && p !== null ? p.name : `arg${offset + i + 1}`)
    docs.push(typeof p === 'object' && p !== null ? (p.description ?? '') : '')
  })
  return { types, names, docs, variadic }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function fingerprintOf(def: UdfDefinition): string {
  const parts: string[] = [String(def.kind ?? 'scalar'), String(def.description ?? '')]
  const d = def as unknown as Record<string, unknown>
  for (const k of ['fn', 'create', 'init', 'add', 'undo', 'merge', 'result', 'strict'])
    parts.push(String(d[k]))
  return parts.join('\u0000')
}

/** Validates one definition; throws an Error saying what is wrong. */
function toOverload(def: unknown, source: string, index: number): Overload {
  if (typeof def !== 'object' || def === null) throw new Error(`definition ${index + 1} is not an object`)
  const d = def as UdfDefinition
  const label = typeof d.name === 'string' ? `function '${d.name}'` : `definition ${index + 1}`
  try {
    if (typeof d.name !== 'string' || !NAME.test(d.name)) {
      throw new Error('needs a name: letters, digits and underscores, not starting with a digit')
    }
    const kind: Kind = d.kind ?? 'scalar'
    if (kind !== 'scalar' && kind !== 'table' && kind !== 'aggregate') {
      throw new Error(`unknown kind '${String(kind)}' (scalar, table or aggregate)`)
    }
    const rows = parseParams(d.params, 'params', (i) => `parameter ${i + 1}`, 0)
    let params = rows.types
    let names = rows.names
    let docs = rows.docs
    let variadic = rows.variadic
    let initCount = 0
    let aggregate: ParamType | undefined
    if (kind === 'aggregate') {
      const a = d as AggregateDefinition
      const init = parseParams(
        a.initParams ?? [],
        'initParams',
        (i) => `init parameter ${i + 1}`,
        params.length,
      )
      if (init.variadic >= 0 && variadic >= 0) {
        throw new Error('only one parameter (per-row or init) can be variadic (...)')
      }
      if (init.variadic >= 0 && init.variadic !== params.length + init.types.length - 1) {
        throw new Error('a variadic init parameter must be the last one')
      }
      if (variadic >= 0 && init.variadic < 0 && init.types.length === 0 && variadic !== params.length - 1) {
        throw new Error('a variadic parameter must be the last one, or be followed by init parameters only')
      }
      for (const t of init.types) {
        if (t.kind === 'LAMBDA') throw new Error('init parameters must be literal types, not lambdas')
      }
      if (init.variadic >= 0) variadic = init.variadic
      initCount = init.types.length
      params = [...params, ...init.types]
      names = [...names, ...init.names]
      docs = [...docs, ...init.docs]
      if (a.aggregate !== undefined) aggregate = parseReturn(a.aggregate, 'aggregate')
      if (typeof a.create !== 'function') {
        for (const m of ['init', 'add', 'merge', 'result'] as const) {
          if (typeof a[m] !== 'function') throw new Error(`needs create(init, info), or ${m}()`)
        }
      }
    } else {
      if (variadic >= 0 && variadic !== params.length - 1) {
        throw new Error('only the last parameter can be variadic (...)')
      }
      const s = d as { fn?: unknown; create?: unknown }
      if (typeof s.fn !== 'function' && typeof s.create !== 'function') {
        throw new Error('needs fn(...args), or create(info) returning one')
      }
    }
    const returns = parseReturn(d.returns, 'returns')
    const declared = new Set<string>()
    for (const p of params) genericsOf(p, declared)
    for (const g of genericsOf(returns, new Set())) {
      if (!declared.has(g)) throw new Error(`return type uses generic ${g}, which no parameter declares`)
    }
    if (aggregate !== undefined) {
      for (const g of genericsOf(aggregate, new Set())) {
        if (!declared.has(g)) throw new Error(`aggregate type uses generic ${g}, which no parameter declares`)
      }
    }
    const typesText = params.map((p, i) => `${paramTypeToString(p)}${i === variadic ? '...' : ''}`)
    const key = `${kind}:${d.name.toUpperCase()}(${typesText.join(', ')}|${initCount}):${paramTypeToString(returns)}:${aggregate === undefined ? '' : paramTypeToString(aggregate)}`
    return {
      kind,
      name: d.name,
      params,
      paramNames: names,
      paramDocs: docs,
      variadic,
      initCount,
      returns,
      ...(aggregate === undefined ? {} : { aggregate }),
      def: d,
      source,
      key,
      fingerprint: fingerprintOf(d),
    }
  } catch (e) {
    throw new UdfLoadError(`UDF module ${source}: ${label}: ${(e as Error).message}`)
  }
}

function parseReturn(text: unknown, what: string): ParamType {
  if (typeof text !== 'string') throw new Error(`${what} must be a SQL type text`)
  let parsed: ParsedTypeText
  try {
    parsed = parseTypeText(text)
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`)
  }
  if (parsed.variadic) throw new Error(`${what} cannot be variadic`)
  if (!isReturnable(parsed.type)) {
    throw new Error(`${what}: ${text} is not a concrete type (give DECIMAL(p, s), STRUCT<...> or a generic)`)
  }
  return parsed.type
}

// ---------------------------------------------------------------------------------------------
// Implementations

function callInfo(paramTypes: readonly (Type | null)[], returnType: Type): CallInfo {
  return {
    argTypes: paramTypes.map((t) => (t === null ? 'NULL' : typeToString(t))),
    returnType: typeToString(returnType),
  }
}

type AnyFn = (...args: SqlValue[]) => unknown

function scalarCode(o: Overload, info: CallInfo): AnyFn {
  const d = o.def as { fn?: AnyFn; create?: (info: CallInfo) => unknown }
  if (typeof d.create === 'function') {
    const f = d.create(info)
    if (typeof f !== 'function') throw new Error(`create() of ${o.name} did not return a function`)
    return f as AnyFn
  }
  const fn = d.fn as AnyFn
  return (...args) => fn.apply(o.def, args)
}

function isStrict(o: Overload): boolean {
  return (o.def as { strict?: boolean }).strict === true
}

/**
 * One call site's view of a slot: the slot's current code and null handling, derived again only
 * when RELOAD FUNCTIONS has replaced the overload since the last call.
 */
class SlotCode {
  private version: number
  code: AnyFn
  strict: boolean

  constructor(
    private readonly slot: Slot,
    private readonly info: CallInfo,
  ) {
    this.version = slot.version
    this.code = scalarCode(slot.overload, info)
    this.strict = isStrict(slot.overload)
  }

  current(): this {
    if (this.version !== this.slot.version) {
      this.code = scalarCode(this.slot.overload, this.info)
      this.strict = isStrict(this.slot.overload)
      this.version = this.slot.version
    }
    return this
  }
}

/** A scalar overload's implementation at one call site: the slot's current code, result converted. */
function scalarImpl(
  slot: Slot,
  paramTypes: readonly (Type | null)[],
  returnType: Type,
): (...a: Value[]) => Value {
  const live = new SlotCode(slot, callInfo(paramTypes, returnType))
  const coerce = resultCoercer(returnType)
  return (...args) => {
    const { code, strict } = live.current()
    if (strict) for (const a of args) if (a === null) return null
    return coerce(code(...args))
  }
}

function tableImpl(
  slot: Slot,
  paramTypes: readonly (Type | null)[],
  returnType: Type,
): (...a: Value[]) => readonly Value[] {
  const live = new SlotCode(slot, callInfo(paramTypes, returnType))
  const coerce = resultCoercer(returnType)
  return (...args) => {
    const { code, strict } = live.current()
    if (strict) for (const a of args) if (a === null) return []
    const rows = code(...args)
    if (rows == null) return []
    if (!Array.isArray(rows))
      throw new Error(`returned ${typeName(rows)}: a table function returns an array of rows`)
    return rows.map(coerce)
  }
}

function aggregator(o: Overload, init: readonly SqlValue[], info: CallInfo): Aggregator {
  const d = o.def as AggregateDefinition
  if (typeof d.create === 'function') {
    const a = d.create(init, info)
    if (typeof a !== 'object' || a === null)
      throw new Error(`create() of ${o.name} did not return an aggregator`)
    for (const m of ['init', 'add', 'merge', 'result'] as const) {
      if (typeof a[m] !== 'function') throw new Error(`the aggregator of ${o.name} has no ${m}()`)
    }
    return a
  }
  return d as Aggregator
}

/** A top-level-only conversion for states (cheap: containers are taken as they are). */
function stateCoercer(t: Type): Coerce {
  if (t.kind === 'ARRAY' || t.kind === 'MAP' || t.kind === 'STRUCT')
    return (v) => (v === undefined ? null : (v as Value))
  return resultCoercer(t)
}

function udafImpl(
  slot: Slot,
  ctx: {
    readonly argTypes: readonly (Type | null)[]
    readonly types: readonly Type[]
    readonly init: readonly Value[]
    readonly initTypes: readonly (Type | null)[]
    readonly returnType?: Type
    readonly bindings: ReadonlyMap<string, Type>
  },
): UdafImpl {
  const o = slot.overload
  const returnType = ctx.returnType ?? T.STRING
  const aggregateType =
    o.aggregate === undefined
      ? returnType
      : (instantiate(o.aggregate, new Map(ctx.bindings), null) ?? returnType)
  const argCount = ctx.types.length
  const init = ctx.init.map((v, i) => {
    const from = ctx.argTypes[argCount + i] ?? null
    const to = ctx.initTypes[i] ?? null
    return from === null || to === null || typeEquals(from, to) ? v : castValue(v, from, to)
  })
  const info = callInfo([...ctx.types, ...ctx.initTypes], returnType)
  const result = resultCoercer(returnType)
  const state = stateCoercer(aggregateType)
  let version = slot.version
  let agg = aggregator(o, init, info)
  const current = (): Aggregator => {
    if (version !== slot.version) {
      agg = aggregator(slot.overload, init, info)
      version = slot.version
    }
    return agg
  }
  const name = o.name.toUpperCase()
  const guard = <R>(what: string, f: () => R): R => {
    try {
      return f()
    } catch (e) {
      throw new Error(`Error calling ${name}.${what}: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      })
    }
  }
  const impl: UdafImpl = {
    returnType,
    aggregateType,
    init: () => guard('init', () => state(current().init())),
    add: (s, args) => guard('add', () => state(current().add(s, ...args))),
    merge: (a, b) => guard('merge', () => state(current().merge(a, b))),
    result: (s) => guard('result', () => result(current().result(s))),
  }
  if (typeof agg.undo !== 'function') return impl
  return {
    ...impl,
    undo: (s, args) =>
      guard('undo', () => {
        const a = current()
        if (typeof a.undo !== 'function') throw new Error('the function no longer has undo() after a reload')
        return state(a.undo(s, ...args))
      }),
  }
}

/** Registers one function (all overloads of a name) in `registry`, dispatching through `slots`. */
function registerFunction(
  registry: FunctionRegistry,
  overloads: readonly Overload[],
  slots: ReadonlyMap<string, Slot>,
) {
  const first = overloads[0] as Overload
  const overview = overloads.find((o) => o.def.overview !== undefined)?.def.overview ?? first.def.description
  const meta = {
    name: first.name,
    category: first.kind === 'scalar' ? 'OTHER' : first.kind === 'table' ? 'TABLE' : 'AGGREGATE',
    source: first.source,
    ...(overview === undefined ? {} : { description: overview }),
    ...(first.def.author === undefined ? {} : { author: first.def.author }),
    ...(first.def.version === undefined ? {} : { version: first.def.version }),
  }
  const slotOf = (o: Overload): Slot => slots.get(o.key) as Slot
  const docs = (o: Overload) => ({
    params: o.params,
    paramNames: o.paramNames,
    paramDocs: o.paramDocs,
    ...(o.def.description === undefined ? {} : { doc: o.def.description }),
  })
  const common = (o: Overload) => ({
    ...docs(o),
    ...(o.variadic >= 0 ? { variadic: true, variadicIndex: o.variadic } : {}),
  })
  if (first.kind === 'aggregate') {
    registry.registerAggregate(
      udafFunction({
        ...meta,
        signatures: overloads.map((o) => ({
          ...docs(o),
          ...(o.variadic >= 0 ? { variadic: o.variadic } : {}),
          initArgs: o.initCount,
          returns: o.returns,
          make: (ctx) => udafImpl(slotOf(o), ctx),
        })),
      }),
    )
    return
  }
  if (first.kind === 'table') {
    registry.registerTable(
      tableFunction({
        ...meta,
        signatures: overloads.map(
          (o): Signature<readonly Value[]> => ({
            ...common(o),
            returns: o.returns,
            nullSafe: true,
            make: (paramTypes, returnType) => tableImpl(slotOf(o), paramTypes, returnType),
          }),
        ),
      }),
    )
    return
  }
  registry.registerScalar(
    scalarFunction({
      ...meta,
      signatures: overloads.map(
        (o): Signature => ({
          ...common(o),
          returns: o.returns,
          nullSafe: true,
          make: (paramTypes, returnType) => scalarImpl(slotOf(o), paramTypes, returnType),
        }),
      ),
    }),
  )
}

// ---------------------------------------------------------------------------------------------
// Modules

/** The definitions a module exports (see UdfModule), with module-level author / version applied. */
export function definitionsOf(mod: UdfModule, source: string): UdfDefinition[] {
  let defs: readonly UdfDefinition[] | undefined
  let author: string | undefined
  let version: string | undefined
  const d = mod.default
  if (Array.isArray(d)) defs = d
  else if (typeof d === 'object' && d !== null && Array.isArray((d as { functions?: unknown }).functions)) {
    const o = d as { functions: UdfDefinition[]; author?: string; version?: string }
    defs = o.functions
    author = o.author
    version = o.version
  } else if (Array.isArray(mod.functions)) defs = mod.functions
  if (defs === undefined) {
    throw new UdfLoadError(
      `UDF module ${source} exports no functions: use export default [ ... ], export default { functions: [ ... ] } or export const functions = [ ... ]`,
    )
  }
  if (author === undefined && version === undefined) return [...defs]
  return defs.map((x) => ({
    ...x,
    ...(x.author === undefined && author !== undefined ? { author } : {}),
    ...(x.version === undefined && version !== undefined ? { version } : {}),
  }))
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs'])

/** The module files of a path: the file itself, or a directory's `.js` / `.mjs` / `.cjs` files (sorted). */
export function moduleFiles(path: string): string[] {
  const abs = resolvePath(path)
  if (!existsSync(abs)) throw new UdfLoadError(`UDF path ${abs} does not exist`)
  if (!statSync(abs).isDirectory()) {
    if (extname(abs) === '.ts') throw typeScriptError(abs)
    return [abs]
  }
  const names = readdirSync(abs).sort()
  const files: string[] = []
  for (const n of names) {
    const ext = extname(n)
    const full = join(abs, n)
    if (!statSync(full).isFile()) continue
    if (MODULE_EXTENSIONS.has(ext)) files.push(full)
    else if ((ext === '.ts' || ext === '.mts') && !n.endsWith('.d.ts')) {
      const stem = basename(n, ext)
      if (
        !names.some((m) => m !== n && basename(m, extname(m)) === stem && MODULE_EXTENSIONS.has(extname(m)))
      ) {
        throw typeScriptError(full)
      }
    }
  }
  return files
}

function typeScriptError(file: string): UdfLoadError {
  return new UdfLoadError(
    `UDF module ${file} is TypeScript: Node 20 cannot load it without a build step. Compile it to .js (tsc) or write the module in JavaScript with JSDoc types.`,
  )
}

/** Imports a module file; the content hash in the URL makes Node import a changed file again. */
async function importModule(file: string): Promise<UdfModule> {
  let text: Buffer
  try {
    text = readFileSync(file)
  } catch (e) {
    throw new UdfLoadError(`UDF module ${file} cannot be read: ${(e as Error).message}`)
  }
  const v = createHash('sha1').update(text).digest('hex').slice(0, 16)
  try {
    return (await import(`${pathToFileURL(file).href}?v=${v}`)) as UdfModule
  } catch (e) {
    throw new UdfLoadError(`UDF module ${file} failed to load: ${(e as Error).message}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Registering and reloading

/** What a load or reload did, by function name. */
export interface UdfLoadReport {
  readonly modules: readonly string[]
  readonly added: readonly string[]
  readonly changed: readonly string[]
  readonly removed: readonly string[]
  readonly unchanged: readonly string[]
  /** Overloads removed or retyped that running queries may still use (with their old code). */
  readonly retired: readonly string[]
  /** A one-line summary (RELOAD FUNCTIONS' message). */
  readonly message: string
}

/**
 * The user functions of one registry: registers definitions, remembers which names it owns, and
 * swaps code on reload. `paths` are directories (every module in them) or module files.
 */
export class UdfLoader {
  private readonly slots = new Map<string, Slot>()
  /** Upper-cased names this loader registered, with their overloads' keys and fingerprints. */
  private owned = new Map<string, ReadonlyMap<string, string>>()

  constructor(
    private readonly registry: FunctionRegistry,
    readonly paths: readonly string[] = [],
  ) {}

  /** Splits `eddy.extension.dir` (paths separated by commas) into paths. */
  static pathsOf(property: string | undefined): string[] {
    if (property === undefined) return []
    return property
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
  }

  /** Loads every module of `paths` (the first load, or a reload: same thing). */
  async load(): Promise<UdfLoadReport> {
    if (this.paths.length === 0) {
      const message = 'No user function modules: set eddy.extension.dir (or eddy run --udf PATH).'
      return { modules: [], added: [], changed: [], removed: [], unchanged: [], retired: [], message }
    }
    const modules: string[] = []
    const defs: { def: unknown; source: string; index: number }[] = []
    for (const p of this.paths) {
      for (const file of moduleFiles(p)) {
        modules.push(file)
        const mod = await importModule(file)
        definitionsOf(mod, file).forEach((def, index) => {
          defs.push({ def, source: file, index })
        })
      }
    }
    return this.apply(defs, modules)
  }

  /** RELOAD FUNCTIONS: imports the modules again and swaps the code of running queries' functions. */
  reload(): Promise<UdfLoadReport> {
    return this.load()
  }

  /** Registers definitions given in code (the QTT runner's test functions), as a module would. */
  register(definitions: readonly UdfDefinition[], source: string): UdfLoadReport {
    return this.apply(
      definitions.map((def, index) => ({ def, source, index })),
      [source],
      false,
    )
  }

  /**
   * Validates every definition, then (only if all are valid) registers them: new overloads get a
   * slot, existing ones get their slot's code swapped. With `replaceAll`, names this loader owned
   * that are gone are unregistered.
   */
  private apply(
    defs: readonly { def: unknown; source: string; index: number }[],
    modules: readonly string[],
    replaceAll = true,
  ): UdfLoadReport {
    const byName = new Map<string, Overload[]>()
    for (const { def, source, index } of defs) {
      const o = toOverload(def, source, index)
      const n = o.name.toUpperCase()
      const list = byName.get(n) ?? []
      const other = list[0]
      if (other !== undefined && other.kind !== o.kind) {
        throw new UdfLoadError(
          `UDF module ${source}: function '${o.name}' is declared as ${o.kind} here and as ${other.kind} in ${other.source}`,
        )
      }
      if (list.some((x) => x.key === o.key)) {
        throw new UdfLoadError(`UDF module ${source}: function '${o.name}' declares the same overload twice`)
      }
      list.push(o)
      byName.set(n, list)
    }
    for (const [n, list] of byName) {
      if (this.owned.has(n)) continue
      if (this.registry.scalar(n) ?? this.registry.table(n) ?? this.registry.aggregate(n)) {
        const first = list[0] as Overload
        throw new UdfLoadError(
          `UDF module ${first.source}: function '${first.name}' already exists (a built-in function cannot be replaced)`,
        )
      }
    }
    // Apply.
    const added: string[] = []
    const changed: string[] = []
    const unchanged: string[] = []
    const removed: string[] = []
    const retired: string[] = []
    const nextOwned = new Map(replaceAll ? [] : this.owned)
    for (const [n, list] of byName) {
      const before = this.owned.get(n)
      let didChange = before === undefined
      for (const o of list) {
        const slot = this.slots.get(o.key)
        if (slot === undefined) {
          this.slots.set(o.key, { overload: o, version: 0 })
          didChange = true
        } else {
          if (slot.overload.fingerprint !== o.fingerprint) didChange = true
          slot.overload = o
          slot.version++
        }
      }
      const keys = new Map(list.map((o) => [o.key, o.fingerprint]))
      if (before !== undefined) {
        for (const k of before.keys()) {
          if (!keys.has(k)) {
            retired.push(k)
            didChange = true
          }
        }
      }
      this.registry.unregister(n)
      registerFunction(this.registry, list, this.slots)
      nextOwned.set(n, keys)
      const name = n
      if (before === undefined) added.push(name)
      else if (didChange) changed.push(name)
      else unchanged.push(name)
    }
    if (replaceAll) {
      for (const [n, keys] of this.owned) {
        if (byName.has(n)) continue
        this.registry.unregister(n)
        removed.push(n)
        retired.push(...keys.keys())
      }
    }
    this.owned = nextOwned
    const total = byName.size
    const parts: string[] = []
    if (added.length > 0) parts.push(`added ${added.join(', ')}`)
    if (changed.length > 0) parts.push(`changed ${changed.join(', ')}`)
    if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`)
    const message =
      `Loaded ${total} function${total === 1 ? '' : 's'} from ${modules.length} module${modules.length === 1 ? '' : 's'}` +
      (parts.length > 0 ? ` (${parts.join('; ')})` : ' (no changes)') +
      '.'
    return { modules, added, changed, removed, unchanged, retired, message }
  }

  /** Upper-cased names of the functions this loader registered. */
  names(): readonly string[] {
    return [...this.owned.keys()].sort()
  }
}

/** Registers definitions (e.g. a module's, or the QTT runner's test functions) into `registry`. */
export function registerDefinitions(
  registry: FunctionRegistry,
  definitions: readonly UdfDefinition[],
  source: string,
): UdfLoadReport {
  return new UdfLoader(registry).register(definitions, source)
}
