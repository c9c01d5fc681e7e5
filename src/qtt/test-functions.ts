import { valueToString } from '../expr/cast.js'
import {
  type FunctionRegistry,
  P,
  type ParamType,
  type Signature,
  scalarFunction,
  tableFunction,
} from '../functions/registry.js'
import type { Decimal } from '../types/decimal.js'
import { decimal, struct, T, type Type } from '../types/type.js'
import type { Struct, Value } from '../types/values.js'

/**
 * The scalar and table functions ksqlDB's own test sources define and its conformance files use
 * (ksqldb-engine/src/test/java/io/confluent/ksql/function/udf/: TestUdf, TestUdtf, BadUdf,
 * ThrowingUdtf, WhenCondition, WhenResult; ToStruct from the udf-example jar). Register them only
 * in test runs. Test-only aggregates (TEST_UDAF, VAR_ARG, ...) are not here.
 */

export const TEST_FUNCTION_NAMES: readonly string[] = [
  'TEST_UDF',
  'TEST_UDTF',
  'BAD_UDF',
  'THROWING_UDTF',
  'WHENCONDITION',
  'WHENRESULT',
  'TOSTRUCT',
]

const STRUCT_A: Type = struct([{ name: 'A', type: T.STRING }])

/** Java's String.valueOf / toString of a value of type `t`. */
const text =
  (t: Type) =>
  (v: Value): string =>
    v === null ? 'null' : t.kind === 'DECIMAL' ? (v as Decimal).toString() : valueToString(v, t)

function testUdf() {
  const constant = (name: string) => (): Value => name
  return scalarFunction({
    name: 'test_udf',
    signatures: [
      { params: [T.INTEGER, T.STRING], returns: T.STRING, fn: constant('doStuffIntString') },
      { params: [T.BIGINT, T.STRING], returns: T.STRING, fn: constant('doStuffLongString') },
      { params: [T.BIGINT, T.BIGINT, T.STRING], returns: T.STRING, fn: constant('doStuffLongLongString') },
      { params: [T.BIGINT], variadic: true, returns: T.STRING, fn: constant('doStuffLongVarargs') },
      { params: [STRUCT_A], returns: T.STRING, fn: (s) => (s as Struct).A ?? null },
      { params: [], returns: STRUCT_A, fn: () => ({ A: 'foo' }) },
      {
        params: [T.STRING],
        returns: STRUCT_A,
        fn: () => {
          throw new Error('test_udf(STRING) exits the JVM in ksqlDB')
        },
      },
    ],
  })
}

/** The parameters of TestUdtf's standardParams: INT, BIGINT, DOUBLE, BOOLEAN, STRING, DECIMAL, STRUCT<A VARCHAR>. */
const UDTF_PARAMS: readonly ParamType[] = [
  T.INTEGER,
  T.BIGINT,
  T.DOUBLE,
  T.BOOLEAN,
  T.STRING,
  P.anyDecimal,
  STRUCT_A,
]

function elementType(t: Type | null): Type {
  if (t === null) return T.STRING
  if (t.kind === 'ARRAY') return t.element
  if (t.kind === 'MAP') return t.value
  return t
}

/**
 * TestUdtf's standardParams / parameterizedListParams / parameterizedMapParams: one STRING row per
 * argument (its first element), as Java's String.valueOf writes it.
 */
function sevenArgs(
  wrap: (p: ParamType) => ParamType,
  pick: (v: Value) => Value,
): Signature<readonly Value[]> {
  return {
    params: UDTF_PARAMS.map(wrap),
    returns: T.STRING,
    make: (ps) => {
      const writers = ps.map((p) => text(elementType(p)))
      return (...args) => args.map((a, i) => (writers[i] as (v: Value) => string)(pick(a)))
    },
  }
}

function testUdtf() {
  const one = (t: Type): Signature<readonly Value[]> => ({ params: [t], returns: t, fn: (x) => [x] })
  return tableFunction({
    name: 'test_udtf',
    signatures: [
      sevenArgs(
        (p) => p,
        (v) => v,
      ),
      sevenArgs(
        (p) => P.array(p),
        (v) => (v as readonly Value[])[0] ?? null,
      ),
      sevenArgs(
        (p) => P.map(T.STRING, p),
        (v) => (v as ReadonlyMap<Value, Value>).values().next().value ?? null,
      ),
      one(T.INTEGER),
      one(T.BIGINT),
      one(T.DOUBLE),
      one(T.BOOLEAN),
      one(T.STRING),
      // listBigDecimalReturnWithSchemaProvider: DECIMAL(30, 10).
      { params: [P.anyDecimal], returns: decimal(30, 10), fn: (x) => [(x as Decimal).setScale(10)] },
      one(STRUCT_A),
    ],
  })
}

function badUdf() {
  return scalarFunction({
    name: 'bad_udf',
    signatures: [
      {
        params: [T.INTEGER],
        returns: T.STRING,
        fn: () => {
          throw new Error('boom!')
        },
      },
      {
        params: [T.BOOLEAN],
        returns: T.INTEGER,
        fn: (b) => {
          if (b === true) throw new Error('You asked me to throw...')
          return 0
        },
      },
      {
        params: [T.STRING],
        returns: T.STRING,
        // One instance per call site: NULL every other invocation.
        make: () => {
          let i = 0
          return (s) => (i++ % 2 === 0 ? null : s)
        },
      },
    ],
  })
}

function throwingUdtf() {
  return tableFunction({
    name: 'throwing_udtf',
    signatures: [
      {
        params: [T.BOOLEAN],
        returns: T.BOOLEAN,
        fn: (b) => {
          if (b === true) throw new Error('You asked me to throw...')
          return [b]
        },
      },
    ],
  })
}

function whenFunction(name: string, type: Type, message: string) {
  return scalarFunction({
    name,
    signatures: [
      {
        params: [type, T.BOOLEAN],
        returns: type,
        fn: (v, evaluated) => {
          if (evaluated !== true) throw new Error(message)
          return v
        },
      },
    ],
  })
}

function toStruct() {
  return scalarFunction({
    name: 'tostruct',
    signatures: [{ params: [T.STRING], returns: STRUCT_A, nullSafe: true, fn: (s) => ({ A: s }) }],
  })
}

/** Adds ksqlDB's test-only scalar and table functions to `registry`. */
export function registerTestFunctions(registry: FunctionRegistry): void {
  registry.registerScalar(testUdf())
  registry.registerScalar(badUdf())
  registry.registerScalar(
    whenFunction('WhenCondition', T.BOOLEAN, 'When condition in case is not running lazily!'),
  )
  registry.registerScalar(
    whenFunction('WhenResult', T.INTEGER, 'Then expression in case is not running lazily!'),
  )
  registry.registerScalar(toStruct())
  registry.registerTable(testUdtf())
  registry.registerTable(throwingUdtf())
}
