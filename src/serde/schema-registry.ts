/**
 * A schema registry with Confluent Schema Registry's model: subjects (`<topic>-key`,
 * `<topic>-value`) hold versions; every distinct schema text gets one global id.
 *
 * `SchemaRegistry` is the interface the engine and serdes use. It is synchronous because serdes
 * run per record: a client of a real (HTTP) registry implements it over a cache that the
 * engine fills before a query starts (`latest` / `byId` of the subjects it reads and writes) and
 * that misses only for ids met at runtime. `MemorySchemaRegistry` is the embedded registry: in
 * memory, or kept in a small JSON file in the data directory.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

/** The schema types of Confluent Schema Registry (AVRO is its default). */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF'

/**
 * A schema's reference to another registered schema (Confluent's SchemaReference): `name` is how
 * the schema refers to it (PROTOBUF: the import path, e.g. `event.proto`), `subject` and `version`
 * where it is registered (version -1: the subject's latest).
 */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

export interface SchemaText {
  readonly schemaType: SchemaType
  /** The schema as registered (Avro / JSON Schema: JSON text; PROTOBUF: proto text). */
  readonly schema: string
  /** The schemas it refers to (PROTOBUF imports); none when absent. */
  readonly references?: readonly SchemaReference[]
}

export interface SubjectVersion extends SchemaText {
  readonly subject: string
  readonly version: number
  readonly id: number
}

export interface SchemaRegistry {
  /**
   * Registers a schema under a subject; returns its id. Registering a schema the subject already
   * holds returns that version's id. `id` asks for a given id (tests pre-register with one).
   */
  register(subject: string, schema: SchemaText, id?: number): number
  /** The latest version of a subject, or undefined. */
  latest(subject: string): SubjectVersion | undefined
  /** Every version of a subject, oldest first. */
  versions(subject: string): readonly SubjectVersion[]
  /** The schema with this global id, or undefined. */
  byId(id: number): SchemaText | undefined
  subjects(): readonly string[]
  /** Removes a subject (DROP ... DELETE TOPIC). */
  deleteSubject(subject: string): void
}

/** ksqlDB's KsqlConstants.getSRSubject. */
export function subjectName(topic: string, isKey: boolean): string {
  return `${topic}${isKey ? '-key' : '-value'}`
}

/**
 * The schemas a schema's references name, transitively (Confluent's resolved dependencies): the
 * reference name (a PROTOBUF import) to the referenced schema's text. Throws when a reference's
 * subject or version is not registered.
 */
export function resolveReferences(registry: SchemaRegistry, schema: SchemaText): ReadonlyMap<string, string> {
  const out = new Map<string, string>()
  const visit = (refs: readonly SchemaReference[] | undefined): void => {
    for (const r of refs ?? []) {
      if (out.has(r.name)) continue
      const versions = registry.versions(r.subject)
      if (versions.length === 0) throw new Error(`Subject '${r.subject}' not found.`)
      const found =
        r.version === -1 ? versions[versions.length - 1] : versions.find((v) => v.version === r.version)
      if (found === undefined) throw new Error(`Version ${r.version} not found.`)
      out.set(r.name, found.schema)
      visit(found.references)
    }
  }
  visit(schema.references)
  return out
}

/** The registry's canonical text of a JSON schema (Avro / JSON Schema): key order kept, no spaces. */
function canonical(s: SchemaText): string {
  const refs =
    s.references === undefined || s.references.length === 0 ? '' : `\u0000${JSON.stringify(s.references)}`
  if (s.schemaType === 'PROTOBUF') return s.schema.trim() + refs
  try {
    return JSON.stringify(JSON.parse(s.schema)) + refs
  } catch {
    return s.schema.trim() + refs
  }
}

function stored(s: SchemaText): SchemaText {
  return {
    schemaType: s.schemaType,
    schema: s.schema,
    ...(s.references !== undefined && s.references.length > 0 ? { references: s.references } : {}),
  }
}

interface FileData {
  readonly schemas: {
    id: number
    schemaType: SchemaType
    schema: string
    references?: readonly SchemaReference[]
  }[]
  readonly subjects: { subject: string; ids: number[] }[]
}

/** The embedded schema registry (see the module comment). */
export class MemorySchemaRegistry implements SchemaRegistry {
  readonly #byId = new Map<number, SchemaText>()
  readonly #subjects = new Map<string, number[]>()
  #nextId = 1

  /** `file`: where the registry is kept (read now, rewritten on every change). */
  constructor(readonly file?: string) {
    if (file !== undefined && existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as FileData
      for (const s of data.schemas) {
        this.#byId.set(s.id, stored(s))
        this.#nextId = Math.max(this.#nextId, s.id + 1)
      }
      for (const s of data.subjects) this.#subjects.set(s.subject, [...s.ids])
    }
  }

  register(subject: string, schema: SchemaText, id?: number): number {
    const text = canonical(schema)
    const ids = this.#subjects.get(subject) ?? []
    for (const existing of ids) {
      const s = this.#byId.get(existing)
      if (s !== undefined && s.schemaType === schema.schemaType && canonical(s) === text && id === undefined)
        return existing
    }
    let chosen = id
    if (chosen === undefined) {
      for (const [k, s] of this.#byId) {
        if (s.schemaType === schema.schemaType && canonical(s) === text) {
          chosen = k
          break
        }
      }
    }
    if (chosen === undefined) {
      while (this.#byId.has(this.#nextId)) this.#nextId++
      chosen = this.#nextId++
    }
    this.#byId.set(chosen, stored(schema))
    if (!ids.includes(chosen)) ids.push(chosen)
    this.#subjects.set(subject, ids)
    this.#save()
    return chosen
  }

  latest(subject: string): SubjectVersion | undefined {
    const all = this.versions(subject)
    return all[all.length - 1]
  }

  versions(subject: string): readonly SubjectVersion[] {
    const ids = this.#subjects.get(subject) ?? []
    const out: SubjectVersion[] = []
    ids.forEach((id, i) => {
      const s = this.#byId.get(id)
      if (s !== undefined) out.push({ ...s, subject, version: i + 1, id })
    })
    return out
  }

  byId(id: number): SchemaText | undefined {
    return this.#byId.get(id)
  }

  subjects(): readonly string[] {
    return [...this.#subjects.keys()]
  }

  deleteSubject(subject: string): void {
    if (this.#subjects.delete(subject)) this.#save()
  }

  #save(): void {
    if (this.file === undefined) return
    const data: FileData = {
      schemas: [...this.#byId].map(([id, s]) => ({ id, ...s })),
      subjects: [...this.#subjects].map(([subject, ids]) => ({ subject, ids })),
    }
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(data))
    renameSync(tmp, this.file)
  }
}

/** Confluent's wire format: magic byte 0, then the schema id as a 4-byte big-endian int. */
export function writeWirePrefix(id: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length)
  out[0] = 0
  new DataView(out.buffer).setInt32(1, id)
  out.set(body, 5)
  return out
}

/** The schema id and the body of a record in Confluent's wire format; throws on anything else. */
export function readWirePrefix(bytes: Uint8Array): { readonly id: number; readonly body: Uint8Array } {
  if (bytes.length < 5 || bytes[0] !== 0) throw new Error('Unknown magic byte!')
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(1)
  return { id, body: bytes.subarray(5) }
}
