import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { encodeAvro, parseAvroSchema } from '../../src/serde/avro/avro.js'
import { MemorySchemaRegistry, writeWirePrefix } from '../../src/serde/schema-registry.js'
import { typeToString } from '../../src/types/type.js'

const VALUE_SCHEMA = {
  type: 'record',
  name: 'blah',
  fields: [
    { name: 'c1', type: 'int' },
    { name: 'name', type: ['null', 'string'] },
  ],
}

async function engineWithSchema(): Promise<{ engine: Engine; registry: MemorySchemaRegistry }> {
  const backend = EmbeddedBackend.inMemory()
  await backend.createTopic('input', { partitions: 1 })
  const registry = new MemorySchemaRegistry()
  registry.register('input-value', { schemaType: 'AVRO', schema: JSON.stringify(VALUE_SCHEMA) })
  const engine = await Engine.create({
    backend,
    schemaRegistry: registry,
    properties: { 'auto.offset.reset': 'earliest' },
  })
  return { engine, registry }
}

const columnsOf = (engine: Engine, name: string): string[] => {
  const s = engine.source(name)!
  return [...s.schema.key, ...s.schema.value].map((c) => `${c.name} ${typeToString(c.type)}`)
}

describe('schema inference from the schema registry', () => {
  it('takes AVRO columns from the latest registered value schema (upper-cased)', async () => {
    const { engine } = await engineWithSchema()
    await engine.execute("CREATE STREAM INPUT WITH (kafka_topic='input', value_format='AVRO');")
    expect(columnsOf(engine, 'INPUT')).toEqual(['C1 INTEGER', 'NAME STRING'])
    await engine.close()
  })

  it('keeps the names of a schema chosen by VALUE_SCHEMA_ID', async () => {
    const { engine } = await engineWithSchema()
    await engine.execute(
      "CREATE STREAM INPUT WITH (kafka_topic='input', value_format='AVRO', value_schema_id=1);",
    )
    expect(columnsOf(engine, 'INPUT')).toEqual(['c1 INTEGER', 'name STRING'])
    await engine.close()
  })

  it("reports a missing subject with ksqlDB's message", async () => {
    const { engine } = await engineWithSchema()
    await expect(
      engine.execute("CREATE STREAM S WITH (kafka_topic='input', key_format='AVRO', value_format='AVRO');"),
    ).rejects.toThrow(
      "Schema for message keys on topic 'input' does not exist in the Schema Registry.Subject: input-key",
    )
    await engine.close()
  })

  it('reads AVRO records and registers the sink schema of a CSAS', async () => {
    const { engine, registry } = await engineWithSchema()
    await engine.execute("CREATE STREAM INPUT WITH (kafka_topic='input', value_format='AVRO');")
    await engine.execute('CREATE STREAM OUTPUT AS SELECT C1 + 1 AS X, NAME FROM INPUT;')
    expect(registry.latest('OUTPUT-value')).toBeDefined()
    const id = registry.latest('input-value')!.id
    const body = encodeAvro(parseAvroSchema(VALUE_SCHEMA), { c1: 41, name: 'n' })
    await engine.backend.produce('input', [{ key: null, value: writeWirePrefix(id, body), timestamp: 0 }])
    await engine.runUntilIdle()
    const outSchema = registry.latest('OUTPUT-value')!
    const got: unknown[] = []
    for await (const b of engine.backend.consume('OUTPUT', { follow: false })) {
      for (const r of b.records) {
        const { decodeAvro } = await import('../../src/serde/avro/avro.js')
        got.push(decodeAvro(parseAvroSchema(outSchema.schema), r.value!.subarray(5)))
      }
    }
    expect(got).toEqual([{ X: 42, NAME: 'n' }])
    await engine.close()
  })

  it('keeps the registry in the data directory of an on-disk engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-sr-'))
    try {
      const first = await Engine.open(dir)
      await first.execute(
        "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', partitions=1, key_format='AVRO', value_format='AVRO');",
      )
      const id = first.schemaRegistry.latest('s-value')!.id
      await first.close()
      const second = await Engine.open(dir)
      expect(second.schemaRegistry.latest('s-value')!.id).toBe(id)
      expect(second.schemaRegistry.latest('s-key')).toBeDefined()
      await second.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
