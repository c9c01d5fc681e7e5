import type { Regression } from './baseline.js'
import { type CaseResult, caseKey, summarize } from './results.js'

/**
 * Text rendering of a run: one `FAIL <file> :: <variant>: <reason>` line per failure, then the
 * regressions, then the closing summary `<label>: N passed, N failed[, N skipped]` as the last line.
 */
export function renderText(
  label: string,
  results: readonly CaseResult[],
  regressions: readonly Regression[] = [],
): string {
  const lines: string[] = []
  for (const r of results) if (r.status === 'fail') lines.push(`FAIL ${caseKey(r)}: ${r.reason ?? 'failed'}`)
  lines.push(...renderRegressions(regressions))
  const { passed, failed, skipped } = summarize(results)
  lines.push(`${label}: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)
  return `${lines.join('\n')}\n`
}

export function renderRegressions(regressions: readonly Regression[]): string[] {
  return regressions.map((r) => `REGRESSION ${r.key}: ${r.reason}`)
}

/** `{"passed","failed","skipped","cases":[{"file","name","status","reason"?}]}` (reason on failures and skips). */
export function renderJson(results: readonly CaseResult[]): string {
  const { passed, failed, skipped } = summarize(results)
  const cases = results.map((r) => ({
    file: r.file,
    name: r.name,
    status: r.status,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  }))
  return `${JSON.stringify({ passed, failed, skipped, cases }, null, 2)}\n`
}
