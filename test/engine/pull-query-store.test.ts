import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'

/**
 * Pull queries over a CTAS table of an engine with a data directory read the query's LevelDB
 * store (sorted keys); an in-memory engine replays the table's topic. Both must give the same rows.
 */
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const SETUP = `
  CREATE STREAM clicks (USER_ID INT KEY, PAGE STRING, MS BIGINT) WITH (KAFKA_TOPIC='clicks', PARTITIONS=1, VALUE_FORMAT='JSON');
  CREATE TABLE per_user AS SELECT USER_ID, COUNT(*) AS N, SUM(MS) AS TOTAL FROM clicks GROUP BY USER_ID;
  CREATE TABLE per_page AS SELECT PAGE, COUNT(*) AS N FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAGE;`

function inserts(): string {
  const out: string[] = []
  for (let i = 0; i < 40; i++) {
    out.push(
      `INSERT INTO clicks (ROWTIME, USER_ID, PAGE, MS) VALUES (${i * 7000}, ${((i * 7) % 13) - 6}, 'p${i % 3}', ${i});`,
    )
  }
  return out.join('\n')
}

const QUERIES = [
  'SELECT * FROM per_user WHERE USER_ID = 3;',
  'SELECT * FROM per_user WHERE USER_ID = 99;',
  'SELECT USER_ID, N FROM per_user WHERE USER_ID >= -2 AND USER_ID < 4;',
  'SELECT * FROM per_user ORDER BY USER_ID DESC LIMIT 4;',
  'SELECT * FROM per_user WHERE N > 3 ORDER BY TOTAL;',
  "SELECT * FROM per_page WHERE PAGE = 'p1';",
  "SELECT PAGE, WINDOWSTART, N FROM per_page WHERE PAGE = 'p2' AND WINDOWSTART >= 60000 AND WINDOWSTART < 180000;",
  'SELECT * FROM per_page;',
]

async function rows(engine: Engine, sql: string): Promise<string[]> {
  const [r] = await engine.execute(sql)
  if (r?.kind !== 'PushQuery') throw new Error(`no rows from ${sql}`)
  const out: string[] = []
  for await (const row of r.rows)
    out.push(JSON.stringify(row.values, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)))
  return out
}

describe('pull queries served from the CTAS query state store', () => {
  it('give the same rows as replaying the table topic, also after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-pull-store-'))
    dirs.push(dir)
    const stored = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    const memory = await Engine.create({
      backend: EmbeddedBackend.inMemory(),
      properties: { 'auto.offset.reset': 'earliest' },
    })
    for (const e of [stored, memory]) {
      await e.execute(SETUP)
      await e.execute(inserts())
      await e.runUntilIdle()
    }
    const q = stored.persistentQueries().find((p) => p.plan.sinkName === 'PER_USER')
    expect(q?.materialization).toBeDefined()
    const expected: string[][] = []
    for (const sql of QUERIES) {
      const want = await rows(memory, sql)
      expected.push(want)
      expect(await rows(stored, sql), sql).toEqual(want)
    }
    expect(expected[0]).toHaveLength(1)
    expect(expected[3]).toHaveLength(4)
    await stored.close()
    await memory.close()

    const reopened = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    for (let i = 0; i < QUERIES.length; i++)
      expect(await rows(reopened, QUERIES[i]!), QUERIES[i]).toEqual(expected[i])
    await reopened.close()
  })
})
