import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  appendHistory,
  decodeEntry,
  encodeEntry,
  HISTORY_LIMIT,
  historyFile,
  loadHistory,
} from '../../../cli/repl/history.js'

describe('history file', () => {
  it('round-trips multi-line entries and backslashes', () => {
    const entry = "SELECT 'a\\nb'\nFROM s\nEMIT CHANGES;"
    expect(encodeEntry(entry)).not.toContain('\n')
    expect(decodeEntry(encodeEntry(entry))).toBe(entry)
  })

  it('appends and loads entries, oldest first', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eddy-hist-')), 'h')
    expect(loadHistory(file)).toEqual([])
    appendHistory(file, 'SHOW STREAMS;')
    appendHistory(file, 'SELECT *\nFROM s;')
    expect(loadHistory(file)).toEqual(['SHOW STREAMS;', 'SELECT *\nFROM s;'])
  })

  it('keeps the newest entries when the file is too long', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eddy-hist-')), 'h')
    writeFileSync(file, Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => `q${i};\n`).join(''))
    const h = loadHistory(file)
    expect(h.length).toBe(HISTORY_LIMIT)
    expect(h[0]).toBe('q5;')
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBe(HISTORY_LIMIT)
  })

  it('is ~/.eddy_history unless EDDY_HISTORY_FILE says otherwise', () => {
    expect(historyFile({ EDDY_HISTORY_FILE: '/tmp/h' })).toBe('/tmp/h')
    expect(historyFile({})).toMatch(/\.eddy_history$/)
  })
})
