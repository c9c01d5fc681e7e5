import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../../src/errors.js'
import { listTestFiles, loadTestFile } from '../../src/qtt/load.js'
import { conformanceRoot } from '../../src/qtt/paths.js'
import type { TestVariant } from '../../src/qtt/types.js'

// The grammar's acceptance check against ksqlDB's own test data (read in place, never copied):
// every QTT/RQTT case parses, except those ksqlDB rejects with a ParseFailedException, which must
// fail with ksqlDB's message; the SQL test-runner files parse with testStatements.
const root = conformanceRoot()
const available = existsSync(join(root, 'ksqldb-qtt'))

function variants(): TestVariant[] {
  const folders = ['ksqldb-qtt', 'ksqldb-rqtt'].map((f) => join(root, f)).filter((f) => existsSync(f))
  return listTestFiles(folders).flatMap((file) => [...loadTestFile(file).variants])
}

function sqlFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sqlFiles(path)
    return name.endsWith('.sql') ? [path] : []
  })
}

const rejectsParse = (v: TestVariant) => v.expected?.type?.endsWith('ParseFailedException') === true

// Skipped (loudly, by name) only outside CI when the corpus is not beside the repo; in CI a missing corpus fails.
describe.skipIf(!available && process.env.CI !== 'true')(
  `ksqlDB conformance statements (${root}; skipped when that folder is absent outside CI)`,
  () => {
    it('parse, unless ksqlDB fails them with a ParseFailedException', () => {
      const all = variants()
      const failures: string[] = []
      for (const v of all) {
        let error: unknown
        try {
          parseStatements(v.statements.join('\n'))
        } catch (e) {
          error = e
        }
        if (error !== undefined && !(error instanceof SqlSyntaxError))
          failures.push(`${v.name}: threw ${String(error)}`)
        else if (rejectsParse(v)) {
          const expected = v.expected?.message ?? ''
          if (!(error instanceof SqlSyntaxError)) failures.push(`${v.name}: parsed, ksqlDB rejects it`)
          else if (!error.message.includes(expected) && !error.summary.includes(expected)) {
            failures.push(`${v.name}: ${JSON.stringify(error.message)} lacks ${JSON.stringify(expected)}`)
          }
        } else if (error instanceof SqlSyntaxError && !/Syntax Error/.test(v.expected?.message ?? '')) {
          failures.push(`${v.name}: ${error.message}`)
        }
      }
      expect(all.length).toBeGreaterThan(1000)
      expect(failures).toEqual([])
    })

    it('SQL test-runner files parse with testStatements', () => {
      const files = [
        ...sqlFiles(join(root, 'ksqldb-sqltests')),
        ...sqlFiles(join(root, 'ksqldb-test-runner')),
      ]
      expect(files.length).toBeGreaterThan(0)
      for (const file of files) {
        expect(
          () => parseStatements(readFileSync(file, 'utf8'), { testStatements: true }),
          file,
        ).not.toThrow()
      }
    })
  },
)
