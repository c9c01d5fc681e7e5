import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LevelStateStore } from '../../src/state/level-store.js'
import { decodeState, encodeState } from '../../src/state/value-codec.js'
import { Decimal } from '../../src/types/decimal.js'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-state-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const meta = (offset: number) => ({
  offsets: [{ topic: 't', partition: 0, offset }],
  sinkEnds: [{ partition: 0, offset: offset * 2 }],
})

describe('value codec', () => {
  it.each([
    ['bigint', 123456789012345678901234567890n],
    ['decimal', new Decimal(-12345n, 3)],
    [
      'map',
      new Map<string, unknown>([
        ['a', 1n],
        ['b', null],
      ]),
    ],
    ['set', new Set(['x', 'y'])],
    ['bytes', new Uint8Array([0, 1, 255])],
    ['non-finite numbers', [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5]],
    ['nested UDAF state', { sum: new Decimal(10n, 1), count: 3n, seen: [{ A: 'x', B: [1, 2] }] }],
  ])('round-trips %s', (_name, value) => {
    expect(decodeState(encodeState(value))).toEqual(value)
  })

  it('keeps -0 and the Decimal class', () => {
    const back = decodeState<[number, Decimal]>(encodeState([-0, new Decimal(5n, 2)]))
    expect(Object.is(back[0], -0)).toBe(true)
    expect(back[1]).toBeInstanceOf(Decimal)
  })
})

describe('LevelStateStore', () => {
  it('keeps committed state and offsets across reopen; uncommitted changes are lost', async () => {
    const dir = tempDir()
    const a = LevelStateStore.create(dir)
    const groups = a.table<{ n: bigint }>('groups')
    const pending = a.loadedTable<number>('pending')
    const time = a.value('streamTime', -1)
    expect(await a.load()).toBeUndefined()
    groups.set('k1', { n: 1n })
    groups.set('k2', { n: 2n })
    pending.set('w1', 10)
    time.set(42)
    await a.commit(a.snapshot(), meta(5))
    groups.set('k1', { n: 100n })
    groups.delete('k2')
    await a.close()

    const b = LevelStateStore.create(dir)
    const g2 = b.table<{ n: bigint }>('groups')
    const p2 = b.loadedTable<number>('pending')
    const t2 = b.value('streamTime', -1)
    expect(await b.load()).toEqual(meta(5))
    expect(g2.get('k1')).toEqual({ n: 1n })
    expect(g2.get('k2')).toEqual({ n: 2n })
    expect(g2.get('k3')).toBeUndefined()
    expect([...p2.entries()]).toEqual([['w1', 10]])
    expect(t2.get()).toBe(42)
    g2.delete('k2')
    p2.delete('w1')
    await b.commit(b.snapshot(), meta(6))
    await b.close()

    const c = LevelStateStore.create(dir)
    const g3 = c.table<{ n: bigint }>('groups')
    const p3 = c.loadedTable<number>('pending')
    await c.load()
    expect(g3.get('k2')).toBeUndefined()
    expect(g3.has('k1')).toBe(true)
    expect(p3.size).toBe(0)
    await c.close()
  })

  it('evicts clean entries beyond its cache bound and reads them back, also while their commit is in flight', async () => {
    const dir = tempDir()
    const s = LevelStateStore.create(dir, { cacheEntries: 10 })
    const t = s.table<number>('t')
    await s.load()
    for (let i = 0; i < 100; i++) t.set(`k${i}`, i)
    const snap = s.snapshot()
    // Evicted but not yet written: served from the snapshot's bytes.
    for (let i = 0; i < 100; i++) expect(t.get(`k${i}`)).toBe(i)
    await s.commit(snap, meta(1))
    for (let i = 0; i < 100; i += 7) t.set(`k${i}`, i * 10)
    await s.commit(s.snapshot(), meta(2))
    for (let i = 0; i < 100; i++) expect(t.get(`k${i}`)).toBe(i % 7 === 0 ? i * 10 : i)
    await s.destroy()
  })

  it('does not create files before load (a statement that fails validation leaves nothing)', async () => {
    const dir = join(tempDir(), 'never')
    const s = LevelStateStore.create(dir)
    s.table('groups')
    const { existsSync } = await import('node:fs')
    expect(existsSync(dir)).toBe(false)
  })
})
