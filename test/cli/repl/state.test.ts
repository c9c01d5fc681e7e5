import { describe, expect, it } from 'vitest'
import {
  type Action,
  initialState,
  type KeyFlags,
  PROMPT,
  type ReplState,
  reducer,
} from '../../../cli/repl/state.js'

function run(state: ReplState, ...actions: Action[]): ReplState {
  return actions.reduce(reducer, state)
}

const type = (input: string): Action => ({ type: 'key', input, key: {} })
const key = (flags: KeyFlags, input = ''): Action => ({ type: 'key', input, key: flags })
const ENTER = key({ return: true })
const ctrl = (letter: string): Action => key({ ctrl: true }, letter)

function texts(s: ReplState): string[] {
  return s.output.map((o) => o.text)
}

describe('line editing', () => {
  it('inserts at the cursor and moves it', () => {
    const s = run(
      initialState({}),
      type('SELCT'),
      key({ leftArrow: true }),
      key({ leftArrow: true }),
      type('E'),
    )
    expect(s.buffer).toBe('SELECT')
    expect(s.cursor).toBe(4)
  })

  it('erases with Backspace (and DEL, which ink reports as delete), Ctrl-W and Ctrl-U', () => {
    let s = run(initialState({}), type('SHOW STREAMS'), key({ backspace: true }), key({ delete: true }))
    expect(s.buffer).toBe('SHOW STREA')
    s = run(s, ctrl('w'))
    expect(s.buffer).toBe('SHOW ')
    s = run(s, ctrl('u'))
    expect(s.buffer).toBe('')
  })

  it('applies DEL characters that arrive together with text', () => {
    expect(run(initialState({}), type('abc\u007f\u007fx')).buffer).toBe('ax')
  })

  it('continues a statement on a new line until it ends with ;', () => {
    const s = run(initialState({}), type('SELECT *'), ENTER, type('FROM s EMIT CHANGES'))
    expect(s.buffer).toBe('SELECT *\nFROM s EMIT CHANGES')
    expect(s.queue).toEqual([])
    const done = run(s, type(';'), ENTER)
    expect(done.queue).toEqual(['SELECT *\nFROM s EMIT CHANGES;'])
    expect(done.buffer).toBe('')
    expect(texts(done)).toEqual([`${PROMPT}SELECT *\n    > FROM s EMIT CHANGES;`])
  })

  it('queues each statement of a line, and CLI commands whole', () => {
    const s = run(initialState({}), type('SHOW STREAMS; SHOW TABLES;'), ENTER, type('help'), ENTER)
    expect(s.queue).toEqual(['SHOW STREAMS;', 'SHOW TABLES;', 'help'])
  })

  it('treats line breaks in pasted text as Enter', () => {
    const s = run(initialState({}), type('SHOW STREAMS;\rSHOW'))
    expect(s.queue).toEqual(['SHOW STREAMS;'])
    expect(s.buffer).toBe('SHOW')
  })

  it('moves between the lines of a multi-line buffer with up/down', () => {
    const s = run(initialState({ history: ['old;'] }), type('SELECT *'), ENTER, type('FROM s'))
    const up = run(s, key({ upArrow: true }))
    expect(up.buffer).toBe('SELECT *\nFROM s')
    expect(up.cursor).toBe(6)
    expect(run(up, key({ upArrow: true })).buffer).toBe('old;')
  })
})

describe('history', () => {
  it('records submitted inputs once and browses them with up/down', () => {
    let s = run(
      initialState({ history: ['SHOW STREAMS;'] }),
      type('SHOW TABLES;'),
      ENTER,
      type('SHOW TABLES;'),
      ENTER,
    )
    expect(s.history).toEqual(['SHOW STREAMS;', 'SHOW TABLES;'])
    s = run(s, type('draft'), key({ upArrow: true }))
    expect(s.buffer).toBe('SHOW TABLES;')
    s = run(s, key({ upArrow: true }), key({ upArrow: true }))
    expect(s.buffer).toBe('SHOW STREAMS;')
    s = run(s, key({ downArrow: true }), key({ downArrow: true }))
    expect(s.buffer).toBe('draft')
  })

  it('searches backwards with Ctrl-R', () => {
    const history = ['SELECT a FROM s EMIT CHANGES;', 'SHOW STREAMS;', 'SELECT b FROM s EMIT CHANGES;']
    let s = run(initialState({ history }), ctrl('r'), type('sel'))
    expect(s.mode).toBe('search')
    expect(s.search?.match).toBe(2)
    s = run(s, ctrl('r'))
    expect(s.search?.match).toBe(0)
    s = run(s, key({ rightArrow: true }))
    expect(s.mode).toBe('input')
    expect(s.buffer).toBe('SELECT a FROM s EMIT CHANGES;')
  })

  it('runs the match on Enter and restores the buffer on Escape', () => {
    const history = ['SHOW STREAMS;']
    const ran = run(initialState({ history }), ctrl('r'), type('show'), ENTER)
    expect(ran.queue).toEqual(['SHOW STREAMS;'])
    const esc = run(initialState({ history }), type('x'), ctrl('r'), type('show'), key({ escape: true }))
    expect(esc.buffer).toBe('x')
    expect(esc.mode).toBe('input')
  })
})

describe('TAB completion', () => {
  const data = {
    sources: [{ name: 'ORDERS', kind: 'STREAM' as const, columns: ['ID', 'REGION'] }],
    functions: ['COUNT'],
    properties: ['auto.offset.reset'],
  }

  it('inserts the single candidate', () => {
    const s = run(
      initialState({}),
      { type: 'completionData', data },
      type('SELECT * FROM ord'),
      key({ tab: true }),
    )
    expect(s.buffer).toBe('SELECT * FROM orders ')
  })

  it('completes property names and closes the quote', () => {
    const s = run(initialState({}), { type: 'completionData', data }, type("SET 'auto"), key({ tab: true }))
    expect(s.buffer).toBe("SET 'auto.offset.reset'")
  })

  it('lists the candidates when they share no longer prefix', () => {
    const s = run(initialState({}), { type: 'completionData', data }, type('SELECT CO'), key({ tab: true }))
    expect(s.candidates).toContain('COUNT(')
    expect(s.candidates).toContain('COLUMNS')
    expect(s.buffer).toBe('SELECT CO')
    expect(run(s, type('U')).candidates).toEqual([])
  })
})

describe('Ctrl-C and exit', () => {
  it('clears a non-empty line, then asks once, then exits', () => {
    let s = run(initialState({}), type('SELEC'), ctrl('c'))
    expect(s.buffer).toBe('')
    expect(s.mode).toBe('input')
    s = run(s, ctrl('c'))
    expect(s.mode).toBe('input')
    expect(texts(s).at(-1)).toContain('Ctrl-C again')
    expect(run(s, ctrl('c')).mode).toBe('exiting')
    expect(run(s, type('x'), ctrl('c')).mode).toBe('input')
  })

  it('exits on Ctrl-D at an empty prompt', () => {
    expect(run(initialState({}), ctrl('d')).mode).toBe('exiting')
    expect(run(initialState({}), type('ab'), key({ leftArrow: true }), ctrl('d')).buffer).toBe('a')
  })

  it('asks for the running push query to be cancelled', () => {
    const s = run(
      initialState({}),
      type('SELECT * FROM s EMIT CHANGES;'),
      ENTER,
      { type: 'dequeue' },
      { type: 'queryStarted', queryId: 'q1', columns: ['ID'], keyCount: 0, changelog: false, now: 0 },
      type('ignored'),
      ctrl('c'),
    )
    expect(s.live?.cancelRequested).toBe(true)
    expect(s.buffer).toBe('')
  })
})

describe('push query views', () => {
  const started = (changelog: boolean): Action => ({
    type: 'queryStarted',
    queryId: 'transient_S_0',
    columns: ['REGION', 'CNT'],
    keyCount: 1,
    changelog,
    now: 1000,
  })

  it('appends stream rows under a header, closed when the query ends', () => {
    const s = run(
      initialState({ width: 40 }),
      { type: 'dequeue' },
      started(false),
      { type: 'queryRows', rows: [{ cells: ['eu', '1'] }, { cells: ['us', '1'] }], now: 1100 },
      { type: 'queryRows', rows: [{ cells: ['eu', '2'] }], now: 1200 },
    )
    expect(s.mode).toBe('query')
    expect(s.live?.rowCount).toBe(3)
    const out = texts(s).join('\n')
    expect(out).toMatch(/\| REGION +\| CNT +\|/)
    expect(out.match(/\| eu /g)?.length).toBe(2)
    const ended = run(s, { type: 'queryEnded', message: 'Query terminated' }, { type: 'done' })
    expect(texts(ended).at(-1)).toBe('Query terminated')
    expect(texts(ended).at(-2)).toMatch(/^\+-+\+-+\+$/)
    expect(ended.mode).toBe('input')
    expect(ended.live).toBeUndefined()
  })

  it('keeps one row per key for a table, remembering which cells changed when', () => {
    const s = run(
      initialState({}),
      { type: 'dequeue' },
      started(true),
      { type: 'queryRows', rows: [{ cells: ['eu', '1'] }, { cells: ['us', '1'] }], now: 1100 },
      { type: 'queryRows', rows: [{ cells: ['eu', '2'] }], now: 3000 },
    )
    expect(s.live?.rows.map((r) => r.cells)).toEqual([
      ['eu', '2'],
      ['us', '1'],
    ])
    expect(s.live?.rows[0]?.changedAt).toEqual([1100, 3000])
    expect(s.output).toEqual([])
    const ended = run(s, { type: 'queryEnded', message: 'Query terminated' })
    expect(texts(ended)[0]).toContain('| eu     | 2   |')
  })

  it('computes the rate over the last second', () => {
    const s = run(
      initialState({}),
      started(false),
      { type: 'queryRows', rows: Array.from({ length: 10 }, () => ({ cells: ['x', '1'] })), now: 1500 },
      { type: 'tick', now: 2000 },
    )
    expect(s.live?.rate).toBe(10)
  })

  it('prints rows as JSON objects in OUTPUT JSON mode', () => {
    const s = run(initialState({}), { type: 'setFormat', format: 'JSON' }, started(false), {
      type: 'queryRows',
      rows: [{ cells: ['eu', '1'], json: '{"REGION":"eu","CNT":1}' }],
      now: 1100,
    })
    expect(texts(s)).toEqual(['{"REGION":"eu","CNT":1}'])
  })
})

describe('results', () => {
  it('renders listings as tables, or JSON', () => {
    const listing = {
      kind: 'Listing' as const,
      statement: 'SHOW STREAMS',
      type: 'streams',
      columns: ['Stream Name', 'Kafka Topic'],
      rows: [['S', 's']],
    }
    const s = run(initialState({}), { type: 'result', result: listing })
    expect(texts(s)[0]).toBe(
      [
        '+-------------+-------------+',
        '| Stream Name | Kafka Topic |',
        '+-------------+-------------+',
        '| S           | s           |',
        '+-------------+-------------+',
      ].join('\n'),
    )
    const j = run(initialState({ format: 'JSON' }), { type: 'result', result: listing })
    expect(JSON.parse(texts(j)[0] ?? '')).toMatchObject({
      '@type': 'streams',
      rows: [{ 'Stream Name': 'S' }],
    })
  })

  it('keeps output bounded by restarting the printed list', () => {
    let s = initialState({})
    for (let i = 0; i < 450; i++) s = reducer(s, { type: 'print', text: `line ${i}` })
    expect(s.epoch).toBe(2)
    expect(s.output.length).toBe(50)
    expect(s.output.at(-1)?.text).toBe('line 449')
  })
})
