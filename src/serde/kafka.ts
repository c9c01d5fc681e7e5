/**
 * ksqlDB's KAFKA format: a single column written with Kafka's primitive serializers (big-endian
 * int32 / int64 / IEEE double, UTF-8 string, raw bytes). No columns: nothing is written or read.
 */
import type { Column } from '../types/schema.js'
import type { Value } from '../types/values.js'
import {
  decodeUtf8,
  encodeUtf8Pooled,
  type RowSerde,
  SerdeError,
  type SerdeOptions,
  toBigInt,
  toNumber,
} from './common.js'

/** Types the KAFKA format can hold. */
export const KAFKA_TYPES: ReadonlySet<string> = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'])

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export function writeInt32(v: number): Uint8Array {
  const out = new Uint8Array(4)
  view(out).setInt32(0, v)
  return out
}

export function writeInt64(v: bigint): Uint8Array {
  const out = new Uint8Array(8)
  view(out).setBigInt64(0, BigInt.asIntN(64, v))
  return out
}

export function writeFloat64(v: number): Uint8Array {
  const out = new Uint8Array(8)
  view(out).setFloat64(0, v)
  return out
}

export function readInt32(bytes: Uint8Array): number {
  if (bytes.length !== 4) throw new Error('Size of data received by IntegerDeserializer is not 4')
  return view(bytes).getInt32(0)
}

export function readInt64(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new Error('Size of data received by LongDeserializer is not 8')
  return view(bytes).getBigInt64(0)
}

export function readFloat64(bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new Error('Size of data received by Deserializer is not 8')
  return view(bytes).getFloat64(0)
}

export function createKafkaSerde(columns: readonly Column[], options: SerdeOptions): RowSerde {
  if (columns.length === 0) {
    return {
      serialize: () => null,
      deserialize: (bytes) => (bytes === null ? null : []),
    }
  }
  const col = columns[0]!
  let write: (v: Value) => Uint8Array
  let read: (bytes: Uint8Array) => Value
  switch (col.type.kind) {
    case 'INTEGER':
      write = (v) => writeInt32(toNumber(v))
      read = readInt32
      break
    case 'BIGINT':
      write = (v) => writeInt64(toBigInt(v))
      read = readInt64
      break
    case 'DOUBLE':
      write = (v) => writeFloat64(toNumber(v))
      read = readFloat64
      break
    case 'STRING':
      write = (v) => encodeUtf8Pooled(typeof v === 'string' ? v : String(v))
      read = decodeUtf8
      break
    case 'BYTES':
      write = (v) => v as Uint8Array
      read = (b) => b.slice()
      break
    default:
      throw new SerdeError(`The 'KAFKA' format does not support type '${col.type.kind}'`)
  }
  const topic = options.topic ?? '?'
  return {
    serialize(values) {
      if (values === null) return null
      if (values.length !== 1) {
        throw new SerdeError(
          `Column count mismatch on serialization. topic: ${topic}, expected: 1, got: ${values.length}`,
        )
      }
      const v = values[0]
      return v === null || v === undefined ? null : write(v)
    },
    deserialize(bytes) {
      if (bytes === null) return null
      try {
        return [read(bytes)]
      } catch (e) {
        throw new SerdeError(
          `Error deserializing KAFKA message from topic: ${topic}: ${(e as Error).message}`,
        )
      }
    },
  }
}
