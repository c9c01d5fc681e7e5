import { describe, expect, it } from 'vitest'
import { insideStringLiteral, isComplete, parseCliCommand, splitStatements } from '../../../cli/repl/input.js'

describe('splitStatements', () => {
  it('splits at semicolons outside quotes and comments', () => {
    const r = splitStatements("SELECT 'a;b' FROM s; -- x;\nSHOW STREAMS;\n/* ; */ DESCRIBE `a;b`")
    expect(r.statements).toEqual(["SELECT 'a;b' FROM s;", '-- x;\nSHOW STREAMS;'])
    expect(r.rest).toBe('/* ; */ DESCRIBE `a;b`')
  })

  it("keeps '' escapes inside string literals", () => {
    expect(splitStatements("INSERT INTO s VALUES ('it''s; fine');").statements).toEqual([
      "INSERT INTO s VALUES ('it''s; fine');",
    ])
  })

  it('treats trailing comments and blanks as nothing left', () => {
    expect(splitStatements('SHOW TABLES; -- done\n  ').rest).toBe('')
    expect(splitStatements(';;').statements).toEqual([])
  })
})

describe('isComplete', () => {
  it('needs a closing semicolon for SQL', () => {
    expect(isComplete('SELECT *\nFROM s')).toBe(false)
    expect(isComplete('SELECT *\nFROM s EMIT CHANGES;')).toBe(true)
    expect(isComplete("SET 'a'='x;")).toBe(false)
    expect(isComplete('')).toBe(false)
  })

  it('takes CLI commands without a semicolon', () => {
    expect(isComplete('help')).toBe(true)
    expect(isComplete('RUN SCRIPT /tmp/x.sql')).toBe(true)
  })
})

describe('parseCliCommand', () => {
  it('recognises the ksql CLI commands, case-insensitively', () => {
    expect(parseCliCommand('HELP')).toEqual({ kind: 'help' })
    expect(parseCliCommand('exit;')).toEqual({ kind: 'exit' })
    expect(parseCliCommand('output json')).toEqual({ kind: 'output', format: 'JSON' })
    expect(parseCliCommand('OUTPUT')).toEqual({ kind: 'output' })
    expect(parseCliCommand("SPOOL '/tmp/out file.txt'")).toEqual({ kind: 'spool', file: '/tmp/out file.txt' })
    expect(parseCliCommand('spool off')).toEqual({ kind: 'spool' })
    expect(parseCliCommand("RUN SCRIPT 'a.sql';")).toEqual({ kind: 'runScript', file: 'a.sql' })
    expect(parseCliCommand('output xml')).toMatchObject({ kind: 'invalid' })
  })

  it('leaves SQL alone', () => {
    expect(parseCliCommand('SHOW STREAMS;')).toBeUndefined()
    expect(parseCliCommand('help me')).toBeUndefined()
    expect(parseCliCommand('RUN something')).toBeUndefined()
  })
})

describe('insideStringLiteral', () => {
  it('tracks quotes, ignoring those in comments', () => {
    expect(insideStringLiteral("SET 'auto.off")).toBe(true)
    expect(insideStringLiteral("SET 'a'='b'")).toBe(false)
    expect(insideStringLiteral("-- it's\nSELECT")).toBe(false)
  })
})
