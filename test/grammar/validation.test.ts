import { readdirSync, readFileSync } from 'node:fs'
import {
  type CstElement,
  type CstNode,
  EOF,
  type IToken,
  LLkLookaheadStrategy,
  tokenMatcher,
} from 'chevrotain'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SyntaxErrorInfo } from '../../grammar/error-messages.js'
import { LazyLookaheadStrategy } from '../../grammar/lookahead.js'
import { EddyParser, parser, recordLookaheadTable } from '../../grammar/parser.js'
import { allTokens, createSqlLexer, K, SEMICOLON, sqlLexer } from '../../grammar/tokens.js'
import { KEYWORD_TEXTS } from '../../src/ast/keywords.js'

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
    expect(() => new EddyParser({ validate: true })).not.toThrow()
    expect(warn).not.toHaveBeenCalled()
  })
})

// Keyword tokens tell Chevrotain their first characters and that they hold no line break instead
// of having their patterns analysed: each keyword, in any case, must still lex as itself.
describe('keyword tokens (start-character and line-break hints)', () => {
  const mixed = (t: string) => [...t].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c)).join('')
  it.each(KEYWORD_TEXTS.map((t) => [t]))('%s lexes as itself in any case, positions intact', (text) => {
    const variants = [text, text.toLowerCase(), mixed(text)]
    const { tokens, errors } = sqlLexer.tokenize(`x\n${variants.join('\n  ')}\ny`)
    expect(errors).toEqual([])
    expect(tokens.map((t) => [t.tokenType, t.image, t.startLine, t.startColumn])).toEqual([
      [tokens[0]?.tokenType, 'x', 1, 1],
      ...variants.map((v, i) => [K[text], v, i + 2, i === 0 ? 1 : 3]),
      [tokens[0]?.tokenType, 'y', 5, 1],
    ])
  })
})

const golden = new URL('../golden/', import.meta.url)

/** The statements of test/golden/*.sql as token lists, each ending with its `;`. */
function goldenStatements(): IToken[][] {
  const out: IToken[][] = []
  for (const name of readdirSync(golden)
    .filter((n) => n.endsWith('.sql'))
    .sort()) {
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

const lastError = (p: EddyParser): SyntaxErrorInfo | undefined => p.messages.lastError

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
  const info = lastError(p)
  return {
    cst: cstText(cst),
    errors: p.errors.map(
      (e) => `${e.name}: ${e.message} at ${e.token.tokenType === EOF ? 'EOF' : e.token.image}`,
    ),
    detail: info === undefined ? undefined : `${info.token.image}: ${info.detail}`,
  }
}

describe('lazy lookahead', () => {
  const statements = goldenStatements()
  const eager = new EddyParser({ validate: true })
  const table = recordLookaheadTable()
  // The bundle's parser: lookahead functions built from the table recorded at build time.
  const tabled = new EddyParser({
    lookahead: new LazyLookaheadStrategy({ maxLookahead: 3 }, table, allTokens),
  })

  it('the golden files hold statements to compare; the table holds every decision', () => {
    expect(statements.length).toBeGreaterThan(30)
    expect(Object.keys(table).length).toBeGreaterThan(100)
    expect(table['statement|Alternation|0']).toBeDefined()
  })

  it('with the table, no lookahead paths are computed while parsing', () => {
    const alternation = vi.spyOn(LLkLookaheadStrategy.prototype, 'buildLookaheadForAlternation')
    const optional = vi.spyOn(LLkLookaheadStrategy.prototype, 'buildLookaheadForOptional')
    const fresh = new EddyParser({
      lookahead: new LazyLookaheadStrategy({ maxLookahead: 3 }, table, allTokens),
    })
    for (const s of statements) run(fresh, s)
    expect(alternation).not.toHaveBeenCalled()
    expect(optional).not.toHaveBeenCalled()
    vi.restoreAllMocks()
  })

  it.each<[string, (tokens: IToken[]) => IToken[][]]>([
    ['as written', (ts) => [ts]],
    // Syntax errors: each token dropped in turn, then each one doubled (error messages follow the
    // lookahead paths that were or were not tried).
    ['with one token dropped', (ts) => ts.map((_, i) => ts.filter((_, j) => j !== i))],
    ['with one token doubled', (ts) => ts.map((t, i) => [...ts.slice(0, i), t, ...ts.slice(i)])],
  ])(
    'parses the golden statements %s exactly as the eager parser (computed and tabled paths)',
    (_, variants) => {
      let compared = 0
      for (const s of statements) {
        for (const tokens of variants(s)) {
          const expected = run(eager, tokens)
          expect(run(parser, tokens)).toEqual(expected)
          expect(run(tabled, tokens)).toEqual(expected)
          compared++
        }
      }
      expect(compared).toBeGreaterThanOrEqual(statements.length)
    },
  )
})
