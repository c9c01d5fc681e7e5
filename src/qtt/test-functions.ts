import { valueToString } from '../expr/cast.js'
import type { FunctionRegistry } from '../functions/registry.js'
import type {
  AggregateDefinition,
  CallInfo,
  ScalarDefinition,
  SqlValue,
  TableDefinition,
  UdfDefinition,
  UdfModuleObject,
} from '../functions/udf-api.js'
import { definitionsOf, parseTypeText, registerDefinitions } from '../functions/udf-loader.js'
import type { Decimal } from '../types/decimal.js'
import type { Type } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'

/**
 * ksqlDB's test-only functions, written with Eddy's public UDF API (udf-api.ts) and registered
 * through the same path as a user module: the scalar and table functions of
 * ksqldb-engine/src/test/java/io/confluent/ksql/function/udf/ (TestUdf, TestUdtf, BadUdf,
 * ThrowingUdtf, WhenCondition, WhenResult; ToStruct from the udf-example jar) and the aggregates of
 * .../function/udaf/ (TestUdaf, VarArgUdaf, MiddleVarArgUdaf, MultiArgUdaf, FourArgUdaf,
 * FiveArgUdaf, ObjVarColArgUdaf, GenericVarArgUdaf). Only the conformance runner registers them.
 *
 * ksqlDB's Java functions receive NULL arguments; where the Java code would throw on one (a
 * primitive parameter, `s.length()`), these declare `strict: true` (NULL in, NULL out) or count
 * the NULL as nothing, which is what the conformance data records.
 */

export const TEST_FUNCTION_NAMES: readonly string[] = [
  'TEST_UDF',
  'TEST_UDTF',
  'TEST_UDAF',
  'BAD_UDF',
  'THROWING_UDTF',
  'WHENCONDITION',
  'WHENRESULT',
  'TOSTRUCT',
  'VAR_ARG',
  'MID_VAR_ARG',
  'MULTI_ARG',
  'FOUR_ARG',
  'FIVE_ARG',
  'OBJ_COL_ARG',
  'GENERIC_VAR_ARG',
]

const STRUCT_A = 'STRUCT<A STRING>'

// ---------------------------------------------------------------------------------------------
// Scalar functions

const constant = (params: readonly string[], result: string): ScalarDefinition => ({
  name: 'test_udf',
  params,
  returns: 'STRING',
  strict: true,
  fn: () => result,
})

const testUdf: readonly ScalarDefinition[] = [
  constant(['INT', 'STRING'], 'doStuffIntString'),
  constant(['BIGINT', 'STRING'], 'doStuffLongString'),
  constant(['BIGINT', 'BIGINT', 'STRING'], 'doStuffLongLongString'),
  constant(['BIGINT...'], 'doStuffLongVarargs'),
  {
    name: 'test_udf',
    params: [STRUCT_A],
    returns: 'STRING',
    strict: true,
    fn: (s) => (s as Struct).A ?? null,
  },
  { name: 'test_udf', params: [], returns: STRUCT_A, fn: () => ({ A: 'foo' }) },
  {
    name: 'test_udf',
    params: ['STRING'],
    returns: STRUCT_A,
    strict: true,
    fn: () => {
      throw new Error('test_udf(STRING) exits the JVM in ksqlDB')
    },
  },
]

const badUdf: readonly ScalarDefinition[] = [
  {
    name: 'bad_udf',
    params: ['INT'],
    returns: 'STRING',
    strict: true,
    fn: () => {
      throw new Error('boom!')
    },
  },
  {
    name: 'bad_udf',
    params: ['BOOLEAN'],
    returns: 'INT',
    strict: true,
    fn: (b) => {
      if (b === true) throw new Error('You asked me to throw...')
      return 0
    },
  },
  {
    name: 'bad_udf',
    params: ['STRING'],
    returns: 'STRING',
    strict: true,
    description: 'NULL every other invocation (one instance per call site)',
    create: () => {
      let i = 0
      return (s) => (i++ % 2 === 0 ? null : s)
    },
  },
]

const when = (name: string, type: string, message: string): ScalarDefinition => ({
  name,
  params: [type, 'BOOLEAN'],
  returns: type,
  strict: true,
  fn: (v, evaluated) => {
    if (evaluated !== true) throw new Error(message)
    return v
  },
})

const toStruct: ScalarDefinition = {
  name: 'tostruct',
  params: ['STRING'],
  returns: STRUCT_A,
  fn: (s) => ({ A: s }),
}

// ---------------------------------------------------------------------------------------------
// Table functions

/** Java's String.valueOf of a value of SQL type `t`. */
function javaText(t: Type): (v: SqlValue) => string {
  return (v) =>
    v === null || v === undefined
      ? 'null'
      : t.kind === 'DECIMAL'
        ? (v as Decimal).toString()
        : valueToString(v as Value, t)
}

/** The element (ARRAY) or value (MAP) type of a call's argument type text. */
function elementType(text: string): Type {
  if (text === 'NULL') return { kind: 'STRING' }
  const t = parseTypeText(text).type as Type
  if (t.kind === 'ARRAY') return t.element
  if (t.kind === 'MAP') return t.value
  return t
}

/** TestUdtf's standardParams: INT, BIGINT, DOUBLE, BOOLEAN, STRING, DECIMAL, STRUCT<A VARCHAR>. */
const UDTF_PARAMS = ['INT', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'STRING', 'DECIMAL', STRUCT_A]

/**
 * standardParams / parameterizedListParams / parameterizedMapParams: one STRING row per argument
 * (its first element), as Java's String.valueOf writes it.
 */
function sevenArgs(wrap: (p: string) => string, pick: (v: SqlValue) => SqlValue): TableDefinition {
  return {
    kind: 'table',
    name: 'test_udtf',
    params: UDTF_PARAMS.map(wrap),
    returns: 'STRING',
    strict: true,
    create: (info: CallInfo) => {
      const writers = info.argTypes.map((t) => javaText(elementType(t)))
      return (...args) => args.map((a, i) => (writers[i] as (v: SqlValue) => string)(pick(a)))
    },
  }
}

const one = (type: string): TableDefinition => ({
  kind: 'table',
  name: 'test_udtf',
  params: [type],
  returns: type,
  strict: true,
  fn: (x) => [x],
})

const testUdtf: readonly TableDefinition[] = [
  sevenArgs(
    (p) => p,
    (v) => v,
  ),
  sevenArgs(
    (p) => `ARRAY<${p}>`,
    (v) => (v as readonly SqlValue[])[0] ?? null,
  ),
  sevenArgs(
    (p) => `MAP<STRING, ${p}>`,
    (v) => (v as ReadonlyMap<unknown, SqlValue>).values().next().value ?? null,
  ),
  one('INT'),
  one('BIGINT'),
  one('DOUBLE'),
  one('BOOLEAN'),
  one('STRING'),
  // listBigDecimalReturnWithSchemaProvider: DECIMAL(30, 10).
  {
    kind: 'table',
    name: 'test_udtf',
    params: ['DECIMAL'],
    returns: 'DECIMAL(30, 10)',
    strict: true,
    fn: (x) => [x],
  },
  one(STRUCT_A),
]

const throwingUdtf: TableDefinition = {
  kind: 'table',
  name: 'throwing_udtf',
  params: ['BOOLEAN'],
  returns: 'BOOLEAN',
  strict: true,
  fn: (b) => {
    if (b === true) throw new Error('You asked me to throw...')
    return [b]
  },
}

// ---------------------------------------------------------------------------------------------
// Aggregates

const sum = (a: SqlValue, b: SqlValue): SqlValue => (a as bigint) + (b as bigint)

/** TestUdaf's sums: BIGINT and INT (table UDAFs, with undo), DOUBLE. */
const sumOf = (param: string, returns: string, toState: (v: SqlValue) => SqlValue, zero: SqlValue) =>
  ({
    kind: 'aggregate',
    name: 'test_udaf',
    params: [param],
    returns,
    description: `sums ${param}`,
    init: () => zero,
    add: (s, v) => (v === null ? s : (s as number) + (toState(v) as number)),
    merge: (a, b) => (a as number) + (b as number),
    result: (s) => s,
  }) satisfies AggregateDefinition

const testUdaf: readonly AggregateDefinition[] = [
  {
    ...sumOf('BIGINT', 'BIGINT', (v) => v, 0n),
    add: (s, v) => (v === null ? s : sum(s, v)),
    merge: sum,
    undo: (s, v) => (v === null ? s : (s as bigint) - (v as bigint)),
  },
  {
    ...sumOf('INT', 'BIGINT', (v) => BigInt(v as number), 0n),
    add: (s, v) => (v === null ? s : (s as bigint) + BigInt(v as number)),
    merge: sum,
    undo: (s, v) => (v === null ? s : (s as bigint) - BigInt(v as number)),
  },
  sumOf('DOUBLE', 'DOUBLE', (v) => v, 0),
  {
    kind: 'aggregate',
    name: 'test_udaf',
    params: ['STRING'],
    initParams: ['STRING'],
    returns: 'BIGINT',
    description: 'sums the length of strings',
    create: ([initial]) => ({
      init: () => BigInt((initial as string).length),
      add: (s, v) => (v === null ? s : (s as bigint) + BigInt((v as string).length)),
      merge: sum,
      result: (s) => s,
    }),
  },
  {
    kind: 'aggregate',
    name: 'test_udaf',
    params: ['STRUCT<A INT, B INT>'],
    returns: 'STRUCT<A INT, B INT>',
    description: 'returns a struct with {SUM(in->A), SUM(in->B)}',
    init: () => ({ A: 0, B: 0 }),
    add: (s, v) => {
      const a = s as Struct
      const x = v as Struct | null
      if (x === null) return a
      return { A: ((a.A as number) + (x.A as number)) | 0, B: ((a.B as number) + (x.B as number)) | 0 }
    },
    merge: (a, b) => {
      const x = a as Struct
      const y = b as Struct
      return { A: ((x.A as number) + (y.A as number)) | 0, B: ((x.B as number) + (y.B as number)) | 0 }
    },
    result: (s) => s,
  },
]

const long = (v: SqlValue): bigint => (v === null ? 0n : (v as bigint))
const int = (v: SqlValue): bigint => (v === null ? 0n : BigInt(v as number))
const length = (v: SqlValue): number => (v === null ? 0 : (v as string).length)
const lengths = (vs: readonly SqlValue[]): number => vs.reduce<number>((n, v) => n + length(v), 0)
const longSum = { merge: sum, result: (s: SqlValue) => s }

/** FourArgUdaf / FiveArgUdaf / MultiArgUdaf's initial value: an int plus the lengths of strings. */
const initialValue = (init: readonly SqlValue[]): bigint =>
  BigInt(init[0] as number) + BigInt(lengths(init.slice(1)))

const varArgs: readonly AggregateDefinition[] = [
  {
    kind: 'aggregate',
    name: 'VAR_ARG',
    params: ['BIGINT', 'STRING...'],
    returns: 'BIGINT',
    overview: 'Returns the sum of the provided longs and lengths of strings.',
    init: () => 0n,
    add: (s, first, ...rest) => (s as bigint) + long(first) + BigInt(lengths(rest)),
    ...longSum,
  },
  {
    kind: 'aggregate',
    name: 'MID_VAR_ARG',
    params: ['BIGINT', 'STRING...'],
    initParams: ['INT', 'INT'],
    returns: 'BIGINT',
    overview: 'Returns the sum of the provided longs, lengths of strings, and initial arguments.',
    create: ([first, second]) => ({
      init: () => 0n,
      add: (s, v, ...rest) => (s as bigint) + long(v) + BigInt(lengths(rest)),
      merge: sum,
      result: (s) => (s as bigint) + BigInt((first as number) + (second as number)),
    }),
  },
  {
    kind: 'aggregate',
    name: 'MULTI_ARG',
    params: ['BIGINT', 'STRING'],
    initParams: ['INT', 'STRING...'],
    returns: 'BIGINT',
    overview: 'Returns the sum of the provided longs and lengths of strings.',
    create: (init) => ({
      init: () => initialValue(init),
      add: (s, a, b) => (s as bigint) + long(a) + BigInt(length(b)),
      ...longSum,
    }),
  },
  {
    kind: 'aggregate',
    name: 'FOUR_ARG',
    params: ['BIGINT', 'STRING', 'STRING', 'STRING'],
    initParams: ['INT', 'STRING...'],
    returns: 'BIGINT',
    overview: 'Returns the sum of the provided longs and lengths of strings.',
    create: (init) => ({
      init: () => initialValue(init),
      add: (s, a, ...strings) => (s as bigint) + long(a) + BigInt(lengths(strings)),
      ...longSum,
    }),
  },
  {
    kind: 'aggregate',
    name: 'FIVE_ARG',
    params: ['BIGINT', 'STRING', 'STRING', 'STRING', 'INT'],
    initParams: ['INT', 'STRING...'],
    returns: 'BIGINT',
    overview: 'Returns the sum of the provided longs, lengths of strings, and integers.',
    create: (init) => ({
      init: () => initialValue(init),
      add: (s, a, b, c, d, e) => (s as bigint) + long(a) + BigInt(lengths([b, c, d])) + int(e),
      ...longSum,
    }),
  },
  {
    kind: 'aggregate',
    name: 'OBJ_COL_ARG',
    params: ['INT', 'ANY...'],
    returns: 'ARRAY<INT>',
    overview: 'Returns an array of rows where all the given columns are non-null.',
    init: () => [],
    add: (s, first, ...rest) =>
      first !== null && rest.every((v) => v !== null) ? [...(s as SqlValue[]), first] : s,
    merge: (a, b) => [...(a as SqlValue[]), ...(b as SqlValue[])],
    result: (s) => s,
  },
  {
    kind: 'aggregate',
    name: 'GENERIC_VAR_ARG',
    params: ['A', 'B', 'C...'],
    returns: 'ARRAY<A>',
    overview: 'Returns an array of rows where all the given columns are non-null.',
    init: () => [],
    add: (s, first, second, ...rest) =>
      first !== null && second !== null && rest.every((v) => v !== null) ? [...(s as SqlValue[]), first] : s,
    merge: (a, b) => [...(a as SqlValue[]), ...(b as SqlValue[])],
    result: (s) => s,
  },
]

/** The module: what a user module's default export would be. */
export const testFunctionsModule: UdfModuleObject = {
  author: 'Confluent (ksqlDB test sources)',
  functions: [
    ...testUdf,
    ...badUdf,
    when('WhenCondition', 'BOOLEAN', 'When condition in case is not running lazily!'),
    when('WhenResult', 'INT', 'Then expression in case is not running lazily!'),
    toStruct,
    ...testUdtf,
    throwingUdtf,
    ...testUdaf,
    ...varArgs,
  ] satisfies readonly UdfDefinition[],
}

const SOURCE = 'eddy:qtt/test-functions'

/** Adds ksqlDB's test-only functions to `registry`, as a UDF module would be loaded. */
export function registerTestFunctions(registry: FunctionRegistry): void {
  registerDefinitions(registry, definitionsOf({ default: testFunctionsModule }, SOURCE), SOURCE)
}
