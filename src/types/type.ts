import type { SqlType } from '../ast/types.js'
import { SqlPlanError } from '../errors.js'

/**
 * A resolved SQL type: what the analyzer, serde and runtime work with. Unlike the AST's `SqlType`
 * it has no spans and no references to custom types (CREATE TYPE aliases are expanded).
 */
export type Type =
  | PrimitiveT
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'ARRAY'; readonly element: Type }
  | { readonly kind: 'MAP'; readonly key: Type; readonly value: Type }
  | { readonly kind: 'STRUCT'; readonly fields: readonly Field[] }

export type PrimitiveKind =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'

export interface PrimitiveT {
  readonly kind: PrimitiveKind
}

export interface Field {
  /** As declared: case-sensitive. */
  readonly name: string
  readonly type: Type
}

export type TypeKind = Type['kind']

/** Shared instances of the primitive types. */
export const T = {
  BOOLEAN: { kind: 'BOOLEAN' },
  INTEGER: { kind: 'INTEGER' },
  BIGINT: { kind: 'BIGINT' },
  DOUBLE: { kind: 'DOUBLE' },
  STRING: { kind: 'STRING' },
  BYTES: { kind: 'BYTES' },
  DATE: { kind: 'DATE' },
  TIME: { kind: 'TIME' },
  TIMESTAMP: { kind: 'TIMESTAMP' },
} as const satisfies Record<PrimitiveKind, PrimitiveT>

export function decimal(precision: number, scale: number): Type {
  return { kind: 'DECIMAL', precision, scale }
}
export function array(element: Type): Type {
  return { kind: 'ARRAY', element }
}
export function map(key: Type, value: Type): Type {
  return { kind: 'MAP', key, value }
}
export function struct(fields: readonly Field[]): Type {
  return { kind: 'STRUCT', fields }
}

/** ksqlDB's text for a type, as in DESCRIBE and error messages: `DECIMAL(4, 2)`, `STRUCT<`A` INTEGER>`. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`
    case 'ARRAY':
      return `ARRAY<${typeToString(t.element)}>`
    case 'MAP':
      return `MAP<${typeToString(t.key)}, ${typeToString(t.value)}>`
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `\`${f.name}\` ${typeToString(f.type)}`).join(', ')}>`
    default:
      return t.kind
  }
}

export function typeEquals(a: Type, b: Type): boolean {
  if (a === b) return true
  switch (a.kind) {
    case 'DECIMAL':
      return b.kind === 'DECIMAL' && a.precision === b.precision && a.scale === b.scale
    case 'ARRAY':
      return b.kind === 'ARRAY' && typeEquals(a.element, b.element)
    case 'MAP':
      return b.kind === 'MAP' && typeEquals(a.key, b.key) && typeEquals(a.value, b.value)
    case 'STRUCT':
      return (
        b.kind === 'STRUCT' &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => {
          const g = b.fields[i]
          return g !== undefined && f.name === g.name && typeEquals(f.type, g.type)
        })
      )
    default:
      return a.kind === b.kind
  }
}

/** True for INTEGER, BIGINT, DECIMAL and DOUBLE. */
export function isNumeric(t: Type): boolean {
  return t.kind === 'INTEGER' || t.kind === 'BIGINT' || t.kind === 'DECIMAL' || t.kind === 'DOUBLE'
}

/** Resolves a custom type name (CREATE TYPE) to its definition, or undefined if unknown. */
export type TypeResolver = (name: string) => Type | undefined

/** Converts an AST type to a resolved type, expanding custom types. */
export function resolveType(t: SqlType, resolve: TypeResolver = () => undefined): Type {
  switch (t.kind) {
    case 'PrimitiveType':
      return T[t.name]
    case 'DecimalType':
      return decimal(t.precision, t.scale)
    case 'ArrayType':
      return array(resolveType(t.element, resolve))
    case 'MapType':
      return map(resolveType(t.key, resolve), resolveType(t.value, resolve))
    case 'StructType':
      return struct(t.fields.map((f) => ({ name: f.name, type: resolveType(f.type, resolve) })))
    case 'TypeRef': {
      const found = resolve(t.name)
      if (found === undefined) throw new SqlPlanError(`Unknown type: ${t.name}`, t.span)
      return found
    }
  }
}
