import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import type { Span } from '../../src/ast/span.js'
import { stripSpans } from '../../src/ast/strip-spans.js'

// Each test/golden/<name>.sql has its expected AST in test/golden/<name>.ast (positions
// reduced to each statement's `line:column` range). Review the diff, then `vitest -u` to update.
const goldenDir = new URL('../golden/', import.meta.url)
const sqlFiles = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.sql'))
  .sort()

const where = (s: Span) => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`

describe('golden ASTs', () => {
  it('has golden files', () => {
    expect(sqlFiles.length).toBeGreaterThan(0)
  })

  it.each(sqlFiles)('%s', async (file) => {
    const text = readFileSync(new URL(file, goldenDir), 'utf8')
    const parsed = parseStatements(text, { testStatements: true })
    const ast = parsed.map((p) => ({ at: where(p.span), text: p.text, statement: stripSpans(p.statement) }))
    await expect(`${JSON.stringify(ast, null, 2)}\n`).toMatchFileSnapshot(
      `../golden/${file.replace(/\.sql$/, '.ast')}`,
    )
  })
})
