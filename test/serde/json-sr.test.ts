import { describe, expect, it } from 'vitest'
import { createJsonSrSerde } from '../../src/serde/json-sr.js'
import { MemorySchemaRegistry, readWirePrefix } from '../../src/serde/schema-registry.js'
import type { Column } from '../../src/types/schema.js'
import { T } from '../../src/types/type.js'

const col = (name: string): Column => ({ name, type: T.BIGINT, namespace: 'VALUE' })

describe('JSON_SR serializer with a given schema id', () => {
  it.each([
    ['a property the columns lack is written null', [col('c1')], [4n], '{"c1":4,"c2":null}'],
    ['no extra property: as written', [col('c1'), col('c2')], [4n, 5n], '{"c1":4,"c2":5}'],
  ])('%s', (_name, columns, values, expected) => {
    const registry = new MemorySchemaRegistry()
    const id = registry.register('t-value', {
      schemaType: 'JSON',
      schema: JSON.stringify({
        type: 'object',
        properties: { c1: { type: 'integer' }, c2: { type: 'integer' } },
      }),
    })
    const serde = createJsonSrSerde(columns, { isKey: false, registry, topic: 't', schemaId: id })
    const bytes = serde.serialize(values)
    expect(bytes).not.toBeNull()
    const { id: written, body } = readWirePrefix(bytes as Uint8Array)
    expect(written).toBe(id)
    expect(new TextDecoder().decode(body)).toBe(expected)
  })
})
