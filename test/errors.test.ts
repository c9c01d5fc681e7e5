import { describe, expect, it } from 'vitest'
import type { Span } from '../src/ast/span.js'
import { formatDiagnostic, posAt, RecordError, SqlPlanError, SqlSyntaxError } from '../src/errors.js'

function spanIn(text: string, from: number, to: number): Span {
  return { start: posAt(text, from), end: posAt(text, to) }
}

describe('posAt', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 2, 1, 3],
    ['ab\ncd', 3, 2, 1],
    ['ab\ncd', 5, 2, 3],
    ['a\n\nb', 3, 3, 1],
  ])('%j offset %i is line %i column %i', (text, offset, line, column) => {
    expect(posAt(text, offset)).toEqual({ offset, line, column })
  })
})

describe('formatDiagnostic', () => {
  it('puts a caret under the offending token of a syntax error', () => {
    const sql = 'SELECT * FORM orders EMIT CHANGES;'
    const err = new SqlSyntaxError(
      "line 1:10: Syntax Error\nextraneous input 'FORM'",
      spanIn(sql, 9, 13),
      'FORM',
      "Syntax error at or near 'FORM' at line 1:10",
    )
    expect(formatDiagnostic(sql, err)).toBe(
      [
        "line 1:10: Syntax Error\nextraneous input 'FORM'",
        'SELECT * FORM orders EMIT CHANGES;',
        '         ^^^^',
      ].join('\n'),
    )
  })

  it('shows the right line of a multi-line script and prefixes the position when the message lacks it', () => {
    const sql = 'CREATE STREAM S (A INT)\n  WITH (kafka_topic=);'
    const offset = sql.indexOf(')', 30)
    const err = new SqlSyntaxError("Syntax error at or near ')'", spanIn(sql, offset, offset + 1), ')')
    expect(formatDiagnostic(sql, err)).toBe(
      ["line 2:21: Syntax error at or near ')'", '  WITH (kafka_topic=);', '                    ^'].join(
        '\n',
      ),
    )
  })

  it('renders a plan error with a span the same way', () => {
    const sql = 'SELECT nope FROM s;'
    const err = new SqlPlanError("Column 'NOPE' cannot be resolved.", spanIn(sql, 7, 11))
    expect(formatDiagnostic(sql, err)).toBe(
      ["Column 'NOPE' cannot be resolved.", 'SELECT nope FROM s;', '       ^^^^'].join('\n'),
    )
  })

  it('keeps errors without a position to their message', () => {
    expect(formatDiagnostic('x', new SqlPlanError('no such thing'))).toBe('no such thing')
    expect(formatDiagnostic('x', 'plain')).toBe('plain')
  })

  it('names topic, partition and offset of a bad record', () => {
    const err = new RecordError('Failed to deserialize value', { topic: 't', partition: 2, offset: 17 })
    expect(err.message).toBe('Failed to deserialize value (topic t, partition 2, offset 17)')
    expect(err.record.offset).toBe(17)
  })
})
