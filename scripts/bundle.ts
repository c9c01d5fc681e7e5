/**
 * Bundles the compiled CLI (dist/cli/main.js and everything it imports, node_modules included)
 * into dist/bundle/: eddy.js plus chunks for what is imported lazily (the engine, the REPL's ink
 * app, ...). Part of `npm run build`, after tsc; bin/eddy.js loads it.
 *
 * Why: Node 20 loads ES modules one file at a time (resolve, read, compile), and Eddy's import
 * graph is ~900 files (~650 of them lodash-es, through Chevrotain; ink's and LevelDB's CommonJS
 * dependencies go through Node's CJS loader). A few chunk files cut `eddy -e "SHOW STREAMS;"` by
 * ~60%; bench/startup.ts measures it. The bundle is made from tsc's output: it runs the same code.
 *
 * The bundle also embeds the grammar's lookahead paths (grammar/lookahead-table.ts).
 *
 * Kept external: node built-ins, classic-level's native addon loader (`binding.js` finds the
 * addon relative to its own file: it is required from the installed package, as `level` was) and
 * ink's optional `react-devtools-core` (imported only with DEV=true, not installed).
 */
import { readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { type Plugin, rolldown } from 'rolldown'
import { recordLookaheadTable } from '../grammar/parser.js'
import { repoRoot } from '../src/qtt/paths.js'

const EXTERNAL = ['react-devtools-core']

/** The plugins below that found what they rewrite: the build fails if one did not. */
const applied = new Set<string>()

/** classic-level's `require('./binding')` stays a require of `classic-level/binding.js`. */
const nativeBinding: Plugin = {
  name: 'eddy-native-binding',
  resolveId(source, importer) {
    if (source === './binding' && importer?.includes(`${sep}node_modules${sep}classic-level${sep}`)) {
      applied.add('eddy-native-binding')
      return { id: 'classic-level/binding.js', external: true }
    }
    return null
  },
}

/**
 * With DEV=true (React devtools) ink reads its own package.json next to its module: in the bundle
 * that file is not there, so its text is inlined (the same file, read when bundling).
 */
const inkPackageJson: Plugin = {
  name: 'eddy-ink-package-json',
  transform(code, id) {
    if (!id.endsWith(`${sep}ink${sep}build${sep}reconciler.js`)) return null
    const read = "fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')"
    if (!code.includes(read)) {
      throw new Error(`${id} no longer reads ../package.json as scripts/bundle.ts expects: update it`)
    }
    applied.add('eddy-ink-package-json')
    return code.replace(read, JSON.stringify(readFileSync(join(dirname(id), '..', 'package.json'), 'utf8')))
  },
}

const root = repoRoot()

/**
 * grammar/lookahead-table.js holds the grammar's lookahead paths, recorded from this build's
 * parser, so the bundled parser never computes them (grammar/lookahead.ts).
 */
const lookaheadTableModule = join(root, 'dist', 'grammar', 'lookahead-table.js')
const lookaheadTable: Plugin = {
  name: 'eddy-lookahead-table',
  load(id) {
    if (id !== lookaheadTableModule) return null
    applied.add('eddy-lookahead-table')
    const json = JSON.stringify(recordLookaheadTable())
    return `export const LOOKAHEAD_TABLE = JSON.parse(${JSON.stringify(json)})\n`
  },
}

const outDir = join(root, 'dist', 'bundle')
// Written beside, then swapped in: a concurrently started `eddy` sees the old bundle, none (and
// falls back to dist/cli/main.js), or the new one, never a half-written one.
const tmpDir = join(root, 'dist', `.bundle-${process.pid}`)
const started = performance.now()
rmSync(tmpDir, { recursive: true, force: true })
const bundle = await rolldown({
  input: { eddy: join(root, 'dist', 'cli', 'main.js') },
  platform: 'node',
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  plugins: [nativeBinding, inkPackageJson, lookaheadTable],
  onLog(level, log, handler) {
    // A module imported both statically and dynamically stays where the static import puts it:
    // expected here (the engine is imported lazily by the CLI and statically by asserts.ts).
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return
    handler(level, log)
  },
})
const { output } = await bundle.write({
  dir: tmpDir,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
})
await bundle.close()
const missed = [nativeBinding, inkPackageJson, lookaheadTable].filter((p) => !applied.has(p.name))
if (missed.length > 0) {
  rmSync(tmpDir, { recursive: true, force: true })
  throw new Error(`scripts/bundle.ts: ${missed.map((p) => p.name).join(', ')} found nothing to rewrite`)
}
rmSync(outDir, { recursive: true, force: true })
renameSync(tmpDir, outDir)
const bytes = output.reduce((n, o) => n + (o.type === 'chunk' ? o.code.length : 0), 0)
console.log(
  `dist/bundle: ${output.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
