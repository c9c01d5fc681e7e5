/**
 * The outcome of one test variant (or of a file or case that could not be loaded):
 * `unsupported` = the variant needs something Eddy does not have yet (a schema registry format,
 * test-only functions, the REST runner); it is neither a pass nor a failure.
 */
export type CaseStatus = 'pass' | 'fail' | 'skip' | 'unsupported'

export interface CaseResult {
  /** The file as baselines name it: relative to the conformance root (`ksqldb-qtt/joins.json`) or its basename. */
  readonly file: string
  /** The variant name (`<file stem> - <case name>[ - <FORMAT>][ - <prop>=<value>]`). */
  readonly name: string
  readonly status: CaseStatus
  /** Why it failed, was skipped or is unsupported (one line). */
  readonly reason?: string
}

export interface RunSummary {
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  readonly unsupported: number
}

export function summarize(results: readonly CaseResult[]): RunSummary {
  let passed = 0
  let failed = 0
  let skipped = 0
  let unsupported = 0
  for (const r of results) {
    if (r.status === 'pass') passed++
    else if (r.status === 'fail') failed++
    else if (r.status === 'unsupported') unsupported++
    else skipped++
  }
  return { passed, failed, skipped, unsupported }
}

/** Per-file counts, files in first-seen order. */
export function summarizeByFile(results: readonly CaseResult[]): Map<string, RunSummary> {
  const byFile = new Map<string, CaseResult[]>()
  for (const r of results) {
    const list = byFile.get(r.file)
    if (list === undefined) byFile.set(r.file, [r])
    else list.push(r)
  }
  return new Map([...byFile].map(([file, list]) => [file, summarize(list)]))
}

/** `<file> :: <variant name>`: how baselines list a case. */
export function caseKey(result: Pick<CaseResult, 'file' | 'name'>): string {
  return `${result.file} :: ${result.name}`
}
