import {
  EOF,
  getLookaheadPaths,
  type ILookaheadStrategy,
  type IToken,
  LLkLookaheadStrategy,
  type TokenType,
  tokenMatcher,
} from 'chevrotain'

type AlternationOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]
type OptionalOptions = Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]
type AlternationFn = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>
type OptionalFn = ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>

/**
 * The LL(k) lookahead paths of every decision of the grammar, as token names: decision key
 * (`rule|Alternation|occurrence`, `rule|Option|occurrence`, ...) → alternatives → paths → tokens.
 * For an optional production (OPTION, MANY, ...) the alternatives are "enter" and "skip".
 */
export type LookaheadTable = Readonly<Record<string, readonly (readonly (readonly string[])[])[]>>

const decisionKey = (rule: string, prodType: string, occurrence: number): string =>
  `${rule}|${prodType}|${occurrence}`

/** What the lookahead functions are called on: the parser, at its current token. */
interface Lookahead {
  LA(howMuch: number): IToken
}

/**
 * Chevrotain's LL(k) lookahead without its start-up cost. Chevrotain computes the lookahead paths
 * of all ~150 decisions of the grammar in `performSelfAnalysis` (~100 ms); this strategy builds a
 * decision's lookahead function the first time the parser reaches it, from the paths in `table`
 * when given (the bundle embeds the table computed at build time, scripts/bundle.ts), else by
 * Chevrotain's own computation. The functions make the same choices as Chevrotain's (the same
 * paths, tried in the same order; test/grammar/validation.test.ts compares both parsers).
 */
export class LazyLookaheadStrategy extends LLkLookaheadStrategy {
  private readonly tokens: ReadonlyMap<string, TokenType>

  constructor(
    options: { readonly maxLookahead: number },
    private table: LookaheadTable | undefined,
    tokens: readonly TokenType[],
  ) {
    super(options)
    this.tokens = new Map([...tokens, EOF].map((t) => [t.name, t]))
    // Paths name their tokens: a name shared by two token types would make them ambiguous.
    if (this.tokens.size !== new Set([...tokens, EOF]).size) this.table = undefined
  }

  override buildLookaheadForAlternation(options: AlternationOptions): AlternationFn {
    const build = (): AlternationFn => {
      const paths = this.paths(options.rule.name, 'Alternation', options.prodOccurrence)
      return paths !== undefined
        ? alternativesLookahead(paths, options.hasPredicates)
        : super.buildLookaheadForAlternation(options)
    }
    let fn: AlternationFn | undefined
    return function (this: unknown, orAlts) {
      fn ??= build()
      return fn.call(this, orAlts)
    }
  }

  override buildLookaheadForOptional(options: OptionalOptions): OptionalFn {
    const build = (): OptionalFn => {
      const paths = this.paths(options.rule.name, options.prodType, options.prodOccurrence)
      return paths !== undefined ? optionalLookahead(paths) : super.buildLookaheadForOptional(options)
    }
    let fn: OptionalFn | undefined
    return function (this: unknown) {
      fn ??= build()
      return fn.call(this)
    }
  }

  /** A decision's paths from the table, as token types (undefined: not in the table). */
  private paths(rule: string, prodType: string, occurrence: number): TokenType[][][] | undefined {
    const named = this.table?.[decisionKey(rule, prodType, occurrence)]
    if (named === undefined) return undefined
    const out: TokenType[][][] = []
    for (const alt of named) {
      const paths: TokenType[][] = []
      for (const path of alt) {
        const types: TokenType[] = []
        for (const name of path) {
          const type = this.tokens.get(name)
          if (type === undefined) return undefined
          types.push(type)
        }
        paths.push(types)
      }
      out.push(paths)
    }
    return out
  }
}

/** Chevrotain's `LLkLookaheadStrategy`, also recording every decision's paths into `table`. */
export class RecordingLookaheadStrategy extends LLkLookaheadStrategy {
  readonly table: Record<string, string[][][]> = {}

  override buildLookaheadForAlternation(options: AlternationOptions): AlternationFn {
    this.record(options.rule, 'Alternation', options.prodOccurrence, options.maxLookahead)
    return super.buildLookaheadForAlternation(options)
  }

  override buildLookaheadForOptional(options: OptionalOptions): OptionalFn {
    this.record(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead)
    return super.buildLookaheadForOptional(options)
  }

  private record(
    rule: AlternationOptions['rule'],
    prodType: OptionalOptions['prodType'] | 'Alternation',
    occurrence: number,
    maxLookahead: number,
  ): void {
    const paths = getLookaheadPaths({ occurrence, rule, prodType, maxLookahead })
    this.table[decisionKey(rule.name, prodType, occurrence)] = paths.map((alt) =>
      alt.map((path) => path.map((t) => t.name)),
    )
  }
}

// The two builders below follow Chevrotain 11's `buildAlternativesLookAheadFunc` and
// `buildSingleAlternativeLookaheadFunction` (parse/grammar/lookahead.js): the first alternative
// with a path matching the next tokens wins (its GATE permitting); `tokenMatcher` matches a token
// of a category's member type too.

/** The index of the alternative to take, or undefined when none matches. */
function alternativesLookahead(alts: TokenType[][][], hasPredicates: boolean): AlternationFn {
  return function (this: unknown, orAlts) {
    const parser = this as Lookahead
    for (let t = 0; t < alts.length; t++) {
      const gate = hasPredicates ? orAlts?.[t]?.GATE : undefined
      if (gate !== undefined && gate.call(parser) === false) continue
      if (anyPathMatches(parser, alts[t] ?? [])) return t
    }
    return undefined
  }
}

/** Whether to enter an optional production: one of its own paths (`alts[0]`) matches. */
function optionalLookahead(alts: TokenType[][][]): OptionalFn {
  const inside = alts[0] ?? []
  return function (this: unknown) {
    return anyPathMatches(this as Lookahead, inside)
  }
}

function anyPathMatches(parser: Lookahead, paths: readonly (readonly TokenType[])[]): boolean {
  nextPath: for (const path of paths) {
    for (let i = 0; i < path.length; i++) {
      const expected = path[i]
      if (expected === undefined || !tokenMatcher(parser.LA(i + 1), expected)) continue nextPath
    }
    return true
  }
  return false
}
