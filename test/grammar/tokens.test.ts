// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ksqlDB ${name} variables, not templates
import { describe, expect, it } from 'vitest'
import { sqlLexer } from '../../grammar/tokens.js'

const lex = (text: string) => sqlLexer.tokenize(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`)

describe('lexer', () => {
  it.each<[string, string[]]>([
    ['select Selected', ['SELECT:select', 'IDENTIFIER:Selected']],
    [
      'in inner insert into integer interval',
      ['IN:in', 'INNER:inner', 'INSERT:insert', 'INTO:into', 'INTEGER:integer', 'INTERVAL:interval'],
    ],
    ['STRING string', ['STRING_KW:STRING', 'STRING_KW:string']],
    ['a@b _x 1AB 1E3X', ['IDENTIFIER:a@b', 'IDENTIFIER:_x', 'DIGIT_IDENTIFIER:1AB', 'DIGIT_IDENTIFIER:1E3X']],
    [
      '1 1.5 .5 1. 1e3 1.5E-3 .5e+2',
      [
        'INTEGER_VALUE:1',
        'DECIMAL_VALUE:1.5',
        'DECIMAL_VALUE:.5',
        'DECIMAL_VALUE:1.',
        'FLOATING_POINT_VALUE:1e3',
        'FLOATING_POINT_VALUE:1.5E-3',
        'FLOATING_POINT_VALUE:.5e+2',
      ],
    ],
    [
      `'it''s' "Q""x" \`b\`\`c\``,
      ["STRING:'it''s'", 'QUOTED_IDENTIFIER:"Q""x"', 'BACKQUOTED_IDENTIFIER:`b``c`'],
    ],
    ['${my_var}', ['VARIABLE:${my_var}']],
    [
      '-> => := || != <> <= >= < > = + - * / %',
      [
        'STRUCT_FIELD_REF:->',
        'LAMBDA_EXPRESSION:=>',
        'ASSIGN::=',
        'CONCAT:||',
        'NEQ:!=',
        'NEQ:<>',
        'LTE:<=',
        'GTE:>=',
        'LT:<',
        'GT:>',
        'EQ:=',
        'PLUS:+',
        'MINUS:-',
        'ASTERISK:*',
        'SLASH:/',
        'PERCENT:%',
      ],
    ],
    [
      '( ) [ ] , . ;',
      ['LPAREN:(', 'RPAREN:)', 'LBRACKET:[', 'RBRACKET:]', 'COMMA:,', 'DOT:.', 'SEMICOLON:;'],
    ],
    ['a -- comment\n--@test: x\n/* block\n */ b', ['IDENTIFIER:a', 'IDENTIFIER:b']],
    ['a.b t.*', ['IDENTIFIER:a', 'DOT:.', 'IDENTIFIER:b', 'IDENTIFIER:t', 'DOT:.', 'ASTERISK:*']],
  ])('%s', (text, expected) => {
    expect(lex(text)).toEqual(expected)
  })

  it('counts lines at \\n only, columns from 1', () => {
    const [a, b] = sqlLexer.tokenize('x\r\n  y').tokens
    expect([a?.startLine, a?.startColumn, b?.startLine, b?.startColumn]).toEqual([1, 1, 2, 3])
  })
})
