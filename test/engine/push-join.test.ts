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
