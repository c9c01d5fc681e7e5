import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

let cachedRoot: string | undefined

/** The repository root: the nearest folder above this module with Eddy's package.json (works from src/ and dist/). */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot
  let dir = dirname(fileURLToPath(import.meta.url))
  while (true) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'eddy') {
      cachedRoot = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the repository root (package.json of eddy)')
    dir = parent
  }
}

/** ksqlDB's conformance data: `$EDDY_CONFORMANCE_DIR`, else `../shared/conformance` beside the repository. */
export function conformanceRoot(): string {
  const fromEnv = process.env.EDDY_CONFORMANCE_DIR
  return resolve(
    fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(repoRoot(), '..', 'shared', 'conformance'),
  )
}

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

/**
 * How results and baselines name a test file: its path relative to the conformance root with `/`
 * separators (`ksqldb-qtt/joins.json`) when it lies under the root, else its basename.
 */
export function caseFile(path: string, root: string = conformanceRoot()): string {
  const rel = relative(real(root), real(path))
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return basename(path)
  return rel.split(sep).join('/')
}
