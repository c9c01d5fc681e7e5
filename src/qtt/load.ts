import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { type JsonValue, parseJsonc } from './jsonc.js'
import { caseName, InvalidNodeError, readCase } from './nodes.js'
import type { InvalidCase, LoadedTestFile, TestFileKind, TestVariant } from './types.js'
import { expandVariants } from './variants.js'

/** A test file that cannot be used at all (not JSON, no `tests` array). */
export class TestFileError extends Error {
  override readonly name = 'TestFileError'
}

export interface LoadOptions {
  /** QTT or RQTT; detected from the folder name and the case properties when absent. */
  readonly kind?: TestFileKind
}

/** Reads and expands a QTT or RQTT file. Throws `TestFileError` when the file as a whole is unusable. */
export function loadTestFile(path: string, options: LoadOptions = {}): LoadedTestFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new TestFileError(`cannot read ${path}: ${(err as Error).message}`)
  }
  return parseTestFile(resolve(path), text, options)
}

const RQTT_ONLY_PROPERTIES = [
  'responses',
  'expectedError',
  'inputConditions',
  'outputConditions',
  'testPullWithProtoFormat',
]

/** `loadTestFile` on text already read; `path` names the file (its stem prefixes every variant name). */
export function parseTestFile(path: string, text: string, options: LoadOptions = {}): LoadedTestFile {
  let json: JsonValue
  try {
    json = parseJsonc(text)
  } catch (err) {
    throw new TestFileError(`${basename(path)}: invalid JSON: ${(err as Error).message}`)
  }
  const tests =
    typeof json === 'object' && json !== null && !Array.isArray(json) && 'tests' in json
      ? json.tests
      : undefined
  if (!Array.isArray(tests) || tests.length === 0) {
    throw new TestFileError(`${basename(path)}: expected a non-empty 'tests' array`)
  }
  const cases = tests as readonly JsonValue[]
  const kind = options.kind ?? detectKind(path, cases)
  const stem = basename(path, extname(path))
  const variants: TestVariant[] = []
  const invalid: InvalidCase[] = []
  const names = new Set<string>()
  cases.forEach((raw, i) => {
    const at = `tests[${i}]`
    try {
      for (const variant of expandVariants(path, stem, readCase(raw, kind, at))) {
        if (names.has(variant.name)) {
          invalid.push({ file: path, name: variant.name, reason: 'duplicate test name' })
        } else {
          names.add(variant.name)
          variants.push(variant)
        }
      }
    } catch (err) {
      if (!(err instanceof InvalidNodeError)) throw err
      invalid.push({
        file: path,
        name: `${stem} - ${caseName(raw) ?? `#${i}`}`,
        reason: `invalid test: ${err.message}`,
      })
    }
  })
  return { path, kind, variants, invalid }
}

function detectKind(path: string, cases: readonly JsonValue[]): TestFileKind {
  if (/rest|rqtt/i.test(basename(dirname(path)))) return 'rqtt'
  const rest = cases.some(
    (c) =>
      typeof c === 'object' &&
      c !== null &&
      !Array.isArray(c) &&
      RQTT_ONLY_PROPERTIES.some((p) => p in (c as object)),
  )
  return rest ? 'rqtt' : 'qtt'
}

/**
 * The test files named by `paths`: a file as given, a folder as its `*.json` files (not recursive,
 * sorted by name). Throws `TestFileError` for a path that does not exist.
 */
export function listTestFiles(paths: readonly string[]): string[] {
  const files: string[] = []
  for (const p of paths) {
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch {
      throw new TestFileError(`no such file or folder: ${p}`)
    }
    if (!isDir) {
      files.push(resolve(p))
      continue
    }
    const names = readdirSync(p, { withFileTypes: true })
      .filter((e) => e.name.endsWith('.json') && !e.isDirectory())
      .map((e) => e.name)
      .sort()
    for (const name of names) files.push(resolve(join(p, name)))
  }
  return files
}
