import type { Regression } from './baseline.js'
import { type CaseResult, caseKey, summarize, summarizeByFile } from './results.js'

export interface RenderOptions {
  /** List every failing case as `FAIL <file> :: <variant>: <reason>` (default true). */
  readonly failures?: boolean
  /** Always report the unsupported count (the full runner); otherwise only when non-zero. */
  readonly unsupported?: boolean
}

/**
 * Text rendering of a run: one `FAIL <file> :: <variant>: <reason>` line per failure, then the
 * regressions, then the closing summary as the last line:
 * `<label>: N passed, N failed[, N unsupported][, N skipped]`.
 */
export function renderText(
  label: string,
  results: readonly CaseResult[],
  regressions: readonly Regression[] = [],
  options: RenderOptions = {},
): string {
  const lines: string[] = []
  if (options.failures !== false) {
    for (const r of results)
      if (r.status === 'fail') lines.push(`FAIL ${caseKey(r)}: ${r.reason ?? 'failed'}`)
  }
  lines.push(...renderRegressions(regressions))
  lines.push(renderSummaryLine(label, results, options))
  return `${lines.join('\n')}\n`
}

export function renderSummaryLine(
  label: string,
  results: readonly CaseResult[],
  options: RenderOptions = {},
): string {
  const { passed, failed, skipped, unsupported } = summarize(results)
  const parts = [`${passed} passed`, `${failed} failed`]
  if (options.unsupported === true || unsupported > 0) parts.push(`${unsupported} unsupported`)
  if (skipped > 0) parts.push(`${skipped} skipped`)
  return `${label}: ${parts.join(', ')}`
}

export function renderRegressions(regressions: readonly Regression[]): string[] {
  return regressions.map((r) => `REGRESSION ${r.key}: ${r.reason}`)
}

/**
 * One line per file: `<file> <passed>/<failed>/<unsupported>` (plus `, N skipped` when some
 * were), file names padded to one column, in run order.
 */
export function renderByFile(results: readonly CaseResult[]): string {
  const byFile = summarizeByFile(results)
  const width = Math.max(4, ...[...byFile.keys()].map((f) => f.length))
  const lines = [`${'file'.padEnd(width)} passed/failed/unsupported`]
  for (const [file, s] of byFile) {
    const skipped = s.skipped > 0 ? `, ${s.skipped} skipped` : ''
    lines.push(`${file.padEnd(width)} ${s.passed}/${s.failed}/${s.unsupported}${skipped}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * `{"passed","failed","skipped"[,"unsupported"],"cases":[{"file","name","status","reason"?}]}`
 * (reason on failures, skips and unsupported cases; `unsupported` with `options.unsupported` or
 * when non-zero).
 */
export function renderJson(results: readonly CaseResult[], options: RenderOptions = {}): string {
  const { passed, failed, skipped, unsupported } = summarize(results)
  const cases = results.map((r) => ({
    file: r.file,
    name: r.name,
    status: r.status,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  }))
  const counts =
    options.unsupported === true || unsupported > 0
      ? { passed, failed, skipped, unsupported }
      : { passed, failed, skipped }
  return `${JSON.stringify({ ...counts, cases }, null, 2)}\n`
}
