import { describe, expect, it } from 'vitest'
import type { JoinShape } from '../../src/analyzer/query-analyzer.js'
import type { SourceDef } from '../../src/catalog/source.js'
import { internalTopics } from '../../src/engine/internal-topics.js'
import { engineOver } from './topic-helpers.js'

const src = (kind: 'STREAM' | 'TABLE', keyFormat: string): SourceDef =>
  ({
    name: 'X',
    kind,
    schema: { key: [], value: [] },
    topic: 'x',
    keyFormat: { format: keyFormat },
    valueFormat: { format: 'JSON' },
    keyFeatures: {},
    valueFeatures: {},
    isSource: true,
  }) as unknown as SourceDef

const shape = (
  joinKind: JoinShape['joinKind'],
  joinType: JoinShape['joinType'],
  left: [SourceDef, boolean],
  right: [SourceDef, boolean],
): JoinShape => ({
  joinKind,
  joinType,
  foreignKey: false,
  left: { source: left[0], rekey: left[1] },
  right: { source: right[0], rekey: right[1] },
})

describe('internalTopics', () => {
  it.each([
    [
      'stream-stream, same key formats',
      shape('STREAM_STREAM', 'INNER', [src('STREAM', 'KAFKA'), false], [src('STREAM', 'KAFKA'), false]),
      'KAFKA',
      [
        'KSTREAM-JOINTHIS-0000000008-store-changelog KAFKA',
        'KSTREAM-JOINOTHER-0000000009-store-changelog KAFKA',
      ],
    ],
    [
      'stream-stream, right key format differs',
      shape('STREAM_STREAM', 'INNER', [src('STREAM', 'DELIMITED'), false], [src('STREAM', 'KAFKA'), false]),
      'KAFKA',
      [
        'Join-right-repartition DELIMITED',
        'KSTREAM-JOINTHIS-0000000012-store-changelog DELIMITED',
        'KSTREAM-JOINOTHER-0000000013-store-changelog DELIMITED',
      ],
    ],
    [
      'stream-stream left join, left re-keyed to the right key format',
      shape('STREAM_STREAM', 'LEFT', [src('STREAM', 'NONE'), true], [src('STREAM', 'KAFKA'), false]),
      'KAFKA',
      [
        'Join-left-repartition KAFKA',
        'KSTREAM-JOINTHIS-0000000012-store-changelog KAFKA',
        'KSTREAM-OUTEROTHER-0000000013-store-changelog KAFKA',
      ],
    ],
    [
      'stream-stream outer join of keyless streams: the default key format',
      shape('STREAM_STREAM', 'FULL', [src('STREAM', 'NONE'), true], [src('STREAM', 'NONE'), true]),
      'DELIMITED',
      [
        'Join-left-repartition DELIMITED',
        'Join-right-repartition DELIMITED',
        'KSTREAM-OUTERTHIS-0000000016-store-changelog DELIMITED',
        'KSTREAM-OUTEROTHER-0000000017-store-changelog DELIMITED',
      ],
    ],
    [
      'stream-table, stream re-keyed',
      shape('STREAM_TABLE', 'LEFT', [src('STREAM', 'DELIMITED'), true], [src('TABLE', 'KAFKA'), false]),
      'KAFKA',
      ['Join-repartition KAFKA', 'KafkaTopic_Right-Reduce-changelog KAFKA'],
    ],
    [
      'stream-table, table key format differs',
      shape('STREAM_TABLE', 'INNER', [src('STREAM', 'DELIMITED'), false], [src('TABLE', 'KAFKA'), false]),
      'KAFKA',
      [
        'KafkaTopic_Right-Reduce-changelog KAFKA',
        'RightSourceKeyed-SelectKey-repartition DELIMITED',
        'RightSourceKeyed-Materialize-changelog DELIMITED',
      ],
    ],
    [
      'table-table, right key format differs',
      shape('TABLE_TABLE', 'INNER', [src('TABLE', 'KAFKA'), false], [src('TABLE', 'DELIMITED'), false]),
      'KAFKA',
      [
        'KafkaTopic_Left-Reduce-changelog KAFKA',
        'KafkaTopic_Right-Reduce-changelog DELIMITED',
        'RightSourceKeyed-SelectKey-repartition KAFKA',
        'RightSourceKeyed-Materialize-changelog KAFKA',
      ],
    ],
    [
      'stream-stream, schema-registry key format: both sides repartitioned',
      shape('STREAM_STREAM', 'LEFT', [src('STREAM', 'AVRO'), false], [src('STREAM', 'AVRO'), false]),
      'KAFKA',
      [
        'Join-left-repartition AVRO',
        'Join-right-repartition AVRO',
        'KSTREAM-JOINTHIS-0000000016-store-changelog AVRO',
        'KSTREAM-OUTEROTHER-0000000017-store-changelog AVRO',
      ],
    ],
    [
      'stream-table, schema-registry key format: the stream and the table re-keyed',
      shape('STREAM_TABLE', 'INNER', [src('STREAM', 'JSON_SR'), false], [src('TABLE', 'JSON_SR'), false]),
      'KAFKA',
      [
        'Join-repartition JSON_SR',
        'KafkaTopic_Right-Reduce-changelog JSON_SR',
        'RightSourceKeyed-SelectKey-repartition JSON_SR',
        'RightSourceKeyed-Materialize-changelog JSON_SR',
      ],
    ],
    [
      'table-table, schema-registry key format on the left only: both re-keyed to it',
      shape('TABLE_TABLE', 'LEFT', [src('TABLE', 'PROTOBUF'), false], [src('TABLE', 'JSON'), false]),
      'KAFKA',
      [
        'KafkaTopic_Left-Reduce-changelog PROTOBUF',
        'LeftSourceKeyed-SelectKey-repartition PROTOBUF',
        'LeftSourceKeyed-Materialize-changelog PROTOBUF',
        'KafkaTopic_Right-Reduce-changelog JSON',
        'RightSourceKeyed-SelectKey-repartition PROTOBUF',
        'RightSourceKeyed-Materialize-changelog PROTOBUF',
      ],
    ],
  ])('%s', (_name, join, defaultKey, expected) => {
    const topics = internalTopics({ source: join.left.source, join }, defaultKey)
    expect(topics.map((t) => `${t.suffix} ${t.keyFormat.format}`)).toEqual(expected)
  })

  it('a table source is materialised; a stream source needs nothing', () => {
    expect(internalTopics({ source: src('TABLE', 'KAFKA') }, 'KAFKA').map((t) => t.suffix)).toEqual([
      'KsqlTopic-Reduce-changelog',
    ])
    expect(internalTopics({ source: src('STREAM', 'KAFKA') }, 'KAFKA')).toEqual([])
  })

  it('the engine creates them under the query id and TERMINATE deletes them', async () => {
    const e = await engineOver('s1', 's2')
    await e.execute(`
      CREATE STREAM S1 (ID INT KEY, FOO INT) WITH (kafka_topic='s1', key_format='DELIMITED', value_format='JSON');
      CREATE STREAM S2 (ID INT KEY, VAL STRING) WITH (kafka_topic='s2', key_format='KAFKA', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT S1.ID, S2.VAL FROM S1 JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID;`)
    const internal = (await e.backend.listTopics()).filter((t) => t.startsWith('_confluent-ksql-'))
    expect(internal.sort()).toEqual([
      '_confluent-ksql-default_query_CSAS_OUTPUT_0-Join-right-repartition',
      '_confluent-ksql-default_query_CSAS_OUTPUT_0-KSTREAM-JOINOTHER-0000000013-store-changelog',
      '_confluent-ksql-default_query_CSAS_OUTPUT_0-KSTREAM-JOINTHIS-0000000012-store-changelog',
    ])
    await e.execute('TERMINATE CSAS_OUTPUT_0;')
    expect((await e.backend.listTopics()).filter((t) => t.startsWith('_confluent-ksql-'))).toEqual([])
    await e.close()
  })
})
