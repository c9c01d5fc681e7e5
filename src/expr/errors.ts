/**
 * A failure while evaluating an expression against a record (bad cast, integer division by zero,
 * a function that throws). The caller logs it to the processing log and uses NULL, as ksqlDB.
 */
export class ExprEvalError extends Error {
  override readonly name = 'ExprEvalError'
}

/** Wraps anything thrown during evaluation as an ExprEvalError (keeps ExprEvalErrors as they are). */
export function asEvalError(e: unknown, context?: string): ExprEvalError {
  if (e instanceof ExprEvalError) return e
  const msg = e instanceof Error ? e.message : String(e)
  return new ExprEvalError(context === undefined ? msg : `${context}: ${msg}`, { cause: e })
}
