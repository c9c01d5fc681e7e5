import { Engine } from '../../src/engine/engine.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { TopicBackend } from '../../src/log/topic-backend.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** A topic record as text. */
export type Rec = { key: string | null; value: string | null; ts: number }

/**
 * Every record of `topic` as text. `printableKeys` drops the bytes of a windowed key's binary
 * window suffix, leaving its text key.
 */
export async function readAll(
  backend: TopicBackend,
  topic: string,
  options: { printableKeys?: boolean } = {},
): Promise<Rec[]> {
  const out: Rec[] = []
  for await (const b of backend.consume(topic, { follow: false })) {
    for (const r of b.records) {
      const key = r.key === null ? null : dec.decode(r.key)
      out.push({
        key: key !== null && options.printableKeys === true ? key.replace(/[^\x20-\x7e]/g, '') : key,
        value: r.value === null ? null : dec.decode(r.value),
        ts: r.timestamp,
      })
    }
  }
  return out
}

/** An in-memory engine (auto.offset.reset=earliest) over empty single-partition `topics`. */
export async function engineOver(...topics: string[]): Promise<Engine> {
  const backend = EmbeddedBackend.inMemory()
  for (const t of topics) await backend.createTopic(t, { partitions: 1 })
  return Engine.create({ backend, properties: { 'auto.offset.reset': 'earliest' } })
}

/** Produces one record, then runs the queries (the conformance tests' record-at-a-time order). */
export async function feed(
  e: Engine,
  topic: string,
  key: string,
  value: string | null,
  ts: number,
): Promise<void> {
  await e.backend.produce(topic, [
    { key: enc.encode(key), value: value === null ? null : enc.encode(value), timestamp: ts },
  ])
  await e.runUntilIdle()
}
