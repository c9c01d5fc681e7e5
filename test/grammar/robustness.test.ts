import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../../src/errors.js'
import { listTestFiles, loadTestFile } from '../../src/qtt/load.js'
import { conformanceRoot } from '../../src/qtt/paths.js'

// Robustness of the parser on hostile input: whatever the text, `parseStatements` returns or throws
// a SqlSyntaxError whose position lies inside the text. 11,000 inputs, fixed seed.
const SEED = 20_240_611
const MUTATION_RUNS = 7_000
const TOKEN_STREAM_RUNS = 4_000

/** Handwritten seeds, so the test means something even without the conformance data. */
const SEED_STATEMENTS = [
  "CREATE STREAM orders (id INT KEY, amount DOUBLE, tags ARRAY<STRING>) WITH (kafka_topic='orders', value_format='JSON');",
  "CREATE TABLE users (id STRING PRIMARY KEY, address STRUCT<city STRING, zip INT>) WITH (kafka_topic='u', format='JSON', partitions=2);",
  'CREATE STREAM big AS SELECT id, amount * 2 AS doubled FROM orders WHERE amount > 10 AND id IS NOT NULL EMIT CHANGES;',
  'CREATE TABLE totals AS SELECT id, COUNT(*) AS n, SUM(amount) FROM orders WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY id HAVING COUNT(*) > 1;',
  'SELECT o.id, u.address->city FROM orders o LEFT JOIN users u ON o.id = u.id EMIT CHANGES LIMIT 5;',
  'INSERT INTO orders (id, amount) VALUES (1, 2.50);',
  "SELECT CASE WHEN amount < 0 THEN 'neg' ELSE 'pos' END, CAST(id AS STRING), TRANSFORM(tags, x => UCASE(x)) FROM orders;",
  "DEFINE topic = 'orders';",
  "SET 'auto.offset.reset' = 'earliest';",
  'DROP STREAM IF EXISTS big DELETE TOPIC;',
]

function corpusStatements(): string[] {
  const root = conformanceRoot()
  const folders = ['ksqldb-qtt', 'ksqldb-rqtt'].map((f) => join(root, f)).filter((f) => existsSync(f))
  const statements = new Set<string>(SEED_STATEMENTS)
  for (const file of folders.length > 0 ? listTestFiles(folders) : []) {
    for (const v of loadTestFile(file).variants) for (const s of v.statements) statements.add(s)
  }
  return [...statements]
}

const KEYWORDS = (
  'SELECT FROM WHERE CREATE OR REPLACE STREAM TABLE AS WITH EMIT CHANGES FINAL GROUP BY PARTITION HAVING ' +
  'WINDOW TUMBLING HOPPING SESSION SIZE ADVANCE RETENTION GRACE PERIOD SECONDS MINUTE INSERT INTO VALUES KEY ' +
  'PRIMARY STRUCT ARRAY MAP CAST CASE WHEN THEN ELSE END AND NOT NULL TRUE FALSE IS IN BETWEEN LIKE ESCAPE ' +
  'DROP DELETE TOPIC IF EXISTS SHOW LIST DESCRIBE EXTENDED EXPLAIN TERMINATE ALL JOIN LEFT RIGHT FULL OUTER ' +
  'INNER ON WITHIN SET UNSET DEFINE UNDEFINE ASSERT RUN SCRIPT TYPE LIMIT INT INTEGER BIGINT DOUBLE STRING ' +
  'VARCHAR DECIMAL BOOLEAN BYTES TIMESTAMP DATE TIME HEADERS HEADER SOURCE SINK CONNECTOR PRINT ALTER ADD COLUMN'
).split(' ')
const OPERATORS = '( ) [ ] { } , . ; : * / % + - || = != <> < <= > >= => -> :: ? @ #'.split(' ')
const LITERALS = [
  "'abc'",
  "'it''s'",
  "''",
  "'unterminated",
  '0',
  '1',
  '-1',
  '1.5',
  '1e10',
  '.5',
  '9223372036854775808',
  '"Quoted Id"',
  '"unterminated',
  '`back`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a ksqlDB variable reference, not a template
  '${var}',
  '${',
  '--comment\n',
  '/* block */',
  '/* open',
  '\n',
  '\r\n',
  '\t',
]
const IDENTIFIERS = ['foo', 'ROWTIME', 'ROWKEY', '_x', 's1', 'orders', 'id', 'é', '😀']
const VOCABULARY = [...KEYWORDS, ...OPERATORS, ...LITERALS, ...IDENTIFIERS]

/** Splits a statement into tokens, roughly as the SQL lexer would (exactness is not needed). */
function tokenize(text: string): string[] {
  return text.match(/'(?:[^']|'')*'?|"[^"]*"?|`[^`]*`?|\d+(?:\.\d+)?|[A-Za-z_]\w*|\s+|./gsu) ?? []
}

type Mutation =
  | { readonly op: 'deleteToken' | 'duplicateToken' | 'deleteChar' | 'truncate'; readonly at: number }
  | { readonly op: 'swapTokens'; readonly at: number; readonly other: number }
  | { readonly op: 'insertToken' | 'insertChar'; readonly at: number; readonly text: string }

function mutate(statement: string, mutations: readonly Mutation[]): string {
  let text = statement
  for (const m of mutations) {
    const tokens = tokenize(text)
    const ti = tokens.length === 0 ? 0 : m.at % tokens.length
    const ci = text.length === 0 ? 0 : m.at % (text.length + 1)
    switch (m.op) {
      case 'deleteToken':
        tokens.splice(ti, 1)
        text = tokens.join('')
        break
      case 'duplicateToken':
        tokens.splice(ti, 0, tokens[ti] ?? '')
        text = tokens.join('')
        break
      case 'swapTokens': {
        const tj = tokens.length === 0 ? 0 : m.other % tokens.length
        const a = tokens[ti] ?? ''
        tokens[ti] = tokens[tj] ?? ''
        tokens[tj] = a
        text = tokens.join('')
        break
      }
      case 'insertToken':
        tokens.splice(ti, 0, ` ${m.text} `)
        text = tokens.join('')
        break
      case 'deleteChar':
        text = text.slice(0, ci) + text.slice(ci + 1)
        break
      case 'insertChar':
        text = text.slice(0, ci) + m.text + text.slice(ci)
        break
      case 'truncate':
        text = text.slice(0, ci)
        break
    }
  }
  return text
}

const CHARS = [...'();,.\'"`*=<>-+/$:{}[]\\\n\r\t abcXYZ019_é', '\u0000', '😀']

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom(
      'deleteToken' as const,
      'duplicateToken' as const,
      'deleteChar' as const,
      'truncate' as const,
    ),
    at: fc.nat(),
  }),
  fc.record({ op: fc.constant('swapTokens' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('insertToken' as const), at: fc.nat(), text: fc.constantFrom(...VOCABULARY) }),
  fc.record({ op: fc.constant('insertChar' as const), at: fc.nat(), text: fc.constantFrom(...CHARS) }),
)

/** Parses `text`; throws (failing the property) unless it returns or throws a well-placed SqlSyntaxError. */
function checkParse(text: string, testStatements: boolean): void {
  try {
    parseStatements(text, { testStatements })
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) {
      throw new Error(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, {
        cause: err,
      })
    }
    const lines = text.split('\n')
    const { line, column, span } = err
    if (!(Number.isInteger(line) && line >= 1 && line <= lines.length)) {
      throw new Error(`line ${line} outside 1..${lines.length}: ${err.message}`)
    }
    const width = lines[line - 1]!.length
    if (!(Number.isInteger(column) && column >= 1 && column <= width + 1)) {
      throw new Error(`column ${column} outside 1..${width + 1} of line ${line}: ${err.message}`)
    }
    for (const [name, offset] of [
      ['span.start.offset', span.start.offset],
      ['span.end.offset', span.end.offset],
    ] as const) {
      if (!(Number.isInteger(offset) && offset >= 0 && offset <= text.length)) {
        throw new Error(`${name} ${offset} outside 0..${text.length}: ${err.message}`)
      }
    }
  }
}

describe('parseStatements robustness', () => {
  const statements = corpusStatements()

  it(`survives ${MUTATION_RUNS} mutated corpus statements`, { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.nat({ max: statements.length - 1 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (index, mutations, testStatements) => {
          checkParse(mutate(statements[index]!, mutations), testStatements)
        },
      ),
      { seed: SEED, numRuns: MUTATION_RUNS },
    )
  })

  it(`survives ${TOKEN_STREAM_RUNS} random token streams`, { timeout: 60_000 }, () => {
    const separator = fc.constantFrom(' ', ' ', ' ', '', '\n')
    const stream = fc
      .array(fc.tuple(fc.constantFrom(...VOCABULARY), separator), { maxLength: 40 })
      .map((parts) => parts.map(([token, sep]) => token + sep).join(''))
    fc.assert(
      fc.property(stream, fc.boolean(), (text, testStatements) => checkParse(text, testStatements)),
      { seed: SEED, numRuns: TOKEN_STREAM_RUNS },
    )
  })
})
