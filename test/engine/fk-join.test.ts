import { describe, expect, it } from 'vitest'
import type { Engine } from '../../src/engine/engine.js'
import { engineOver, feed, readAll } from './topic-helpers.js'

const engine = (): Promise<Engine> => engineOver('orders', 'customers')

const TABLES = `
  CREATE TABLE O (ID STRING PRIMARY KEY, CUST STRING, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON');
  CREATE TABLE C (CID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='customers', value_format='JSON');`

describe('foreign-key table-table JOIN', () => {
  it('INNER: keyed by the left key; follows foreign-key changes and updates of either side', async () => {
    const e = await engine()
    await e.execute(`${TABLES}
      CREATE TABLE OUT AS SELECT O.ID, AMOUNT, NAME FROM O JOIN C ON O.CUST = C.CID;`)
    expect(e.source('OUT')?.schema.key.map((c) => c.name)).toEqual(['ID'])
    await feed(e, 'customers', 'c1', '{"NAME":"ann"}', 1)
    await feed(e, 'orders', 'o1', '{"CUST":"c1","AMOUNT":5}', 2) // joins
    await feed(e, 'orders', 'o2', '{"CUST":"c2","AMOUNT":7}', 3) // no customer yet: nothing
    await feed(e, 'orders', 'o3', '{"CUST":"c1","AMOUNT":9}', 4) // joins
    await feed(e, 'customers', 'c1', '{"NAME":"anna"}', 5) // both subscribers, in key order
    await feed(e, 'orders', 'o1', '{"CUST":"c2","AMOUNT":5}', 6) // moves to a missing key: delete
    await feed(e, 'customers', 'c2', '{"NAME":"bob"}', 7) // o1 and o2 now join
    await feed(e, 'customers', 'c1', null, 8) // deletes o3's result
    await feed(e, 'orders', 'o2', null, 9) // deletes o2's result
    expect(await readAll(e.backend, 'OUT')).toEqual([
      { key: 'o1', value: '{"AMOUNT":5,"NAME":"ann"}', ts: 2 },
      { key: 'o3', value: '{"AMOUNT":9,"NAME":"ann"}', ts: 4 },
      { key: 'o1', value: '{"AMOUNT":5,"NAME":"anna"}', ts: 5 },
      { key: 'o3', value: '{"AMOUNT":9,"NAME":"anna"}', ts: 5 },
      { key: 'o1', value: null, ts: 6 },
      { key: 'o1', value: '{"AMOUNT":5,"NAME":"bob"}', ts: 7 },
      { key: 'o2', value: '{"AMOUNT":7,"NAME":"bob"}', ts: 7 },
      { key: 'o3', value: null, ts: 8 },
      { key: 'o2', value: null, ts: 9 },
    ])
    await e.close()
  })

  it('LEFT: emits left rows without a match, and right deletes null their columns', async () => {
    const e = await engine()
    await e.execute(`${TABLES}
      CREATE TABLE OUT AS SELECT O.ID, AMOUNT, NAME FROM O LEFT JOIN C ON O.CUST = C.CID;`)
    await feed(e, 'orders', 'o1', '{"CUST":"c1","AMOUNT":5}', 1)
    await feed(e, 'customers', 'c1', '{"NAME":"ann"}', 2)
    await feed(e, 'customers', 'c1', null, 3)
    await feed(e, 'orders', 'o1', null, 4)
    await feed(e, 'orders', 'o9', null, 5) // unknown key: nothing
    expect(await readAll(e.backend, 'OUT')).toEqual([
      { key: 'o1', value: '{"AMOUNT":5,"NAME":null}', ts: 1 },
      { key: 'o1', value: '{"AMOUNT":5,"NAME":"ann"}', ts: 2 },
      { key: 'o1', value: '{"AMOUNT":5,"NAME":null}', ts: 3 },
      { key: 'o1', value: null, ts: 4 },
    ])
    await e.close()
  })

  it('refuses RIGHT and FULL foreign-key joins', async () => {
    const e = await engine()
    await e.execute(TABLES)
    await expect(
      e.execute('CREATE TABLE OUT AS SELECT O.ID, NAME FROM O FULL OUTER JOIN C ON O.CUST = C.CID;'),
    ).rejects.toThrow(/full-outer join not supported for foreign-key table-table join/)
    await expect(
      e.execute('CREATE TABLE OUT AS SELECT O.ID, NAME FROM O RIGHT JOIN C ON O.CUST = C.CID;'),
    ).rejects.toThrow(/right-outer join not supported for foreign-key table-table join/)
    await e.close()
  })
})
