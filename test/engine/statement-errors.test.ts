import { describe, expect, it } from 'vitest'
import { EddyError, SqlPlanError } from '../../src/errors.js'
import { engineOver } from './topic-helpers.js'

const SETUP = `
  CREATE STREAM TEST (ID INT KEY, F1 INT, F2 INT, X DOUBLE, Y DOUBLE, DATA STRING)
    WITH (kafka_topic='test', value_format='JSON');
  CREATE STREAM DTEST (ID STRING KEY, X DOUBLE, Y DOUBLE) WITH (kafka_topic='dtest', value_format='DELIMITED');
  CREATE TABLE B (ID INT PRIMARY KEY, V INT) WITH (kafka_topic='b', value_format='JSON');
  CREATE STREAM W1 (ID INT KEY, V BIGINT) WITH (kafka_topic='w1', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');
  CREATE STREAM W2 (ID INT KEY, V BIGINT) WITH (kafka_topic='w2', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');`

describe('planning errors with ksqlDB wording', () => {
  it.each([
    [
      'an aggregate without GROUP BY in CTAS',
      'CREATE TABLE OUTPUT AS SELECT COUNT(*), SUM(F1) FROM TEST;',
      'CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME), SUM(F1)] without a GROUP BY clause.',
    ],
    [
      'a value column named as the key column',
      'CREATE TABLE OUTPUT AS SELECT DATA AS COUNT, COUNT(*) AS COUNT FROM TEST GROUP BY DATA;',
      'Duplicate value columns found in schema: `COUNT` BIGINT',
    ],
    [
      'two value columns with one name',
      'CREATE STREAM OUTPUT AS SELECT ID, F1 AS X, F2 AS X FROM TEST;',
      'Duplicate value columns found in schema: `X` INTEGER',
    ],
    [
      'an aggregate state DELIMITED cannot hold',
      'CREATE TABLE OUTPUT AS SELECT ID, CORRELATION(X, Y) AS C FROM DTEST GROUP BY ID;',
      'One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.',
    ],
    [
      'a type mismatch in a join WHERE',
      'CREATE STREAM OUTPUT AS SELECT TEST.ID, V FROM TEST JOIN B ON TEST.ID = B.ID WHERE TEST.F1 > TEST.DATA;',
      'Error in WHERE expression: Cannot compare TEST_F1 (INTEGER) to TEST_DATA (STRING) with GREATER_THAN.',
    ],
    [
      'window bounds of a windowed aggregation over a join',
      'CREATE TABLE OUTPUT AS SELECT TEST.ID, COUNT(*), WINDOWSTART AS WS FROM TEST JOIN B ON TEST.ID = B.ID WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY TEST.ID;',
      "SELECT column 'WINDOWSTART' cannot be resolved.",
    ],
    [
      'windowed sources with different windows',
      'CREATE STREAM OUTPUT AS SELECT * FROM W1 JOIN W2 WITHIN 1 MINUTE ON W1.ID = W2.ID;',
      'Implicit repartitioning of windowed sources is not supported.',
    ],
  ])('rejects %s', async (_name, sql, message) => {
    const e = await engineOver('test', 'dtest', 'b', 'w1', 'w2')
    await e.execute(SETUP)
    const err = await e.execute(sql).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(SqlPlanError)
    expect((err as Error).message).toContain(message)
    await e.close()
  })

  it('a sink serde error quotes the statement as ksqlDB rewrites it', async () => {
    const e = await engineOver('test', 'dtest', 'b', 'w1', 'w2')
    await e.execute(SETUP)
    const err = await e
      .execute(
        "CREATE TABLE OUTPUT WITH (KEY_FORMAT='KAFKA') AS SELECT f1 AS k1, f2 k2, f1 + f2, COUNT(*) FROM TEST GROUP BY f1, f2;",
      )
      .catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EddyError)
    expect((err as Error).message).toContain('Key format does not support schema.\nformat: KAFKA')
    expect((err as EddyError).statementText).toBe(
      "CREATE TABLE OUTPUT WITH (KEY_FORMAT='KAFKA') AS SELECT\n  TEST.F1 K1,\n  TEST.F2 K2,\n  (TEST.F1 + TEST.F2) KSQL_COL_0,\n  COUNT(*) KSQL_COL_1\nFROM TEST TEST\nGROUP BY TEST.F1, TEST.F2\nEMIT CHANGES",
    )
    await e.close()
  })
})
