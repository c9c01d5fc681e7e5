/**
 * SHOW / LIST and DESCRIBE: tables of text in the shape of ksqlDB's CLI output.
 */
import type { DescribeFunction, DescribeSource, DescribeStreams, Show } from '../ast/statements.js'
import type { FormatSpec, SourceDef } from '../catalog/source.js'
import { SqlPlanError } from '../errors.js'
import type { FunctionInfo, FunctionRegistry } from '../functions/registry.js'
import type { Column } from '../types/schema.js'
import { typeToString } from '../types/type.js'
import type { DdlContext } from './ddl.js'
import type { Listing } from './results.js'

function formatName(f: FormatSpec): string {
  return f.format
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** `INTEGER (primary key)`, `STRING (key)`, `ARRAY<...> (headers)`, `BYTES (header('k'))`. */
function fieldType(c: Column, kind: SourceDef['kind']): string {
  const t = typeToString(c.type)
  if (c.namespace === 'KEY') return `${t} ${kind === 'TABLE' ? '(primary key)' : '(key)'}`
  if (c.headerKey === null) return `${t} (headers)`
  if (c.headerKey !== undefined) return `${t} (header('${c.headerKey}'))`
  return t
}

function fieldRows(s: SourceDef): string[][] {
  return [...s.schema.key, ...s.schema.value].map((c) => [c.name, fieldType(c, s.kind)])
}

function windowText(s: SourceDef): string {
  return s.window === undefined ? 'false' : s.window.type
}

async function topicText(s: SourceDef, ctx: DdlContext): Promise<string> {
  try {
    const d = await ctx.backend.describeTopic(s.topic)
    return `${s.topic} (partitions: ${d.partitions.length}, replication: ${d.replicas})`
  } catch {
    return s.topic
  }
}

/** DESCRIBE EXTENDED's extra lines, as `name | value` rows after a blank separator. */
async function extendedRows(s: SourceDef, ctx: DdlContext): Promise<string[][]> {
  const rows: string[][] = [
    ['', ''],
    ['Type', s.kind],
    ['Timestamp field', s.timestampColumn ?? 'Not set - using <ROWTIME>'],
    ['Key format', formatName(s.keyFormat)],
    ['Value format', formatName(s.valueFormat)],
    ['Kafka topic', await topicText(s, ctx)],
  ]
  if (s.window !== undefined) {
    rows.push([
      'Window',
      `${s.window.type}${s.window.sizeMs !== undefined ? ` (${s.window.sizeMs} ms)` : ''}`,
    ])
  }
  if (s.writtenBy !== undefined) rows.push(['Written by', s.writtenBy])
  if (s.isSource) rows.push(['Read-only', 'true'])
  rows.push(['Statement', s.sql])
  return rows
}

function describeMissing(name: string): SqlPlanError {
  return new SqlPlanError(`Could not find STREAM/TABLE '${name}' in the Metastore`)
}

/** SHOW FUNCTIONS: every function (built-in and user) with its category, by name. */
export function functionList(functions: FunctionRegistry, statement = ''): Listing {
  const rows = functions.list().map((f) => {
    const info = functions.info(f.name)
    return [f.name, info?.category ?? f.type]
  })
  return { kind: 'Listing', statement, type: 'function_names', columns: ['Function Name', 'Category'], rows }
}

/**
 * DESCRIBE FUNCTION name, as ksqlDB's CLI prints it: Name, Author and Version (when set),
 * Overview (the function's description, when set), Type, Jar, then each variation's arguments,
 * return type, description and parameter descriptions. Rows are [label, value]; a variation's
 * rows have labels indented by two spaces and start after an empty row (see
 * `formatFunctionDescription`).
 */
export function describeFunction(functions: FunctionRegistry, name: string, statement = ''): Listing {
  const info = functions.info(name)
  if (info === undefined) throw new SqlPlanError(`Can't find any functions with the name '${name}'`)
  return {
    kind: 'Listing',
    statement,
    type: 'describe_function',
    columns: ['Field', 'Value'],
    rows: functionRows(info),
  }
}

function functionRows(info: FunctionInfo): string[][] {
  const rows: string[][] = [['Name', info.name]]
  if (info.author.trim() !== '') rows.push(['Author', info.author])
  if (info.version.trim() !== '') rows.push(['Version', info.version])
  if (info.description.trim() !== '') rows.push(['Overview', info.description.trim()])
  rows.push(['Type', info.type], ['Jar', info.source], ['Variations', ''])
  for (const v of info.variations) {
    rows.push(['', ''])
    rows.push(['  Variation', `${info.name}${v.arguments}`])
    rows.push(['  Returns', v.returns])
    if (v.description.trim() !== '') rows.push(['  Description', v.description.trim()])
    for (const a of v.params ?? []) rows.push([`  ${a.name}`, a.description.trim()])
  }
  return rows
}

/**
 * SHOW/LIST STREAMS|TABLES|TOPICS|TYPES|PROPERTIES|FUNCTIONS, DESCRIBE [EXTENDED] source, DESCRIBE
 * STREAMS, DESCRIBE FUNCTION. (SHOW QUERIES / VARIABLES are the engine's: it owns queries and
 * variables.) FUNCTIONS need `ctx.functions`.
 */
export async function listing(
  stmt: Show | DescribeSource | DescribeStreams | DescribeFunction,
  ctx: DdlContext & { readonly functions?: FunctionRegistry },
  statement = '',
): Promise<Listing> {
  const { catalog } = ctx
  const list = (type: string, columns: string[], rows: string[][]): Listing => ({
    kind: 'Listing',
    statement,
    type,
    columns,
    rows,
  })
  switch (stmt.kind) {
    case 'DescribeSource': {
      const s = catalog.source(stmt.name)
      if (s === undefined) throw describeMissing(stmt.name)
      const rows = fieldRows(s)
      if (stmt.extended) rows.push(...(await extendedRows(s, ctx)))
      return list('sourceDescription', ['Field', 'Type'], rows)
    }
    case 'DescribeStreams': {
      const rows: string[][] = []
      for (const s of catalog
        .sources()
        .filter((x) => x.kind === 'STREAM')
        .sort(byName)) {
        for (const [field, type] of fieldRows(s)) rows.push([s.name, field ?? '', type ?? ''])
      }
      return list('sourceDescriptionList', ['Name', 'Field', 'Type'], rows)
    }
    case 'DescribeFunction':
      if (ctx.functions === undefined)
        throw new SqlPlanError('DESCRIBE FUNCTION needs the function registry.')
      return describeFunction(ctx.functions, stmt.name, statement)
    case 'Show':
      break
  }
  switch (stmt.target) {
    case 'STREAMS':
    case 'TABLES': {
      const kind = stmt.target === 'STREAMS' ? 'STREAM' : 'TABLE'
      const sources = catalog
        .sources()
        .filter((s) => s.kind === kind)
        .sort(byName)
      const first = kind === 'STREAM' ? 'Stream Name' : 'Table Name'
      const rows = sources.map((s) => [
        s.name,
        s.topic,
        formatName(s.keyFormat),
        formatName(s.valueFormat),
        windowText(s),
      ])
      if (!stmt.extended) {
        return list(
          stmt.target.toLowerCase(),
          [first, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
          rows,
        )
      }
      const extended: string[][] = []
      for (const s of sources) {
        extended.push([
          s.name,
          s.topic,
          formatName(s.keyFormat),
          formatName(s.valueFormat),
          windowText(s),
          s.sql,
        ])
      }
      return list(
        'sourceDescriptionList',
        [first, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed', 'Statement'],
        extended,
      )
    }
    case 'TOPICS': {
      const names = (await ctx.backend.listTopics()).filter((t) => stmt.all || !t.startsWith('_'))
      const rows: string[][] = []
      for (const name of names) {
        const d = await ctx.backend.describeTopic(name)
        const row = [name, String(d.partitions.length), Array(d.partitions.length).fill(d.replicas).join(' ')]
        if (stmt.extended) {
          const users = catalog
            .sources()
            .filter((s) => s.topic === name)
            .map((s) => s.name)
            .sort()
          row.push(users.join(', '))
        }
        rows.push(row)
      }
      const columns = ['Kafka Topic', 'Partitions', 'Partition Replicas']
      if (stmt.extended) columns.push('Sources')
      return list(stmt.extended ? 'kafka_topics_extended' : 'kafka_topics', columns, rows)
    }
    case 'TYPES':
      return list(
        'type_list',
        ['Type Name', 'Schema'],
        catalog
          .types()
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, t]) => [name, typeToString(t)]),
      )
    case 'PROPERTIES':
      return list(
        'properties',
        ['Property', 'Scope', 'Level', 'Value'],
        ctx.properties.listing().map((p) => [p.name, p.scope, p.level, p.value]),
      )
    case 'FUNCTIONS':
      if (ctx.functions === undefined)
        throw new SqlPlanError('SHOW FUNCTIONS needs the function registry.', stmt.span)
      return functionList(ctx.functions, statement)
    case 'CONNECTORS':
    case 'CONNECTOR_PLUGINS':
      throw new SqlPlanError('Failed to list connectors: Eddy has no Kafka Connect cluster.', stmt.span)
    default:
      throw new SqlPlanError(`SHOW ${stmt.target} is not supported here.`, stmt.span)
  }
}
