import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cstDts } from '../../grammar/cst-dts.js'

describe('grammar/cst.d.ts', () => {
  it('matches the grammar (run `npm run gen:cst` after changing grammar/parser.ts)', () => {
    const onDisk = readFileSync(new URL('../../grammar/cst.d.ts', import.meta.url), 'utf8')
    expect(onDisk).toBe(cstDts())
  })
})
