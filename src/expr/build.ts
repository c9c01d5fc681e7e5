import type {
  ArithmeticBinary,
  ArrayConstructor,
  Comparison,
  Expr,
  FunctionCall,
  InList,
  Lambda,
  Like,
  MapConstructor,
  SearchedCase,
  StructConstructor,
} from '../ast/expressions.js'
import { SqlPlanError } from '../errors.js'
import type { ResolvedScalar } from '../functions/registry.js'
import { Decimal } from '../types/decimal.js'
import { decimal, isNumeric, resolveType, T, type Type, typeEquals, typeToString } from '../types/type.js'
import type { Row, Struct, Value } from '../types/values.js'
import { castFunction, compareValues, parseBooleanStrict, valueEquals } from './cast.js'
import { asEvalError, ExprEvalError } from './errors.js'
import { formatKsqlExpression as fmt } from './format.js'
import type { ExprContext } from './scope.js'
import { parseDate, parseTime, parseTimestamp } from './time.js'

/**
 * The expression compiler's core: one pass over the AST that computes ksqlDB's type of every
 * node (ExpressionTypeManager) and builds a closure evaluating it (SqlToJavaVisitor). Building
 * is done once per query; evaluating a record only calls closures.
 */

export type Evaluator = (row: Row) => Value

export interface Built {
  readonly type: Type | null
  readonly ev: Evaluator
}

interface LambdaVar {
  readonly type: Type
  readonly slot: number
}

/** Per-compilation state shared by all nodes. */
interface Shared {
  readonly ctx: ExprContext
  /** Values of lambda parameters, by slot. */
  readonly frame: Value[]
  /** The record being evaluated, for lambda bodies invoked from inside functions. */
  row: Row
}

interface Env {
  readonly shared: Shared
  readonly lambdas: ReadonlyMap<string, LambdaVar>
}

export function buildExpr(expr: Expr, ctx: ExprContext): Built {
  const shared: Shared = { ctx, frame: [], row: [] }
  return build(expr, { shared, lambdas: new Map() })
}

const NULL_EV: Evaluator = () => null

function plan(message: string, e: Expr): SqlPlanError {
  return new SqlPlanError(message, e.span)
}

/** ksqlDB's nested error handling: an error becomes NULL and is reported. */
function nested(ev: Evaluator, env: Env): Evaluator {
  const onError = env.shared.ctx.onError
  return (row) => {
    try {
      return ev(row)
    } catch (e) {
      onError?.(asEvalError(e))
      return null
    }
  }
}

/** DecimalUtil.fromValue: the type of a DECIMAL literal / value. */
export function decimalTypeOf(d: Decimal): Type {
  const abs = d.unscaled < 0n ? -d.unscaled : d.unscaled
  const scale = Math.max(d.scale, 0)
  // |value| < 1: precision is scale + 1.
  if (abs < 10n ** BigInt(Math.max(d.scale, 0)) || d.unscaled === 0n) return decimal(scale + 1, scale)
  return decimal(d.precision, scale)
}

/** The DECIMAL an integral type widens to (SqlTypes.INT_UPCAST_TO_DECIMAL / BIGINT_UPCAST_TO_DECIMAL). */
export function toDecimalType(t: Type): Extract<Type, { kind: 'DECIMAL' }> | undefined {
  if (t.kind === 'DECIMAL') return t
  if (t.kind === 'INTEGER') return { kind: 'DECIMAL', precision: 10, scale: 0 }
  if (t.kind === 'BIGINT') return { kind: 'DECIMAL', precision: 19, scale: 0 }
  return undefined
}

function build(e: Expr, env: Env): Built {
  switch (e.kind) {
    case 'NullLiteral':
      return { type: null, ev: NULL_EV }
    case 'BooleanLiteral':
      return constant(T.BOOLEAN, e.value)
    case 'IntegerLiteral':
      return constant(T.INTEGER, e.value)
    case 'LongLiteral':
      return constant(T.BIGINT, BigInt(e.value))
    case 'DecimalLiteral': {
      const d = Decimal.parse(e.value)
      return constant(decimalTypeOf(d), d)
    }
    case 'DoubleLiteral':
      return constant(T.DOUBLE, e.value)
    case 'StringLiteral':
      return constant(T.STRING, e.value)
    case 'TypeConstructor':
      return typeConstructor(e.type, e.value, e)
    case 'ColumnRef': {
      if (e.source === undefined) {
        const lv = env.lambdas.get(e.name)
        if (lv !== undefined) {
          const frame = env.shared.frame
          const slot = lv.slot
          return { type: lv.type, ev: () => frame[slot] ?? null }
        }
      }
      const col = env.shared.ctx.scope.resolveColumn(e)
      const i = col.index
      return { type: col.type, ev: (row) => row[i] ?? null }
    }
    case 'Dereference': {
      const base = build(e.base, env)
      if (base.type === null || base.type.kind !== 'STRUCT') {
        throw plan(`Expected STRUCT type, got: ${base.type === null ? 'null' : typeToString(base.type)}`, e)
      }
      const field = base.type.fields.find((f) => f.name === e.field)
      if (field === undefined) throw plan(`Could not find field '${e.field}' in '${fmt(e.base)}'.`, e)
      const name = field.name
      const b = base.ev
      return {
        type: field.type,
        ev: (row) => {
          const s = b(row) as Struct | null
          return s === null ? null : (s[name] ?? null)
        },
      }
    }
    case 'Subscript':
      return subscript(e, env)
    case 'FunctionCall':
      return functionCall(e, env)
    case 'IntervalUnit':
      return { type: null, ev: () => e.unit }
    case 'Lambda':
      throw plan(`Lambda expressions are only valid as function arguments: ${fmt(e)}`, e)
    case 'Cast': {
      const inner = build(e.expr, env)
      const to = resolveType(e.type)
      if (inner.type === null) return { type: to, ev: NULL_EV }
      const cast = castFunction(inner.type, to)
      const ev = inner.ev
      return { type: to, ev: nested((row) => cast(ev(row)), env) }
    }
    case 'SearchedCase':
      return searchedCase(e, env)
    case 'SimpleCase': {
      const whens = e.whens.map((w) => ({
        condition: {
          kind: 'Comparison',
          op: '=',
          left: e.operand,
          right: w.condition,
          span: w.condition.span,
        } as Comparison,
        result: w.result,
      }))
      return searchedCase(
        { kind: 'SearchedCase', whens, ...(e.else === undefined ? {} : { else: e.else }), span: e.span },
        env,
      )
    }
    case 'ArrayConstructor':
      return arrayConstructor(e, env)
    case 'MapConstructor':
      return mapConstructor(e, env)
    case 'StructConstructor':
      return structConstructor(e, env)
    case 'ArithmeticUnary': {
      const v = build(e.operand, env)
      if (e.op === '+') return v
      const t = v.type
      const ev = v.ev
      if (t === null) return { type: null, ev: NULL_EV }
      switch (t.kind) {
        case 'INTEGER':
          return { type: t, ev: (row) => nn(ev(row), (x) => -(x as number) | 0) }
        case 'BIGINT':
          return { type: t, ev: (row) => nn(ev(row), (x) => BigInt.asIntN(64, -(x as bigint))) }
        case 'DOUBLE':
          return { type: t, ev: (row) => nn(ev(row), (x) => -(x as number)) }
        case 'DECIMAL':
          return {
            type: t,
            ev: (row) => nn(ev(row), (x) => new Decimal(-(x as Decimal).unscaled, (x as Decimal).scale)),
          }
        default:
          throw plan(`Error processing expression: ${fmt(e)}. Unsupported arithmetic types. ${t.kind}`, e)
      }
    }
    case 'ArithmeticBinary':
      return arithmetic(e, env)
    case 'Concat': {
      const call: FunctionCall = {
        kind: 'FunctionCall',
        name: 'CONCAT',
        args: [e.left, e.right],
        star: false,
        span: e.span,
      }
      return functionCall(call, env)
    }
    case 'AtTimeZone':
      throw plan('AT TIME ZONE is not supported', e)
    case 'Comparison':
      return comparison(e.op, e.left, e.right, e, env)
    case 'IsDistinctFrom':
      return comparison(e.negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', e.left, e.right, e, env)
    case 'Between': {
      const ge = comparison('>=', e.value, e.lower, e, env)
      const le = comparison('<=', e.value, e.upper, e, env)
      const a = ge.ev
      const b = le.ev
      const neg = e.negated
      return {
        type: T.BOOLEAN,
        ev: neg
          ? (row) => !(a(row) === true && b(row) === true)
          : (row) => a(row) === true && b(row) === true,
      }
    }
    case 'InList':
      return inList(e, env)
    case 'Like':
      return like(e, env)
    case 'IsNull': {
      const v = build(e.value, env).ev
      return { type: T.BOOLEAN, ev: e.negated ? (row) => v(row) !== null : (row) => v(row) === null }
    }
    case 'Not': {
      const v = build(e.operand, env).ev
      return { type: T.BOOLEAN, ev: (row) => nn(v(row), (x) => !x) }
    }
    case 'LogicalBinary': {
      const l = build(e.left, env).ev
      const r = build(e.right, env).ev
      if (e.op === 'AND') {
        return {
          type: T.BOOLEAN,
          ev: (row) => {
            const a = l(row)
            if (a === false) return false
            const b = r(row)
            if (b === false) return false
            return a === null || b === null ? null : true
          },
        }
      }
      return {
        type: T.BOOLEAN,
        ev: (row) => {
          const a = l(row)
          if (a === true) return true
          const b = r(row)
          if (b === true) return true
          return a === null || b === null ? null : false
        },
      }
    }
  }
}

function nn(v: Value, f: (v: Exclude<Value, null>) => Value): Value {
  return v === null ? null : f(v)
}

function constant(type: Type, value: Value): Built {
  return { type, ev: () => value }
}

function typeConstructor(type: string, value: string, e: Expr): Built {
  try {
    switch (type.toUpperCase()) {
      case 'TIMESTAMP':
        return constant(T.TIMESTAMP, parseTimestamp(value))
      case 'DATE':
        return constant(T.DATE, parseDate(value))
      case 'TIME':
        return constant(T.TIME, parseTime(value))
    }
  } catch (err) {
    throw plan(err instanceof Error ? err.message : String(err), e)
  }
  throw plan(`Unknown type constructor: ${type}`, e)
}

// ---------------------------------------------------------------------------------------------
// Subscript

function subscript(e: Extract<Expr, { kind: 'Subscript' }>, env: Env): Built {
  const base = build(e.base, env)
  const t = base.type
  const b = base.ev
  if (t?.kind === 'ARRAY') {
    const idx = build(e.index, env)
    const toInt = idx.type === null ? () => null : castFunction(idx.type, T.INTEGER)
    const i = idx.ev
    return {
      type: t.element,
      ev: (row) => {
        const arr = b(row) as readonly Value[] | null
        if (arr === null) return null
        const n = toInt(i(row)) as number | null
        if (n === null) return null
        return arrayAccess(arr, n)
      },
    }
  }
  if (t?.kind === 'MAP') {
    const idx = build(e.index, env)
    const conv = idx.type === null || typeEquals(idx.type, t.key) ? null : tryCast(idx.type, t.key)
    const i = idx.ev
    return {
      type: t.value,
      ev: (row) => {
        const m = b(row) as ReadonlyMap<Value, Value> | null
        if (m === null) return null
        const k = conv === null ? i(row) : conv(i(row))
        return mapGet(m, k)
      },
    }
  }
  const structHint =
    t?.kind === 'STRUCT'
      ? ` Use the dereference operator for STRUCTS: ${fmt(e.base)}->'${fmt(e.index).replace(/^'|'$/g, '')}'`
      : ''
  throw plan(
    `Subscript expression (${fmt(e)}) do not apply to ${t === null ? 'null' : typeToString(t)}.${structHint}`,
    e,
  )
}

function tryCast(from: Type, to: Type): ((v: Value) => Value) | null {
  try {
    return castFunction(from, to)
  } catch {
    return null
  }
}

/** ArrayAccess.arrayAccess: 1-based, negative counts from the end, out of range is NULL. */
export function arrayAccess(arr: readonly Value[], index: number): Value {
  const i = index >= 0 ? index - 1 : arr.length + index
  if (index === 0 || i < 0 || i >= arr.length) return null
  return arr[i] ?? null
}

export function mapGet(m: ReadonlyMap<Value, Value>, k: Value): Value {
  const v = m.get(k)
  if (v !== undefined) return v
  if (k !== null && typeof k === 'object') {
    for (const [mk, mv] of m) if (valueEquals(mk, k)) return mv
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Functions

function functionCall(e: FunctionCall, env: Env): Built {
  const functions = env.shared.ctx.functions
  const args = e.star ? [] : e.args
  const agg = functions.aggregate(e.name)
  if (agg !== undefined) {
    const types = args.map((a) => (a.kind === 'Lambda' ? null : build(a, env).type))
    const r = agg.resolve(types, args)
    return {
      type: r.returnType,
      ev: () => {
        throw new ExprEvalError(`Aggregate function ${e.name} cannot be evaluated in this context`)
      },
    }
  }
  const table = functions.table(e.name)
  if (table !== undefined) {
    const types = args.map((a) => build(a, env).type)
    const r = table.resolve(types)
    return {
      type: r.returnType,
      ev: () => {
        throw new ExprEvalError(`Table function ${e.name} cannot be evaluated in this context`)
      },
    }
  }
  const fn = functions.scalar(e.name)
  if (fn === undefined) throw plan(`Can't find any functions with the name '${e.name}'`, e)
  const built: (Built | null)[] = args.map((a) => (a.kind === 'Lambda' ? null : build(a, env)))
  const argTypes = built.map((b) => (b === null ? null : b.type))
  const lambdaTyper = (i: number, paramTypes: readonly Type[]): Type | null =>
    buildLambda(args[i] as Lambda, paramTypes, env).type
  let resolved: ResolvedScalar
  try {
    resolved = fn.resolve(argTypes, args, lambdaTyper)
  } catch (err) {
    if (err instanceof SqlPlanError && err.span === undefined)
      throw new SqlPlanError(err.message, e.span, err.hints)
    throw err
  }
  const evs: Evaluator[] = args.map((a, i) => {
    const b = built[i]
    if (b === null || b === undefined) {
      const ps = resolved.lambdaParams.get(i) ?? []
      return buildLambda(a as Lambda, ps, env).ev
    }
    const to = resolved.paramTypes[i]
    let ev = b.ev
    if (b.type !== null && to !== null && to !== undefined && !typeEquals(b.type, to)) {
      const c = castFunction(b.type, to)
      const inner = ev
      ev = (row) => c(inner(row))
    }
    if (a.kind === 'FunctionCall' || a.kind === 'Dereference') ev = nested(ev, env)
    return ev
  })
  const impl = resolved.impl
  const nullSafe = resolved.nullSafe === true
  const hasLambda = built.some((b) => b === null)
  const shared = env.shared
  const name = e.name
  const call = (values: Value[]): Value => {
    if (!nullSafe) for (const v of values) if (v === null) return null
    try {
      const r = impl(...values)
      return r === undefined ? null : r
    } catch (err) {
      throw asEvalError(err, `Error calling ${name}`)
    }
  }
  let ev: Evaluator
  switch (evs.length) {
    case 0:
      ev = () => call([])
      break
    case 1: {
      const [a] = evs as [Evaluator]
      ev = (row) => call([a(row)])
      break
    }
    case 2: {
      const [a, b] = evs as [Evaluator, Evaluator]
      ev = (row) => call([a(row), b(row)])
      break
    }
    default:
      ev = (row) => call(evs.map((x) => x(row)))
  }
  if (hasLambda) {
    const inner = ev
    ev = (row) => {
      const saved = shared.row
      shared.row = row
      try {
        return inner(row)
      } finally {
        shared.row = saved
      }
    }
  }
  return { type: resolved.returnType, ev }
}

/** Builds a lambda: its body's type, and (as the value) a JS function of its parameters. */
function buildLambda(l: Lambda, paramTypes: readonly Type[], env: Env): Built {
  if (l.params.length !== paramTypes.length) {
    throw plan(
      `Was expecting ${paramTypes.length} arguments to lambda function, but got: ${l.params.length}`,
      l,
    )
  }
  const lambdas = new Map(env.lambdas)
  const slots: number[] = []
  l.params.forEach((p, i) => {
    const slot = env.shared.frame.length
    env.shared.frame.push(null)
    slots.push(slot)
    lambdas.set(p, { type: paramTypes[i] as Type, slot })
  })
  const body = build(l.body, { shared: env.shared, lambdas })
  const frame = env.shared.frame
  const shared = env.shared
  const bev = body.ev
  const fnValue = (...xs: Value[]): Value => {
    for (let i = 0; i < slots.length; i++) frame[slots[i] as number] = xs[i] ?? null
    return bev(shared.row)
  }
  const asValue = fnValue as unknown as Value
  return { type: body.type, ev: () => asValue }
}

// ---------------------------------------------------------------------------------------------
// CASE

function searchedCase(e: SearchedCase, env: Env): Built {
  let resultType: Type | null = null
  const conds: Evaluator[] = []
  const results: Evaluator[] = []
  for (const w of e.whens) {
    const c = build(w.condition, env)
    if (c.type === null || c.type.kind !== 'BOOLEAN') {
      throw plan(
        `WHEN operand type should be boolean.\nType for '${fmt(w.condition)}' is ${c.type === null ? 'null' : typeToString(c.type)}`,
        w.condition,
      )
    }
    const r = build(w.result, env)
    conds.push(c.ev)
    results.push(r.ev)
    if (r.type === null) continue
    if (resultType === null) {
      resultType = r.type
      continue
    }
    if (!typeEquals(resultType, r.type)) {
      throw plan(
        `Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN ${fmt(w.condition)} THEN ${fmt(w.result)}' has type: ${typeToString(r.type)}.\nPrevious THEN expression(s) type: ${typeToString(resultType)}.`,
        w.result,
      )
    }
  }
  const def = e.else === undefined ? null : build(e.else, env)
  if (def !== null && def.type !== null) {
    if (resultType !== null && !typeEquals(resultType, def.type)) {
      throw plan(
        `Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: ${typeToString(resultType)}.\nDEFAULT type: ${typeToString(def.type)}.`,
        e.else as Expr,
      )
    }
    resultType = def.type
  }
  if (resultType === null) throw plan('Invalid Case expression. All case branches have NULL type', e)
  const dev = def === null ? NULL_EV : def.ev
  const n = conds.length
  return {
    type: resultType,
    ev: (row) => {
      for (let i = 0; i < n; i++) {
        if ((conds[i] as Evaluator)(row) === true) return (results[i] as Evaluator)(row)
      }
      return dev(row)
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

const NUM_RANK: Partial<Record<Type['kind'], number>> = { INTEGER: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 }

/** Operator.resultType: ksqlDB's result type of `left op right`; throws the bare reason. */
export function arithmeticResultType(op: ArithmeticBinary['op'], l: Type, r: Type): Type {
  if (op === '+' && l.kind === 'STRING' && r.kind === 'STRING') return T.STRING
  const a = NUM_RANK[l.kind]
  const b = NUM_RANK[r.kind]
  if (a !== undefined && b !== undefined) {
    if (a <= b) {
      if (r.kind !== 'DECIMAL') return r
      return decimalResult(op, toDecimalType(l) as DecimalT, r)
    }
    if (l.kind !== 'DECIMAL') return l
    return decimalResult(op, l, toDecimalType(r) as DecimalT)
  }
  throw new Error(`Unsupported arithmetic types. ${l.kind} ${r.kind}`)
}

type DecimalT = Extract<Type, { kind: 'DECIMAL' }>

function decimalResult(op: ArithmeticBinary['op'], l: DecimalT, r: DecimalT): Type {
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(l.scale, r.scale)
      return decimal(scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1, scale)
    }
    case '*':
      return decimal(l.precision + r.precision + 1, l.scale + r.scale)
    case '/': {
      const scale = Math.max(6, l.scale + r.precision + 1)
      return decimal(l.precision - l.scale + r.scale + scale, scale)
    }
    case '%': {
      const scale = Math.max(l.scale, r.scale)
      return decimal(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale)
    }
  }
}

function arithmetic(e: ArithmeticBinary, env: Env): Built {
  const l = build(e.left, env)
  const r = build(e.right, env)
  if (l.type === null || r.type === null) {
    const name = (t: Type | null): string => (t === null ? 'null' : typeToString(t))
    throw plan(
      `Error processing expression: ${fmt(e)}. Arithmetic on types ${name(l.type)} and ${name(r.type)} are not supported.`,
      e,
    )
  }
  let type: Type
  try {
    type = arithmeticResultType(e.op, l.type, r.type)
  } catch (err) {
    throw plan(`Error processing expression: ${fmt(e)}. ${(err as Error).message}`, e)
  }
  if (type.kind === 'STRING') {
    // Java's String `+`: a NULL operand reads as "null" (ksqlDB generates `(left + right)`).
    const a = l.ev
    const b = r.ev
    return { type, ev: (row) => `${a(row) ?? 'null'}${b(row) ?? 'null'}` }
  }
  const op = binaryOp(e.op, type)
  let lev = l.ev
  let rev = r.ev
  if (type.kind === 'DECIMAL' || type.kind === 'DOUBLE' || type.kind === 'BIGINT') {
    const target = type.kind === 'DECIMAL' ? (toDecimalType(l.type) as Type) : type
    const target2 = type.kind === 'DECIMAL' ? (toDecimalType(r.type) as Type) : type
    if (!typeEquals(l.type, target)) {
      const c = castFunction(l.type, target)
      const inner = lev
      lev = (row) => c(inner(row))
    }
    if (!typeEquals(r.type, target2)) {
      const c = castFunction(r.type, target2)
      const inner = rev
      rev = (row) => c(inner(row))
    }
  }
  return {
    type,
    ev: (row) => {
      const a = lev(row)
      if (a === null) return null
      const b = rev(row)
      if (b === null) return null
      return op(a, b)
    },
  }
}

type BinOp = (a: Exclude<Value, null>, b: Exclude<Value, null>) => Value

function divideByZero(): never {
  throw new ExprEvalError('/ by zero')
}

function binaryOp(op: ArithmeticBinary['op'], t: Type): BinOp {
  switch (t.kind) {
    case 'STRING':
      return (a, b) => (a as string) + (b as string)
    case 'INTEGER':
      switch (op) {
        case '+':
          return (a, b) => ((a as number) + (b as number)) | 0
        case '-':
          return (a, b) => ((a as number) - (b as number)) | 0
        case '*':
          return (a, b) => Math.imul(a as number, b as number)
        case '/':
          return (a, b) => (b === 0 ? divideByZero() : ((a as number) / (b as number)) | 0)
        case '%':
          return (a, b) => (b === 0 ? divideByZero() : ((a as number) % (b as number)) | 0)
      }
      break
    case 'BIGINT':
      switch (op) {
        case '+':
          return (a, b) => BigInt.asIntN(64, (a as bigint) + (b as bigint))
        case '-':
          return (a, b) => BigInt.asIntN(64, (a as bigint) - (b as bigint))
        case '*':
          return (a, b) => BigInt.asIntN(64, (a as bigint) * (b as bigint))
        case '/':
          return (a, b) => (b === 0n ? divideByZero() : BigInt.asIntN(64, (a as bigint) / (b as bigint)))
        case '%':
          return (a, b) => (b === 0n ? divideByZero() : (a as bigint) % (b as bigint))
      }
      break
    case 'DOUBLE':
      switch (op) {
        case '+':
          return (a, b) => (a as number) + (b as number)
        case '-':
          return (a, b) => (a as number) - (b as number)
        case '*':
          return (a, b) => (a as number) * (b as number)
        case '/':
          return (a, b) => (a as number) / (b as number)
        case '%':
          return (a, b) => (a as number) % (b as number)
      }
      break
    case 'DECIMAL': {
      const { precision, scale } = t
      return (a, b) => decimalOp(op, a as Decimal, b as Decimal, precision, scale)
    }
  }
  throw new SqlPlanError(`Unsupported arithmetic type ${typeToString(t)}`)
}

function rounding(): never {
  throw new ExprEvalError('Rounding necessary')
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale)
  return [a.setScale(s).unscaled, b.setScale(s).unscaled, s]
}

/** BigDecimal arithmetic with MathContext(precision, UNNECESSARY) then setScale(scale). */
export function decimalOp(
  op: ArithmeticBinary['op'],
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal {
  let r: Decimal
  switch (op) {
    case '+': {
      const [x, y, s] = align(a, b)
      r = new Decimal(x + y, s)
      break
    }
    case '-': {
      const [x, y, s] = align(a, b)
      r = new Decimal(x - y, s)
      break
    }
    case '*':
      r = new Decimal(a.unscaled * b.unscaled, a.scale + b.scale)
      break
    case '/': {
      if (b.unscaled === 0n)
        throw new ExprEvalError(a.unscaled === 0n ? 'Division undefined' : 'Division by zero')
      // a / b at `scale` digits: a.u * 10^(scale - a.s + b.s) / b.u, exact or "Rounding necessary".
      const shift = scale - a.scale + b.scale
      const num = shift >= 0 ? a.unscaled * 10n ** BigInt(shift) : a.unscaled
      const den = shift >= 0 ? b.unscaled : b.unscaled * 10n ** BigInt(-shift)
      if (num % den !== 0n) rounding()
      r = new Decimal(num / den, scale)
      break
    }
    case '%': {
      if (b.unscaled === 0n) throw new ExprEvalError('Division undefined')
      const [x, y, s] = align(a, b)
      r = new Decimal(x % y, s)
      break
    }
  }
  if (r.scale > scale) {
    const back = r.setScale(scale)
    if (back.setScale(r.scale).unscaled !== r.unscaled) rounding()
    r = back
  } else r = r.setScale(scale)
  if (r.unscaled !== 0n && r.precision > precision) rounding()
  return r
}

// ---------------------------------------------------------------------------------------------
// Comparisons

const OP_NAME: Record<string, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  'IS DISTINCT FROM': 'IS_DISTINCT_FROM',
  'IS NOT DISTINCT FROM': 'IS_NOT_DISTINCT_FROM',
}

const MAGIC_TIME_COLUMNS = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND'])

function isEqualityOp(op: string): boolean {
  return op === '=' || op === '<>' || op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM'
}

function isTemporal(t: Type): boolean {
  return t.kind === 'DATE' || t.kind === 'TIME' || t.kind === 'TIMESTAMP'
}

/** ComparisonUtil.isValidComparison (with temporal and BYTES handlers). */
export function isValidComparison(l: Type, op: string, r: Type): boolean {
  if (isNumeric(l)) return isNumeric(r)
  if (l.kind === 'STRING') return r.kind === 'STRING' || isTemporal(r)
  if (l.kind === 'TIME') return r.kind === 'TIME' || r.kind === 'STRING'
  if (l.kind === 'DATE' || l.kind === 'TIMESTAMP')
    return r.kind === 'DATE' || r.kind === 'TIMESTAMP' || r.kind === 'STRING'
  if (l.kind === 'BYTES') return r.kind === 'BYTES'
  if (l.kind === 'BOOLEAN' || l.kind === 'ARRAY' || l.kind === 'MAP' || l.kind === 'STRUCT') {
    return r.kind === l.kind && isEqualityOp(op)
  }
  return false
}

/** A string literal compared with ROWTIME / WINDOWSTART / WINDOWEND is a timestamp (ksqlDB's magic conversion). */
function magicTimestamp(side: Expr, other: Expr, env: Env): Expr {
  if (side.kind !== 'StringLiteral') return side
  if (other.kind !== 'ColumnRef' || !MAGIC_TIME_COLUMNS.has(other.name) || env.lambdas.has(other.name))
    return side
  const col = env.shared.ctx.scope.resolveColumn(other)
  if (col.type.kind !== 'BIGINT') return side
  let ms: number
  try {
    ms = parseTimestamp(side.value)
  } catch (err) {
    throw plan((err as Error).message, side)
  }
  return { kind: 'LongLiteral', value: String(ms), span: side.span }
}

function comparison(op: string, left: Expr, right: Expr, node: Expr, env: Env): Built {
  const le = magicTimestamp(left, right, env)
  const re = magicTimestamp(right, left, env)
  const l = build(le, env)
  const r = build(re, env)
  if (l.type === null || r.type === null) {
    throw plan(
      `Comparison with NULL not supported: ${l.type?.kind ?? 'NULL'} ${op} ${r.type?.kind ?? 'NULL'}\nUse 'IS NULL' or 'IS NOT NULL' instead.`,
      node,
    )
  }
  if (!isValidComparison(l.type, op, r.type)) {
    throw plan(
      `Cannot compare ${fmt(left)} (${typeToString(l.type)}) to ${fmt(right)} (${typeToString(r.type)}) with ${OP_NAME[op]}.`,
      node,
    )
  }
  const cmp = comparator(l.type, r.type, op)
  const lev = l.ev
  const rev = r.ev
  const test = opTest(op)
  if (op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM') {
    const distinct = op === 'IS DISTINCT FROM'
    return {
      type: T.BOOLEAN,
      ev: (row) => {
        const a = lev(row)
        const b = rev(row)
        if (a === null || b === null) return ((a === null) !== (b === null)) === distinct
        return (cmp(a, b) !== 0) === distinct
      },
    }
  }
  return {
    type: T.BOOLEAN,
    ev: (row) => {
      const a = lev(row)
      if (a === null) return false
      const b = rev(row)
      if (b === null) return false
      return test(cmp(a, b))
    },
  }
}

function opTest(op: string): (c: number) => boolean {
  switch (op) {
    case '=':
      return (c) => c === 0
    case '<>':
      return (c) => c !== 0 && !Number.isNaN(c)
    case '<':
      return (c) => c < 0
    case '<=':
      return (c) => c <= 0
    case '>':
      return (c) => c > 0
    case '>=':
      return (c) => c >= 0
    default:
      return (c) => c === 0
  }
}

type Cmp = (a: Exclude<Value, null>, b: Exclude<Value, null>) => number

/** How two non-null values of these types compare; NaN from the result means "unordered" (Java's double NaN). */
function comparator(l: Type, r: Type, op: string): Cmp {
  if (l.kind === 'DECIMAL' || r.kind === 'DECIMAL') {
    const ca = toDecimalCaster(l)
    const cb = toDecimalCaster(r)
    return (a, b) => ca(a).compareTo(cb(b))
  }
  if (isTemporal(l) || isTemporal(r)) {
    const target: Type =
      l.kind === 'TIME' || r.kind === 'TIME'
        ? T.TIME
        : l.kind === 'TIMESTAMP' || r.kind === 'TIMESTAMP'
          ? T.TIMESTAMP
          : T.DATE
    const ca = memoLast(castFunction(l, target))
    const cb = memoLast(castFunction(r, target))
    return (a, b) => {
      const x = ca(a) as number
      const y = cb(b) as number
      return x < y ? -1 : x > y ? 1 : 0
    }
  }
  if (isNumeric(l)) {
    if (l.kind === 'DOUBLE' || r.kind === 'DOUBLE') {
      return (a, b) => {
        const x = Number(a)
        const y = Number(b)
        return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN
      }
    }
    if (l.kind === 'BIGINT' || r.kind === 'BIGINT') {
      return (a, b) => {
        const x = BigInt(a as number | bigint)
        const y = BigInt(b as number | bigint)
        return x < y ? -1 : x > y ? 1 : 0
      }
    }
    return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)
  }
  if (l.kind === 'STRING' || l.kind === 'BYTES' || l.kind === 'BOOLEAN') return compareValues
  void op
  return (a, b) => (valueEquals(a, b) ? 0 : 1)
}

/** A caster remembering its last input (string literals compared with temporal values are parsed once). */
function memoLast(f: (v: Value) => Value): (v: Value) => Value {
  let lastIn: Value = null
  let lastOut: Value = null
  return (v) => {
    if (typeof v !== 'string') return f(v)
    if (v !== lastIn) {
      lastOut = f(v)
      lastIn = v
    }
    return lastOut
  }
}

function toDecimalCaster(t: Type): (v: Exclude<Value, null>) => Decimal {
  switch (t.kind) {
    case 'DECIMAL':
      return (v) => v as Decimal
    case 'DOUBLE':
      return (v) => Decimal.parse(String(v))
    case 'BIGINT':
      return (v) => new Decimal(v as bigint, 0)
    default:
      return (v) => new Decimal(BigInt(v as number), 0)
  }
}

// ---------------------------------------------------------------------------------------------
// User lists: IN, ARRAY[], MAP() (CoercionUtil.coerceUserList)

class CoercionError extends Error {}

/** The common type of a list of expressions, or null when all are NULL literals. Throws CoercionError with ksqlDB's message. */
function commonType(items: readonly Expr[], types: readonly (Type | null)[], env: Env): Type | null {
  let result: Type | null = null
  items.forEach((item, i) => {
    const t = types[i] ?? null
    if (result === null) {
      result = t
      return
    }
    if (t === null) return
    result = commonOf(item, t, result, env)
  })
  return result
}

function coercionFailure(e: Expr, source: Type, target: Type): CoercionError {
  return new CoercionError(
    `operator does not exist: ${typeToString(target)} = ${typeToString(source)} (${fmt(e)})\nHint: You might need to add explicit type casts.`,
  )
}

function invalidSyntax(value: string, target: Type): CoercionError {
  return new CoercionError(`invalid input syntax for type ${target.kind}: "${value}".`)
}

function commonOf(e: Expr, source: Type, target: Type, env: Env): Type {
  if (e.kind === 'ArrayConstructor') {
    if (target.kind !== 'ARRAY') throw coercionFailure(e, source, target)
    try {
      return { kind: 'ARRAY', element: structuredCommon(target.element, e.items, env) }
    } catch (err) {
      if (err instanceof CoercionError && !err.message.startsWith('invalid input'))
        throw coercionFailure(e, source, target)
      throw err
    }
  }
  if (e.kind === 'MapConstructor') {
    if (target.kind !== 'MAP') throw coercionFailure(e, source, target)
    try {
      return {
        kind: 'MAP',
        key: structuredCommon(
          target.key,
          e.entries.map((x) => x.key),
          env,
        ),
        value: structuredCommon(
          target.value,
          e.entries.map((x) => x.value),
          env,
        ),
      }
    } catch (err) {
      if (err instanceof CoercionError && !err.message.startsWith('invalid input'))
        throw coercionFailure(e, source, target)
      throw err
    }
  }
  if (e.kind === 'StructConstructor') {
    if (target.kind !== 'STRUCT') throw coercionFailure(e, source, target)
    try {
      const names = [...new Set([...e.fields.map((f) => f.name), ...target.fields.map((f) => f.name)])]
      return {
        kind: 'STRUCT',
        fields: names.map((n) => {
          const sf = e.fields.find((f) => f.name === n)
          const tf = target.fields.find((f) => f.name === n)
          const st = sf === undefined ? null : build(sf.value, env).type
          if (tf === undefined) return { name: n, type: st as Type }
          if (sf === undefined || st === null) return { name: n, type: tf.type }
          return { name: n, type: commonOf(sf.value, st, tf.type, env) }
        }),
      }
    } catch (err) {
      if (err instanceof CoercionError && !err.message.startsWith('invalid input'))
        throw coercionFailure(e, source, target)
      throw err
    }
  }
  if (e.kind === 'StringLiteral') {
    if (isNumeric(target)) return numericFromString(e.value, target)
    if (target.kind === 'BOOLEAN') {
      if (parseBooleanStrict(e.value) === undefined) throw invalidSyntax(e.value, T.BOOLEAN)
      return target
    }
  }
  const literal = isLiteral(e)
  const c0 = canCoerce(source, target, literal)
  if (c0 !== undefined) return c0
  const c1 = canCoerce(target, source, literal)
  if (c1 !== undefined) return c1
  throw coercionFailure(e, source, target)
}

function structuredCommon(target: Type, items: readonly Expr[], env: Env): Type {
  const types = items.map((x) => build(x, env).type)
  let result: Type = target
  items.forEach((x, i) => {
    const t = types[i]
    if (t === null || t === undefined) return
    result = commonOf(x, t, result, env)
  })
  return result
}

function isLiteral(e: Expr): boolean {
  return (
    e.kind === 'NullLiteral' ||
    e.kind === 'BooleanLiteral' ||
    e.kind === 'IntegerLiteral' ||
    e.kind === 'LongLiteral' ||
    e.kind === 'DecimalLiteral' ||
    e.kind === 'DoubleLiteral' ||
    e.kind === 'StringLiteral'
  )
}

/** DefaultSqlValueCoercer.canCoerce: numeric widening (and DECIMAL widening), structured types recursively. */
function canCoerce(from: Type, to: Type, _lax: boolean): Type | undefined {
  if (typeEquals(from, to)) return to
  if (_lax) {
    // DefaultSqlValueCoercer.LAX: literals also convert to STRING, and string literals to temporal types.
    if (to.kind === 'STRING' && (NUM_RANK[from.kind] !== undefined || from.kind === 'BOOLEAN')) return to
    if (from.kind === 'STRING' && isTemporal(to)) return to
  }
  const a = NUM_RANK[from.kind]
  const b = NUM_RANK[to.kind]
  if (a !== undefined && b !== undefined) {
    if (a > b) return undefined
    if (to.kind === 'DECIMAL') return widenDecimal(from, to)
    return to
  }
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') {
    const e = canCoerce(from.element, to.element, _lax)
    return e === undefined ? undefined : { kind: 'ARRAY', element: e }
  }
  if (from.kind === 'MAP' && to.kind === 'MAP') {
    const k = canCoerce(from.key, to.key, _lax)
    const v = canCoerce(from.value, to.value, _lax)
    return k === undefined || v === undefined ? undefined : { kind: 'MAP', key: k, value: v }
  }
  if (from.kind === 'STRUCT' && to.kind === 'STRUCT') {
    const fields = []
    for (const f of to.fields) {
      const g = from.fields.find((x) => x.name === f.name)
      if (g === undefined) {
        fields.push(f)
        continue
      }
      const t = canCoerce(g.type, f.type, _lax)
      if (t === undefined) return undefined
      fields.push({ name: f.name, type: t })
    }
    for (const g of from.fields) if (!to.fields.some((f) => f.name === g.name)) return undefined
    return { kind: 'STRUCT', fields }
  }
  return undefined
}

/** DecimalUtil.widen. */
export function widenDecimal(a: Type, b: Type): Type {
  const x = toDecimalType(a) as DecimalT
  const y = toDecimalType(b) as DecimalT
  const scale = Math.max(x.scale, y.scale)
  const whole = Math.max(x.precision - x.scale, y.precision - y.scale)
  return decimal(whole + scale, scale)
}

function numericFromString(value: string, target: Type): Type {
  let source: Type
  try {
    const d = Decimal.parse(value.trim())
    const dp = /[.eE]/.test(value)
    if (!dp && d.scale === 0) {
      const v = d.unscaled
      if (v > -2147483648n && v < 2147483647n) source = T.INTEGER
      else if (v > -(2n ** 63n) && v < 2n ** 63n - 1n) source = T.BIGINT
      else source = decimalTypeOf(d)
    } else source = decimalTypeOf(d)
  } catch {
    throw invalidSyntax(value, target)
  }
  if (source.kind === 'DOUBLE' || target.kind === 'DOUBLE') return T.DOUBLE
  if (source.kind === 'DECIMAL' || target.kind === 'DECIMAL') return widenDecimal(source, target)
  return (NUM_RANK[source.kind] ?? 0) <= (NUM_RANK[target.kind] ?? 0) ? target : source
}

/** An evaluator of `e` converted to `to` (literal strings parsed strictly, others cast). */
function coerceTo(e: Expr, b: Built, to: Type, env: Env): Evaluator {
  if (b.type === null || typeEquals(b.type, to)) return b.ev
  if (e.kind === 'StringLiteral' && to.kind === 'BOOLEAN')
    return constant(T.BOOLEAN, parseBooleanStrict(e.value) ?? null).ev
  if (e.kind === 'ArrayConstructor' && to.kind === 'ARRAY') return arrayConstructor(e, env, to).ev
  if (e.kind === 'MapConstructor' && to.kind === 'MAP') return mapConstructor(e, env, to).ev
  if (e.kind === 'StructConstructor' && to.kind === 'STRUCT') return structConstructor(e, env, to).ev
  const c = castFunction(b.type, to)
  if (isLiteral(e)) {
    try {
      const v = c(b.ev([]))
      return () => v
    } catch (err) {
      if (e.kind === 'StringLiteral') throw invalidSyntax(e.value, to)
      throw err
    }
  }
  const ev = b.ev
  return (row) => c(ev(row))
}

function inList(e: InList, env: Env): Built {
  const all = [e.value, ...e.list]
  const built = all.map((x) => build(x, env))
  let common: Type | null
  let evs: Evaluator[]
  try {
    common = commonType(
      all,
      built.map((b) => b.type),
      env,
    )
    const ct = common
    evs = all.map((x, i) => (ct === null ? (built[i] as Built).ev : coerceTo(x, built[i] as Built, ct, env)))
  } catch (err) {
    if (err instanceof CoercionError) throw plan(`Invalid Predicate: ${err.message}`, e)
    throw err
  }
  const [value, ...items] = evs as [Evaluator, ...Evaluator[]]
  const neg = e.negated
  return {
    type: T.BOOLEAN,
    ev: (row) => {
      const v = value(row)
      let found = false
      if (v !== null) {
        for (const it of items) {
          const x = it(row)
          if (x !== null && valueEquals(v, x)) {
            found = true
            break
          }
        }
      }
      return neg ? !found : found
    },
  }
}

function arrayConstructor(e: ArrayConstructor, env: Env, target?: Type): Built {
  if (e.items.length === 0) {
    throw plan(
      'Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).',
      e,
    )
  }
  const built = e.items.map((x) => build(x, env))
  let element: Type | null
  let evs: Evaluator[]
  try {
    element =
      target?.kind === 'ARRAY'
        ? target.element
        : commonType(
            e.items,
            built.map((b) => b.type),
            env,
          )
    if (element === null) {
      throw plan(
        'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
        e,
      )
    }
    const el = element
    evs = e.items.map((x, i) => nested(coerceTo(x, built[i] as Built, el, env), env))
  } catch (err) {
    if (err instanceof CoercionError) throw plan(err.message, e)
    throw err
  }
  return { type: { kind: 'ARRAY', element }, ev: (row) => evs.map((x) => x(row)) }
}

function mapConstructor(e: MapConstructor, env: Env, target?: Type): Built {
  if (e.entries.length === 0) {
    throw plan(
      'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
      e,
    )
  }
  const keys = e.entries.map((x) => x.key)
  const values = e.entries.map((x) => x.value)
  const kb = keys.map((x) => build(x, env))
  const vb = values.map((x) => build(x, env))
  let kt: Type | null
  let vt: Type | null
  let kev: Evaluator[]
  let vev: Evaluator[]
  try {
    kt =
      target?.kind === 'MAP'
        ? target.key
        : commonType(
            keys,
            kb.map((b) => b.type),
            env,
          )
    if (kt === null) {
      throw plan(
        'Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.',
        e,
      )
    }
    vt =
      target?.kind === 'MAP'
        ? target.value
        : commonType(
            values,
            vb.map((b) => b.type),
            env,
          )
    if (vt === null) {
      throw plan(
        'Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
        e,
      )
    }
    const k = kt
    const v = vt
    kev = keys.map((x, i) => nested(coerceTo(x, kb[i] as Built, k, env), env))
    vev = values.map((x, i) => nested(coerceTo(x, vb[i] as Built, v, env), env))
  } catch (err) {
    if (err instanceof CoercionError) throw plan(err.message, e)
    throw err
  }
  const n = kev.length
  return {
    type: { kind: 'MAP', key: kt, value: vt },
    ev: (row) => {
      const m = new Map<Value, Value>()
      for (let i = 0; i < n; i++) m.set((kev[i] as Evaluator)(row), (vev[i] as Evaluator)(row))
      return m
    },
  }
}

function structConstructor(e: StructConstructor, env: Env, target?: Type): Built {
  const seen = new Set<string>()
  for (const f of e.fields) {
    if (seen.has(f.name)) throw plan(`Duplicate field names found in STRUCT: '${f.name}'`, e)
    seen.add(f.name)
  }
  const built = e.fields.map((f) => build(f.value, env))
  const fields = e.fields.map((f, i) => {
    const tf = target?.kind === 'STRUCT' ? target.fields.find((x) => x.name === f.name) : undefined
    const t = tf?.type ?? (built[i] as Built).type
    if (t === null) {
      throw plan(
        "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).",
        f.value,
      )
    }
    return { name: f.name, type: t }
  })
  const allFields =
    target?.kind === 'STRUCT'
      ? [...fields, ...target.fields.filter((tf) => !fields.some((f) => f.name === tf.name))]
      : fields
  const evs = e.fields.map((f, i) => {
    const t = (fields[i] as { type: Type }).type
    let ev: Evaluator
    try {
      ev = coerceTo(f.value, built[i] as Built, t, env)
    } catch (err) {
      if (err instanceof CoercionError) throw plan(err.message, e)
      throw err
    }
    return { name: f.name, ev: nested(ev, env) }
  })
  const missing = allFields.slice(fields.length).map((f) => f.name)
  return {
    type: { kind: 'STRUCT', fields: allFields },
    ev: (row) => {
      const s: Record<string, Value> = {}
      for (const f of evs) s[f.name] = f.ev(row)
      for (const m of missing) s[m] = null
      return s
    },
  }
}

// ---------------------------------------------------------------------------------------------
// LIKE

/** LikeEvaluator: `%` any run, `_` one character, optional escape character; whole-string match. */
export function likeToRegExp(pattern: string, escapeChar?: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (escapeChar !== undefined && c === escapeChar && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else if (c === '%') re += '[\\s\\S]*'
    else if (c === '_') re += '[\\s\\S]'
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, 'u')
}

function like(e: Like, env: Env): Built {
  const v = build(e.value, env)
  const p = build(e.pattern, env)
  if (v.type !== null && v.type.kind !== 'STRING') {
    throw plan(`Unsupported type for LIKE: ${typeToString(v.type)}. Expected STRING.`, e)
  }
  const esc = e.escape
  const neg = e.negated
  const vev = v.ev
  let test: (s: string, row: Row) => boolean
  if (e.pattern.kind === 'StringLiteral') {
    const re = likeToRegExp(e.pattern.value, esc)
    test = (s) => re.test(s)
  } else {
    let lastPattern: string | null = null
    let lastRe: RegExp | null = null
    const pev = p.ev
    test = (s, row) => {
      const pat = pev(row) as string | null
      if (pat === null) return false
      if (pat !== lastPattern) {
        lastPattern = pat
        lastRe = likeToRegExp(pat, esc)
      }
      return (lastRe as RegExp).test(s)
    }
  }
  return {
    type: T.BOOLEAN,
    ev: (row) => {
      const s = vev(row) as string | null
      const r = s === null ? false : test(s, row)
      return neg ? !r : r
    },
  }
}
