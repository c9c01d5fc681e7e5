import type { Expr } from '../ast/expressions.js'
import { formatType } from '../ast/format.js'

/**
 * ksqlDB's ExpressionFormatter: the text of an expression inside error messages
 * (`Cannot compare ID (INTEGER) to 'x' (STRING) ...`, `(RANDOM() + 1.5)`). Unlike the
 * SqlFormatter text (`src/ast/format.ts`) every binary operation is parenthesised.
 */
export function formatKsqlExpression(e: Expr): string {
  return fmt(e)
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_@]*$/

function name(n: string): string {
  return PLAIN.test(n) ? n : `\`${n.replaceAll('`', '``')}\``
}

function str(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}

function doubleText(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return Object.is(v, -0) ? '-0E0' : '0E0'
  const [m = '0', x = '0'] = v.toExponential().split('e')
  return `${m}E${Number(x)}`
}

function bin(op: string, l: Expr, r: Expr): string {
  return `(${fmt(l)} ${op} ${fmt(r)})`
}

function fmt(e: Expr): string {
  switch (e.kind) {
    case 'NullLiteral':
      return 'null'
    case 'BooleanLiteral':
      return String(e.value)
    case 'IntegerLiteral':
      return String(e.value)
    case 'LongLiteral':
    case 'DecimalLiteral':
      return e.value
    case 'DoubleLiteral':
      return doubleText(e.value)
    case 'StringLiteral':
      return str(e.value)
    case 'TypeConstructor':
      return e.value
    case 'ColumnRef':
      return e.source === undefined ? name(e.name) : `${name(e.source)}.${name(e.name)}`
    case 'Dereference':
      return `${fmt(e.base)}->${name(e.field)}`
    case 'Subscript':
      return `${fmt(e.base)}[${fmt(e.index)}]`
    case 'FunctionCall':
      return `${name(e.name)}(${e.star ? '*' : e.args.map(fmt).join(', ')})`
    case 'IntervalUnit':
      return e.unit
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${fmt(e.body)}`
    case 'Cast':
      return `CAST(${fmt(e.expr)} AS ${formatType(e.type)})`
    case 'SearchedCase':
      return `(CASE ${e.whens.map((w) => `WHEN ${fmt(w.condition)} THEN ${fmt(w.result)}`).join(' ')}${e.else === undefined ? '' : ` ELSE ${fmt(e.else)}`} END)`
    case 'SimpleCase':
      return `(CASE ${fmt(e.operand)} ${e.whens.map((w) => `WHEN ${fmt(w.condition)} THEN ${fmt(w.result)}`).join(' ')}${e.else === undefined ? '' : ` ELSE ${fmt(e.else)}`} END)`
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(fmt).join(', ')}]`
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${fmt(x.key)}:=${fmt(x.value)}`).join(', ')})`
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${name(f.name)}:=${fmt(f.value)}`).join(', ')})`
    case 'ArithmeticUnary': {
      const v = fmt(e.operand)
      return e.op === '-' ? `-${v.startsWith('-') ? ' ' : ''}${v}` : `+${v}`
    }
    case 'ArithmeticBinary':
      return bin(e.op, e.left, e.right)
    case 'Concat':
      return `CONCAT(${fmt(e.left)}, ${fmt(e.right)})`
    case 'AtTimeZone':
      return `${fmt(e.value)} AT TIME ZONE ${str(e.zone)}`
    case 'Comparison':
      return bin(e.op, e.left, e.right)
    case 'IsDistinctFrom':
      return bin(e.negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', e.left, e.right)
    case 'Between': {
      const t = `(${fmt(e.value)} BETWEEN ${fmt(e.lower)} AND ${fmt(e.upper)})`
      return e.negated ? `(NOT ${t})` : t
    }
    case 'InList': {
      const t = `(${fmt(e.value)} IN (${e.list.map(fmt).join(', ')}))`
      return e.negated ? `(NOT ${t})` : t
    }
    case 'Like': {
      const t = `(${fmt(e.value)} LIKE ${fmt(e.pattern)}${e.escape === undefined ? '' : ` ESCAPE '${e.escape}'`})`
      return e.negated ? `(NOT ${t})` : t
    }
    case 'IsNull':
      return `(${fmt(e.value)} IS ${e.negated ? 'NOT ' : ''}NULL)`
    case 'Not':
      return `(NOT ${fmt(e.operand)})`
    case 'LogicalBinary':
      return bin(e.op, e.left, e.right)
  }
}
