/**
 * Bundles the compiled CLI (dist/cli/main.js and everything it imports, node_modules included)
 * into dist/bundle/: eddy.js plus chunks for what is imported lazily (the engine, the REPL's ink
 * app, ...). Part of `npm run build`, after tsc; bin/eddy.js loads it.
 *
 * Why: Node 20 loads ES modules one file at a time (resolve, read, compile), and Eddy's import
 * graph is ~900 files (~650 of them lodash-es, through Chevrotain; ink's CommonJS dependencies go
 * through Node's CJS lexer). A few chunk files cut `eddy -e "SHOW STREAMS;"` by ~300 ms;
 * bench/startup.ts measures it. The bundle is made from tsc's output, so it runs the same code.
 *
 * Kept external: node built-ins, `level` (classic-level loads its native addon relative to its
 * own files) and ink's optional `react-devtools-core` (imported only with DEV=true, not installed).
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { rolldown } from 'rolldown'
import { repoRoot } from '../src/qtt/paths.js'

const EXTERNAL = ['level', 'classic-level', 'react-devtools-core']

const root = repoRoot()
const outDir = join(root, 'dist', 'bundle')
const started = performance.now()
rmSync(outDir, { recursive: true, force: true })
const bundle = await rolldown({
  input: { eddy: join(root, 'dist', 'cli', 'main.js') },
  platform: 'node',
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  onLog(level, log, handler) {
    // A module imported both statically and dynamically stays where the static import puts it:
    // expected here (the engine is imported lazily by the CLI and statically by asserts.ts).
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return
    handler(level, log)
  },
})
const { output } = await bundle.write({
  dir: outDir,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
})
await bundle.close()
const bytes = output.reduce((n, o) => n + (o.type === 'chunk' ? o.code.length : 0), 0)
console.log(
  `dist/bundle: ${output.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
