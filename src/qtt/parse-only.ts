import { basename, extname } from 'node:path'
import { parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../errors.js'
import { classifyExpectation } from './expectation.js'
import { listTestFiles, loadTestFile, TestFileError } from './load.js'
import { caseFile, conformanceRoot } from './paths.js'
import type { CaseResult, CaseStatus } from './results.js'
import { statementScripts } from './scripts.js'
import type { TestVariant } from './types.js'

/** Parses a script; throws (a `SqlSyntaxError`, for a correct parser) when it does not parse. */
export type ParseFn = (text: string) => unknown

const parseScript: ParseFn = (text) => parseStatements(text)

export interface ParseOutcome {
  readonly status: CaseStatus
  readonly reason?: string
}

function describeError(err: SqlSyntaxError): string {
  return JSON.stringify(err.summary.split('\n')[0] ?? err.summary)
}

function matches(err: SqlSyntaxError, expected: string): boolean {
  return err.message.includes(expected) || err.summary.includes(expected)
}

/**
 * Checks one variant in parse-only mode. The statements are parsed in the texts ksqlDB submits
 * them in (`statementScripts`: one script per QTT case, so positions read `line 2:40` for the
 * second statement; for RQTT the admin script, then each query), stopping at the first text
 * that does not parse. A variant expected
 * to fail parsing must fail with a matching message; a variant expecting a statement error passes
 * whether or not parsing fails, but a parse failure must then carry the expected message; any other
 * variant must parse.
 */
export function checkParseOnly(variant: TestVariant, parse: ParseFn = parseScript): ParseOutcome {
  if (!variant.enabled) return { status: 'skip', reason: 'disabled (enabled: false)' }
  const submitted = statementScripts(variant)
  if (!submitted.ok) return { status: 'fail', reason: submitted.reason }
  let error: SqlSyntaxError | undefined
  try {
    for (const script of submitted.scripts) parse(script)
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) {
      const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)
      return { status: 'fail', reason: `parser threw something other than a SqlSyntaxError: ${what}` }
    }
    error = err
  }
  const expected = classifyExpectation(variant.expected)
  switch (expected.kind) {
    case 'parse':
      if (error === undefined)
        return { status: 'fail', reason: 'expected a parse error, but the statements parsed' }
      if (expected.message !== undefined && !matches(error, expected.message)) {
        return {
          status: 'fail',
          reason: `parse error ${describeError(error)} does not contain ${JSON.stringify(expected.message)}`,
        }
      }
      return { status: 'pass' }
    case 'statement':
      if (error === undefined || expected.message === undefined || matches(error, expected.message)) {
        return { status: 'pass' }
      }
      return {
        status: 'fail',
        reason: `parse error ${describeError(error)} (expected an error containing ${JSON.stringify(expected.message)})`,
      }
    case 'runtime':
    case 'none':
      return error === undefined
        ? { status: 'pass' }
        : { status: 'fail', reason: `parse error ${describeError(error)}` }
  }
}

export interface RunOptions {
  readonly parse?: ParseFn
  /** The conformance root that result file names are relative to (default `conformanceRoot()`). */
  readonly root?: string
}

/**
 * Runs every variant of the test files named by `paths` (files, or folders of `*.json`) in
 * parse-only mode. A file or case that cannot be loaded is one failed result. Throws
 * `TestFileError` when a path does not exist.
 */
export function runParseOnly(paths: readonly string[], options: RunOptions = {}): CaseResult[] {
  const root = options.root ?? conformanceRoot()
  const results: CaseResult[] = []
  for (const path of listTestFiles(paths)) {
    const file = caseFile(path, root)
    let loaded: ReturnType<typeof loadTestFile>
    try {
      loaded = loadTestFile(path)
    } catch (err) {
      if (!(err instanceof TestFileError)) throw err
      results.push({ file, name: basename(path, extname(path)), status: 'fail', reason: err.message })
      continue
    }
    for (const variant of loaded.variants) {
      results.push({ file, name: variant.name, ...checkParseOnly(variant, options.parse) })
    }
    for (const bad of loaded.invalid)
      results.push({ file, name: bad.name, status: 'fail', reason: bad.reason })
  }
  return results
}
