import { parseStatements } from '../../grammar/parse.js'
import type { Expr } from '../ast/expressions.js'
import type {
  CreateStreamAsSelect,
  CreateTableAsSelect,
  InsertInto,
  InsertValues,
  Query,
  Statement,
} from '../ast/statements.js'
import { Catalog } from '../catalog/catalog.js'
import type { SourceDef, SourceKind } from '../catalog/source.js'
import { EddyError, preparing, SqlPlanError } from '../errors.js'
import { castValue, compileExpr } from '../expr/compile.js'
import { typeOf } from '../expr/typer.js'
import { builtinFunctions } from '../functions/builtins.js'
import { type UdfLoadReport, UdfLoader } from '../functions/udf-loader.js'
import type { FunctionRegistry } from '../functions/registry.js'
import { EmbeddedBackend } from '../log/embedded/embedded-backend.js'
import type { OutRecord, TopicBackend } from '../log/topic-backend.js'
import { join } from 'node:path'
import { loadSnapshot, saveSnapshot } from './metastore-file.js'
import type { SinkTarget } from '../plan/logical/logical-plan.js'
import { type ProcessingLogEntry, ProcessingLog } from '../processing-log.js'
import type { OperatorContext } from '../runtime/operators/context.js'
import { keyOptions, valueOptions } from '../runtime/operators/source.js'
import { PersistentQuery } from '../runtime/query-runner.js'
import { PushQuery } from '../runtime/push-query.js'
import { LevelStateStore } from '../state/level-store.js'
import { MemoryStateStore, type StateStore } from '../state/state-store.js'
import { analyzeQuery } from '../analyzer/query-analyzer.js'
import { analyzePullQuery } from '../analyzer/pull-query.js'
import { type Materialization, TopicMaterialization } from '../runtime/materialization.js'
import { PullQueryExecution } from './pull-query.js'
import { optimize } from '../plan/optimizer/optimizer.js'
import { toSteps } from '../plan/physical/planner.js'
import { createSerde } from '../serde/serde.js'
import { withImplicitCasts } from '../analyzer/implicit-casts.js'
import { MemorySchemaRegistry, type SchemaRegistry } from '../serde/schema-registry.js'
import { registerSourceSchemas } from '../serde/registry-formats.js'
import { type Type, typeToString } from '../types/type.js'
import type { Value } from '../types/values.js'
import { type Column, type LogicalSchema, valueBodyColumns } from '../types/schema.js'
import {
  executeAlterSource,
  executeDropSource,
  executeDropType,
  executeRegisterType,
  planCreateSource,
  resolveSinkProperties,
  upgradeProblem,
} from './ddl.js'
import { queryOfStatement, validateUpgrade } from './query-upgrade.js'
import { levelDeclarations, migrateLevelState, RetainedMemoryStore } from './upgrade-state.js'
import { executeAssert } from './asserts.js'
import { listing } from './listings.js'
import { Properties } from './properties.js'
import { type PlannedPersistentQuery, planPersistentQuery, sinkSchema } from './queries.js'
import { internalTopics } from './internal-topics.js'
import { sanitizedStatementText } from './sanitized-statement.js'
import type { Listing, StatementResult } from './results.js'

export interface EngineOptions {
  readonly backend: TopicBackend
  /** ksqlDB properties (ksql.*, auto.offset.reset, ...) applied before any SET. */
  readonly properties?: Readonly<Record<string, string>>
  /** Test mode (QTT): every intermediate update is emitted (no output caching). */
  readonly testMode?: boolean
  /** Functions; the builtins by default. Tests may register extra (test-only) functions here. */
  readonly functions?: FunctionRegistry
  /**
   * Where the catalog and persistent query plans are kept across restarts (`metastore.json`).
   * Without it the engine forgets everything on close (the topic log may still be durable).
   */
  readonly stateDir?: string
  /**
   * Transient push queries keep following their source (true, the default, as ksqlDB does), or
   * end once they have read what the source held when they started (`eddy run` over a file).
   */
  readonly followPushQueries?: boolean
  /**
   * The schema registry of AVRO / JSON_SR topics. Default: an embedded one, kept in
   * `<stateDir>/schema-registry.json` when there is a state directory, else in memory.
   */
  readonly schemaRegistry?: SchemaRegistry
}

/**
 * The engine facade: statements in, results out (ksqlDB's KsqlEngine + EngineExecutor).
 *
 * - `execute(sql)` parses and runs each statement in order and returns one result per statement.
 *   It throws the first failure (an EddyError); statements before it stay applied, the failing one
 *   changed nothing: every statement is validated and planned against a copy of the catalog and
 *   properties, and only then applied.
 * - Persistent queries (CSAS/CTAS/INSERT INTO ... SELECT) process records when `runUntilIdle` is
 *   awaited (tests, `eddy run`) or continuously after `start()` (server, REPL).
 */
export interface EngineApi {
  execute(sql: string): Promise<StatementResult[]>
  runUntilIdle(): Promise<void>
  source(name: string): SourceDef | undefined
  sources(): readonly SourceDef[]
  readonly processingLog: readonly ProcessingLogEntry[]
  readonly backend: TopicBackend
  close(): Promise<void>
}

export class Engine implements EngineApi {
  readonly backend: TopicBackend
  readonly functions: FunctionRegistry
  readonly log = new ProcessingLog()
  /** User functions of `eddy.extension.dir` (loaded by `create`, reloaded by RELOAD FUNCTIONS). */
  readonly udfs: UdfLoader
  readonly schemaRegistry: SchemaRegistry
  private catalog = new Catalog()
  private properties: Properties
  private readonly variables = new Map<string, string>()
  private readonly queries = new Map<string, PersistentQuery>()
  private queryCounter = 0
  private running = false
  private readonly followPushQueries: boolean
  private stateDir: string | undefined

  private constructor(options: EngineOptions) {
    this.backend = options.backend
    this.functions = options.functions ?? builtinFunctions()
    this.properties = new Properties({ ...(options.properties ?? {}) })
    this.udfs = new UdfLoader(this.functions, UdfLoader.pathsOf(this.properties.get('eddy.extension.dir')))
    this.followPushQueries = options.followPushQueries !== false
    this.schemaRegistry =
      options.schemaRegistry ??
      new MemorySchemaRegistry(
        options.stateDir !== undefined ? join(options.stateDir, 'schema-registry.json') : undefined,
      )
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options)
    if (engine.udfs.paths.length > 0) await engine.udfs.load()
    if (options.stateDir !== undefined) await engine.restore(options.stateDir)
    return engine
  }

  /**
   * An engine whose topics, catalog and queries live under `dataDir` (the embedded default):
   * reopening the directory resumes every persistent query where it stopped.
   */
  static async open(
    dataDir: string,
    options: Omit<EngineOptions, 'backend' | 'stateDir'> = {},
  ): Promise<Engine> {
    const backend = await EmbeddedBackend.open(join(dataDir, 'topics'))
    return Engine.create({ ...options, backend, stateDir: dataDir })
  }

  private async restore(dir: string): Promise<void> {
    this.stateDir = dir
    const snap = loadSnapshot(dir)
    if (snap === undefined) return
    this.catalog = new Catalog(
      snap.sources.map((s) => [s.name, s] as [string, SourceDef]),
      snap.types.map(([n, t]) => [n, t] as [string, Type]),
      snap.references.map(([n, r]) => [n, r] as [string, readonly string[]]),
    )
    this.queryCounter = snap.queryCounter
    for (const plan of snap.queries) {
      const q = new PersistentQuery(
        plan,
        this.backend,
        this.operatorContext(plan.queryId, true),
        this.groupId(plan.queryId),
        this.offsetReset(),
        {
          exclusiveSink:
            snap.queries.filter((p) => p.physicalPlan.topicName === plan.physicalPlan.topicName).length === 1,
        },
      )
      await this.startQuery(q)
    }
  }

  /** Saves the catalog and query plans (after every statement that changed them). */
  private persist(): void {
    if (this.stateDir === undefined) return
    saveSnapshot(this.stateDir, {
      version: 1,
      sources: this.catalog.sources(),
      types: this.catalog.types(),
      references: this.catalog.sources().map((s) => [s.name, this.catalog.referencesFrom(s.name)] as const),
      queries: [...this.queries.values()].map((q) => q.plan),
      queryCounter: this.queryCounter,
    })
  }

  get processingLog(): readonly ProcessingLogEntry[] {
    return this.log.entries
  }

  source(name: string): SourceDef | undefined {
    return this.catalog.source(name)
  }

  sources(): readonly SourceDef[] {
    return this.catalog.sources()
  }

  /** Running persistent queries, in creation order. */
  persistentQueries(): readonly PersistentQuery[] {
    return [...this.queries.values()]
  }

  async execute(sql: string): Promise<StatementResult[]> {
    const parsed = parseStatements(sql, {
      variables: Object.fromEntries(this.variables),
      substituteVariables: this.properties.get('ksql.variable.substitution.enable') !== 'false',
    })
    const results: StatementResult[] = []
    try {
      for (const p of parsed) {
        try {
          results.push(await this.executeStatement(p.statement, p.text))
        } catch (err) {
          if (err instanceof EddyError && err.statement === undefined) err.statement = p.text
          throw err
        }
      }
    } finally {
      this.persist()
    }
    return results
  }

  /** Runs one parsed statement (see `execute`). */
  async executeStatement(stmt: Statement, text: string): Promise<StatementResult> {
    const done = (message: string): StatementResult => ({ kind: 'CommandStatus', statement: text, message })
    const ctx = {
      catalog: this.catalog,
      backend: this.backend,
      properties: this.properties,
      functions: this.functions,
      schemaRegistry: this.schemaRegistry,
    }
    switch (stmt.kind) {
      case 'CreateStream':
      case 'CreateTable': {
        const planned = await planCreateSource(stmt, text, { ...ctx, catalog: this.catalog.clone() })
        if (
          planned.createTopic !== undefined &&
          !(await this.backend.topicExists(planned.createTopic.name))
        ) {
          const t = planned.createTopic
          await this.backend.createTopic(t.name, {
            partitions: t.partitions,
            replicas: t.replicas,
            ...(t.config !== undefined ? { config: t.config } : {}),
          })
        }
        if (planned.source !== undefined) {
          this.catalog.putSource(planned.source)
          registerSourceSchemas(this.schemaRegistry, planned.source, false)
        }
        return done(planned.message)
      }
      case 'CreateStreamAsSelect':
      case 'CreateTableAsSelect':
        return this.createAsSelect(stmt, text)
      case 'InsertInto':
        return this.insertInto(stmt, text)
      case 'InsertValues':
        await this.insertValues(stmt)
        return done('')
      case 'DropStream':
      case 'DropTable':
        return done(
          await executeDropSource(stmt, {
            ...ctx,
            queriesUsing: (name: string) => this.queriesUsing(name),
            terminateQuery: async (id: string) => {
              await this.terminate(id)
            },
          }),
        )
      case 'AlterSource':
        return done(await executeAlterSource(stmt, ctx))
      case 'RegisterType':
        return done(executeRegisterType(stmt, ctx))
      case 'DropType':
        return done(executeDropType(stmt, ctx))
      case 'SetProperty': {
        const next = this.properties.clone()
        next.set(stmt.name, stmt.value)
        this.properties = next
        return done(`Successfully set property ${stmt.name} to ${stmt.value}`)
      }
      case 'UnsetProperty': {
        const next = this.properties.clone()
        next.unset(stmt.name)
        this.properties = next
        return done(`Successfully unset property ${stmt.name}`)
      }
      case 'AlterSystemProperty': {
        const next = this.properties.clone()
        next.set(stmt.name, stmt.value)
        this.properties = next
        return done(`Successfully set system property ${stmt.name} to ${stmt.value}`)
      }
      case 'DefineVariable':
        this.variables.set(stmt.name, stmt.value)
        return done('')
      case 'UndefineVariable':
        this.variables.delete(stmt.name)
        return done('')
      case 'TerminateQuery':
        return done(await this.terminate(stmt.queryId))
      case 'PauseQuery':
      case 'ResumeQuery': {
        const ids = stmt.queryId === undefined ? [...this.queries.keys()] : [stmt.queryId]
        for (const id of ids) {
          const q = this.queries.get(id)
          if (q === undefined) throw new SqlPlanError(`Unknown queryId: ${id}`, stmt.span)
          q.state = stmt.kind === 'PauseQuery' ? 'PAUSED' : 'RUNNING'
        }
        return done(stmt.kind === 'PauseQuery' ? 'Query paused.' : 'Query resumed.')
      }
      case 'Show':
        if (stmt.target === 'QUERIES') return this.showQueries(text)
        if (stmt.target === 'VARIABLES') {
          return {
            kind: 'Listing',
            statement: text,
            type: 'variables',
            columns: ['Variable Name', 'Value'],
            rows: [...this.variables].map(([k, v]) => [k, v]),
          }
        }
        return listing(stmt, ctx, text)
      case 'ReloadFunctions':
        return done((await this.reloadFunctions()).message)
      case 'DescribeFunction':
      case 'DescribeSource':
      case 'DescribeStreams':
        return listing(stmt, ctx, text)
      case 'Explain':
        return this.explain(stmt.statement, stmt.queryId, text)
      case 'Query':
        return this.transientQuery(stmt, text)
      case 'AssertValues':
      case 'AssertTombstone':
      case 'AssertStream':
      case 'AssertTable':
        // Test-runner-only statements (`eddy test FILE.sql`): parsed only with testStatements.
        return done(
          await executeAssert(stmt, {
            ...ctx,
            functions: this.functions,
            runUntilIdle: () => this.runUntilIdle(),
          }),
        )
      default:
        throw new SqlPlanError(`${statementName(stmt.kind)} is not supported yet.`, stmt.span)
    }
  }

  /**
   * Re-imports the user function modules: queries using a function whose overload still exists run
   * its new code for the next records; nothing is restarted. Throws (changing nothing) when a
   * module does not load.
   */
  reloadFunctions(): Promise<UdfLoadReport> {
    return this.udfs.reload()
  }

  private transientQuery(stmt: Query, text: string): StatementResult {
    if (stmt.limit !== undefined && !Number.isInteger(stmt.limit)) {
      // ksqlDB's AstBuilder rejects it while preparing the statement.
      throw preparing(new SqlPlanError('Value must be integer for command: LIMIT', stmt.span))
    }
    if (stmt.emit === undefined) return this.pullQuery(stmt, text)
    if (stmt.orderBy !== undefined) {
      throw new SqlPlanError('ORDER BY is only supported on pull queries over tables.', stmt.orderBy[0]?.span)
    }
    const analyzed = analyzeQuery(stmt, { catalog: this.catalog, functions: this.functions })
    const queryId = `transient_${analyzed.source.name}_${this.queryCounter++}`
    const steps = toSteps(optimize(analyzed.plan))
    const q = new PushQuery(
      steps,
      this.backend,
      this.operatorContext(queryId),
      this.offsetReset(),
      analyzed.limit,
      this.followPushQueries,
    )
    q.start()
    return {
      kind: 'PushQuery',
      statement: text,
      queryId,
      schema: sinkSchema(analyzed.plan.columns),
      rows: { [Symbol.asyncIterator]: () => q.rows() },
      cancel: () => q.cancel(),
      ...(analyzed.projection?.some((p, i) => p !== i) ? { projection: analyzed.projection } : {}),
    }
  }

  /** A pull query (SELECT without EMIT): analyzed now, executed as its rows are read. */
  private pullQuery(stmt: Query, text: string): StatementResult {
    const plan = analyzePullQuery(stmt, {
      catalog: this.catalog,
      functions: this.functions,
      property: (name) => this.properties.get(name),
    })
    const queryId = `transient_${plan.source.name}_${this.queryCounter++}`
    const exec = new PullQueryExecution(plan, {
      backend: this.backend,
      functions: this.functions,
      schemaRegistry: this.schemaRegistry,
      materialization: (source) => this.materialization(source),
      onError: (message, record) =>
        this.log.log({
          queryId,
          message,
          ...(record !== undefined
            ? { record: { topic: record.topic, partition: record.partition, offset: record.offset } }
            : {}),
        }),
    })
    return {
      kind: 'PushQuery',
      statement: text,
      queryId,
      schema: {
        key: [],
        value: plan.columns.map((c) => ({
          name: c.name,
          type: c.type,
          namespace: c.namespace,
          ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
        })),
      },
      rows: { [Symbol.asyncIterator]: () => exec.rows() },
      cancel: () => exec.cancel(),
      pull: plan.sourceKind,
      ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
    }
  }

  /** How pull queries read a table's state: the one place to choose the materialization. */
  private materialization(source: SourceDef): Materialization {
    // A CTAS table kept in its query's LevelDB store: read the store's sorted keys.
    const writer = source.writtenBy === undefined ? undefined : this.queries.get(source.writtenBy)
    const stored = writer?.materialization
    if (writer !== undefined && stored !== undefined) {
      // Commit what the query has processed first: the store serves committed state.
      return {
        keyCodec: stored.keyCodec,
        async *scan(options) {
          await writer.commitNow()
          yield* stored.scan(options)
        },
        async get(key) {
          await writer.commitNow()
          return stored.get(key)
        },
      }
    }
    return new TopicMaterialization(
      this.backend,
      source,
      (message, record) =>
        this.log.log({
          queryId: `materialization_${source.name}`,
          message,
          record: { topic: record.topic, partition: record.partition, offset: record.offset },
        }),
      this.schemaRegistry,
    )
  }

  private nextQueryId(prefix: string, sink?: string): string {
    const n = this.queryCounter++
    return sink === undefined ? `${prefix}_${n}` : `${prefix}_${sink}_${n}`
  }

  private async createAsSelect(
    stmt: CreateStreamAsSelect | CreateTableAsSelect,
    text: string,
  ): Promise<StatementResult> {
    const kind: SourceKind = stmt.kind === 'CreateStreamAsSelect' ? 'STREAM' : 'TABLE'
    if (stmt.query.limit !== undefined) {
      throw new SqlPlanError(`CREATE ${kind} AS SELECT statements don't support LIMIT clause.`, stmt.span)
    }
    const existing = this.catalog.source(stmt.name)
    if (existing !== undefined) {
      if (stmt.ifNotExists) {
        return {
          kind: 'CommandStatus',
          statement: text,
          message: `Cannot add ${kind.toLowerCase()} '${stmt.name}': A ${existing.kind.toLowerCase()} with the same name already exists.`,
        }
      }
      if (!stmt.orReplace) {
        throw new SqlPlanError(
          `Cannot add ${kind.toLowerCase()} '${stmt.name}': A ${existing.kind.toLowerCase()} with the same name already exists.`,
          stmt.span,
        )
      }
    }
    // ksqlDB's QueryIdUtil: CREATE OR REPLACE over a query's sink upgrades that query in place,
    // keeping its id (so its consumer group, committed offsets and state).
    let replaced: PersistentQuery | undefined
    if (existing !== undefined) {
      const writers = this.queriesUsing(stmt.name).writers
      if (writers.length > 1) {
        throw new SqlPlanError(
          `REPLACE for sink ${stmt.name} is not supported because there are multiple queries writing into it: [${writers.join(', ')}]`,
          stmt.span,
        )
      }
      if (writers.length === 1) {
        if (this.properties.get('ksql.create.or.replace.enabled') === 'false') {
          const type = kind.toLowerCase()
          throw new SqlPlanError(
            `Cannot add ${type} '${stmt.name}': A ${type} with the same name already exists`,
            stmt.span,
          )
        }
        replaced = this.queries.get(writers[0] as string)
      }
    }
    const queryId = replaced?.id ?? this.nextQueryId(kind === 'STREAM' ? 'CSAS' : 'CTAS', stmt.name)
    const sandbox = this.catalog.clone()
    let topicPlan: { partitions?: number; replicas?: number } = {}
    const planned = planPersistentQuery(stmt.query, {
      catalog: sandbox,
      functions: this.functions,
      sinkName: stmt.name,
      queryId,
      statementText: text,
      statementType: `CREATE ${kind} AS SELECT`,
      target: ({ source, resultKind, schema, window, selectNames }) => {
        if (resultKind !== kind) {
          throw new SqlPlanError(
            `Invalid result type. Your SELECT query produces a ${resultKind}. Please use CREATE ${resultKind} AS SELECT statement instead.`,
            stmt.span,
          )
        }
        const pb = stmt.query.partitionBy
        const partitionByNull = pb !== undefined && pb.length === 1 && pb[0]?.kind === 'NullLiteral'
        let props: ReturnType<typeof resolveSinkProperties>
        try {
          props = resolveSinkProperties(
            stmt.properties,
            { sinkName: stmt.name, source, schema, partitionByNull },
            {
              catalog: sandbox,
              backend: this.backend,
              properties: this.properties,
              schemaRegistry: this.schemaRegistry,
            },
          )
        } catch (e) {
          // ksqlDB quotes the rewritten statement in these errors.
          if (e instanceof EddyError) e.statementText ??= sanitizedStatementText(stmt, selectNames)
          throw e
        }
        topicPlan = {
          ...(props.partitions !== undefined ? { partitions: props.partitions } : {}),
          ...(props.replicas !== undefined ? { replicas: props.replicas } : {}),
        }
        return {
          name: stmt.name,
          kind,
          topic: props.topic,
          keyFormat: props.keyFormat,
          valueFormat: props.valueFormat,
          keyFeatures: props.keyFeatures,
          valueFeatures: props.valueFeatures,
          ...(props.timestampColumn !== undefined ? { timestampColumn: props.timestampColumn } : {}),
          ...(props.timestampFormat !== undefined ? { timestampFormat: props.timestampFormat } : {}),
          ...(window !== undefined ? { window } : {}),
        } satisfies SinkTarget
      },
    })
    const target = planned.logical.kind === 'Sink' ? planned.logical.target : undefined
    if (target === undefined) throw new SqlPlanError('internal: no sink')
    const sinkDef: SourceDef = {
      name: stmt.name,
      kind,
      schema: planned.schema,
      topic: target.topic,
      keyFormat: target.keyFormat,
      valueFormat: target.valueFormat,
      keyFeatures: target.keyFeatures,
      valueFeatures: target.valueFeatures,
      ...(target.timestampColumn !== undefined ? { timestampColumn: target.timestampColumn } : {}),
      ...(target.timestampFormat !== undefined ? { timestampFormat: target.timestampFormat } : {}),
      ...(target.window !== undefined ? { window: target.window } : {}),
      isSource: false,
      writtenBy: queryId,
      sql: text,
    }
    if (existing !== undefined) {
      // MetaStoreImpl.putSource: the sink may only evolve compatibly (DataSource.canUpgradeTo),
      // then the plans must be upgrade-compatible (ExecutionStep.validateUpgrade).
      const problem = upgradeProblem(existing, sinkDef)
      if (problem !== undefined) throw new SqlPlanError(`Cannot upgrade data source: ${problem}`, stmt.span)
    }
    if (replaced !== undefined) {
      validateUpgrade(
        { plan: replaced.plan.physicalPlan, query: queryOfStatement(replaced.plan.statementText) },
        { plan: planned.plan.physicalPlan, query: stmt.query },
        this.functions,
      )
    }
    // Dry run: build the operators (compiles every expression) before changing anything.
    const writers = this.sinkWriters(planned.plan.physicalPlan.topicName)
    const query = new PersistentQuery(
      planned.plan,
      this.backend,
      this.operatorContext(queryId, true, replaced?.stateStore),
      this.groupId(queryId),
      this.offsetReset(),
      {
        exclusiveSink: writers - (replaced?.plan.physicalPlan.topicName === target.topic ? 1 : 0) === 0,
        ...(replaced !== undefined ? { inheritsState: true } : {}),
      },
    )
    // Apply.
    await this.ensureSinkTopic(target.topic, planned.source.topic, topicPlan)
    await this.ensureInternalTopics(queryId, planned)
    this.catalog.putSource(sinkDef)
    registerSourceSchemas(this.schemaRegistry, sinkDef, true)
    this.catalog.setReferences(sinkDef.name, planned.plan.sourceNames)
    if (replaced !== undefined) await this.replaceQuery(replaced, query)
    else await this.startQuery(query)
    return { kind: 'QueryStarted', statement: text, queryId, message: `Created query with ID ${queryId}` }
  }

  private async insertInto(stmt: InsertInto, text: string): Promise<StatementResult> {
    const target = this.catalog.source(stmt.target)
    if (target === undefined) {
      const at = /^\s*INSERT\s+INTO\s+/i.exec(text)?.[0].length ?? 0
      const { line, column } = stmt.span.start
      throw new SqlPlanError(
        `Line: ${line}, Col: ${column + at}: Source \`${stmt.target}\` does not exist.`,
        stmt.span,
      )
    }
    if (target.kind !== 'STREAM') {
      throw new SqlPlanError(
        `INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`,
        stmt.span,
      )
    }
    if (target.schema.value.some((c) => c.headerKey !== undefined)) {
      throw new SqlPlanError(`Cannot insert into ${target.name} because it has header columns`, stmt.span)
    }
    if (target.isSource) {
      throw new SqlPlanError(
        `Cannot insert into read-only ${target.kind.toLowerCase()}: ${target.name}`,
        stmt.span,
      )
    }
    const queryId = this.nextQueryId('INSERTQUERY')
    const planned = planPersistentQuery(withImplicitCasts(stmt.query, target.schema), {
      catalog: this.catalog.clone(),
      functions: this.functions,
      sinkName: target.name,
      queryId,
      statementText: text,
      statementType: 'INSERT INTO',
      target: ({ resultKind, schema }) => {
        if (resultKind !== 'STREAM') {
          throw new SqlPlanError(
            `Incompatible data sink and query result. Data sink (${target.name}) type is STREAM but select query result is TABLE.`,
            stmt.span,
          )
        }
        if (!sameSchema(schema, target.schema)) {
          throw new SqlPlanError(
            `Incompatible schema between results and sink.\nResult schema is ${schemaText(schema)}\nSink schema is ${schemaText(target.schema)}`,
            stmt.span,
          )
        }
        return {
          name: target.name,
          kind: 'STREAM',
          topic: target.topic,
          keyFormat: target.keyFormat,
          valueFormat: target.valueFormat,
          keyFeatures: target.keyFeatures,
          valueFeatures: target.valueFeatures,
          ...(target.timestampColumn !== undefined ? { timestampColumn: target.timestampColumn } : {}),
          ...(target.timestampFormat !== undefined ? { timestampFormat: target.timestampFormat } : {}),
        }
      },
    })
    const query = new PersistentQuery(
      planned.plan,
      this.backend,
      this.operatorContext(queryId, true),
      this.groupId(queryId),
      this.offsetReset(),
      { exclusiveSink: this.sinkWriters(planned.plan.physicalPlan.topicName) === 0 },
    )
    await this.ensureInternalTopics(queryId, planned)
    await this.startQuery(query)
    return { kind: 'QueryStarted', statement: text, queryId, message: `Created query with ID ${queryId}` }
  }

  private async insertValues(stmt: InsertValues): Promise<void> {
    const target = this.catalog.source(stmt.target)
    if (target === undefined) {
      const like = this.catalog.sourceNameLike(stmt.target)
      const hint =
        like === undefined
          ? ''
          : like === like.toUpperCase()
            ? `\nDid you mean ${like}? Hint: try removing double quotes from the source name.`
            : `\nDid you mean "${like}"? Hint: wrap the source name in double quotes to make it case-sensitive.`
      throw new SqlPlanError(
        `Cannot insert values into an unknown stream/table: \`${stmt.target}\`${hint}`,
        stmt.span,
      )
    }
    if (target.isSource) {
      throw new SqlPlanError(
        `Cannot insert values into read-only ${target.kind.toLowerCase()}: ${target.name}`,
        stmt.span,
      )
    }
    const all = [...target.schema.key, ...target.schema.value]
    const headerCols = target.schema.value.filter((c) => c.headerKey !== undefined).map((c) => c.name)
    const names = stmt.columns ?? all.map((c) => c.name)
    const badHeaders = names.filter((n) => headerCols.includes(n))
    if (badHeaders.length > 0) {
      throw new SqlPlanError(`Cannot insert into HEADER columns: ${badHeaders.join(', ')}`, stmt.span)
    }
    for (const n of names) {
      if (n === 'ROWPARTITION' || n === 'ROWOFFSET') {
        throw new SqlPlanError(`Inserting into column \`${n}\` is not allowed.`, stmt.span)
      }
    }
    if (names.length !== stmt.values.length) {
      throw preparing(
        new SqlPlanError(
          `Expected number columns and values to match: ${names.length}, ${stmt.values.length}`,
          stmt.span,
        ),
      )
    }
    const emptyScope = {
      scope: {
        resolveColumn(ref: { source?: string; name: string; span: import('../ast/span.js').Span }): never {
          if (ref.source !== undefined) {
            throw preparing(
              new SqlPlanError(`'${ref.source}' is not a valid stream/table name or alias.`, ref.span),
            )
          }
          throw new SqlPlanError(`Column '${ref.name}' cannot be resolved in INSERT VALUES.`, ref.span)
        },
      },
      functions: this.functions,
    }
    const given = new Map<string, Value>()
    names.forEach((n, i) => {
      const expr = stmt.values[i] as Expr
      const col = n === 'ROWTIME' ? undefined : all.find((c) => c.name === n)
      if (n !== 'ROWTIME' && col === undefined) {
        throw new SqlPlanError(`Column name ${n} does not exist.`, stmt.span)
      }
      const from = typeOf(expr, emptyScope)
      const compiled = compileExpr(expr, emptyScope)
      const v = compiled.evaluate([])
      given.set(n, col === undefined ? v : insertValue(v, from, col))
    })
    const keyVals = target.schema.key.map((c) => given.get(c.name) ?? null)
    const body = valueBodyColumns(target.schema)
    const valueVals = body.map((c) => given.get(c.name) ?? null)
    const sr = { topic: target.topic, registry: this.schemaRegistry }
    const keySerde = createSerde(target.keyFormat, target.schema.key, {
      ...keyOptions(target.keyFeatures.wrapSingle),
      ...sr,
    })
    const valueSerde = createSerde(target.valueFormat, body, {
      ...valueOptions(target.valueFeatures.wrapSingle),
      ...sr,
    })
    const ts = given.get('ROWTIME')
    const record: OutRecord = {
      key: target.schema.key.length === 0 ? null : keySerde.serialize(keyVals),
      value: valueSerde.serialize(valueVals),
      timestamp: ts === undefined || ts === null ? Date.now() : Number(ts as bigint | number),
    }
    await this.backend.produce(target.topic, [record])
  }

  private async ensureSinkTopic(
    topic: string,
    sourceTopic: string,
    opts: { partitions?: number; replicas?: number },
  ): Promise<void> {
    if (await this.backend.topicExists(topic)) return
    let partitions = opts.partitions
    if (partitions === undefined) {
      partitions = (await this.backend.describeTopic(sourceTopic)).partitions.length
    }
    await this.backend.createTopic(topic, { partitions, replicas: opts.replicas ?? 1 })
  }

  /** The internal topics ksqlDB would create for the query (empty here; see internal-topics.ts). */
  private async ensureInternalTopics(queryId: string, planned: PlannedPersistentQuery): Promise<void> {
    const topics = internalTopics(planned, this.properties.defaultKeyFormat())
    if (topics.length === 0) return
    const partitions = (await this.backend.describeTopic(planned.source.topic)).partitions.length
    for (const t of topics) {
      const name = `${this.groupId(queryId)}-${t.suffix}`
      if (!(await this.backend.topicExists(name)))
        await this.backend.createTopic(name, { partitions, replicas: 1 })
    }
  }

  /**
   * An in-place upgrade: the old query stops (its output produced, its offsets and state
   * committed), its state goes to the new plan's operators, and the new query takes its place
   * (same id and consumer group), resuming from the committed offsets.
   */
  private async replaceQuery(old: PersistentQuery, next: PersistentQuery): Promise<void> {
    await old.close()
    if (this.stateDir !== undefined) {
      const states = join(this.stateDir, 'state')
      const ctx = this.operatorContext(old.id)
      const probe = join(states, '.upgrade-probe')
      await migrateLevelState(
        join(states, old.id),
        levelDeclarations(old.plan.physicalPlan, ctx, probe),
        levelDeclarations(next.plan.physicalPlan, ctx, probe),
      )
    }
    await next.init()
    // The query keeps its place among the others.
    const all = [...this.queries.values()].map((q) => (q === old ? next : q))
    this.queries.clear()
    for (const q of all) this.queries.set(q.id, q)
    if (this.running) next.start()
  }

  private async startQuery(q: PersistentQuery): Promise<void> {
    await q.init()
    this.queries.set(q.id, q)
    if (this.running) q.start()
  }

  private queriesUsing(name: string): { readers: string[]; writers: string[] } {
    const readers: string[] = []
    const writers: string[] = []
    for (const q of this.queries.values()) {
      if (q.plan.sourceNames.includes(name)) readers.push(q.id)
      if (q.plan.sinkName === name) writers.push(q.id)
    }
    return { readers, writers }
  }

  /** How many running queries write the topic. */
  private sinkWriters(topic: string): number {
    let n = 0
    for (const q of this.queries.values()) if (q.plan.physicalPlan.topicName === topic) n++
    return n
  }

  private async terminate(queryId: string | undefined): Promise<string> {
    const ids = queryId === undefined ? [...this.queries.keys()] : [queryId]
    for (const id of ids) {
      const q = this.queries.get(id)
      if (q === undefined) throw new SqlPlanError(`Unknown queryId: ${id}`)
      await q.close(true)
      q.state = 'TERMINATED'
      this.queries.delete(id)
      // ksqlDB's query cleanup deletes the query's internal topics.
      const prefix = `${this.groupId(id)}-`
      for (const t of await this.backend.listTopics()) {
        if (t.startsWith(prefix)) await this.backend.deleteTopic(t)
      }
    }
    return 'Query terminated.'
  }

  private showQueries(text: string): Listing {
    return {
      kind: 'Listing',
      statement: text,
      type: 'queries',
      columns: ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'],
      rows: [...this.queries.values()].map((q) => [
        q.id,
        'PERSISTENT',
        q.state,
        q.plan.sinkName,
        q.plan.physicalPlan.topicName,
        q.plan.statementText,
      ]),
    }
  }

  private explain(stmt: Statement | undefined, queryId: string | undefined, text: string): Listing {
    let plan: unknown
    if (queryId !== undefined) {
      const q = this.queries.get(queryId)
      if (q === undefined)
        throw new SqlPlanError(
          `Query with id:${queryId} does not exist, use SHOW QUERIES to view the full set of running queries.`,
        )
      plan = q.plan
    } else if (
      stmt !== undefined &&
      (stmt.kind === 'CreateStreamAsSelect' || stmt.kind === 'CreateTableAsSelect')
    ) {
      plan = planPersistentQuery(stmt.query, {
        catalog: this.catalog.clone(),
        functions: this.functions,
        sinkName: stmt.name,
        queryId: 'EXPLAIN',
        statementText: text,
        target: ({ source }) => ({
          name: stmt.name,
          kind: stmt.kind === 'CreateStreamAsSelect' ? 'STREAM' : 'TABLE',
          topic: stmt.name,
          keyFormat: source.keyFormat,
          valueFormat: source.valueFormat,
          keyFeatures: {},
          valueFeatures: {},
        }),
      }).plan
    } else {
      throw new SqlPlanError('EXPLAIN supports a query ID or a CREATE ... AS SELECT statement.')
    }
    return {
      kind: 'Listing',
      statement: text,
      type: 'queryDescription',
      columns: ['Execution plan'],
      rows: JSON.stringify(plan, null, 2)
        .split('\n')
        .map((l) => [l]),
    }
  }

  /**
   * What operators get from their query. `persistent`: with a data directory, the query's state
   * goes to its own LevelDB store (`<data dir>/state/<query id>`, opened when the query starts);
   * otherwise state is kept in memory (a persistent query's so that an upgrade takes it over from
   * `replacing`, the store of the query it replaces).
   */
  private operatorContext(queryId: string, persistent = false, replacing?: StateStore): OperatorContext {
    const ctx: OperatorContext = {
      queryId,
      functions: this.functions,
      state:
        persistent && this.stateDir !== undefined
          ? LevelStateStore.create(join(this.stateDir, 'state', queryId))
          : persistent
            ? new RetainedMemoryStore(replacing instanceof RetainedMemoryStore ? replacing : undefined)
            : new MemoryStateStore(),
      current: { topic: '', partition: 0, offset: 0 },
      throwOnInvalidTimestamp: this.properties.get('ksql.timestamp.throw.on.invalid') === 'true',
      schemaRegistry: this.schemaRegistry,
      config: Object.fromEntries(this.properties.entries()),
      // Queries with LevelDB state commit at an interval: their aggregations compact between commits.
      recordCacheBytes: persistent && this.stateDir !== undefined ? this.properties.recordCacheBytes() : 0,
      replaying: false,
      logError: (message, where) => {
        if (ctx.replaying) return
        this.log.log({
          queryId,
          message,
          record: { topic: where.topic, partition: where.partition, offset: where.offset },
        })
      },
    }
    return ctx
  }

  private groupId(queryId: string): string {
    const service = this.properties.get('ksql.service.id') ?? 'default_'
    return `_confluent-ksql-${service}query_${queryId}`
  }

  private offsetReset(): 'earliest' | 'latest' {
    const v =
      this.properties.get('auto.offset.reset') ?? this.properties.get('ksql.streams.auto.offset.reset')
    return v === 'earliest' ? 'earliest' : 'latest'
  }

  /**
   * Runs every persistent query, one after another in creation order, until none has unread
   * input left.
   */
  async runUntilIdle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      let progress = 0
      for (const q of [...this.queries.values()]) progress += await q.runOnce()
      if (progress === 0) return
    }
  }

  /** Starts every query's continuous loop (server / REPL mode). */
  start(): void {
    this.running = true
    for (const q of this.queries.values()) q.start()
  }

  async close(): Promise<void> {
    for (const q of this.queries.values()) await q.close()
    this.queries.clear()
    await this.backend.close()
  }
}

function sameSchema(a: LogicalSchema, b: LogicalSchema): boolean {
  return schemaText(a) === schemaText(b)
}

export function schemaText(s: LogicalSchema): string {
  return [
    ...s.key.map((c) => `\`${c.name}\` ${typeToString(c.type)} KEY`),
    ...s.value.filter((c) => c.headerKey === undefined).map((c) => `\`${c.name}\` ${typeToString(c.type)}`),
  ].join(', ')
}

function statementName(kind: string): string {
  return kind.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
}

export { EddyError }

/**
 * A value of INSERT VALUES coerced to its column's type (ksqlDB's GenericExpressionResolver with
 * DefaultSqlValueCoercer.STRICT): a STRING goes into a BYTES column as base64, else CAST's rules.
 */
export function insertValue(v: Value, from: Type | null, col: Column): Value {
  if (col.type.kind !== 'BYTES' || from?.kind !== 'STRING' || typeof v !== 'string') {
    return castValue(v, from, col.type)
  }
  const bytes = decodeBase64Strict(v)
  if (bytes === undefined) {
    throw new SqlPlanError(`Expected type BYTES for field ${col.name} but got STRING(${v})`)
  }
  return bytes
}

/**
 * Java's `Base64.getDecoder().decode(s.trim())`: the basic alphabet, padding optional, no other
 * characters; undefined when the text is not base64.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Java's String.trim strips U+0000..U+0020
  const trimmed = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(trimmed)
  if (m === null) return undefined
  const body = m[1] as string
  const pad = (m[2] as string).length
  const rest = body.length % 4
  if (rest === 1) return undefined
  // Padding, when present, completes the last 4-character unit exactly.
  if (pad > 0 && (rest === 0 || rest + pad !== 4)) return undefined
  return new Uint8Array(Buffer.from(body, 'base64'))
}
