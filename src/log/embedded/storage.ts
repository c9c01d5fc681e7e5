import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, readdir, readFile, realpath, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TopicPartitionOffset, TopicBackendError } from '../topic-backend.js'
import { MemoryPartitionLog, type PartitionLog } from './partition-log.js'
import { type SegmentLogOptions, SegmentPartitionLog } from './segment-log.js'

/** What the embedded backend keeps about a topic besides its records. */
export interface TopicMeta {
  readonly name: string
  readonly partitions: number
  readonly replicas: number
  readonly config: Readonly<Record<string, string>>
}

/** Where the embedded backend keeps topics, partitions and committed offsets. */
export interface EmbeddedStorage {
  load(): Promise<{ topics: TopicMeta[]; groups: Map<string, TopicPartitionOffset[]> }>
  createTopic(meta: TopicMeta): Promise<void>
  openPartition(meta: TopicMeta, partition: number, onVisible: () => void): Promise<PartitionLog>
  /** Called after the topic's partitions are closed. */
  deleteTopic(name: string): Promise<void>
  /** Replaces the group's stored offsets. */
  saveGroup(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>
  close(): Promise<void>
}

/** Nothing leaves the process: for tests and the QTT runner. */
export class MemoryStorage implements EmbeddedStorage {
  async load(): Promise<{ topics: TopicMeta[]; groups: Map<string, TopicPartitionOffset[]> }> {
    return { topics: [], groups: new Map() }
  }
  async createTopic(): Promise<void> {}
  async openPartition(_meta: TopicMeta, _partition: number, onVisible: () => void): Promise<PartitionLog> {
    return new MemoryPartitionLog(onVisible)
  }
  async deleteTopic(): Promise<void> {}
  async saveGroup(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Data directories held by open backends of this process (a LOCK file naming our pid is stale otherwise). */
const held = new Set<string>()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

function groupFileName(group: string): string {
  const enc = encodeURIComponent(group).replace(/\./g, '%2E')
  return enc.length <= 200 ? `${enc}.json` : `${createHash('sha256').update(group).digest('hex')}.json`
}

/**
 * A data directory:
 * ```
 * LOCK                                 pid of the process that has it open
 * topics/<name>/topic.json             TopicMeta
 * topics/<name>/<partition>/*.log|.index  segment files (segment-log.ts)
 * groups/<encoded group>.json          { group, offsets: TopicPartitionOffset[] }
 * trash/                               topics being deleted (emptied on open)
 * ```
 * Topic creation and deletion are a directory rename, so a crash leaves a topic whole or absent.
 */
export class DiskStorage implements EmbeddedStorage {
  readonly #dir: string
  readonly #options: SegmentLogOptions
  #realDir = ''
  #groupWrites = new Map<string, Promise<void>>()

  constructor(dataDir: string, options: SegmentLogOptions = {}) {
    this.#dir = dataDir
    this.#options = options
  }

  async load(): Promise<{ topics: TopicMeta[]; groups: Map<string, TopicPartitionOffset[]> }> {
    for (const sub of ['topics', 'groups', 'trash']) await mkdir(join(this.#dir, sub), { recursive: true })
    await this.#lock()
    await rm(join(this.#dir, 'trash'), { recursive: true, force: true })
    await mkdir(join(this.#dir, 'trash'))
    const topics: TopicMeta[] = []
    for (const name of (await readdir(join(this.#dir, 'topics'))).sort()) {
      let meta: TopicMeta | null = null
      try {
        meta = JSON.parse(await readFile(join(this.#dir, 'topics', name, 'topic.json'), 'utf8')) as TopicMeta
      } catch {
        // Missing or unreadable topic.json: handled below.
      }
      if (meta?.name === name) topics.push(meta)
      // Not a topic Eddy wrote: out of the way, so the name can be created again.
      else await rename(join(this.#dir, 'topics', name), join(this.#dir, 'trash', randomUUID()))
    }
    const groups = new Map<string, TopicPartitionOffset[]>()
    for (const file of await readdir(join(this.#dir, 'groups'))) {
      if (!file.endsWith('.json')) continue
      const stored = JSON.parse(await readFile(join(this.#dir, 'groups', file), 'utf8')) as {
        group: string
        offsets: TopicPartitionOffset[]
      }
      groups.set(stored.group, stored.offsets)
    }
    return { topics, groups }
  }

  async #lock(): Promise<void> {
    this.#realDir = await realpath(this.#dir)
    const lockPath = join(this.#dir, 'LOCK')
    if (held.has(this.#realDir)) throw inUse(this.#dir, process.pid)
    try {
      const fh = await open(lockPath, 'wx')
      await fh.writeFile(String(process.pid))
      await fh.close()
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number((await readFile(lockPath, 'utf8')).trim())
      if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw inUse(this.#dir, pid)
      await writeFile(lockPath, String(process.pid))
    }
    held.add(this.#realDir)
  }

  async createTopic(meta: TopicMeta): Promise<void> {
    const staging = join(this.#dir, 'trash', randomUUID())
    await mkdir(staging)
    await writeFile(join(staging, 'topic.json'), JSON.stringify(meta))
    await rename(staging, join(this.#dir, 'topics', meta.name))
  }

  openPartition(meta: TopicMeta, partition: number, onVisible: () => void): Promise<PartitionLog> {
    const dir = join(this.#dir, 'topics', meta.name, String(partition))
    return SegmentPartitionLog.open(dir, meta.name, partition, this.#options, onVisible)
  }

  async deleteTopic(name: string): Promise<void> {
    const doomed = join(this.#dir, 'trash', randomUUID())
    await rename(join(this.#dir, 'topics', name), doomed)
    await rm(doomed, { recursive: true, force: true })
  }

  saveGroup(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const path = join(this.#dir, 'groups', groupFileName(group))
    const data = JSON.stringify({ group, offsets })
    // Writes of one group are chained so the newest commit is the one left on disk.
    const prev = this.#groupWrites.get(group) ?? Promise.resolve()
    const next = prev.then(() =>
      offsets.length === 0 ? unlink(path).catch(() => {}) : writeAtomic(path, data),
    )
    const tracked = next.finally(() => {
      if (this.#groupWrites.get(group) === tracked) this.#groupWrites.delete(group)
    })
    this.#groupWrites.set(group, tracked)
    return next
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#groupWrites.values()])
    await unlink(join(this.#dir, 'LOCK')).catch(() => {})
    held.delete(this.#realDir)
  }
}

function inUse(dir: string, pid: number): TopicBackendError {
  return new TopicBackendError('INVALID', `Data directory ${dir} is in use by process ${pid}`)
}
