import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import type { PushRow } from '../../src/engine/results.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'

const SETUP = `
  CREATE TABLE users (ID STRING PRIMARY KEY, REGION STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');
  CREATE STREAM views (USER_ID STRING KEY, PAGE STRING) WITH (KAFKA_TOPIC='views', PARTITIONS=1, VALUE_FORMAT='JSON');
  INSERT INTO users (ROWTIME, ID, REGION) VALUES (10, 'u1', 'EMEA');
  INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (5, 'u1', 'early');
  INSERT INTO users (ROWTIME, ID, REGION) VALUES (20, 'u2', 'AMER');
  INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (20, 'u2', 'cart');
  INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (30, 'u1', 'home');
  INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (40, 'u3', 'home');`

const QUERY =
  'SELECT v.USER_ID, v.PAGE, u.REGION FROM views v LEFT JOIN users u ON v.USER_ID = u.ID EMIT CHANGES;'

describe('transient push queries with a JOIN', () => {
  it('join what the topics hold in timestamp order across topics (table rows first on a tie)', async () => {
    const engine = await Engine.create({
      backend: EmbeddedBackend.inMemory(),
      properties: { 'auto.offset.reset': 'earliest' },
      followPushQueries: false,
    })
    await engine.execute(SETUP)
    const [r] = await engine.execute(QUERY)
    if (r?.kind !== 'PushQuery') throw new Error('expected a push query')
    const rows: unknown[] = []
    for await (const row of r.rows) rows.push(row.values)
    expect(rows).toEqual([
      ['u1', 'early', null],
      ['u2', 'cart', 'AMER'],
      ['u1', 'home', 'EMEA'],
      ['u3', 'home', null],
    ])
    await engine.close()
  })

  it('keep following both topics: a new table row, then a stream record that joins it', async () => {
    const engine = await Engine.create({
      backend: EmbeddedBackend.inMemory(),
      properties: { 'auto.offset.reset': 'earliest' },
    })
    await engine.execute(SETUP)
    const [r] = await engine.execute(`${QUERY.slice(0, -1)} LIMIT 6;`)
    if (r?.kind !== 'PushQuery') throw new Error('expected a push query')
    const it = r.rows[Symbol.asyncIterator]()
    const take = async (): Promise<PushRow> => {
      const n = await it.next()
      if (n.done === true) throw new Error('the query ended early')
      return n.value
    }
    for (let i = 0; i < 4; i++) await take()
    await engine.execute(`INSERT INTO users (ROWTIME, ID, REGION) VALUES (50, 'u3', 'APAC');`)
    // The table row must be in before the stream record is produced (two topics: no order between them).
    await new Promise((resolve) => setTimeout(resolve, 300))
    await engine.execute(`INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (60, 'u3', 'checkout');`)
    expect((await take()).values).toEqual(['u3', 'checkout', 'APAC'])
    await engine.execute(`INSERT INTO views (ROWTIME, USER_ID, PAGE) VALUES (70, 'u9', 'home');`)
    expect((await take()).values).toEqual(['u9', 'home', null])
    expect((await it.next()).done).toBe(true)
    await engine.close()
  })
})

describe('transient push queries present columns in SELECT order', () => {
  it('value before key, and SELECT * over a windowed table shows the window bounds after the key', async () => {
    const { selectOrder } = await import('../../src/engine/results.js')
    const engine = await Engine.create({
      backend: EmbeddedBackend.inMemory(),
      properties: { 'auto.offset.reset': 'earliest' },
      followPushQueries: false,
    })
    await engine.execute(`
      CREATE STREAM s (K STRING KEY, ID INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');
      CREATE TABLE counts AS SELECT K, COUNT(*) AS N FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K;
      INSERT INTO s (ROWTIME, K, ID) VALUES (1500, 'a', 7);`)
    await engine.runUntilIdle()
    const shown = async (sql: string): Promise<{ names: string[]; rows: unknown[] }> => {
      const [r] = await engine.execute(sql)
      if (r?.kind !== 'PushQuery') throw new Error('expected a push query')
      const order = selectOrder(r)
      const rows: unknown[] = []
      for await (const row of r.rows) rows.push(order.values(row))
      return { names: order.columns.map((c) => c.name), rows }
    }
    expect(await shown('SELECT ID, K FROM s EMIT CHANGES;')).toEqual({ names: ['ID', 'K'], rows: [[7, 'a']] })
    expect(await shown('SELECT * FROM counts EMIT CHANGES;')).toEqual({
      names: ['K', 'WINDOWSTART', 'WINDOWEND', 'N'],
      rows: [['a', 1000n, 2000n, 1n]],
    })
    await engine.close()
  })
})

describe('persistent joins over topics that already hold data', () => {
  it('process both topics in timestamp order (not one topic after the other)', async () => {
    const backend = EmbeddedBackend.inMemory()
    const engine = await Engine.create({ backend, properties: { 'auto.offset.reset': 'earliest' } })
    await engine.execute(SETUP)
    await engine.execute(
      'CREATE STREAM enriched AS SELECT v.USER_ID, v.PAGE, u.REGION FROM views v LEFT JOIN users u ON v.USER_ID = u.ID;',
    )
    await engine.runUntilIdle()
    const out: string[] = []
    for await (const b of backend.consume('ENRICHED', { follow: false })) {
      for (const r of b.records) out.push(new TextDecoder().decode(r.value ?? new Uint8Array()))
    }
    expect(out).toEqual([
      '{"PAGE":"early","REGION":null}',
      '{"PAGE":"cart","REGION":"AMER"}',
      '{"PAGE":"home","REGION":"EMEA"}',
      '{"PAGE":"home","REGION":null}',
    ])
    await engine.close()
  })
})
