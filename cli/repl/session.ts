import type { PushQueryResult, StatementResult } from '../../src/engine/results.js'

/**
 * What the REPL needs from an engine: the embedded one (`embedded-session.ts`) today, a REST
 * client for `--server URL` later. The REPL never touches runtime internals.
 */
export interface ReplSession {
  /** Where statements go, for the banner (`embedded engine, data in ./.eddy`). */
  readonly target: string
  /**
   * Runs the statements in `sql` (normally one, `;`-terminated) and returns one result per
   * statement. Throws the first failure; its span (if any) is relative to `sql`.
   */
  execute(sql: string): Promise<readonly SessionResult[]>
  /** Names for TAB completion, as of now (sources change with every CREATE / DROP). */
  completionData(): Promise<CompletionData>
  close(): Promise<void>
}

export type SessionResult = Exclude<StatementResult, PushQueryResult> | SessionPushQuery

/** A push query, plus how to show it. */
export interface SessionPushQuery extends PushQueryResult {
  /**
   * The rows are a changelog (a table: aggregation, or a query over a TABLE): a row replaces the
   * previous row with the same key. Otherwise (a stream) every row is a new event.
   */
  readonly changelog: boolean
}

export interface CompletionSource {
  readonly name: string
  readonly kind: 'STREAM' | 'TABLE'
  readonly columns: readonly string[]
}

export interface CompletionData {
  readonly sources: readonly CompletionSource[]
  readonly functions: readonly string[]
  readonly properties: readonly string[]
}

export const EMPTY_COMPLETION_DATA: CompletionData = { sources: [], functions: [], properties: [] }
