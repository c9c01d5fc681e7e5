import { render } from 'ink-testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { HIGHLIGHT_ON } from '../../../cli/repl/render.js'
import { type Action, initialState, type ReplState, reducer } from '../../../cli/repl/state.js'
import { ReplView } from '../../../cli/repl/views.js'
import { cleanup } from 'ink-testing-library'

afterEach(() => cleanup())

function run(state: ReplState, ...actions: Action[]): ReplState {
  return actions.reduce(reducer, state)
}

const started = (changelog: boolean): Action => ({
  type: 'queryStarted',
  queryId: 'transient_S_3',
  columns: ['REGION', 'CNT'],
  keyCount: 1,
  changelog,
  now: 0,
})

describe('ReplView', () => {
  it('shows the prompt with the buffer and a cursor', () => {
    const s = run(initialState({}), { type: 'key', input: 'SHOW', key: {} })
    const { lastFrame } = render(<ReplView state={s} />)
    expect(lastFrame()).toContain('eddy> SHOW')
  })

  it('shows continuation prompts for a multi-line statement', () => {
    const s = run(
      initialState({}),
      { type: 'key', input: 'SELECT *', key: {} },
      { type: 'key', input: '', key: { return: true } },
    )
    const { lastFrame } = render(<ReplView state={s} />)
    expect(lastFrame()).toMatch(/eddy> SELECT \*\n {4}> /)
  })

  it('prints a listing as an aligned table above the prompt', () => {
    const s = run(initialState({}), {
      type: 'result',
      result: {
        kind: 'Listing',
        statement: 'DESCRIBE s',
        type: 'sourceDescription',
        columns: ['Field', 'Type'],
        rows: [
          ['ID', 'INTEGER (key)'],
          ['REGION', 'STRING'],
        ],
      },
    })
    const { lastFrame } = render(<ReplView state={s} />)
    const frame = lastFrame() ?? ''
    expect(frame).toContain('| Field  | Type          |')
    expect(frame).toContain('| REGION | STRING        |')
    expect(frame.indexOf('REGION')).toBeLessThan(frame.indexOf('eddy> '))
  })

  it('appends stream rows as they come, with a status line', () => {
    let s = run(initialState({ width: 60 }), { type: 'dequeue' }, started(false), {
      type: 'queryRows',
      rows: [{ cells: ['eu', '1'] }],
      now: 500,
    })
    const { lastFrame, rerender } = render(<ReplView state={s} />)
    expect(lastFrame()).toMatch(/\| eu +\| 1 +\|/)
    s = run(s, { type: 'queryRows', rows: [{ cells: ['us', '7'] }], now: 1500 })
    rerender(<ReplView state={s} />)
    const frame = lastFrame() ?? ''
    expect(frame).toMatch(/\| eu +\| 1 +\|\n\| us +\| 7 +\|/)
    expect(frame).toContain('transient_S_3 · 2 rows')
    expect(frame).toContain('0:01 elapsed')
    expect(frame).not.toContain('eddy> ')
  })

  it('updates a table row in place and highlights the changed cell', () => {
    let s = run(initialState({}), { type: 'dequeue' }, started(true), {
      type: 'queryRows',
      rows: [{ cells: ['eu', '1'] }, { cells: ['us', '1'] }],
      now: 0,
    })
    s = run(s, { type: 'tick', now: 5000 })
    const { lastFrame, rerender } = render(<ReplView state={s} />)
    expect(lastFrame()).not.toContain(HIGHLIGHT_ON)
    s = run(s, { type: 'queryRows', rows: [{ cells: ['eu', '2'] }], now: 5100 })
    rerender(<ReplView state={s} />)
    const frame = lastFrame() ?? ''
    expect(frame.match(/\| eu /g)?.length).toBe(1)
    expect(frame).toContain(`| eu     | ${HIGHLIGHT_ON}2${'\u001b[27m'}   |`)
    expect(frame).toContain('| us     | 1   |')
    expect(frame).toContain('transient_S_3 · 3 rows')
    // The highlight fades once the cell has not changed for a while.
    s = run(s, { type: 'tick', now: 9000 })
    rerender(<ReplView state={s} />)
    expect(lastFrame()).toContain('| eu     | 2   |')
  })

  it('shows a tombstoned key as <TOMBSTONE>', () => {
    const s = run(initialState({}), { type: 'dequeue' }, started(true), {
      type: 'queryRows',
      rows: [{ cells: ['eu', '1'] }, { cells: ['eu', '<TOMBSTONE>'], tombstone: true }],
      now: 0,
    })
    const { lastFrame } = render(<ReplView state={s} />)
    expect(lastFrame()).toContain('<TOMBSTONE>')
  })

  it('shows the reverse search line', () => {
    const s = run(
      initialState({ history: ['SHOW STREAMS;'] }),
      { type: 'key', input: 'r', key: { ctrl: true } },
      { type: 'key', input: 'str', key: {} },
    )
    const { lastFrame } = render(<ReplView state={s} />)
    expect(lastFrame()).toContain("(reverse-i-search)'str': SHOW STREAMS;")
  })

  it('lists completion candidates under the prompt', () => {
    const s = run(
      initialState({}),
      { type: 'completionData', data: { sources: [], functions: ['COUNT'], properties: [] } },
      { type: 'key', input: 'SELECT CO', key: {} },
      { type: 'key', input: '', key: { tab: true } },
    )
    const { lastFrame } = render(<ReplView state={s} />)
    expect(lastFrame()).toMatch(/eddy> SELECT CO.*\n.*COUNT\(/)
  })
})
