import { describe, expect, it } from 'vitest'
import type { Engine } from '../../src/engine/engine.js'
import { SqlPlanError } from '../../src/errors.js'
import { engineOver, feed, readAll } from './topic-helpers.js'

/** An engine over empty topics `left` and `right`. */
const engine = (): Promise<Engine> => engineOver('left', 'right')

const STREAMS = `
  CREATE STREAM L (ID STRING KEY, A INT) WITH (kafka_topic='left', value_format='JSON');
  CREATE STREAM R (ID STRING KEY, B INT) WITH (kafka_topic='right', value_format='JSON');`
const TABLES = `
  CREATE TABLE L (ID STRING PRIMARY KEY, A INT) WITH (kafka_topic='left', value_format='JSON');
  CREATE TABLE R (ID STRING PRIMARY KEY, B INT) WITH (kafka_topic='right', value_format='JSON');`

describe('JOIN', () => {
  it('stream-stream inner join matches records within the window, at the later time', async () => {
    const e = await engine()
    await e.execute(`${STREAMS}
      CREATE STREAM OUT AS SELECT L.ID, A, B FROM L JOIN R WITHIN 10 SECONDS ON L.ID = R.ID;`)
    await feed(e, 'left', 'x', '{"A":1}', 1000)
    await feed(e, 'right', 'x', '{"B":2}', 5000)
    await feed(e, 'right', 'x', '{"B":3}', 20000)
    await feed(e, 'right', 'y', '{"B":4}', 5000)
    expect(await readAll(e.backend, 'OUT')).toEqual([{ key: 'x', value: '{"A":1,"B":2}', ts: 5000 }])
    expect(e.source('OUT')?.schema.key.map((c) => c.name)).toEqual(['L_ID'])
    await e.close()
  })

  it('stream-stream left join without a grace period emits unmatched left rows at once', async () => {
    const e = await engine()
    await e.execute(`${STREAMS}
      CREATE STREAM OUT AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 1 SECOND ON L.ID = R.ID;`)
    await feed(e, 'left', 'x', '{"A":1}', 0)
    await feed(e, 'right', 'x', '{"B":2}', 500)
    await feed(e, 'right', 'z', '{"B":9}', 600)
    expect(await readAll(e.backend, 'OUT')).toEqual([
      { key: 'x', value: '{"A":1,"B":null}', ts: 0 },
      { key: 'x', value: '{"A":1,"B":2}', ts: 500 },
    ])
    await e.close()
  })

  it('stream-table join looks up the current table row; table updates emit nothing', async () => {
    const e = await engine()
    await e.execute(`
      CREATE STREAM L (ID STRING KEY, A INT) WITH (kafka_topic='left', value_format='JSON');
      CREATE TABLE R (ID STRING PRIMARY KEY, B INT) WITH (kafka_topic='right', value_format='JSON');
      CREATE STREAM OUT AS SELECT L.ID, A, B FROM L LEFT JOIN R ON L.ID = R.ID;`)
    await feed(e, 'left', 'x', '{"A":1}', 0)
    await feed(e, 'right', 'x', '{"B":2}', 10)
    await feed(e, 'left', 'x', '{"A":3}', 20)
    await feed(e, 'right', 'x', null, 30)
    await feed(e, 'left', 'x', '{"A":4}', 40)
    expect(await readAll(e.backend, 'OUT')).toEqual([
      { key: 'x', value: '{"A":1,"B":null}', ts: 0 },
      { key: 'x', value: '{"A":3,"B":2}', ts: 20 },
      { key: 'x', value: '{"A":4,"B":null}', ts: 40 },
    ])
    await e.close()
  })

  it('table-table inner join emits updates and deletes', async () => {
    const e = await engine()
    await e.execute(`${TABLES}
      CREATE TABLE OUT AS SELECT L.ID, A, B FROM L JOIN R ON L.ID = R.ID;`)
    await feed(e, 'left', 'x', '{"A":1}', 0)
    await feed(e, 'right', 'x', '{"B":2}', 10)
    await feed(e, 'left', 'x', '{"A":3}', 20)
    await feed(e, 'right', 'x', null, 30)
    expect(e.source('OUT')?.kind).toBe('TABLE')
    expect(await readAll(e.backend, 'OUT')).toEqual([
      { key: 'x', value: '{"A":1,"B":2}', ts: 10 },
      { key: 'x', value: '{"A":3,"B":2}', ts: 20 },
      { key: 'x', value: null, ts: 30 },
    ])
    await e.close()
  })

  it('names SELECT * columns with the source alias and keys the result by the join column', async () => {
    const e = await engine()
    await e.execute(`${STREAMS}
      CREATE STREAM OUT AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.ID = R.ID;`)
    const s = e.source('OUT')?.schema
    expect(s?.key.map((c) => c.name)).toEqual(['L_ID'])
    expect(s?.value.map((c) => c.name)).toEqual(['L_A', 'R_ID', 'R_B'])
    await e.close()
  })

  it.each([
    [
      'a stream-stream join without WITHIN',
      'CREATE STREAM OUT AS SELECT L.ID, A FROM L JOIN R ON L.ID = R.ID;',
      'Stream-Stream joins must have a WITHIN clause specified.',
    ],
    [
      'a comparison with a literal',
      'CREATE STREAM OUT AS SELECT L.ID, A FROM L JOIN R WITHIN 1 SECOND ON L.ID = 0;',
      "Invalid comparison expression '0' in join '(L.ID = 0)'.",
    ],
    [
      'an ambiguous column',
      'CREATE STREAM OUT AS SELECT ID, A FROM L JOIN R WITHIN 1 SECOND ON L.ID = R.ID;',
      "Column 'ID' is ambiguous. Could be L.ID or R.ID.",
    ],
    [
      'a projection without the join key',
      'CREATE STREAM OUT AS SELECT A, B FROM L JOIN R WITHIN 1 SECOND ON L.ID = R.ID;',
      'must include the join expressions L.ID or R.ID in its projection',
    ],
  ])('rejects %s', async (_name, sql, message) => {
    const e = await engine()
    await e.execute(STREAMS)
    const err = await e.execute(sql).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(SqlPlanError)
    expect((err as Error).message).toContain(message)
    await e.close()
  })
})
