import type { JsonObject, JsonValue } from './jsonc.js'

/**
 * The model of ksqlDB's test files (see shared/conformance/FORMAT.md): QTT files
 * (`query-validation-tests/*.json`) and RQTT files (`rest-query-validation-tests/*.json`), as read
 * by `loadTestFile`. Unknown properties are dropped; optional properties given as `null` count as absent.
 */

export type TestFileKind = 'qtt' | 'rqtt'

/** A record to produce (`inputs`) or to expect on a topic (`outputs`). */
export interface TestRecord {
  /** Kafka topic name (case-sensitive). */
  readonly topic: string
  /** The key as plain JSON; `null` when absent. */
  readonly key: JsonValue
  /** The value as plain JSON (`null` = tombstone / null value). */
  readonly value: JsonValue
  /** Epoch ms. Inputs default to 0; on outputs, absent means "not checked". */
  readonly timestamp?: number
  /** The key is windowed: window bounds plus the inner `key`. `time` = tumbling or hopping. */
  readonly window?: RecordWindow
  readonly headers?: readonly RecordHeader[]
}

export interface RecordWindow {
  readonly start: number
  readonly end: number
  readonly type: 'time' | 'session'
}

/** A record header; `value` is base64 (or null). Written `{"KEY", "VALUE"}` in the files. */
export interface RecordHeader {
  readonly key: string
  readonly value: string | null
}

/** A schema reference of a topic's key or value schema (registry). */
export interface SchemaReference {
  readonly name: string
  readonly format: string
  readonly schema: JsonValue
}

/** Optional pre-declaration of a topic (topics are otherwise inferred from statements and records). */
export interface TopicNode {
  readonly name: string
  readonly keyFormat?: string
  readonly valueFormat?: string
  /** Schema registered in the (mock) registry: JSON for AVRO/JSON_SR, proto text for PROTOBUF. */
  readonly keySchema?: JsonValue
  readonly valueSchema?: JsonValue
  readonly keySchemaId?: number
  readonly valueSchemaId?: number
  readonly keySchemaReferences?: readonly SchemaReference[]
  readonly valueSchemaReferences?: readonly SchemaReference[]
  /**
   * Absent when not given: the PARTITIONS of a CREATE statement over the topic then, else 1
   * (ksqlDB's test builder merges a statement's topic into the node's).
   */
  readonly partitions?: number
  /** Default 1. */
  readonly replicas: number
  readonly keySerdeFeatures?: readonly string[]
  readonly valueSerdeFeatures?: readonly string[]
}

/**
 * An expected failure. QTT writes it `expectedException` (`type`, `message`, `cause`,
 * `causeMessage`), RQTT `expectedError` (`type`, `message`, `status`). `type` is a Java class name
 * (instance-of check); `message` a substring of the error message.
 */
export interface ExpectedError {
  readonly type?: string
  readonly message?: string
  readonly cause?: string
  readonly causeMessage?: string
  /** RQTT: the HTTP status of the failing request. */
  readonly status?: number
}

/** `post.sources[]`: a source that must exist in the metastore after the run. */
export interface PostSource {
  readonly name: string
  readonly type: 'stream' | 'table'
  /** SQL column list, e.g. `ID BIGINT KEY, NAME STRING`, compared as a logical schema. */
  readonly schema?: string
  readonly keyFormat?: PostKeyFormat
  readonly valueFormat?: string
  readonly keyFeatures?: readonly string[]
  readonly valueFeatures?: readonly string[]
  readonly isSource?: boolean
}

export interface PostKeyFormat {
  readonly format?: string
  readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION'
  readonly windowSize?: number
  readonly features?: readonly string[]
}

/** `post.topics.topics[]`: a topic the run must have created. Formats are kept as written. */
export interface PostTopic {
  readonly name: string
  readonly keyFormat?: JsonObject
  readonly valueFormat?: JsonObject
  readonly partitions?: number
  readonly keySchema?: JsonValue
  readonly valueSchema?: JsonValue
  readonly keySchemaId?: number
  readonly valueSchemaId?: number
}

export interface PostConditions {
  readonly sources?: readonly PostSource[]
  /** No created topic may match this regex (Java syntax, e.g. `.*-repartition`). */
  readonly blacklist?: string
  readonly topics?: readonly PostTopic[]
}

/** RQTT expected response to one request, matched by position. Subset match on the expectation. */
export type RestResponse =
  | { readonly kind: 'admin'; readonly admin: JsonValue }
  | { readonly kind: 'query'; readonly query: readonly JsonValue[] }
  | { readonly kind: 'queryProto'; readonly queryProto: readonly JsonValue[] }

/** Fields shared by QTT and RQTT cases, as written in the file (before variant expansion). */
interface CaseNodeBase {
  readonly name: string
  /** One statement per entry, each ending with `;`; may contain `{FORMAT}`. */
  readonly statements: readonly string[]
  /** Variant expansion over formats (substituted for `{FORMAT}` in statements). */
  readonly formats: readonly string[]
  /** ksqlDB config overrides; one value may be `"{CONFIG}"`. */
  readonly properties: JsonObject
  readonly topics: readonly TopicNode[]
  readonly inputs: readonly TestRecord[]
  readonly outputs: readonly TestRecord[]
  /** `false` ⇒ the case is skipped. */
  readonly enabled: boolean
}

export interface QttCaseNode extends CaseNodeBase {
  readonly kind: 'qtt'
  /** Variant expansion over the value of the `{CONFIG}` property. */
  readonly configs: readonly string[]
  readonly expectedException?: ExpectedError
  readonly post?: PostConditions
  readonly versions?: { readonly min?: string; readonly max?: string }
}

export interface RqttCaseNode extends CaseNodeBase {
  readonly kind: 'rqtt'
  readonly responses?: readonly RestResponse[]
  readonly expectedError?: ExpectedError
  readonly inputConditions?: { readonly waitForActivePushQuery?: boolean }
  readonly outputConditions?: { readonly verifyOrder?: boolean }
  readonly testPullWithProtoFormat?: boolean
}

export type CaseNode = QttCaseNode | RqttCaseNode

/** One run of a case: one element of `format` × one element of `config`. */
export interface TestVariant {
  /** Absolute path of the file it came from. */
  readonly file: string
  /** `<file stem> - <case name>[ - <FORMAT>][ - <prop>=<value>]` (ksqlDB's test name). */
  readonly name: string
  readonly case: CaseNode
  readonly format?: string
  /** The `{CONFIG}` property and the value this variant gives it. */
  readonly config?: { readonly property: string; readonly value: string }
  /** Statements with `{FORMAT}` substituted. */
  readonly statements: readonly string[]
  /** Properties with `{CONFIG}` substituted. */
  readonly properties: JsonObject
  /** The case's `expectedException` (QTT) or `expectedError` (RQTT). */
  readonly expected?: ExpectedError
  /** False when the case says `enabled: false` (to be reported as skipped). */
  readonly enabled: boolean
}

/** A case the loader rejected (missing or mistyped required field); ksqlDB fails such a case. */
export interface InvalidCase {
  readonly file: string
  /** `<file stem> - <case name>` (or `#<index>` when the name itself is missing). */
  readonly name: string
  readonly reason: string
}

export interface LoadedTestFile {
  readonly path: string
  readonly kind: TestFileKind
  readonly variants: readonly TestVariant[]
  readonly invalid: readonly InvalidCase[]
}
