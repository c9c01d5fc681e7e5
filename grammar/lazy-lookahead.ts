import { type ILookaheadStrategy, LLkLookaheadStrategy } from 'chevrotain'

type AlternationOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]
type OptionalOptions = Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]

/**
 * Chevrotain's LL(k) lookahead, with each decision's lookahead function built the first time the
 * parser reaches that decision instead of for all of them in `performSelfAnalysis`. The functions
 * are the ones `LLkLookaheadStrategy` builds, from the same recorded grammar, so parsing and its
 * errors are unchanged; start-up skips ~150 ms of analysis for the hundreds of OR / OPTION / MANY
 * decisions a process never reaches (`eddy -e "SHOW STREAMS;"` reaches a few dozen).
 */
export class LazyLLkLookaheadStrategy extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(
    options: AlternationOptions,
  ): ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> {
    type Fn = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>
    const build = (): Fn => super.buildLookaheadForAlternation(options)
    let fn: Fn | undefined
    return function (this: unknown, orAlts) {
      fn ??= build()
      return fn.call(this, orAlts)
    }
  }

  override buildLookaheadForOptional(
    options: OptionalOptions,
  ): ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> {
    type Fn = ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>
    const build = (): Fn => super.buildLookaheadForOptional(options)
    let fn: Fn | undefined
    return function (this: unknown) {
      fn ??= build()
      return fn.call(this)
    }
  }
}
