import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SourceDef } from '../catalog/source.js'
import type { QueryPlan } from '../plan/physical/steps.js'
import type { Type } from '../types/type.js'

/**
 * What survives a restart: the catalog and the plans of running persistent queries (ksqlDB's
 * command topic + plan.json, as one snapshot file). Queries are rebuilt from their stored steps,
 * not re-planned from SQL, so a restart runs exactly what was started; their source offsets are
 * the consumer groups' committed offsets in the topic log.
 */
export interface MetastoreSnapshot {
  readonly version: 1
  readonly sources: readonly SourceDef[]
  readonly types: readonly (readonly [string, Type])[]
  readonly references: readonly (readonly [string, readonly string[]])[]
  readonly queries: readonly QueryPlan[]
  readonly queryCounter: number
}

const FILE = 'metastore.json'

export function loadSnapshot(dir: string): MetastoreSnapshot | undefined {
  const path = join(dir, FILE)
  if (!existsSync(path)) return undefined
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as MetastoreSnapshot
  if (parsed.version !== 1)
    throw new Error(`${path}: unsupported metastore version ${String(parsed.version)}`)
  return parsed
}

/** Writes the snapshot atomically (temp file + rename): a crash leaves the old or the new one. */
export function saveSnapshot(dir: string, snapshot: MetastoreSnapshot): void {
  mkdirSync(dir, { recursive: true })
  const tmp = join(dir, `${FILE}.tmp`)
  writeFileSync(tmp, JSON.stringify(snapshot))
  renameSync(tmp, join(dir, FILE))
}
