import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import type { ColumnRef } from '../../src/ast/expressions.js'
import { SqlPlanError } from '../../src/errors.js'
import type { ExprContext } from '../../src/expr/scope.js'
import { typeOf } from '../../src/expr/typer.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { array, decimal, map, struct, T, type Type, typeToString } from '../../src/types/type.js'

const COLUMNS: readonly { name: string; type: Type }[] = [
  { name: 'ID', type: T.INTEGER },
  { name: 'L', type: T.BIGINT },
  { name: 'D', type: T.DOUBLE },
  { name: 'S', type: T.STRING },
  { name: 'VAL', type: T.STRING },
  { name: 'B', type: T.BOOLEAN },
  { name: 'DEC', type: decimal(4, 2) },
  { name: 'DEC2', type: decimal(12, 2) },
  { name: 'ARR', type: array(T.BIGINT) },
  { name: 'M', type: map(T.STRING, T.BIGINT) },
  { name: 'ST', type: struct([{ name: 'F0', type: T.BIGINT }]) },
  { name: 'TS', type: T.TIMESTAMP },
  { name: 'TM', type: T.TIME },
]

const ctx: ExprContext = {
  scope: {
    resolveColumn(ref: ColumnRef) {
      const index = COLUMNS.findIndex((c) => c.name === ref.name)
      const c = COLUMNS[index]
      if (c === undefined) throw new SqlPlanError(`SELECT column '${ref.name}' cannot be resolved.`)
      return { index, type: c.type, name: c.name }
    },
  },
  functions: builtinFunctions(),
}

function typeText(text: string): string {
  const t = typeOf(parseExpression(text), ctx)
  return t === null ? 'null' : typeToString(t)
}

describe('typeOf', () => {
  it.each<[string, string]>([
    ['1', 'INTEGER'],
    ['10000000000', 'BIGINT'],
    ['1.50', 'DECIMAL(3, 2)'],
    ['0.005', 'DECIMAL(4, 3)'],
    ['1E3', 'DOUBLE'],
    ["'x'", 'STRING'],
    ['NULL', 'null'],
    ['ID + L', 'BIGINT'],
    ['ID + D', 'DOUBLE'],
    ['DEC + DEC', 'DECIMAL(5, 2)'],
    ['DEC - DEC', 'DECIMAL(5, 2)'],
    ['DEC * DEC', 'DECIMAL(9, 4)'],
    ['DEC / DEC', 'DECIMAL(11, 7)'],
    ['DEC % DEC', 'DECIMAL(4, 2)'],
    ['DEC + ID', 'DECIMAL(13, 2)'],
    ['DEC + L', 'DECIMAL(22, 2)'],
    ['DEC + D', 'DOUBLE'],
    ["S + 'x'", 'STRING'],
    ['ID > 1', 'BOOLEAN'],
    ['ARR[1]', 'BIGINT'],
    ["M['a']", 'BIGINT'],
    ['ST->F0', 'BIGINT'],
    ['ARRAY[1, 2]', 'ARRAY<INTEGER>'],
    ['ARRAY[1, L]', 'ARRAY<BIGINT>'],
    ["MAP('a' := 1.5)", 'MAP<STRING, DECIMAL(2, 1)>'],
    ['STRUCT(A := 1, B := S)', 'STRUCT<`A` INTEGER, `B` STRING>'],
    ['CAST(ID AS STRING)', 'STRING'],
    ["CASE WHEN B THEN 'a' ELSE NULL END", 'STRING'],
    ['COALESCE(ID, 1)', 'INTEGER'],
    ['ABS(DEC)', 'DECIMAL(4, 2)'],
    ['TRANSFORM(ARR, x => CAST(x AS STRING))', 'ARRAY<STRING>'],
  ])('%s : %s', (text, expected) => {
    expect(typeText(text)).toBe(expected)
  })

  it.each<[string, string]>([
    [
      "ID >= 'not an int'",
      "Cannot compare ID (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL.",
    ],
    ['ID > S', 'Cannot compare ID (INTEGER) to S (STRING) with GREATER_THAN.'],
    ['B < B', 'Cannot compare B (BOOLEAN) to B (BOOLEAN) with LESS_THAN.'],
    ['TS = TM', 'Cannot compare TS (TIMESTAMP) to TM (TIME) with EQUAL.'],
    ['NULL <> NULL', 'Comparison with NULL not supported: NULL <> NULL'],
    ['ID = NULL', 'Comparison with NULL not supported: INTEGER = NULL'],
    [
      'true + 1.5',
      'Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL',
    ],
    ['CASE WHEN B THEN NULL ELSE NULL END', 'Invalid Case expression. All case branches have NULL type'],
    [
      "CASE WHEN B THEN 1 WHEN ID > 1 THEN 'x' END",
      "Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN (ID > 1) THEN 'x'' has type: STRING.\nPrevious THEN expression(s) type: INTEGER.",
    ],
    [
      "CASE WHEN B THEN 1 ELSE 'x' END",
      "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: INTEGER.\nDEFAULT type: STRING.",
    ],
    ['CASE WHEN ID THEN 1 END', "WHEN operand type should be boolean.\nType for 'ID' is INTEGER"],
    ["B IN ('Not a boolean')", 'Invalid Predicate: invalid input syntax for type BOOLEAN: "Not a boolean".'],
    [
      'B IN (10)',
      'Invalid Predicate: operator does not exist: BOOLEAN = INTEGER (10)\nHint: You might need to add explicit type casts.',
    ],
    [
      "ID IN ('10 - not a number')",
      'Invalid Predicate: invalid input syntax for type INTEGER: "10 - not a number".',
    ],
    ['ID IN (true)', 'Invalid Predicate: operator does not exist: INTEGER = BOOLEAN (true)'],
    ['DEC2 IN (VAL)', 'Invalid Predicate: operator does not exist: DECIMAL(12, 2) = STRING (VAL)'],
    [
      'ARR IN (ARRAY[B])',
      'Invalid Predicate: operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[B])',
    ],
    ["ARR IN (ARRAY['not 10'])", 'Invalid Predicate: invalid input syntax for type BIGINT: "not 10"'],
    [
      "M IN (MAP('a' := B))",
      "Invalid Predicate: operator does not exist: MAP<STRING, BIGINT> = MAP<STRING, BOOLEAN> (MAP('a':=B))",
    ],
    [
      'ST IN (STRUCT(F0 := B))',
      'Invalid Predicate: operator does not exist: STRUCT<`F0` BIGINT> = STRUCT<`F0` BOOLEAN> (STRUCT(F0:=B))',
    ],
    [
      'ST IN (ARRAY[10])',
      'Invalid Predicate: operator does not exist: STRUCT<`F0` BIGINT> = ARRAY<INTEGER> (ARRAY[10])',
    ],
    ["MAP('a' := 1, 'b' := 'hello')", 'invalid input syntax for type INTEGER: "hello".'],
    ['MAP(NULL := 1)', 'Cannot construct a map with all NULL keys'],
    ["MAP('a' := NULL)", 'Cannot construct a map with all NULL values'],
    ['ARRAY[NULL]', 'Cannot construct an array with all NULL elements'],
    ['STRUCT(A := 1, A := 2)', 'Duplicate field names found in STRUCT'],
    ['COALESCE()', "Function 'COALESCE' does not accept parameters ()"],
    ["geo_distance(1.0, 2.0, 'x', 4.0)", "Function 'geo_distance' does not accept parameters"],
    ['NOPE(1)', "Can't find any functions with the name 'NOPE'"],
    ['ST->X', "Could not find field 'X' in 'ST'."],
    ["ST['F0']", "Subscript expression (ST['F0']) do not apply to STRUCT<`F0` BIGINT>."],
    ['UNKNOWN + 1', "SELECT column 'UNKNOWN' cannot be resolved."],
    ['CAST(B AS INTEGER)', 'Cast of BOOLEAN to INTEGER is not supported'],
  ])('%s fails', (text, message) => {
    expect(() => typeOf(parseExpression(text), ctx)).toThrow(SqlPlanError)
    expect(() => typeOf(parseExpression(text), ctx)).toThrow(message)
  })

  it('errors carry the span of the offending node', () => {
    try {
      typeOf(parseExpression("1 + (ID >= 'x')"), ctx)
      expect.unreachable()
    } catch (e) {
      expect((e as SqlPlanError).span?.start.column).toBe(6)
    }
  })
})
