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
  CREATE TABLE per_page AS SELECT PAGE, COUNT(*) AS N FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAGE;
  CREATE TABLE busy AS SELECT USER_ID, COUNT(*) AS N, SUM(MS) * 2 AS DOUBLED FROM clicks
    GROUP BY USER_ID HAVING COUNT(*) > 3;
  CREATE TABLE page_user WITH (KEY_FORMAT='JSON') AS SELECT PAGE, USER_ID AS U, COUNT(*) AS N FROM clicks GROUP BY PAGE, USER_ID;
  CREATE TABLE hop AS SELECT PAGE, COUNT(*) AS N FROM clicks
    WINDOW HOPPING (SIZE 2 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY PAGE;
  CREATE TABLE users (ID INT PRIMARY KEY, REGION STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');
  CREATE TABLE per_region AS SELECT REGION, COUNT(*) AS N FROM users GROUP BY REGION;
  CREATE TABLE users_copy AS SELECT * FROM users WHERE ID > 1;`

function inserts(): string {
  const out: string[] = []
  for (let i = 0; i < 40; i++) {
    out.push(
      `INSERT INTO clicks (ROWTIME, USER_ID, PAGE, MS) VALUES (${i * 7000}, ${((i * 7) % 13) - 6}, 'p${i % 3}', ${i});`,
    )
  }
  // Users move between regions and one leaves: the table aggregate retracts (undo).
  for (let i = 0; i < 12; i++) out.push(`INSERT INTO users (ID, REGION) VALUES (${i % 5}, 'r${i % 3}');`)
  out.push("INSERT INTO users (ID, REGION) VALUES (2, 'r0');")
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
  // HAVING and a computed column: groups HAVING rejects are no rows.
  'SELECT * FROM busy;',
  'SELECT * FROM busy WHERE USER_ID = -6;',
  'SELECT * FROM page_user;',
  "SELECT * FROM page_user WHERE PAGE = 'p0' AND U = 1;",
  'SELECT * FROM hop ORDER BY N DESC, PAGE LIMIT 5;',
  "SELECT * FROM hop WHERE PAGE = 'p1' AND WINDOWSTART >= 60000;",
  'SELECT * FROM per_region;',
  'SELECT * FROM users_copy;',
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
    // Not empty by accident: every query but the unknown key has rows.
    for (const [i, want] of expected.entries())
      if (i !== 1) expect(want.length, QUERIES[i]).toBeGreaterThan(0)
    // HAVING kept only some of the 13 users.
    expect(expected[QUERIES.indexOf('SELECT * FROM busy;')]?.length).toBeLessThan(13)
    await stored.close()
    await memory.close()

    const reopened = await Engine.open(dir, { properties: { 'auto.offset.reset': 'earliest' } })
    for (let i = 0; i < QUERIES.length; i++)
      expect(await rows(reopened, QUERIES[i]!), QUERIES[i]).toEqual(expected[i])
    await reopened.close()
  })
})
