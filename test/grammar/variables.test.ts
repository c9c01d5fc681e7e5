// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ksqlDB ${name} variables, not templates
import { describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import { SqlSyntaxError } from '../../src/errors.js'
import { stripSpans } from '../../src/ast/strip-spans.js'

const kinds = (text: string, variables: Record<string, string> = {}) =>
  parseStatements(text, { variables }).map((p) => stripSpans(p.statement))

describe('${name} variables', () => {
  it('substitutes identifiers, literals and text inside strings', () => {
    const [parsed] = parseStatements("SELECT ${col}, ${n}, '${t}_x' FROM ${src};", {
      variables: { col: 'abc', n: '5', t: 'topic', src: '`Src`' },
    })
    expect(parsed?.text).toBe("SELECT abc, 5, 'topic_x' FROM `Src`")
    expect(stripSpans(parsed?.statement)).toMatchObject({
      select: [
        { expr: { kind: 'ColumnRef', name: 'ABC' } },
        { expr: { kind: 'IntegerLiteral', value: 5 } },
        { expr: { kind: 'StringLiteral', value: 'topic_x' } },
      ],
      from: { kind: 'AliasedRelation', name: 'Src' },
    })
  })

  it('applies DEFINE and UNDEFINE in order, without changing the caller options', () => {
    const variables = { t: 'first' }
    const parsed = parseStatements(
      "PRINT ${t}; DEFINE t = 'second'; PRINT ${t}; DEFINE u = '${t}-2'; PRINT '${u}'; UNDEFINE t; PRINT '${t}';",
      { variables },
    )
    expect(
      parsed.map((p) => (p.statement.kind === 'PrintTopic' ? p.statement.topic : p.statement.kind)),
    ).toEqual(['first', 'DefineVariable', 'second', 'DefineVariable', 'second-2', 'UndefineVariable', '${t}'])
    expect(variables).toEqual({ t: 'first' })
  })

  it('a value may be several tokens, placed where the variable was', () => {
    const [parsed] = parseStatements('SELECT * FROM s WHERE ${cond};', { variables: { cond: 'a = 1 AND b' } })
    expect(stripSpans(parsed?.statement)).toMatchObject({ where: { kind: 'LogicalBinary', op: 'AND' } })
    const where = parsed?.statement.kind === 'Query' ? parsed.statement.where : undefined
    expect(where?.span.start).toEqual({ offset: 22, line: 1, column: 23 })
  })

  it.each<[string, string, string]>([
    [
      'in an identifier position',
      'SELECT * FROM ${nope};',
      "Illegal argument at Line: 1, Col: 15. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'. Got: '${nope}'",
    ],
    [
      'in a literal position',
      'SELECT * FROM s WHERE a = ${nope};',
      "Illegal argument at Line: 1, Col: 27. Got: '${nope}'",
    ],
    ['in SET', "SET ${nope} = 'x';", "Illegal argument at Line: 1, Col: 5. Got: '${nope}'"],
  ])('an undefined variable %s is an error naming it', (_name, sql, message) => {
    try {
      parseStatements(sql)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SqlSyntaxError)
      expect((error as SqlSyntaxError).message).toBe(message)
      expect((error as SqlSyntaxError).token).toBe('${nope}')
    }
  })

  it('leaves variables alone when substitution is off', () => {
    expect(() =>
      parseStatements('SELECT * FROM ${x};', { variables: { x: 'y' }, substituteVariables: false }),
    ).toThrow("Got: '${x}'")
    const [parsed] = parseStatements("SELECT '${x}' FROM s;", {
      variables: { x: 'y' },
      substituteVariables: false,
    })
    expect(parsed?.text).toBe("SELECT '${x}' FROM s")
  })

  it('a value that does not lex is an error at the variable', () => {
    expect(() => kinds('SELECT ${v} FROM s;', { v: "'open" })).toThrow(
      "Illegal value for variable ${v}: ''open'",
    )
  })
})
