import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import { partitionForKey } from '../../src/log/murmur2.js'

/**
 * A pull query without ORDER BY over a table with several partitions reads rows in ksqlDB's order:
 * partition by partition (Kafka's partitioner over the serialized key), each partition in the
 * order of its serialized keys (RocksDB), then window start. Which rows a LIMIT keeps follows.
 */
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const USERS = [-7, -1, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100, 1000]

const SETUP = `
  CREATE STREAM clicks (USER_ID INT KEY, MS BIGINT) WITH (KAFKA_TOPIC='clicks', PARTITIONS=4, VALUE_FORMAT='JSON');
  CREATE TABLE per_user AS SELECT USER_ID, COUNT(*) AS N FROM clicks GROUP BY USER_ID;
  CREATE TABLE win AS SELECT USER_ID, COUNT(*) AS N FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY USER_ID;
  CREATE STREAM single (USER_ID INT KEY, MS BIGINT) WITH (KAFKA_TOPIC='single', PARTITIONS=1, VALUE_FORMAT='JSON');
  CREATE TABLE per_user_1 AS SELECT USER_ID, COUNT(*) AS N FROM single GROUP BY USER_ID;`

function inserts(): string {
  const out: string[] = []
  for (const [i, u] of USERS.entries()) {
    out.push(`INSERT INTO clicks (ROWTIME, USER_ID, MS) VALUES (${1000 + i * 10}, ${u}, ${i});`)
    out.push(`INSERT INTO clicks (ROWTIME, USER_ID, MS) VALUES (${3000 + i * 10}, ${u}, ${i});`)
    out.push(`INSERT INTO single (USER_ID, MS) VALUES (${u}, ${i});`)
  }
  return out.join('\n')
}

/** KAFKA INT: 4 bytes big-endian. */
function intKey(v: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setInt32(0, v)
  return b
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** The users in ksqlDB's scan order over 4 partitions. */
function ksqlOrder(users: readonly number[]): number[] {
  return [...users].sort(
    (a, b) =>
      partitionForKey(intKey(a), 4) - partitionForKey(intKey(b), 4) || bytesCompare(intKey(a), intKey(b)),
  )
}

const ordered = ksqlOrder(USERS)
const byValue = [...USERS].sort((a, b) => a - b)

const CASES: readonly { readonly sql: string; readonly want: readonly unknown[][] }[] = [
  { sql: 'SELECT USER_ID, N FROM per_user;', want: ordered.map((u) => [u, '2']) },
  { sql: 'SELECT USER_ID FROM per_user LIMIT 5;', want: ordered.slice(0, 5).map((u) => [u]) },
  {
    sql: 'SELECT USER_ID FROM per_user WHERE USER_ID >= -1 AND USER_ID < 50;',
    want: ordered.filter((u) => u >= -1 && u < 50).map((u) => [u]),
  },
  { sql: 'SELECT USER_ID FROM per_user WHERE N = 2 LIMIT 3;', want: ordered.slice(0, 3).map((u) => [u]) },
  {
    sql: 'SELECT USER_ID, WINDOWSTART FROM win LIMIT 6;',
    want: ordered
      .flatMap((u) => [
        [u, '1000'],
        [u, '3000'],
      ])
      .slice(0, 6),
  },
  // ORDER BY, key lookups and one partition keep the key order
  { sql: 'SELECT USER_ID FROM per_user ORDER BY USER_ID;', want: byValue.map((u) => [u]) },
  { sql: 'SELECT USER_ID FROM per_user WHERE USER_ID IN (100, -7, 3);', want: [[-7], [3], [100]] },
  { sql: 'SELECT USER_ID FROM per_user_1;', want: byValue.map((u) => [u]) },
]

async function rows(engine: Engine, sql: string): Promise<unknown[][]> {
  const [r] = await engine.execute(sql)
  if (r?.kind !== 'PushQuery') throw new Error(`no rows from ${sql}`)
  const out: unknown[][] = []
  for await (const row of r.rows) out.push(row.values.map((v) => (typeof v === 'bigint' ? `${v}` : v)))
  return out
}

describe('pull queries over several partitions follow ksqlDB scan order', () => {
  it('the order differs from the key order (the test means something)', () => {
    expect(ordered).not.toEqual(byValue)
    expect(new Set(USERS.map((u) => partitionForKey(intKey(u), 4))).size).toBeGreaterThan(1)
  })

  for (const storage of ['topic replay', 'state store'] as const) {
    it(`${storage}: scans, ranges and LIMIT by partition, then serialized key`, async () => {
      let engine: Engine
      if (storage === 'state store') {
        const dir = mkdtempSync(join(tmpdir(), 'eddy-pull-partitions-'))
        dirs.push(dir)
        engine = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
      } else {
        engine = await Engine.create({
          backend: EmbeddedBackend.inMemory(),
          properties: { 'auto.offset.reset': 'earliest' },
        })
      }
      try {
        await engine.execute(SETUP)
        await engine.execute(inserts())
        await engine.runUntilIdle()
        for (const c of CASES) expect(await rows(engine, c.sql), c.sql).toEqual(c.want)
      } finally {
        await engine.close()
      }
    })
  }
})
