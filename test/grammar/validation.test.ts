import { readdirSync, readFileSync } from 'node:fs'
import { type CstElement, type CstNode, EOF, type IToken, tokenMatcher } from 'chevrotain'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EddyParser, parser } from '../../grammar/parser.js'
import { createSqlLexer, SEMICOLON, sqlLexer } from '../../grammar/tokens.js'

// The shared lexer and parser skip Chevrotain's definition checks and build lookahead functions on
// first use (start-up time). Here the checks run, and the lazy parser must parse exactly as the
// eagerly analysed one: same CSTs, same errors.

describe('grammar definition checks (skipped at start-up)', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('the lexer passes them without warnings', () => {
    const warn = vi.spyOn(console, 'warn')
    const lexer = createSqlLexer({ validate: true })
    expect(lexer.lexerDefinitionErrors).toEqual([])
    expect(warn).not.toHaveBeenCalled()
  })

  it('the parser passes them (Chevrotain throws on a definition error)', () => {
    const warn = vi.spyOn(console, 'warn')
    const validated = new EddyParser({ validate: true })
    expect(validated.definitionErrors).toEqual([])
    expect(warn).not.toHaveBeenCalled()
  })
})

const golden = new URL('../golden/', import.meta.url)

/** The statements of test/golden/*.sql as token lists, each ending with its `;`. */
function goldenStatements(): IToken[][] {
  const out: IToken[][] = []
  for (const name of readdirSync(golden).filter((n) => n.endsWith('.sql')).sort()) {
    let current: IToken[] = []
    for (const t of sqlLexer.tokenize(readFileSync(new URL(name, golden), 'utf8')).tokens) {
      current.push(t)
      if (tokenMatcher(t, SEMICOLON)) {
        out.push(current)
        current = []
      }
    }
  }
  return out
}

function cstText(el: CstElement | undefined): unknown {
  if (el === undefined) return undefined
  if ('image' in el) return `${el.tokenType.name}:${el.image}@${el.startOffset}`
  const node = el as CstNode
  return {
    name: node.name,
    recovered: node.recoveredNode === true,
    children: Object.entries(node.children).map(([k, v]) => [k, v.map(cstText)]),
  }
}

function run(p: EddyParser, tokens: IToken[]): unknown {
  const last = tokens.at(-1)
  p.messages.context = {
    startRule: 'singleStatement',
    statement: true,
    eofLine: last?.endLine ?? 1,
    eofColumn: (last?.endColumn ?? 0) + 1,
  }
  p.messages.lastError = undefined
  p.input = tokens
  const cst = p.singleStatement()
  const info = p.messages.lastError
  return {
    cst: cstText(cst),
    errors: p.errors.map((e) => `${e.name}: ${e.message} at ${e.token.tokenType === EOF ? 'EOF' : e.token.image}`),
    detail: info === undefined ? undefined : `${info.token.image}: ${info.detail}`,
  }
}

describe('lazy lookahead', () => {
  const statements = goldenStatements()
  const eager = new EddyParser({ validate: true })

  it('the golden files hold statements to compare', () => {
    expect(statements.length).toBeGreaterThan(30)
  })

  it.each<[string, (tokens: IToken[]) => IToken[][]]>([
    ['as written', (ts) => [ts]],
    // Syntax errors: each token dropped in turn, then each one doubled (error messages follow the
    // lookahead paths that were or were not tried).
    ['with one token dropped', (ts) => ts.map((_, i) => ts.filter((_, j) => j !== i))],
    ['with one token doubled', (ts) => ts.map((t, i) => [...ts.slice(0, i), t, ...ts.slice(i)])],
  ])('parses the golden statements %s exactly as the eager parser', (_, variants) => {
    let compared = 0
    for (const s of statements) {
      for (const tokens of variants(s)) {
        expect(run(parser, tokens)).toEqual(run(eager, tokens))
        compared++
      }
    }
    expect(compared).toBeGreaterThanOrEqual(statements.length)
  })
})
