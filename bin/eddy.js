#!/usr/bin/env node
// Entry point of the `eddy` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script), so start-up never pays for a TypeScript loader.
import { main } from '../dist/cli/main.js'

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
