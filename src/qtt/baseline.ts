import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { type CaseResult, caseKey } from './results.js'

/**
 * The conformance ratchet: a committed list of cases known to pass. A listed case that fails, is
 * unsupported or skipped (or is no longer found) is a regression; newly passing cases are added by
 * rewriting the file. Format: `{"mode": "<mode>", "cases": ["<file> :: <variant name>", ...]}`,
 * sorted; one baseline per mode (`BASELINE_MODES`).
 */

/** `parse-only`: `eddy qtt --parse-only`; `full`: the full runner (`eddy qtt`). */
export const BASELINE_MODES = ['parse-only', 'full'] as const
export type BaselineMode = (typeof BASELINE_MODES)[number]

export interface Baseline {
  readonly mode: string
  readonly cases: readonly string[]
}

export class BaselineError extends Error {
  override readonly name = 'BaselineError'
}

export interface Regression {
  readonly key: string
  readonly reason: string
}

export function readBaseline(path: string, mode: string): Baseline {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new BaselineError(`cannot read baseline ${path}: ${(err as Error).message}`)
  }
  const b = json as { mode?: unknown; cases?: unknown }
  if (
    typeof b !== 'object' ||
    b === null ||
    !Array.isArray(b.cases) ||
    b.cases.some((c) => typeof c !== 'string')
  ) {
    throw new BaselineError(`baseline ${path}: expected {"mode": "${mode}", "cases": [string, ...]}`)
  }
  if (b.mode !== mode) throw new BaselineError(`baseline ${path} is for mode ${String(b.mode)}, not ${mode}`)
  return { mode, cases: b.cases as string[] }
}

/** Cases the baseline lists that did not pass: failed, skipped, or not found among the results. */
export function findRegressions(baseline: Baseline, results: readonly CaseResult[]): Regression[] {
  const byKey = new Map(results.map((r) => [caseKey(r), r]))
  const regressions: Regression[] = []
  for (const key of baseline.cases) {
    const r = byKey.get(key)
    if (r === undefined) regressions.push({ key, reason: 'missing (case not found)' })
    else if (r.status !== 'pass') regressions.push({ key, reason: r.reason ?? r.status })
  }
  return regressions
}

/**
 * The cases a rewritten baseline lists: every passing result, plus the cases `previous` listed that
 * still pass or were not part of this run (so a run over one folder keeps the others' entries).
 */
export function mergeBaseline(previous: readonly string[], results: readonly CaseResult[]): string[] {
  const status = new Map(results.map((r) => [caseKey(r), r.status]))
  const cases = new Set(results.filter((r) => r.status === 'pass').map(caseKey))
  for (const key of previous) if ((status.get(key) ?? 'pass') === 'pass') cases.add(key)
  return [...cases].sort()
}

const LINE_WIDTH = 110

/** The baseline file text, laid out as the repository's formatter (biome) lays out JSON. */
export function formatBaseline(baseline: Baseline): string {
  const items = baseline.cases.map((c) => JSON.stringify(c))
  const oneLine = `  "cases": [${items.join(', ')}]`
  const cases =
    oneLine.length <= LINE_WIDTH ? oneLine : `  "cases": [\n${items.map((i) => `    ${i}`).join(',\n')}\n  ]`
  return `{\n  "mode": ${JSON.stringify(baseline.mode)},\n${cases}\n}\n`
}

/** Rewrites (or creates) the baseline at `path` from `results`, keeping what it listed that still passes. */
export function writeBaseline(path: string, mode: string, results: readonly CaseResult[]): Baseline {
  const previous = existsSync(path) ? readBaseline(path, mode).cases : []
  const baseline = { mode, cases: mergeBaseline(previous, results) }
  writeFileSync(path, formatBaseline(baseline))
  return baseline
}
