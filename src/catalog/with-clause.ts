/**
 * The WITH clause of CREATE STREAM/TABLE and CREATE ... AS SELECT: ksqlDB's CreateConfigs /
 * CreateAsConfigs / CommonCreateConfigs definitions, checked the way Kafka's ConfigDef and
 * ksqlDB's PropertiesConfig check them, with their messages ("configuration" reads "property",
 * as CreateSourceProperties.from rewrites it).
 */
import type { Literal } from '../ast/expressions.js'
import type { Property } from '../ast/statements.js'
import type { Span } from '../ast/span.js'
import { EddyError, preparing, SqlPlanError } from '../errors.js'
import type { WindowType } from './source.js'

type PropType = 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'BOOLEAN'

/** A parsed property value (Java's: String, Integer/Short as number, Long as bigint, Boolean). */
export type PropValue = string | number | bigint | boolean

interface Def {
  readonly name: string
  readonly type: PropType
  readonly required?: boolean
  /** Returns a full error message when the (parsed) value is invalid. */
  readonly validate?: (value: PropValue, text: string) => string | undefined
}

const WINDOW_TYPES = ['SESSION', 'HOPPING', 'TUMBLING']
const PROTOBUF_NULLABLE = ['OPTIONAL', 'WRAPPER']

const enumValues =
  (name: string, values: readonly string[]) =>
  (value: PropValue): string | undefined =>
    values.includes(String(value).toUpperCase())
      ? undefined
      : `Invalid value ${String(value)} for property ${name}: String must be one of: ${values.join(', ')}, null`

const delimiter =
  (name: string) =>
  (value: PropValue): string | undefined => {
    const problem = delimiterProblem(String(value))
    return problem === undefined
      ? undefined
      : `Configuration ${name} is invalid: ${problem}\nExample valid value: ';'`
  }

/** ksqlDB's Delimiter.parse: one character, or TAB / SPACE. */
export function delimiterProblem(text: string): string | undefined {
  const upper = text.toUpperCase()
  if (upper === 'TAB' || upper === 'SPACE') return undefined
  if (text.trim().length === 0) {
    return "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'"
  }
  if (text.length !== 1) {
    return `Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE`
  }
  return undefined
}

/** The delimiter character of a valid VALUE_DELIMITER / KEY_DELIMITER value. */
export function delimiterChar(text: string): string {
  const upper = text.toUpperCase()
  return upper === 'TAB' ? '\t' : upper === 'SPACE' ? ' ' : text
}

const CREATE_ONLY: readonly Def[] = [
  { name: 'WINDOW_TYPE', type: 'STRING', validate: enumValues('WINDOW_TYPE', WINDOW_TYPES) },
  {
    name: 'WINDOW_SIZE',
    type: 'STRING',
    validate: (value) => {
      const d = parseDuration(String(value))
      return typeof d === 'string'
        ? `Configuration WINDOW_SIZE is invalid: Invalid duration: '${String(value)}'. ${d}`
        : undefined
    },
  },
  { name: 'SOURCE_CONNECTOR', type: 'STRING' },
  { name: 'SOURCED_BY_CONNECTOR', type: 'STRING' },
]

function commonDefs(topicRequired: boolean): Def[] {
  return [
    {
      name: 'KAFKA_TOPIC',
      type: 'STRING',
      required: topicRequired,
      validate: (value) =>
        value === '' ? 'Invalid value  for property KAFKA_TOPIC: String must be non-empty' : undefined,
    },
    { name: 'PARTITIONS', type: 'INT' },
    { name: 'REPLICAS', type: 'SHORT' },
    { name: 'RETENTION_MS', type: 'LONG' },
    { name: 'VALUE_FORMAT', type: 'STRING' },
    { name: 'TIMESTAMP', type: 'STRING' },
    { name: 'TIMESTAMP_FORMAT', type: 'STRING' },
    { name: 'WRAP_SINGLE_VALUE', type: 'BOOLEAN' },
    {
      name: 'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
      type: 'STRING',
      validate: enumValues('KEY_PROTOBUF_NULLABLE_REPRESENTATION', PROTOBUF_NULLABLE),
    },
    {
      name: 'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
      type: 'STRING',
      validate: enumValues('VALUE_PROTOBUF_NULLABLE_REPRESENTATION', PROTOBUF_NULLABLE),
    },
    { name: 'VALUE_AVRO_SCHEMA_FULL_NAME', type: 'STRING' },
    { name: 'KEY_SCHEMA_FULL_NAME', type: 'STRING' },
    { name: 'VALUE_SCHEMA_FULL_NAME', type: 'STRING' },
    { name: 'KEY_DELIMITER', type: 'STRING', validate: delimiter('KEY_DELIMITER') },
    { name: 'VALUE_DELIMITER', type: 'STRING', validate: delimiter('VALUE_DELIMITER') },
    { name: 'KEY_FORMAT', type: 'STRING' },
    { name: 'FORMAT', type: 'STRING' },
    { name: 'KEY_SCHEMA_ID', type: 'INT' },
    { name: 'VALUE_SCHEMA_ID', type: 'INT' },
    { name: 'CLEANUP_POLICY', type: 'STRING' },
  ]
}

const CREATE_DEFS: readonly Def[] = [...CREATE_ONLY, ...commonDefs(true)]
const CREATE_AS_DEFS: readonly Def[] = commonDefs(false)

/** Java's class of a literal's value, for ConfigDef's "but it was a ..." messages. */
function javaClass(lit: Literal): string {
  switch (lit.kind) {
    case 'StringLiteral':
      return 'java.lang.String'
    case 'IntegerLiteral':
      return 'java.lang.Integer'
    case 'LongLiteral':
      return 'java.lang.Long'
    case 'BooleanLiteral':
      return 'java.lang.Boolean'
    case 'DecimalLiteral':
      return 'java.math.BigDecimal'
    case 'DoubleLiteral':
      return 'java.lang.Double'
    case 'NullLiteral':
      return 'null'
  }
}

function literalText(lit: Literal): string {
  switch (lit.kind) {
    case 'StringLiteral':
      return lit.value
    case 'IntegerLiteral':
      return String(lit.value)
    case 'LongLiteral':
    case 'DecimalLiteral':
      return lit.value
    case 'BooleanLiteral':
      return String(lit.value)
    case 'DoubleLiteral':
      return String(lit.value)
    case 'NullLiteral':
      return 'null'
  }
}

const INT_RE = /^[+-]?\d+$/

/** Kafka's ConfigDef.parseType; returns the value or the problem text. */
function parseType(def: Def, lit: Literal): PropValue | { problem: string } {
  const text = literalText(lit)
  switch (def.type) {
    case 'STRING':
      return lit.kind === 'StringLiteral'
        ? lit.value.trim()
        : { problem: `Expected value to be a string, but it was a ${javaClass(lit)}` }
    case 'BOOLEAN':
      if (lit.kind === 'BooleanLiteral') return lit.value
      if (lit.kind === 'StringLiteral') {
        const t = lit.value.trim().toLowerCase()
        if (t === 'true' || t === 'false') return t === 'true'
      }
      return { problem: 'Expected value to be either true or false' }
    case 'INT':
      if (lit.kind === 'IntegerLiteral') return lit.value
      if (lit.kind === 'StringLiteral') {
        const t = lit.value.trim()
        if (INT_RE.test(t) && BigInt(t) >= -(2n ** 31n) && BigInt(t) < 2n ** 31n) return Number(t)
        return { problem: 'Not a number of type INT' }
      }
      return { problem: `Expected value to be a 32-bit integer, but it was a ${javaClass(lit)}` }
    case 'SHORT': {
      // PropertiesConfig turns any number into a short first (Number.shortValue truncates).
      if (lit.kind === 'IntegerLiteral' || lit.kind === 'LongLiteral') return toShort(BigInt(lit.value))
      if (lit.kind === 'DecimalLiteral' || lit.kind === 'DoubleLiteral') {
        return toShort(BigInt(Math.trunc(Number(lit.value))))
      }
      if (lit.kind === 'StringLiteral') {
        const t = lit.value.trim()
        if (INT_RE.test(t) && BigInt(t) >= -32768n && BigInt(t) <= 32767n) return Number(t)
        return { problem: 'Not a number of type SHORT' }
      }
      return { problem: `Expected value to be a 16-bit integer (short), but it was a ${javaClass(lit)}` }
    }
    case 'LONG':
      if (lit.kind === 'IntegerLiteral' || lit.kind === 'LongLiteral') return BigInt(lit.value)
      if (lit.kind === 'StringLiteral') {
        const t = lit.value.trim()
        if (INT_RE.test(t) && BigInt(t) >= -(2n ** 63n) && BigInt(t) < 2n ** 63n) return BigInt(t)
        return { problem: 'Not a number of type LONG' }
      }
      return { problem: `Expected value to be a 64-bit integer (long), but it was a ${javaClass(lit)}` }
  }
  return { problem: text }
}

function toShort(v: bigint): number {
  return Number(BigInt.asIntN(16, v))
}

const TIME_UNITS: Readonly<Record<string, number>> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
}

/** ksqlDB's DurationParser: `<long> <unit>` → ms, or the problem text. */
export function parseDuration(text: string): number | string {
  const parts = text.trim().split(/\s+/)
  if (parts.length !== 2) return `Expected 2 tokens, got: ${parts.length}`
  const [amount = '', unit = ''] = parts
  if (!INT_RE.test(amount)) return `Not numeric: '${amount}'`
  const upper = unit.toUpperCase()
  const plural = upper.endsWith('S') ? upper : `${upper}S`
  const ms = TIME_UNITS[plural]
  if (ms === undefined) {
    return `Unknown time unit: '${upper}'\nSupported time units are: ${Object.keys(TIME_UNITS).join(', ')}`
  }
  return Math.floor(Number(amount) * ms)
}

/** java.time DateTimeFormatter.ofPattern's checks: the problem with a pattern, or undefined. */
export function dateTimePatternProblem(pattern: string): string | undefined {
  const letters = new Set('GuyDMLdQqYwWEecFahKkHmsSAnNVvzOXxZpg')
  let depth = 0
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1)
      if (end < 0) return `Pattern ends with an incomplete string literal: ${pattern}`
      i = end
    } else if (/[A-Za-z]/.test(ch)) {
      if (!letters.has(ch)) return `Unknown pattern letter: ${ch}`
      let j = i
      while (j + 1 < pattern.length && pattern[j + 1] === ch) j++
      const count = j - i + 1
      if ((ch === 'a' && count > 1) || (ch === 'S' && count > 9) || ('dHhKkmsD'.includes(ch) && count > 3)) {
        return `Too many pattern letters: ${ch}`
      }
      i = j
    } else if (ch === '[') {
      depth++
    } else if (ch === ']') {
      if (depth === 0) return 'Pattern invalid as it contains ] without previous ['
      depth--
    } else if (ch === '{' || ch === '}' || ch === '#') {
      return `Pattern includes reserved character: '${ch}'`
    }
  }
  return undefined
}

/** A validated WITH clause: upper-cased names to parsed values. */
export class WithClause {
  constructor(
    private readonly values: ReadonlyMap<string, PropValue>,
    private readonly spans: ReadonlyMap<string, Span>,
  ) {}

  has(name: string): boolean {
    return this.values.has(name)
  }

  string(name: string): string | undefined {
    const v = this.values.get(name)
    return v === undefined ? undefined : String(v)
  }

  int(name: string): number | undefined {
    const v = this.values.get(name)
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined
  }

  boolean(name: string): boolean | undefined {
    const v = this.values.get(name)
    return typeof v === 'boolean' ? v : undefined
  }

  span(name: string): Span | undefined {
    return this.spans.get(name)
  }

  /** FORMAT, else KEY_FORMAT, upper-cased. */
  keyFormat(): string | undefined {
    return (this.string('FORMAT') ?? this.string('KEY_FORMAT'))?.toUpperCase()
  }

  /** FORMAT, else VALUE_FORMAT, upper-cased. */
  valueFormat(): string | undefined {
    return (this.string('FORMAT') ?? this.string('VALUE_FORMAT'))?.toUpperCase()
  }

  windowType(): WindowType | undefined {
    return this.string('WINDOW_TYPE')?.toUpperCase() as WindowType | undefined
  }

  windowSizeMs(): number | undefined {
    const s = this.string('WINDOW_SIZE')
    if (s === undefined) return undefined
    const d = parseDuration(s)
    return typeof d === 'number' ? d : undefined
  }
}

/**
 * Parses and validates a WITH clause for CREATE STREAM/TABLE (`'CREATE'`) or CREATE ... AS SELECT
 * (`'CREATE_AS'`). Throws SqlPlanError with ksqlDB's messages, in ksqlDB's order: value types and
 * per-property validators in definition order, unknown names, FORMAT conflicts, TIMESTAMP_FORMAT,
 * window properties.
 */
/** Parses and validates a WITH clause; its errors are statement-preparation errors, as in ksqlDB. */
export function parseWithClause(properties: readonly Property[], kind: 'CREATE' | 'CREATE_AS'): WithClause {
  try {
    return parseWithClauseUnchecked(properties, kind)
  } catch (err) {
    if (err instanceof EddyError) throw preparing(err)
    throw err
  }
}

function parseWithClauseUnchecked(properties: readonly Property[], kind: 'CREATE' | 'CREATE_AS'): WithClause {
  const defs = kind === 'CREATE' ? CREATE_DEFS : CREATE_AS_DEFS
  const given = new Map<string, Property>()
  for (const p of properties) given.set(p.name.toUpperCase(), p)
  const values = new Map<string, PropValue>()
  const spans = new Map<string, Span>()
  for (const def of defs) {
    const p = given.get(def.name)
    if (p === undefined || p.value.kind === 'NullLiteral') {
      if (def.required === true) {
        throw new SqlPlanError(`Missing required property "${def.name}" which has no default value.`)
      }
      continue
    }
    const parsed = parseType(def, p.value)
    if (typeof parsed === 'object') {
      throw new SqlPlanError(
        `Invalid value ${literalText(p.value)} for property ${def.name}: ${parsed.problem}`,
        p.span,
      )
    }
    const problem = def.validate?.(parsed, literalText(p.value))
    if (problem !== undefined) throw new SqlPlanError(problem, p.span)
    values.set(def.name, parsed)
    spans.set(def.name, p.span)
  }
  const known = new Set(defs.map((d) => d.name))
  const unknown = [...given.keys()].filter((n) => !known.has(n))
  if (unknown.length > 0) {
    throw new SqlPlanError(
      `Invalid config variable(s) in the WITH clause: ${unknown.join(',')}`,
      given.get(unknown[0] as string)?.span,
    )
  }
  if (values.has('FORMAT')) {
    for (const other of ['KEY_FORMAT', 'VALUE_FORMAT']) {
      if (values.has(other)) {
        throw new SqlPlanError(
          `Cannot supply both '${other}' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`,
          spans.get(other),
        )
      }
    }
  }
  if (values.has('VALUE_AVRO_SCHEMA_FULL_NAME') && values.has('VALUE_SCHEMA_FULL_NAME')) {
    throw new SqlPlanError(
      "Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties. Please only set 'VALUE_SCHEMA_FULL_NAME'.",
    )
  }
  const tsFormat = values.get('TIMESTAMP_FORMAT')
  if (tsFormat !== undefined) {
    const problem = dateTimePatternProblem(String(tsFormat))
    if (problem !== undefined) {
      throw new SqlPlanError(
        `Invalid datetime format for config:TIMESTAMP_FORMAT, reason:${problem}`,
        spans.get('TIMESTAMP_FORMAT'),
      )
    }
  }
  const clause = new WithClause(values, spans)
  if (kind === 'CREATE') {
    const type = clause.windowType()
    const hasSize = values.has('WINDOW_SIZE')
    const requiresSize = type !== undefined && type !== 'SESSION'
    if (requiresSize && !hasSize) {
      throw new SqlPlanError(
        `${type} windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'`,
        spans.get('WINDOW_TYPE'),
      )
    }
    if (!requiresSize && hasSize) {
      throw new SqlPlanError("'WINDOW_SIZE' should not be set for SESSION windows.", spans.get('WINDOW_SIZE'))
    }
  }
  return clause
}
