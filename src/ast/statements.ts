import type { Expr, Literal } from './expressions.js'
import type { Node } from './span.js'
import type { Duration, SqlType } from './types.js'

/**
 * Every statement form of ksqlDB's grammar (SqlBase.g4 `statement`, plus the test-only
 * `assertStatement` forms and RUN SCRIPT), as readonly data tagged by `kind`. Names of sources,
 * columns, types and properties are strings: upper-cased unless quoted in the text.
 */
export type Statement =
  | Query
  | Show
  | DescribeSource
  | DescribeStreams
  | DescribeFunction
  | ReloadFunctions
  | DescribeConnector
  | PrintTopic
  | TerminateQuery
  | PauseQuery
  | ResumeQuery
  | SetProperty
  | UnsetProperty
  | AlterSystemProperty
  | DefineVariable
  | UndefineVariable
  | CreateStream
  | CreateTable
  | CreateStreamAsSelect
  | CreateTableAsSelect
  | CreateConnector
  | InsertInto
  | InsertValues
  | DropStream
  | DropTable
  | DropConnector
  | DropType
  | Explain
  | RegisterType
  | AlterSource
  | AssertTopic
  | AssertSchema
  | TestStatement

/** Statements only the test runners accept (`parseStatements(text, { testStatements: true })`). */
export type TestStatement = AssertValues | AssertTombstone | AssertStream | AssertTable | RunScript

export type StatementKind = Statement['kind']

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * `SELECT ... FROM ... [WINDOW] [WHERE] [GROUP BY] [PARTITION BY] [HAVING] [EMIT CHANGES|FINAL]
 * [ORDER BY] [LIMIT n]`. A query with `emit` is a push query; without, a pull query. ORDER BY is
 * an Eddy extension for pull queries (ksqlDB rejects it; the analyzer decides where it is allowed).
 */
export interface Query extends Node<'Query'> {
  readonly select: readonly SelectItem[]
  readonly from: Relation
  readonly window?: WindowExpression
  readonly where?: Expr
  readonly groupBy?: readonly Expr[]
  readonly partitionBy?: readonly Expr[]
  readonly having?: Expr
  readonly emit?: 'CHANGES' | 'FINAL'
  readonly orderBy?: readonly OrderItem[]
  readonly limit?: number
}

export type SelectItem = SingleColumn | AllColumns | StructAll

/** `expr [[AS] alias]` */
export interface SingleColumn extends Node<'SingleColumn'> {
  readonly expr: Expr
  readonly alias?: string
}

/** `*` or `source.*` */
export interface AllColumns extends Node<'AllColumns'> {
  readonly source?: string
}

/** `structExpr->*`: every field of a struct. */
export interface StructAll extends Node<'StructAll'> {
  readonly base: Expr
}

export interface OrderItem extends Node<'OrderItem'> {
  readonly expr: Expr
  readonly descending: boolean
}

export type Relation = AliasedRelation | Join

/** A source in FROM / JOIN with an optional alias. */
export interface AliasedRelation extends Node<'AliasedRelation'> {
  readonly name: string
  readonly alias?: string
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'

/** `left <type> JOIN right [WITHIN ...] ON criteria`. N-way joins nest on the left. */
export interface Join extends Node<'Join'> {
  readonly joinType: JoinType
  readonly left: Relation
  readonly right: AliasedRelation
  readonly within?: JoinWindow
  readonly on: Expr
}

/**
 * `WITHIN n unit [GRACE PERIOD ...]` (symmetric: before = after) or
 * `WITHIN (before, after) [GRACE PERIOD ...]`.
 */
export interface JoinWindow extends Node<'JoinWindow'> {
  readonly before: Duration
  readonly after: Duration
  readonly symmetric: boolean
  readonly grace?: Duration
}

export type WindowExpression = TumblingWindow | HoppingWindow | SessionWindow

export interface TumblingWindow extends Node<'TumblingWindow'> {
  readonly size: Duration
  readonly retention?: Duration
  readonly grace?: Duration
}

export interface HoppingWindow extends Node<'HoppingWindow'> {
  readonly size: Duration
  readonly advance: Duration
  readonly retention?: Duration
  readonly grace?: Duration
}

export interface SessionWindow extends Node<'SessionWindow'> {
  readonly gap: Duration
  readonly retention?: Duration
  readonly grace?: Duration
}

// ---------------------------------------------------------------------------------------------
// Listing and introspection

export type ShowTarget =
  | 'PROPERTIES'
  | 'TOPICS'
  | 'STREAMS'
  | 'TABLES'
  | 'FUNCTIONS'
  | 'CONNECTORS'
  | 'CONNECTOR_PLUGINS'
  | 'TYPES'
  | 'VARIABLES'
  | 'QUERIES'

/** `SHOW|LIST target`: `all` only for TOPICS, `extended` for TOPICS/STREAMS/TABLES/QUERIES, `connectorType` for CONNECTORS. */
export interface Show extends Node<'Show'> {
  readonly target: ShowTarget
  readonly all: boolean
  readonly extended: boolean
  readonly connectorType?: 'SOURCE' | 'SINK'
}

/** `DESCRIBE source [EXTENDED]` */
export interface DescribeSource extends Node<'DescribeSource'> {
  readonly name: string
  readonly extended: boolean
}

/** `DESCRIBE STREAMS [EXTENDED]` */
export interface DescribeStreams extends Node<'DescribeStreams'> {
  readonly extended: boolean
}

export interface DescribeFunction extends Node<'DescribeFunction'> {
  readonly name: string
}

/** `RELOAD FUNCTIONS`: Eddy's extension, re-imports the user function modules (not in ksqlDB). */
export type ReloadFunctions = Node<'ReloadFunctions'>

export interface DescribeConnector extends Node<'DescribeConnector'> {
  readonly name: string
}

/** `PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]`; a quoted topic keeps its case. */
export interface PrintTopic extends Node<'PrintTopic'> {
  readonly topic: string
  readonly fromBeginning: boolean
  readonly interval?: number
  readonly limit?: number
}

// ---------------------------------------------------------------------------------------------
// Query lifecycle

/** `TERMINATE queryId` or `TERMINATE ALL` (then `queryId` is absent). */
export interface TerminateQuery extends Node<'TerminateQuery'> {
  readonly queryId?: string
}

export interface PauseQuery extends Node<'PauseQuery'> {
  readonly queryId?: string
}

export interface ResumeQuery extends Node<'ResumeQuery'> {
  readonly queryId?: string
}

// ---------------------------------------------------------------------------------------------
// Session

/** `SET 'name' = 'value'` */
export interface SetProperty extends Node<'SetProperty'> {
  readonly name: string
  readonly value: string
}

export interface UnsetProperty extends Node<'UnsetProperty'> {
  readonly name: string
}

/** `ALTER SYSTEM 'name' = 'value'` */
export interface AlterSystemProperty extends Node<'AlterSystemProperty'> {
  readonly name: string
  readonly value: string
}

/** `DEFINE name = 'value'`; variable names keep their case. */
export interface DefineVariable extends Node<'DefineVariable'> {
  readonly name: string
  readonly value: string
}

export interface UndefineVariable extends Node<'UndefineVariable'> {
  readonly name: string
}

// ---------------------------------------------------------------------------------------------
// DDL

/** A `WITH (...)` entry. Names are upper-cased (quoted string names keep their text). */
export interface Property extends Node<'Property'> {
  readonly name: string
  readonly value: Literal
}

export type ColumnConstraint =
  | { readonly kind: 'Key' }
  | { readonly kind: 'PrimaryKey' }
  | { readonly kind: 'Headers' }
  | { readonly kind: 'Header'; readonly key: string }

/** A column in a CREATE column list: `name type [KEY | PRIMARY KEY | HEADERS | HEADER('k')]`. */
export interface TableElement extends Node<'TableElement'> {
  readonly name: string
  readonly type: SqlType
  readonly constraint?: ColumnConstraint
}

interface CreateSourceFields {
  readonly orReplace: boolean
  /** `CREATE SOURCE STREAM|TABLE`: read-only, materialized for pull queries. */
  readonly isSource: boolean
  readonly ifNotExists: boolean
  readonly name: string
  /** Absent when no column list was written (schema inferred from a registry). */
  readonly elements?: readonly TableElement[]
  readonly properties: readonly Property[]
}

/** `CREATE [OR REPLACE] [SOURCE] STREAM [IF NOT EXISTS] name [(cols)] [WITH (...)]` */
export interface CreateStream extends Node<'CreateStream'>, CreateSourceFields {}

/** `CREATE [OR REPLACE] [SOURCE] TABLE [IF NOT EXISTS] name [(cols)] [WITH (...)]` */
export interface CreateTable extends Node<'CreateTable'>, CreateSourceFields {}

interface CreateAsSelectFields {
  readonly orReplace: boolean
  readonly ifNotExists: boolean
  readonly name: string
  readonly properties: readonly Property[]
  readonly query: Query
}

/** CSAS: `CREATE [OR REPLACE] STREAM [IF NOT EXISTS] name [WITH (...)] AS SELECT ...` */
export interface CreateStreamAsSelect extends Node<'CreateStreamAsSelect'>, CreateAsSelectFields {}

/** CTAS: `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT ...` */
export interface CreateTableAsSelect extends Node<'CreateTableAsSelect'>, CreateAsSelectFields {}

/** `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH (...)` */
export interface CreateConnector extends Node<'CreateConnector'> {
  readonly connectorType: 'SOURCE' | 'SINK'
  readonly ifNotExists: boolean
  readonly name: string
  readonly properties: readonly Property[]
}

/** `INSERT INTO target [WITH (...)] SELECT ...` */
export interface InsertInto extends Node<'InsertInto'> {
  readonly target: string
  readonly properties: readonly Property[]
  readonly query: Query
}

/** `INSERT INTO target [(cols)] VALUES (e, ...)` */
export interface InsertValues extends Node<'InsertValues'> {
  readonly target: string
  readonly columns?: readonly string[]
  readonly values: readonly Expr[]
}

interface DropSourceFields {
  readonly ifExists: boolean
  readonly name: string
  readonly deleteTopic: boolean
}

export interface DropStream extends Node<'DropStream'>, DropSourceFields {}
export interface DropTable extends Node<'DropTable'>, DropSourceFields {}

export interface DropConnector extends Node<'DropConnector'> {
  readonly ifExists: boolean
  readonly name: string
}

/** `CREATE TYPE [IF NOT EXISTS] name AS type` */
export interface RegisterType extends Node<'RegisterType'> {
  readonly ifNotExists: boolean
  readonly name: string
  readonly type: SqlType
}

export interface DropType extends Node<'DropType'> {
  readonly ifExists: boolean
  readonly name: string
}

/** `EXPLAIN statement` or `EXPLAIN queryId` (exactly one of the two is present). */
export interface Explain extends Node<'Explain'> {
  readonly statement?: Statement
  readonly queryId?: string
}

export interface AlterColumn {
  readonly name: string
  readonly type: SqlType
}

/** `ALTER STREAM|TABLE name ADD [COLUMN] c type [, ADD [COLUMN] c type ...]` */
export interface AlterSource extends Node<'AlterSource'> {
  readonly sourceType: 'STREAM' | 'TABLE'
  readonly name: string
  readonly columns: readonly AlterColumn[]
}

/** `ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n unit]` */
export interface AssertTopic extends Node<'AssertTopic'> {
  readonly exists: boolean
  readonly topic: string
  readonly properties: readonly Property[]
  readonly timeout?: Duration
}

/** `ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID n] [TIMEOUT n unit]` */
export interface AssertSchema extends Node<'AssertSchema'> {
  readonly exists: boolean
  readonly subject?: string
  readonly id?: number
  readonly timeout?: Duration
}

// ---------------------------------------------------------------------------------------------
// Test-runner-only statements

/** `ASSERT VALUES source [(cols)] VALUES (...)` */
export interface AssertValues extends Node<'AssertValues'> {
  readonly source: string
  readonly columns?: readonly string[]
  readonly values: readonly Expr[]
}

/** `ASSERT NULL VALUES source [(cols)] KEY (...)` — a tombstone for that key. */
export interface AssertTombstone extends Node<'AssertTombstone'> {
  readonly source: string
  readonly columns?: readonly string[]
  readonly keys: readonly Expr[]
}

interface AssertSourceFields {
  readonly name: string
  readonly elements?: readonly TableElement[]
  readonly properties: readonly Property[]
}

export interface AssertStream extends Node<'AssertStream'>, AssertSourceFields {}
export interface AssertTable extends Node<'AssertTable'>, AssertSourceFields {}

/** `RUN SCRIPT 'path'` (a CLI command in ksqlDB; rejected by the normal parser). */
export interface RunScript extends Node<'RunScript'> {
  readonly path: string
}
