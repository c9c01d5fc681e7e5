import type { FunctionRegistry } from '../../functions/registry.js'

/** What operators get from the query that runs them. */
export interface OperatorContext {
  readonly queryId: string
  readonly functions: FunctionRegistry
  /** Reports a record that could not be processed (processing log); the query continues. */
  logError(message: string, where: { topic: string; partition: number; offset: number }): void
}
