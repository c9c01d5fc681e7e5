import type { TestVariant } from './types.js'

/**
 * How ksqlDB submits a variant's statements, as the texts its parser sees:
 * - QTT: all statements joined with "\n", one script (so an error in the second statement is
 *   reported at `line 2:C`).
 * - RQTT: the statements before the first one starting with `SELECT ` joined with "\n" in one
 *   `/ksql` request, then each SELECT in its own `/query` request (positions restart at line 1).
 *   A non-SELECT after a SELECT makes the case invalid (ksqlDB's RestTestExecutor rejects it).
 */
export type StatementScripts =
  | { readonly ok: true; readonly scripts: readonly string[] }
  | { readonly ok: false; readonly reason: string }

export function statementScripts(variant: TestVariant): StatementScripts {
  const statements = variant.statements
  if (variant.case.kind === 'qtt') return { ok: true, scripts: [statements.join('\n')] }
  const firstQuery = statements.findIndex((s) => s.startsWith('SELECT '))
  if (firstQuery < 0) return { ok: true, scripts: [statements.join('\n')] }
  const queries = statements.slice(firstQuery)
  const misplaced = queries.findIndex((s) => !s.startsWith('SELECT '))
  if (misplaced >= 0) {
    return {
      ok: false,
      reason: `invalid test: statement ${firstQuery + misplaced} follows queries, but is not a query`,
    }
  }
  const admin = statements.slice(0, firstQuery)
  return { ok: true, scripts: [...(admin.length > 0 ? [admin.join('\n')] : []), ...queries] }
}
