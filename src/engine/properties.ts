import { SqlPlanError } from '../errors.js'

/** A known property: its default (as ksqlDB reports it) and how a value is checked. */
interface PropertyDef {
  readonly defaultValue?: string
  /** Returns the problem with a value (Kafka's ConfigException detail), or undefined. */
  readonly check?: (value: string) => string | undefined
  readonly scope: 'KSQL' | 'STREAMS' | 'CONSUMER' | 'PRODUCER'
}

const BOOLEAN = (value: string): string | undefined =>
  /^(true|false)$/i.test(value.trim()) ? undefined : 'Expected value to be either true or false'

const INT = (value: string): string | undefined =>
  /^[+-]?\d+$/.test(value.trim()) && Math.abs(Number(value)) <= 2 ** 31
    ? undefined
    : 'Not a number of type INT'

const LONG = (value: string): string | undefined =>
  /^[+-]?\d+$/.test(value.trim()) ? undefined : 'Not a number of type LONG'

const oneOf =
  (...values: string[]) =>
  (value: string): string | undefined =>
    values.includes(value.trim().toLowerCase()) ? undefined : `String must be one of: ${values.join(', ')}`

const ksql = (defaultValue?: string, check?: PropertyDef['check']): PropertyDef => ({
  scope: 'KSQL',
  ...(defaultValue !== undefined ? { defaultValue } : {}),
  ...(check !== undefined ? { check } : {}),
})

/** ksqlDB config names Eddy knows (KsqlConfig, plus the Kafka Streams / client settings people SET). */
const KNOWN: ReadonlyMap<string, PropertyDef> = new Map<string, PropertyDef>([
  ['ksql.service.id', ksql('default_')],
  ['ksql.persistence.default.format.key', ksql('KAFKA')],
  ['ksql.persistence.default.format.value', ksql()],
  ['ksql.persistence.wrap.single.values', ksql(undefined, BOOLEAN)],
  ['ksql.output.topic.name.prefix', ksql('')],
  ['ksql.sink.partitions', ksql(undefined, INT)],
  ['ksql.sink.replicas', ksql(undefined, INT)],
  ['ksql.internal.topic.replicas', ksql('1', INT)],
  ['ksql.internal.topic.min.insync.replicas', ksql('1', INT)],
  ['ksql.timestamp.throw.on.invalid', ksql('false', BOOLEAN)],
  ['ksql.new.query.planner.enabled', ksql('false', BOOLEAN)],
  ['ksql.variable.substitution.enable', ksql('true', BOOLEAN)],
  ['ksql.headers.columns.enabled', ksql('true', BOOLEAN)],
  ['ksql.rowpartition.rowoffset.enabled', ksql('true', BOOLEAN)],
  ['ksql.lambdas.enabled', ksql('true', BOOLEAN)],
  ['ksql.suppress.enabled', ksql('true', BOOLEAN)],
  ['ksql.suppress.buffer.size.bytes', ksql('-1', LONG)],
  ['ksql.create.or.replace.enabled', ksql('true', BOOLEAN)],
  ['ksql.key.format.enabled', ksql('true', BOOLEAN)],
  ['ksql.multicol.key.format.enabled', ksql('true', BOOLEAN)],
  ['ksql.any.key.name.enabled', ksql('false', BOOLEAN)],
  ['ksql.cast.strings.preserve.nulls', ksql('true', BOOLEAN)],
  ['ksql.nested.error.set.null', ksql('true', BOOLEAN)],
  ['ksql.string.case.config.toggle', ksql('true', BOOLEAN)],
  ['ksql.shared.runtime.enabled', ksql('false', BOOLEAN)],
  ['ksql.source.table.materialization.enabled', ksql('true', BOOLEAN)],
  ['ksql.udfs.enabled', ksql('true', BOOLEAN)],
  ['ksql.udf.enable.security.manager', ksql('false', BOOLEAN)],
  ['ksql.extension.dir', ksql('ext')],
  ['ksql.schema.registry.url', ksql('')],
  ['ksql.query.pull.table.scan.enabled', ksql('true', BOOLEAN)],
  ['ksql.query.pull.max.allowed.offset.lag', ksql('9223372036854775807', LONG)],
  ['ksql.query.pull.enable.standby.reads', ksql('false', BOOLEAN)],
  ['ksql.query.pull.interpreter.enabled', ksql('true', BOOLEAN)],
  ['ksql.query.pull.limit.clause.enabled', ksql('true', BOOLEAN)],
  ['ksql.query.push.v2.enabled', ksql('false', BOOLEAN)],
  ['ksql.query.persistent.active.limit', ksql('2147483647', INT)],
  ['ksql.query.retry.backoff.initial.ms', ksql('15000', LONG)],
  ['ksql.query.retry.backoff.max.ms', ksql('900000', LONG)],
  ['ksql.query.error.max.queue.size', ksql('10', INT)],
  ['ksql.query.status.running.threshold.seconds', ksql('300', INT)],
  ['ksql.query.cleanup.shutdown.timeout.ms', ksql('11000', LONG)],
  ['ksql.error.classifier.regex', ksql('')],
  ['ksql.transient.prefix', ksql('transient_')],
  ['ksql.persistent.prefix', ksql('query_')],
  ['ksql.properties.overrides.denylist', ksql('')],
  ['ksql.metastore.backup.location', ksql('')],
  ['ksql.json_sr.converter.deserializer.enabled', ksql('true', BOOLEAN)],
  ['ksql.access.validator.enable', ksql('auto')],
  ['ksql.streams.shutdown.timeout.ms', ksql('300000', LONG)],
  [
    'auto.offset.reset',
    { scope: 'CONSUMER', defaultValue: 'latest', check: oneOf('latest', 'earliest', 'none') },
  ],
  ['cache.max.bytes.buffering', { scope: 'STREAMS', defaultValue: '10485760', check: LONG }],
  ['statestore.cache.max.bytes', { scope: 'STREAMS', defaultValue: '10485760', check: LONG }],
  ['commit.interval.ms', { scope: 'STREAMS', defaultValue: '2000', check: LONG }],
  ['num.stream.threads', { scope: 'STREAMS', defaultValue: '4', check: INT }],
  [
    'processing.guarantee',
    {
      scope: 'STREAMS',
      defaultValue: 'at_least_once',
      check: oneOf('at_least_once', 'exactly_once', 'exactly_once_beta', 'exactly_once_v2'),
    },
  ],
  ['buffered.records.per.partition', { scope: 'STREAMS', check: INT }],
  ['max.task.idle.ms', { scope: 'STREAMS', check: LONG }],
  ['default.timestamp.extractor', { scope: 'STREAMS' }],
  ['default.deserialization.exception.handler', { scope: 'STREAMS' }],
  ['default.production.exception.handler', { scope: 'STREAMS' }],
  ['topology.optimization', { scope: 'STREAMS' }],
  ['replication.factor', { scope: 'STREAMS', check: INT }],
  ['state.dir', { scope: 'STREAMS' }],
  ['max.poll.records', { scope: 'CONSUMER', check: INT }],
  ['fetch.min.bytes', { scope: 'CONSUMER', check: INT }],
  ['session.timeout.ms', { scope: 'CONSUMER', check: INT }],
  ['isolation.level', { scope: 'CONSUMER', check: oneOf('read_committed', 'read_uncommitted') }],
  ['acks', { scope: 'PRODUCER' }],
  ['linger.ms', { scope: 'PRODUCER', check: LONG }],
  ['batch.size', { scope: 'PRODUCER', check: INT }],
  ['compression.type', { scope: 'PRODUCER' }],
])

/** Name prefixes ksqlDB passes through to Kafka Streams and its clients (ConfigResolver). */
const PASS_THROUGH_PREFIXES = [
  'ksql.streams.',
  'ksql.functions.',
  'ksql.connect.',
  'ksql.logging.',
  'ksql.query.pull.',
  'consumer.',
  'producer.',
  'admin.',
  'main.consumer.',
  'restore.consumer.',
  'global.consumer.',
]

/**
 * ksqlDB session/config properties (KsqlConfig + SET overrides), as strings. Immutable-ish: the
 * engine clones before a SET/UNSET so a failed statement changes nothing.
 */
export class Properties {
  private readonly values: Map<string, string>
  /** Names set by SET (SESSION level) rather than given to the constructor (SERVER level). */
  private readonly session: Set<string>

  /** `initial`: server/test configuration, taken as given (no validation, like ksqlDB's config file). */
  constructor(initial?: Readonly<Record<string, string>>, session: Iterable<string> = []) {
    this.values = new Map(Object.entries(initial ?? {}))
    this.session = new Set(session)
  }

  /** The explicit value, or the known default. */
  get(name: string): string | undefined {
    return this.values.get(name) ?? KNOWN.get(name)?.defaultValue
  }

  /** True if the property was set explicitly (constructor or SET). */
  has(name: string): boolean {
    return this.values.has(name)
  }

  /**
   * SET 'name'='value': rejects names that are not ksqlDB / Kafka Streams / client properties
   * ("Not recognizable as ksql, streams, consumer, or producer property: 'x'") and invalid values
   * of known ones ("Invalid value x for configuration name: ...").
   */
  set(name: string, value: string): void {
    const def = KNOWN.get(name)
    if (def === undefined && !PASS_THROUGH_PREFIXES.some((p) => name.startsWith(p))) {
      throw new SqlPlanError(`Not recognizable as ksql, streams, consumer, or producer property: '${name}'`)
    }
    const problem = def?.check?.(value)
    if (problem !== undefined) {
      throw new SqlPlanError(`Invalid value ${value} for configuration ${name}: ${problem}`)
    }
    this.values.set(name, value)
    this.session.add(name)
  }

  unset(name: string): void {
    this.values.delete(name)
    this.session.delete(name)
  }

  /**
   * The record cache size in bytes: `cache.max.bytes.buffering` (or its newer name
   * `statestore.cache.max.bytes`), with or without the `ksql.streams.` prefix; 10 MiB by default.
   */
  recordCacheBytes(): number {
    for (const name of ['cache.max.bytes.buffering', 'statestore.cache.max.bytes']) {
      const v = this.values.get(`ksql.streams.${name}`) ?? this.values.get(name)
      if (v !== undefined && /^[+-]?\d+$/.test(v.trim())) return Math.max(0, Number(v))
    }
    return Number(this.get('cache.max.bytes.buffering') ?? 0)
  }

  /** ksql.persistence.default.format.key (KAFKA by default), upper-cased. */
  defaultKeyFormat(): string {
    return (this.get('ksql.persistence.default.format.key') ?? 'KAFKA').toUpperCase()
  }

  /** ksql.persistence.default.format.value (no default), upper-cased. */
  defaultValueFormat(): string | undefined {
    const v = this.get('ksql.persistence.default.format.value')
    return v === undefined || v === '' ? undefined : v.toUpperCase()
  }

  /** ksql.persistence.wrap.single.values: true / false, or undefined when not set. */
  wrapSingleValues(): boolean | undefined {
    const v = this.get('ksql.persistence.wrap.single.values')
    if (v === undefined || v.trim() === '') return undefined
    return v.trim().toLowerCase() === 'true'
  }

  /** ksql.output.topic.name.prefix ('' by default): prefix of CSAS/CTAS default topic names. */
  outputTopicPrefix(): string {
    return this.get('ksql.output.topic.name.prefix') ?? ''
  }

  /** Explicitly set properties, sorted by name. */
  entries(): [string, string][] {
    return [...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /**
   * Every property to show in SHOW PROPERTIES: known defaults plus explicit values, sorted by
   * name, with where the value comes from.
   */
  listing(): { name: string; scope: string; level: 'SERVER' | 'SESSION' | 'DEFAULT'; value: string }[] {
    const names = new Set<string>([...this.values.keys()])
    for (const [name, def] of KNOWN) if (def.defaultValue !== undefined) names.add(name)
    return [...names].sort().map((name) => {
      const def = KNOWN.get(name)
      const explicit = this.values.get(name)
      return {
        name,
        scope:
          def?.scope ?? (name.startsWith('ksql.') && !name.startsWith('ksql.streams.') ? 'KSQL' : 'STREAMS'),
        level: explicit === undefined ? 'DEFAULT' : this.session.has(name) ? 'SESSION' : 'SERVER',
        value: explicit ?? def?.defaultValue ?? '',
      }
    })
  }

  clone(): Properties {
    return new Properties(Object.fromEntries(this.values), this.session)
  }
}
