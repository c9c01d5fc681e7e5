/**
 * Evaluation speed of function calls: a representative set of expressions (string, date/time,
 * JSON, lambda, and a user function loaded through the UDF API) compiled once with
 * `compileExpr` and evaluated over N in-memory rows, as evaluations/s (median of runs) and as a
 * ratio to a baseline measured in the same run: a trivial column projection (`S`) compiled and
 * evaluated the same way. The ratio says how much slower than "just read a column" each
 * expression is; figures, not assertions.
 *
 * Usage: node dist/bench/functions.js [rows=200000] [runs=5]
 */
import { parseExpression } from '../grammar/parse.js'
import type { ColumnRef } from '../src/ast/expressions.js'
import { SqlPlanError } from '../src/errors.js'
import { compileExpr } from '../src/expr/compile.js'
import type { ExprContext } from '../src/expr/scope.js'
import { builtinFunctions } from '../src/functions/builtins.js'
import { registerDefinitions } from '../src/functions/udf-loader.js'
import { array, T, type Type } from '../src/types/type.js'
import type { Row, Value } from '../src/types/values.js'

const N = Number(process.argv[2] ?? 200_000)
const RUNS = Number(process.argv[3] ?? 5)

const COLUMNS: readonly { name: string; type: Type }[] = [
  { name: 'S', type: T.STRING },
  { name: 'I', type: T.INTEGER },
  { name: 'TS', type: T.TIMESTAMP },
  { name: 'J', type: T.STRING },
  { name: 'ARR', type: array(T.INTEGER) },
]

function makeRows(): Row[] {
  const rows: Row[] = new Array(N)
  for (let i = 0; i < N; i++) {
    rows[i] = [
      `  customer-${i % 5000} from city ${i % 37}  `,
      i % 1000,
      1_700_000_000_000 + i * 997,
      `{"id":${i},"name":"item-${i % 100}","tags":["a","b"],"price":${(i % 500) / 4}}`,
      [i % 7, i % 11, i % 13, i % 17],
    ] satisfies Value[]
  }
  return rows
}

const functions = builtinFunctions()
registerDefinitions(
  functions,
  [
    {
      name: 'bench_score',
      params: ['INT', 'STRING'],
      returns: 'BIGINT',
      strict: true,
      fn: (i, s) => BigInt((i as number) * 31 + (s as string).length),
    },
  ],
  'bench',
)

const ctx: ExprContext = {
  scope: {
    resolveColumn(ref: ColumnRef) {
      const index = COLUMNS.findIndex((c) => c.name === ref.name)
      const c = COLUMNS[index]
      if (c === undefined) throw new SqlPlanError(`column ${ref.name} cannot be resolved`)
      return { index, type: c.type, name: c.name }
    },
  },
  functions,
}

const BASELINE = 'S'
const EXPRESSIONS: readonly [family: string, sql: string][] = [
  ['string', 'UCASE(TRIM(S))'],
  ['string', "CONCAT(SUBSTRING(S, 3, 8), '-', LPAD(CAST(I AS STRING), 4, '0'))"],
  ['string', "REGEXP_REPLACE(S, '[0-9]+', '#')"],
  ['string', "SPLIT(TRIM(S), ' ')[2]"],
  ['date', "FORMAT_TIMESTAMP(TS, 'yyyy-MM-dd HH:mm:ss', 'UTC')"],
  ['date', 'TIMESTAMPADD(DAYS, 3, TS)'],
  ['date', "UNIX_TIMESTAMP(PARSE_TIMESTAMP('2024-03-01 10:00:00', 'yyyy-MM-dd HH:mm:ss', 'UTC'))"],
  ['json', "EXTRACTJSONFIELD(J, '$.name')"],
  ['json', "JSON_ARRAY_LENGTH(EXTRACTJSONFIELD(J, '$.tags'))"],
  ['json', 'JSON_KEYS(J)'],
  ['lambda', 'TRANSFORM(ARR, x => x * 2)'],
  ['lambda', 'REDUCE(ARR, 0, (acc, x) => acc + x)'],
  ['lambda', 'FILTER(ARR, x => x > 5)'],
  ['udf', 'BENCH_SCORE(I, S)'],
]

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/** Evaluations per second of `sql` over `rows` (one timed pass). */
function pass(evaluate: (row: Row) => Value, rows: readonly Row[]): number {
  let sink = 0
  const t = performance.now()
  for (let i = 0; i < rows.length; i++) if (evaluate(rows[i] as Row) !== null) sink++
  const ms = performance.now() - t
  if (sink < 0) console.log(sink)
  return (rows.length / ms) * 1000
}

function measure(sql: string, rows: readonly Row[]): number {
  const { evaluate } = compileExpr(parseExpression(sql), ctx) // once per query
  pass(evaluate, rows.slice(0, Math.min(rows.length, 20_000))) // warm-up
  const results: number[] = []
  for (let r = 0; r < RUNS; r++) results.push(pass(evaluate, rows))
  return median(results)
}

const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M/s`

const rows = makeRows()
const base = measure(BASELINE, rows)
console.log(`functions bench: ${N} rows, median of ${RUNS} runs, compiled once per expression`)
console.log(`baseline ${BASELINE.padEnd(78)} ${fmt(base).padStart(11)}  ratio 1.000`)
const byFamily = new Map<string, number[]>()
for (const [family, sql] of EXPRESSIONS) {
  const rate = measure(sql, rows)
  const list = byFamily.get(family) ?? []
  list.push(rate)
  byFamily.set(family, list)
  console.log(
    `${family.padEnd(8)} ${sql.padEnd(78)} ${fmt(rate).padStart(11)}  ratio ${(rate / base).toFixed(3)}`,
  )
}
console.log('median per family (evaluations/s, ratio to baseline):')
for (const [family, list] of byFamily) {
  const m = median(list)
  console.log(`  ${family.padEnd(8)} ${fmt(m).padStart(11)}  ${(m / base).toFixed(3)}`)
}
