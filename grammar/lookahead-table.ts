import type { LookaheadTable } from './lookahead.js'

/**
 * The grammar's lookahead paths, computed at build time. Undefined here (tests, `dist/` modules):
 * the parser computes each decision's paths when it first reaches it. scripts/bundle.ts replaces
 * this module in dist/bundle with the table `recordLookaheadTable()` returns for the same build,
 * so the bundled CLI skips that computation too.
 */
export const LOOKAHEAD_TABLE: LookaheadTable | undefined = undefined
