import type { JoinShape } from '../analyzer/query-analyzer.js'
import { supportsSchemaInference } from '../analyzer/join-analyzer.js'
import type { FormatSpec, SourceDef } from '../catalog/source.js'

/**
 * The internal topics ksqlDB (through Kafka Streams) creates for a persistent query, named as it
 * names them (`<application id>-<name>`, the application id being
 * `_confluent-ksql-<service id>query_<query id>`), with their formats.
 *
 * Eddy keeps a query's state in its own store and joins in process, so these topics stay empty;
 * they exist so that what a user (or a test) sees in the topic list matches ksqlDB:
 *
 * - a table source is materialised in a `Reduce` store: `KsqlTopic-Reduce-changelog`
 *   (`KafkaTopic_Left` / `KafkaTopic_Right` in a join);
 * - a join picks one key format for both sides (JoinNode.resolveKeyFormats): the key format of
 *   the side that keeps its key when the other is re-keyed, else the left's (the right's when
 *   the left has none, the default key format when neither has);
 * - a stream side that is re-keyed, or whose key format differs, goes through Kafka Streams'
 *   repartition at the join: `Join-left-repartition` / `Join-right-repartition` (stream-stream,
 *   the side Kafka Streams calls left being the one the join is called on: the right source
 *   for a RIGHT join) or `Join-repartition` (stream-table);
 * - a key format on the schema registry (AVRO, PROTOBUF, JSON_SR) forces every side through
 *   the repartition below, re-keyed or not (PreJoinRepartitionNode.maybeForceInternalKeyFormat);
 * - a table side whose key format differs is re-keyed into `<Side>SourceKeyed-SelectKey-repartition`
 *   and materialised again in `<Side>SourceKeyed-Materialize-changelog`;
 * - a stream-stream join keeps both sides in window stores, `KSTREAM-JOINTHIS-<n>-store` and
 *   `KSTREAM-JOINOTHER-<n+1>-store` (OUTER for a side whose unmatched rows are emitted), `<n>`
 *   being Kafka Streams' processor counter: 8 for two plain sources, plus 4 per repartitioned side.
 *
 * Joins of more than two sources and foreign-key joins are not covered (no topics listed).
 */
export interface InternalTopic {
  /** The name after the application id and `-`. */
  readonly suffix: string
  readonly keyFormat: FormatSpec
  readonly valueFormat: FormatSpec
}

export function internalTopics(
  input: { readonly source: SourceDef; readonly join?: JoinShape },
  defaultKeyFormat: string,
): InternalTopic[] {
  const join = input.join
  if (join === undefined) {
    const s = input.source
    return s.kind === 'TABLE' ? [reduceChangelog('KsqlTopic', s)] : []
  }
  if (join.foreignKey) return []
  const { left, right } = join
  const keyFormat = joinKeyFormat(join, defaultKeyFormat)
  // A key format on the schema registry forces every side through a repartition: keys
  // serialized with another schema id would not match (PreJoinRepartitionNode, ksql#6332).
  const forced = supportsSchemaInference(keyFormat.format)
  const changes = (side: { source: SourceDef; rekey: boolean }): boolean =>
    side.rekey || forced || !sameFormat(side.source.keyFormat, keyFormat)
  const out: InternalTopic[] = []
  const tableSource = (name: string, s: SourceDef): void => {
    out.push(reduceChangelog(name, s))
    if (forced || !sameFormat(s.keyFormat, keyFormat)) {
      const topic = { keyFormat, valueFormat: s.valueFormat }
      out.push({
        suffix: `${name === 'KafkaTopic_Left' ? 'Left' : 'Right'}SourceKeyed-SelectKey-repartition`,
        ...topic,
      })
      out.push({
        suffix: `${name === 'KafkaTopic_Left' ? 'Left' : 'Right'}SourceKeyed-Materialize-changelog`,
        ...topic,
      })
    }
  }
  switch (join.joinKind) {
    case 'STREAM_STREAM': {
      // Kafka Streams joins `this` with `other`: a RIGHT join runs as the right side's left join.
      const swapped = join.joinType === 'RIGHT'
      const [thisSide, otherSide] = swapped ? [right, left] : [left, right]
      let n = 8
      for (const [side, name] of [
        [thisSide, 'left'],
        [otherSide, 'right'],
      ] as const) {
        if (!changes(side)) continue
        out.push({ suffix: `Join-${name}-repartition`, keyFormat, valueFormat: side.source.valueFormat })
        n += 4
      }
      const thisOuter = join.joinType === 'FULL'
      const otherOuter = join.joinType !== 'INNER'
      const store = (
        outer: boolean,
        role: 'THIS' | 'OTHER',
        i: number,
        side: typeof left,
      ): InternalTopic => ({
        suffix: `KSTREAM-${outer ? 'OUTER' : 'JOIN'}${role}-${String(i).padStart(10, '0')}-store-changelog`,
        keyFormat,
        valueFormat: side.source.valueFormat,
      })
      out.push(store(thisOuter, 'THIS', n, thisSide), store(otherOuter, 'OTHER', n + 1, otherSide))
      return out
    }
    case 'STREAM_TABLE':
      if (changes(left))
        out.push({ suffix: 'Join-repartition', keyFormat, valueFormat: left.source.valueFormat })
      tableSource('KafkaTopic_Right', right.source)
      return out
    case 'TABLE_TABLE':
      tableSource('KafkaTopic_Left', left.source)
      tableSource('KafkaTopic_Right', right.source)
      return out
  }
}

function reduceChangelog(context: string, s: SourceDef): InternalTopic {
  return { suffix: `${context}-Reduce-changelog`, keyFormat: s.keyFormat, valueFormat: s.valueFormat }
}

function sameFormat(a: FormatSpec, b: FormatSpec): boolean {
  return a.format === b.format && (a.delimiter ?? ',') === (b.delimiter ?? ',')
}

/** JoinNode.resolveKeyFormats: the key format both sides of a join are brought to. */
function joinKeyFormat(join: JoinShape, defaultKeyFormat: string): FormatSpec {
  const { left, right } = join
  if (left.rekey && !right.rekey) return right.source.keyFormat
  if (!left.rekey && right.rekey) return left.source.keyFormat
  if (left.source.keyFormat.format !== 'NONE') return left.source.keyFormat
  if (right.source.keyFormat.format !== 'NONE') return right.source.keyFormat
  return { format: defaultKeyFormat }
}
