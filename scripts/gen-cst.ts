/**
 * Regenerates `grammar/cst.d.ts` (the typed CST of `grammar/parser.ts`) with Chevrotain's
 * `generateCstDts`. Run `npm run gen:cst` after changing the grammar; the grammar tests fail
 * while the file is stale.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { cstDts } from '../grammar/cst-dts.js'

const target = resolve(process.cwd(), 'grammar/cst.d.ts')
writeFileSync(target, cstDts())
console.log(`wrote ${target}`)
