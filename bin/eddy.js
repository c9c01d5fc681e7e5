#!/usr/bin/env node
// Entry point of the `eddy` command. The TypeScript sources are compiled to dist/ and bundled into
// dist/bundle/ by `npm install` (the `prepare` script) or `npm run build`, so start-up pays for
// neither a TypeScript loader nor Node's per-file loading of ~900 ES modules (scripts/bundle.ts).
import { statSync } from 'node:fs'

/**
 * The bundle, unless EDDY_NO_BUNDLE=1 (per-file stack traces) or dist/ was compiled after it was
 * made (`tsc` without the bundling step): then the compiled modules, which are never stale.
 */
function entry() {
  if (process.env.EDDY_NO_BUNDLE !== '1') {
    try {
      const bundled = statSync(new URL('../dist/bundle/eddy.js', import.meta.url)).mtimeMs
      if (bundled >= statSync(new URL('../dist/cli/main.js', import.meta.url)).mtimeMs) {
        return '../dist/bundle/eddy.js'
      }
    } catch {
      // no bundle: the compiled modules
    }
  }
  return '../dist/cli/main.js'
}

const { main } = await import(entry())

// `eddy run file.sql | head`: a closed pipe ends the command quietly, as other Unix tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})

main(process.argv).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    process.exitCode = 1
  },
)
