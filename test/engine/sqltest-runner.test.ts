import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runSqlTestFile } from '../../src/engine/asserts.js'
import { decodeBase64Strict } from '../../src/engine/engine.js'

/** ksqlDB's DefaultSqlValueCoercer (STRICT) cases of STRING to BYTES: Java's basic base64 of the trimmed text. */
const BASE64: readonly [string, number[] | undefined][] = [
  ['IQ==', [33]],
  ['TrUe', [78, 181, 30]],
  ['YeS', [97, 228]],
  ['nO', [156]],
  ['\t 10 \t', [215]],
  ['NaN', [53, 163]],
  ['2147483647', [219, 94, 59, 227, 205, 250, 227]],
  ['', []],
  ['t', undefined],
  ['FaLse', undefined],
  ['10!', undefined],
  ['1.344e2', undefined],
  ['2018-09-01', undefined],
  ['-2147483648', undefined],
  ['QUJD=', undefined],
  ['IQ=', undefined],
  ['I Q==', undefined],
]

describe('decodeBase64Strict', () => {
  it.each(BASE64)('%j', (text, bytes) => {
    const got = decodeBase64Strict(text)
    expect(got === undefined ? undefined : [...got]).toEqual(bytes)
  })
})

const CREATE = "CREATE STREAM foo (id INT KEY, col1 BYTES) WITH (kafka_topic='foo', value_format='JSON');"

describe('run-ksql-test runner', () => {
  it('inserts a base64 STRING into a BYTES column and asserts it back', async () => {
    const [r] = await runSqlTestFile(
      `--@test: bytes\n${CREATE}\nCREATE STREAM bar AS SELECT * FROM foo;\nINSERT INTO foo (rowtime, id, col1) VALUES (1, 1, 'IQ==');\nASSERT VALUES bar (rowtime, id, col1) VALUES (1, 1, 'IQ==');\n`,
    )
    expect(r).toEqual({ name: 'bytes', status: 'pass' })
  })

  it('rejects a STRING that is not base64 with ksqlDB message', async () => {
    const [r] = await runSqlTestFile(
      `--@test: bad\n${CREATE}\nINSERT INTO foo (id, col1) VALUES (1, 'a!');\n`,
    )
    expect(r?.status).toBe('fail')
    expect(r?.reason).toContain('Expected type BYTES for field COL1 but got STRING(a!)')
  })

  it('prefixes errors of the prepare phase as ksqlDB engine does', async () => {
    const [r] = await runSqlTestFile(
      '--@test: unknown\n--@expected.message: Exception while preparing statement: FOO does not exist.\nCREATE STREAM bar AS SELECT * FROM foo;\n',
    )
    expect(r).toEqual({ name: 'unknown', status: 'pass' })
  })

  describe('RUN SCRIPT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-run-script-'))
    writeFileSync(join(dir, 'ok.sql'), `${CREATE}\nCREATE STREAM bar AS SELECT * FROM foo;\n`)
    writeFileSync(join(dir, 'empty.sql'), '-- nothing\n')
    writeFileSync(join(dir, 'bad.sql'), 'CREATE STREM x;\n')
    const test = (script: string) =>
      `--@test: t\nRUN SCRIPT '${script}';\nINSERT INTO foo (rowtime, id, col1) VALUES (1, 1, 'IQ==');\nASSERT VALUES bar (rowtime, id, col1) VALUES (1, 1, 'IQ==');\n`

    it.each([
      ['a script dir', '/ok.sql', [dir], undefined],
      ['a file path', join(dir, 'ok.sql'), [], undefined],
      ['a missing script', '/missing.sql', [dir], 'Could not read /missing.sql'],
      ['an empty script', '/empty.sql', [dir], 'Empty run script: /empty.sql'],
      ['a script that does not parse', '/bad.sql', [dir], 'Failed to parse contents of RUN SCRIPT'],
    ])('%s', async (_, script, scriptDirs, error) => {
      const [r] = await runSqlTestFile(test(script), { scriptDirs })
      if (error === undefined) expect(r).toEqual({ name: 't', status: 'pass' })
      else expect(r?.reason).toContain(error)
    })
  })
})
