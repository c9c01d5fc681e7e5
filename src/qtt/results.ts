/** The outcome of one test variant (or of a file or case that could not be loaded). */
export type CaseStatus = 'pass' | 'fail' | 'skip'

export interface CaseResult {
  /** The file as baselines name it: relative to the conformance root (`ksqldb-qtt/joins.json`) or its basename. */
  readonly file: string
  /** The variant name (`<file stem> - <case name>[ - <FORMAT>][ - <prop>=<value>]`). */
  readonly name: string
  readonly status: CaseStatus
  /** Why it failed or was skipped (one line). */
  readonly reason?: string
}

export interface RunSummary {
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

export function summarize(results: readonly CaseResult[]): RunSummary {
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const r of results) {
    if (r.status === 'pass') passed++
    else if (r.status === 'fail') failed++
    else skipped++
  }
  return { passed, failed, skipped }
}

/** `<file> :: <variant name>`: how baselines list a case. */
export function caseKey(result: Pick<CaseResult, 'file' | 'name'>): string {
  return `${result.file} :: ${result.name}`
}
