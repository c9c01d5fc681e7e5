import { basename, extname } from 'node:path'
import type { TopicBackend } from '../log/topic-backend.js'
import { listTestFiles, loadTestFile, TestFileError } from './load.js'
import { caseFile, conformanceRoot } from './paths.js'
import type { CaseResult } from './results.js'
import { builtinFunctions } from '../functions/builtins.js'
import { type EngineFactory, type FeedMode, runCase } from './run-case.js'
import { registerTestFunctions, TEST_FUNCTION_NAMES } from './test-functions.js'

/**
 * The full QTT runner (`eddy qtt`): every variant of the given files, one fresh engine each.
 */
export interface FullRunOptions {
  /** The conformance root results are named relative to. */
  readonly root?: string
  /** Only variants whose name contains this text (invalid cases too). */
  readonly filter?: string
  /** Per variant, ms (10 s by default). */
  readonly timeoutMs?: number
  readonly feed?: FeedMode
  /** The engine to run; Eddy's (`Engine.create`) by default. */
  readonly createEngine?: EngineFactory
  /** A fresh backend per variant; `EmbeddedBackend.inMemory()` by default. */
  readonly createBackend?: () => TopicBackend
  /** Called after each result (progress output). */
  readonly onResult?: (result: CaseResult) => void
}

/** Eddy's engine and in-memory backend, loaded on first use (the CLI's --help must not pay for them). */
async function defaultFactories(): Promise<{
  createEngine: EngineFactory
  createBackend: () => TopicBackend
}> {
  const [{ Engine }, { EmbeddedBackend }] = await Promise.all([
    import('../engine/index.js'),
    import('../log/embedded/embedded-backend.js'),
  ])
  return {
    createEngine: (options) => Engine.create(options),
    createBackend: () => EmbeddedBackend.inMemory(),
  }
}

/**
 * Runs the variants of `paths` (files, or folders of `*.json`) in file order. A file or case that
 * cannot be loaded is one failed result. Throws `TestFileError` when a path does not exist.
 */
export async function runFull(paths: readonly string[], options: FullRunOptions = {}): Promise<CaseResult[]> {
  const root = options.root ?? conformanceRoot()
  const files = listTestFiles(paths)
  const defaults =
    options.createEngine !== undefined && options.createBackend !== undefined
      ? undefined
      : await defaultFactories()
  const createEngine = options.createEngine ?? defaults!.createEngine
  const createBackend = options.createBackend ?? defaults!.createBackend
  const filter = options.filter
  const wanted = (name: string): boolean => filter === undefined || name.includes(filter)
  const results: CaseResult[] = []
  const push = (r: CaseResult): void => {
    results.push(r)
    options.onResult?.(r)
  }
  // ksqlDB's test-only functions (TEST_UDF, ...) exist only here, in the runner's registry.
  const functions = builtinFunctions()
  registerTestFunctions(functions)
  const testFunctions = new Set(TEST_FUNCTION_NAMES)
  for (const path of files) {
    const file = caseFile(path, root)
    let loaded: ReturnType<typeof loadTestFile>
    try {
      loaded = loadTestFile(path)
    } catch (err) {
      if (!(err instanceof TestFileError)) throw err
      const name = basename(path, extname(path))
      if (wanted(name)) push({ file, name, status: 'fail', reason: err.message })
      continue
    }
    for (const variant of loaded.variants) {
      if (!wanted(variant.name)) continue
      const outcome = await runCase(variant, {
        createEngine,
        createBackend,
        testFunctions,
        functions,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.feed !== undefined ? { feed: options.feed } : {}),
      })
      push({ file, name: variant.name, ...outcome })
    }
    for (const bad of loaded.invalid) {
      if (wanted(bad.name)) push({ file, name: bad.name, status: 'fail', reason: bad.reason })
    }
  }
  return results
}
