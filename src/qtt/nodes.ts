import { JsonDecimal, type JsonObject, type JsonValue } from './jsonc.js'
import type {
  CaseNode,
  ExpectedError,
  PostConditions,
  PostKeyFormat,
  PostSource,
  PostTopic,
  RecordHeader,
  RecordWindow,
  RestResponse,
  SchemaReference,
  TestFileKind,
  TestRecord,
  TopicNode,
} from './types.js'

/**
 * Converts a parsed test case (JSON) into a typed `CaseNode`, the way ksqlDB's Jackson model reads
 * it: unknown properties are ignored, `null` counts as absent, required properties must be present
 * with the right type. A violation throws `InvalidNodeError` naming the offending path.
 */
export class InvalidNodeError extends Error {
  override readonly name = 'InvalidNodeError'
}

type Obj = JsonObject

function fail(path: string, expected: string, got: JsonValue | undefined): never {
  const what = got === undefined ? 'missing' : `got ${describe(got)}`
  throw new InvalidNodeError(`${path}: expected ${expected}, ${what}`)
}

function describe(v: JsonValue): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof JsonDecimal) return `number ${v.text}`
  if (typeof v === 'object') return 'an object'
  return `${typeof v} ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)}`
}

function isObject(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal)
}

function object(v: JsonValue | undefined, path: string): Obj {
  if (!isObject(v)) fail(path, 'an object', v)
  return v
}

function present(v: JsonValue | undefined): v is Exclude<JsonValue, null> {
  return v !== undefined && v !== null
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key]
  if (typeof v !== 'string') fail(`${path}.${key}`, 'a string', v)
  return v
}

function optStr(o: Obj, key: string, path: string): string | undefined {
  const v = o[key]
  if (!present(v)) return undefined
  if (typeof v !== 'string') fail(`${path}.${key}`, 'a string', v)
  return v
}

function toInteger(v: JsonValue | undefined, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'bigint') return Number(v)
  return fail(path, 'an integer', v)
}

function optInt(o: Obj, key: string, path: string): number | undefined {
  const v = o[key]
  return present(v) ? toInteger(v, `${path}.${key}`) : undefined
}

function optBool(o: Obj, key: string, path: string): boolean | undefined {
  const v = o[key]
  if (!present(v)) return undefined
  if (typeof v !== 'boolean') fail(`${path}.${key}`, 'a boolean', v)
  return v
}

function optArray(o: Obj, key: string, path: string): readonly JsonValue[] | undefined {
  const v = o[key]
  if (!present(v)) return undefined
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'an array', v)
  return v as readonly JsonValue[]
}

function list<T>(o: Obj, key: string, path: string, read: (v: JsonValue, path: string) => T): T[] {
  return (optArray(o, key, path) ?? []).map((v, i) => read(v, `${path}.${key}[${i}]`))
}

function strings(o: Obj, key: string, path: string): string[] {
  return list(o, key, path, (v, p) => {
    if (typeof v !== 'string') fail(p, 'a string', v)
    return v
  })
}

function optStrings(o: Obj, key: string, path: string): string[] | undefined {
  return present(o[key]) ? strings(o, key, path) : undefined
}

function withDefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o
}

export function readRecord(v: JsonValue, path: string): TestRecord {
  const o = object(v, path)
  if (!('value' in o)) fail(`${path}.value`, 'a value (null allowed)', undefined)
  const headers = present(o.headers) ? list(o, 'headers', path, readHeader) : undefined
  return withDefined({
    topic: str(o, 'topic', path),
    key: o.key ?? null,
    value: o.value ?? null,
    timestamp: optInt(o, 'timestamp', path),
    window: present(o.window) ? readWindow(o.window, `${path}.window`) : undefined,
    headers,
  })
}

function readWindow(v: JsonValue, path: string): RecordWindow {
  const o = object(v, path)
  const type = str(o, 'type', path).toLowerCase()
  if (type !== 'time' && type !== 'session') fail(`${path}.type`, "'time' or 'session'", o.type)
  return { start: toInteger(o.start, `${path}.start`), end: toInteger(o.end, `${path}.end`), type }
}

function readHeader(v: JsonValue, path: string): RecordHeader {
  const o = object(v, path)
  return { key: str(o, 'KEY', path), value: optStr(o, 'VALUE', path) ?? null }
}

function readSchemaReference(v: JsonValue, path: string): SchemaReference {
  const o = object(v, path)
  return { name: str(o, 'name', path), format: str(o, 'format', path), schema: o.schema ?? null }
}

export function readTopic(v: JsonValue, path: string): TopicNode {
  const o = object(v, path)
  return withDefined({
    name: str(o, 'name', path),
    keyFormat: optStr(o, 'keyFormat', path),
    valueFormat: optStr(o, 'valueFormat', path),
    keySchema: present(o.keySchema) ? o.keySchema : undefined,
    valueSchema: present(o.valueSchema) ? o.valueSchema : undefined,
    keySchemaId: optInt(o, 'keySchemaId', path),
    valueSchemaId: optInt(o, 'valueSchemaId', path),
    keySchemaReferences: present(o.keySchemaReferences)
      ? list(o, 'keySchemaReferences', path, readSchemaReference)
      : undefined,
    valueSchemaReferences: present(o.valueSchemaReferences)
      ? list(o, 'valueSchemaReferences', path, readSchemaReference)
      : undefined,
    ...optional('partitions', optInt(o, 'partitions', path)),
    replicas: optInt(o, 'replicas', path) ?? 1,
    keySerdeFeatures: optStrings(o, 'keySerdeFeatures', path),
    valueSerdeFeatures: optStrings(o, 'valueSerdeFeatures', path),
  })
}

function readExpected(v: JsonValue, path: string): ExpectedError {
  const o = object(v, path)
  const e = withDefined({
    type: optStr(o, 'type', path),
    message: optStr(o, 'message', path),
    cause: optStr(o, 'cause', path),
    causeMessage: optStr(o, 'causeMessage', path),
    status: optInt(o, 'status', path),
  })
  if (e.type === undefined && e.message === undefined) fail(path, "a 'type' or a 'message'", v)
  return e
}

function readPostKeyFormat(v: JsonValue, path: string): PostKeyFormat {
  const o = object(v, path)
  const windowType = optStr(o, 'windowType', path)?.toUpperCase()
  if (
    windowType !== undefined &&
    windowType !== 'TUMBLING' &&
    windowType !== 'HOPPING' &&
    windowType !== 'SESSION'
  ) {
    fail(`${path}.windowType`, 'TUMBLING, HOPPING or SESSION', o.windowType)
  }
  return withDefined({
    format: optStr(o, 'format', path),
    windowType,
    windowSize: optInt(o, 'windowSize', path),
    features: optStrings(o, 'features', path),
  })
}

function readPostSource(v: JsonValue, path: string): PostSource {
  const o = object(v, path)
  const type = str(o, 'type', path).toLowerCase()
  if (type !== 'stream' && type !== 'table') fail(`${path}.type`, "'stream' or 'table'", o.type)
  return withDefined({
    name: str(o, 'name', path),
    type,
    schema: optStr(o, 'schema', path),
    keyFormat: present(o.keyFormat) ? readPostKeyFormat(o.keyFormat, `${path}.keyFormat`) : undefined,
    valueFormat: optStr(o, 'valueFormat', path),
    keyFeatures: optStrings(o, 'keyFeatures', path),
    valueFeatures: optStrings(o, 'valueFeatures', path),
    isSource: optBool(o, 'isSource', path),
  })
}

function readPostTopic(v: JsonValue, path: string): PostTopic {
  const o = object(v, path)
  return withDefined({
    name: str(o, 'name', path),
    keyFormat: present(o.keyFormat) ? object(o.keyFormat, `${path}.keyFormat`) : undefined,
    valueFormat: present(o.valueFormat) ? object(o.valueFormat, `${path}.valueFormat`) : undefined,
    partitions: optInt(o, 'partitions', path),
    keySchema: present(o.keySchema) ? o.keySchema : undefined,
    valueSchema: present(o.valueSchema) ? o.valueSchema : undefined,
    keySchemaId: optInt(o, 'keySchemaId', path),
    valueSchemaId: optInt(o, 'valueSchemaId', path),
  })
}

function readPost(v: JsonValue, path: string): PostConditions {
  const o = object(v, path)
  const topics = present(o.topics) ? object(o.topics, `${path}.topics`) : undefined
  return withDefined({
    sources: present(o.sources) ? list(o, 'sources', path, readPostSource) : undefined,
    blacklist: topics === undefined ? undefined : optStr(topics, 'blacklist', `${path}.topics`),
    topics:
      topics !== undefined && present(topics.topics)
        ? list(topics, 'topics', `${path}.topics`, readPostTopic)
        : undefined,
  })
}

function readResponse(v: JsonValue, path: string): RestResponse {
  const o = object(v, path)
  if (present(o.admin)) return { kind: 'admin', admin: o.admin }
  for (const kind of ['query', 'queryProto'] as const) {
    const entries = optArray(o, kind, path)
    if (entries === undefined) continue
    return kind === 'query' ? { kind, query: entries } : { kind, queryProto: entries }
  }
  return fail(path, "an 'admin', 'query' or 'queryProto' entry", v)
}

/** The case's name, for naming it in errors even when the rest is invalid. */
export function caseName(v: JsonValue): string | undefined {
  return isObject(v) && typeof v.name === 'string' && v.name !== '' ? v.name : undefined
}

/** Reads one element of a file's `tests` array. */
export function readCase(v: JsonValue, kind: TestFileKind, path: string): CaseNode {
  const o = object(v, path)
  const name = str(o, 'name', path)
  if (name === '') fail(`${path}.name`, 'a non-empty string', o.name)
  const statements = strings(o, 'statements', path)
  if (statements.length === 0) fail(`${path}.statements`, 'a non-empty array', o.statements)
  const base = {
    name,
    statements,
    formats: strings(o, 'format', path),
    properties: present(o.properties) ? object(o.properties, `${path}.properties`) : {},
    topics: list(o, 'topics', path, readTopic),
    inputs: list(o, 'inputs', path, readRecord),
    outputs: list(o, 'outputs', path, readRecord),
    enabled: optBool(o, 'enabled', path) ?? true,
  }
  if (kind === 'rqtt') {
    const inputConditions = present(o.inputConditions)
      ? object(o.inputConditions, `${path}.inputConditions`)
      : undefined
    const outputConditions = present(o.outputConditions)
      ? object(o.outputConditions, `${path}.outputConditions`)
      : undefined
    return withDefined({
      kind,
      ...base,
      responses: present(o.responses) ? list(o, 'responses', path, readResponse) : undefined,
      expectedError: present(o.expectedError)
        ? readExpected(o.expectedError, `${path}.expectedError`)
        : undefined,
      inputConditions:
        inputConditions === undefined
          ? undefined
          : withDefined({
              waitForActivePushQuery: optBool(
                inputConditions,
                'waitForActivePushQuery',
                `${path}.inputConditions`,
              ),
            }),
      outputConditions:
        outputConditions === undefined
          ? undefined
          : withDefined({
              verifyOrder: optBool(outputConditions, 'verifyOrder', `${path}.outputConditions`),
            }),
      testPullWithProtoFormat: optBool(o, 'testPullWithProtoFormat', path),
    })
  }
  const expectedException = present(o.expectedException)
    ? readExpected(o.expectedException, `${path}.expectedException`)
    : undefined
  if (base.inputs.length === 0 && base.outputs.length === 0 && expectedException === undefined) {
    throw new InvalidNodeError(`${path}: needs 'inputs', 'outputs' or 'expectedException'`)
  }
  const versions = present(o.versions) ? object(o.versions, `${path}.versions`) : undefined
  return withDefined({
    kind,
    ...base,
    configs: strings(o, 'config', path),
    expectedException,
    post: present(o.post) ? readPost(o.post, `${path}.post`) : undefined,
    versions:
      versions === undefined
        ? undefined
        : withDefined({
            min: optStr(versions, 'min', `${path}.versions`),
            max: optStr(versions, 'max', `${path}.versions`),
          }),
  })
}

/** `{ [key]: value }`, or nothing when the value is absent (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
