import { parseStatements } from '../../grammar/parse.js'
import type { TableElement } from '../ast/statements.js'
import type { SerdeFeatures, SourceDef } from '../catalog/source.js'
import type { TopicBackend } from '../log/topic-backend.js'
import type { Column } from '../types/schema.js'
import { resolveType, type Type, typeEquals, typeToString } from '../types/type.js'
import { JsonDecimal, type JsonObject, type JsonValue } from './jsonc.js'
import type { PostConditions, PostSource, PostTopic } from './types.js'

/**
 * The `post` checks of a QTT case (ksqlDB's PostConditions), run after the outputs matched:
 * sources that must exist in the catalog (type, schema, formats, serde features, read-only), no
 * topic matching the blacklist, and topics that must exist with given formats and partitions.
 */
export interface PostContext {
  source(name: string): SourceDef | undefined
  sources(): readonly SourceDef[]
  readonly backend: TopicBackend
}

/** ksqlDB's names of serde features, as posts list them. */
export function featureNames(f: SerdeFeatures): string[] {
  if (f.wrapSingle === true) return ['WRAP_SINGLES']
  if (f.wrapSingle === false) return ['UNWRAP_SINGLES']
  return []
}

/**
 * A post schema (`ID BIGINT KEY, NAME STRING`, or with `PRIMARY KEY`) as columns, read by Eddy's
 * parser as the column list of a CREATE STREAM (or, for `PRIMARY KEY`, of a CREATE TABLE).
 */
export function parsePostSchema(text: string): Column[] {
  let first: unknown
  for (const kind of ['STREAM', 'TABLE']) {
    try {
      const parsed = parseStatements(
        `CREATE ${kind} POST_SCHEMA (${text}) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`,
      )
      const stmt = parsed[0]?.statement
      if (stmt === undefined || (stmt.kind !== 'CreateStream' && stmt.kind !== 'CreateTable')) break
      if (stmt.elements === undefined) break
      return stmt.elements.map(toColumn)
    } catch (err) {
      first ??= err
    }
  }
  if (first instanceof Error) throw first
  throw new Error(`not a column list: ${text}`)
}

function toColumn(e: TableElement): Column {
  const type = resolveType(e.type)
  const c = e.constraint
  if (c?.kind === 'Key' || c?.kind === 'PrimaryKey') return { name: e.name, type, namespace: 'KEY' }
  if (c?.kind === 'Headers') return { name: e.name, type, namespace: 'VALUE', headerKey: null }
  if (c?.kind === 'Header') return { name: e.name, type, namespace: 'VALUE', headerKey: c.key }
  return { name: e.name, type, namespace: 'VALUE' }
}

function columnText(c: Column): string {
  const suffix =
    c.namespace === 'KEY'
      ? ' KEY'
      : c.headerKey === null
        ? ' HEADERS'
        : c.headerKey !== undefined
          ? ` HEADER('${c.headerKey}')`
          : ''
  return `\`${c.name}\` ${typeToString(c.type)}${suffix}`
}

export function schemaText(columns: readonly Column[]): string {
  return columns.map(columnText).join(', ')
}

function sameColumns(a: readonly Column[], b: readonly Column[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (
      x.name !== y.name ||
      x.namespace !== y.namespace ||
      (x.headerKey ?? 'none') !== (y.headerKey ?? 'none')
    ) {
      return false
    }
    if (!typeEquals(x.type as Type, y.type as Type)) return false
  }
  return true
}

function findSource(ctx: PostContext, name: string): SourceDef | undefined {
  return ctx.source(name) ?? ctx.source(name.toUpperCase()) ?? ctx.sources().find((s) => s.name === name)
}

function sameFeatures(expected: readonly string[], actual: readonly string[]): boolean {
  const e = [...expected].map((f) => f.toUpperCase()).sort()
  const a = [...actual].sort()
  return e.length === a.length && e.every((f, i) => f === a[i])
}

function checkSource(ctx: PostContext, p: PostSource): string | undefined {
  const s = findSource(ctx, p.name)
  const where = `post source ${p.name}`
  if (s === undefined) {
    const known = ctx
      .sources()
      .map((x) => x.name)
      .join(', ')
    return `${where}: not in the catalog (sources: ${known === '' ? 'none' : known})`
  }
  if (p.type.toUpperCase() !== s.kind)
    return `${where}: expected a ${p.type}, but it is a ${s.kind.toLowerCase()}`
  if (p.schema !== undefined) {
    let expected: Column[]
    try {
      expected = parsePostSchema(p.schema)
    } catch (err) {
      return `${where}: cannot read the expected schema ${JSON.stringify(p.schema)}: ${(err as Error).message}`
    }
    const actual = [...s.schema.key, ...s.schema.value]
    const expKey = expected.filter((c) => c.namespace === 'KEY')
    const expValue = expected.filter((c) => c.namespace !== 'KEY')
    if (!sameColumns(expKey, s.schema.key) || !sameColumns(expValue, s.schema.value)) {
      return `${where}: expected schema ${schemaText(expected)} but was ${schemaText(actual)}`
    }
  }
  if (p.keyFormat !== undefined) {
    const kf = p.keyFormat
    if (kf.format !== undefined && kf.format.toUpperCase() !== s.keyFormat.format.toUpperCase()) {
      return `${where}: expected key format ${kf.format} but was ${s.keyFormat.format}`
    }
    const actualType = s.window?.type
    if ((kf.windowType ?? undefined) !== actualType) {
      return `${where}: expected window type ${kf.windowType ?? 'none'} but was ${actualType ?? 'none'}`
    }
    if ((kf.windowSize ?? undefined) !== s.window?.sizeMs) {
      return `${where}: expected window size ${kf.windowSize ?? 'none'} but was ${s.window?.sizeMs ?? 'none'}`
    }
  }
  if (p.valueFormat !== undefined && p.valueFormat.toUpperCase() !== s.valueFormat.format.toUpperCase()) {
    return `${where}: expected value format ${p.valueFormat} but was ${s.valueFormat.format}`
  }
  if (p.keyFeatures !== undefined && !sameFeatures(p.keyFeatures, featureNames(s.keyFeatures))) {
    return `${where}: expected key features [${p.keyFeatures.join(', ')}] but were [${featureNames(s.keyFeatures).join(', ')}]`
  }
  if (p.valueFeatures !== undefined && !sameFeatures(p.valueFeatures, featureNames(s.valueFeatures))) {
    return `${where}: expected value features [${p.valueFeatures.join(', ')}] but were [${featureNames(s.valueFeatures).join(', ')}]`
  }
  if (p.isSource !== undefined && p.isSource !== s.isSource) {
    return `${where}: expected isSource ${p.isSource} but was ${s.isSource}`
  }
  return undefined
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof JsonDecimal) return v.toNumber()
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v)
  return undefined
}

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
    ? (v as JsonObject)
    : undefined
}

/** Compares a post topic's `keyFormat` / `valueFormat` node with a source's format. */
function checkFormatNode(
  what: string,
  node: JsonObject,
  source: SourceDef,
  isKey: boolean,
): string | undefined {
  const format = isKey ? source.keyFormat : source.valueFormat
  const expectedFormat = str(node.format)
  if (expectedFormat !== undefined && expectedFormat.toUpperCase() !== format.format.toUpperCase()) {
    return `${what}: expected format ${expectedFormat} but was ${format.format}`
  }
  const features = Array.isArray(node.features) ? node.features.filter((f) => typeof f === 'string') : []
  const actualFeatures = featureNames(isKey ? source.keyFeatures : source.valueFeatures)
  if (!sameFeatures(features as string[], actualFeatures)) {
    return `${what}: expected features [${features.join(', ')}] but were [${actualFeatures.join(', ')}]`
  }
  const delimiter = str(obj(node.properties)?.delimiter)
  if (delimiter !== undefined && delimiter !== (format.delimiter ?? ',')) {
    return `${what}: expected delimiter ${JSON.stringify(delimiter)} but was ${JSON.stringify(format.delimiter ?? ',')}`
  }
  if (isKey) {
    const windowInfo = obj(node.windowInfo)
    const expType = str(windowInfo?.type)?.toUpperCase()
    if (expType !== source.window?.type) {
      return `${what}: expected window ${expType ?? 'none'} but was ${source.window?.type ?? 'none'}`
    }
    // ksqlDB writes the window size as a java.time.Duration in seconds.
    const size = num(windowInfo?.size)
    if (size !== undefined && source.window?.sizeMs !== size * 1000) {
      return `${what}: expected window size ${size}s but was ${source.window?.sizeMs ?? 'none'}ms`
    }
  }
  return undefined
}

async function checkTopic(
  ctx: PostContext,
  p: PostTopic,
  topics: readonly string[],
): Promise<string | undefined> {
  const where = `post topic ${p.name}`
  if (!topics.includes(p.name)) return `${where}: no such topic (topics: ${topics.join(', ')})`
  const source = ctx.sources().find((s) => s.topic === p.name)
  if (source !== undefined) {
    for (const [node, isKey] of [
      [p.keyFormat, true],
      [p.valueFormat, false],
    ] as const) {
      if (node === undefined) continue
      const problem = checkFormatNode(`${where} ${isKey ? 'key' : 'value'}`, node, source, isKey)
      if (problem !== undefined) return problem
    }
  }
  if (p.partitions !== undefined) {
    const actual = (await ctx.backend.describeTopic(p.name)).partitions.length
    if (actual !== p.partitions) return `${where}: expected ${p.partitions} partitions but has ${actual}`
  }
  return undefined
}

/** Runs the post checks; undefined when they hold, else the first problem (one line). */
export async function checkPost(post: PostConditions, ctx: PostContext): Promise<string | undefined> {
  for (const s of post.sources ?? []) {
    const problem = checkSource(ctx, s)
    if (problem !== undefined) return problem
  }
  const topics = await ctx.backend.listTopics()
  if (post.blacklist !== undefined) {
    let re: RegExp
    try {
      re = new RegExp(post.blacklist)
    } catch {
      return `post: invalid blacklist regex ${JSON.stringify(post.blacklist)}`
    }
    const hit = topics.filter((t) => re.test(t))
    if (hit.length > 0) return `post: blacklisted topics found: ${hit.join(', ')}`
  }
  for (const t of post.topics ?? []) {
    const problem = await checkTopic(ctx, t, topics)
    if (problem !== undefined) return problem
  }
  return undefined
}
