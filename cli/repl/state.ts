import { CONTINUATION, PROMPT } from './commands.js'
import { commonPrefix, complete } from './completion.js'
import { type OutputFormat, isComplete, parseCliCommand, splitStatements } from './input.js'
import {
  boxTable,
  renderResult,
  streamColumnWidths,
  streamFooter,
  streamHeader,
  streamRowLines,
} from './render.js'
import { type CompletionData, EMPTY_COMPLETION_DATA, type SessionResult } from './session.js'

/**
 * The REPL's state and its reducer: a pure function of (state, action), so the line editor,
 * history, modes and result views are testable without a terminal. The ink app (app.tsx) turns
 * key presses and engine events into actions and carries out what the state asks for (run the
 * queued inputs, cancel the query, exit).
 */

export { CONTINUATION, PROMPT }

/** How long a changed cell stays highlighted in the live table view. */
export const HIGHLIGHT_MS = 1500

/** A line (or block) of finished output, printed once above the prompt. */
export interface OutputItem {
  readonly id: number
  readonly text: string
  readonly tone: 'plain' | 'echo' | 'error' | 'info'
}

export interface LiveRow {
  readonly key: string
  readonly cells: readonly string[]
  /** When each cell last changed (ms). */
  readonly changedAt: readonly number[]
  readonly updatedAt: number
}

/** The push query in progress. */
export interface LiveQuery {
  readonly queryId: string
  readonly columns: readonly string[]
  readonly keyCount: number
  /** Table view (one row per key, in place) rather than stream view (rows appended). */
  readonly changelog: boolean
  readonly startedAt: number
  readonly now: number
  readonly rowCount: number
  /** Rows per second over the last full second. */
  readonly rate: number
  readonly rateMark: { readonly at: number; readonly rows: number }
  /** Stream view: the fixed column widths. */
  readonly widths: readonly number[]
  /** Table view: rows in first-seen order, and their positions by key. */
  readonly rows: readonly LiveRow[]
  readonly positions: ReadonlyMap<string, number>
  readonly cancelRequested: boolean
}

export type Mode = 'input' | 'busy' | 'query' | 'search' | 'exiting'

export interface ReplState {
  readonly mode: Mode
  readonly buffer: string
  readonly cursor: number
  /** Oldest first. */
  readonly history: readonly string[]
  /** Index into history while browsing it with up/down; undefined while editing a new entry. */
  readonly historyPos: number | undefined
  /** The buffer as it was before browsing history. */
  readonly draft: string
  readonly search: { readonly query: string; readonly match: number | undefined } | undefined
  /** Output not yet printed is the tail; `epoch` changes when the list is restarted (bounded memory). */
  readonly output: readonly OutputItem[]
  readonly epoch: number
  readonly nextId: number
  /** Inputs waiting to run: SQL statements (with `;`) or CLI commands. */
  readonly queue: readonly string[]
  readonly live: LiveQuery | undefined
  readonly format: OutputFormat
  readonly spool: string | undefined
  readonly completion: CompletionData
  /** Candidates shown under the prompt after an ambiguous TAB. */
  readonly candidates: readonly string[]
  /** Ctrl-C was pressed at an empty prompt: another one exits. */
  readonly ctrlCArmed: boolean
  /** Bumped by Ctrl-C while busy: the runner stops a RUN SCRIPT between statements. */
  readonly interrupts: number
  readonly width: number
  readonly height: number
}

export interface KeyFlags {
  readonly upArrow?: boolean
  readonly downArrow?: boolean
  readonly leftArrow?: boolean
  readonly rightArrow?: boolean
  readonly home?: boolean
  readonly end?: boolean
  readonly return?: boolean
  readonly escape?: boolean
  readonly ctrl?: boolean
  readonly meta?: boolean
  readonly tab?: boolean
  readonly backspace?: boolean
  readonly delete?: boolean
}

export type Action =
  | { readonly type: 'key'; readonly input: string; readonly key: KeyFlags }
  | { readonly type: 'dequeue' }
  | { readonly type: 'done' }
  | { readonly type: 'print'; readonly text: string; readonly tone?: OutputItem['tone'] }
  | { readonly type: 'result'; readonly result: SessionResult }
  | {
      readonly type: 'queryStarted'
      readonly queryId: string
      readonly columns: readonly string[]
      readonly keyCount: number
      readonly changelog: boolean
      readonly now: number
    }
  | { readonly type: 'queryRows'; readonly rows: readonly QueryRow[]; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'queryEnded'; readonly message: string; readonly error?: boolean }
  | { readonly type: 'setFormat'; readonly format: OutputFormat }
  | { readonly type: 'setSpool'; readonly file: string | undefined }
  | { readonly type: 'completionData'; readonly data: CompletionData }
  | { readonly type: 'resize'; readonly width: number; readonly height: number }
  | { readonly type: 'exit' }

/** A push row as cells, already rendered. */
export interface QueryRow {
  readonly cells: readonly string[]
  readonly tombstone?: boolean
  /** The row as a JSON object (OUTPUT JSON), when the caller has it. */
  readonly json?: string
}

export function initialState(options: {
  history?: readonly string[]
  width?: number
  height?: number
  format?: OutputFormat
}): ReplState {
  return {
    mode: 'input',
    buffer: '',
    cursor: 0,
    history: options.history ?? [],
    historyPos: undefined,
    draft: '',
    search: undefined,
    output: [],
    epoch: 0,
    nextId: 0,
    queue: [],
    live: undefined,
    format: options.format ?? 'TABULAR',
    spool: undefined,
    completion: EMPTY_COMPLETION_DATA,
    candidates: [],
    ctrlCArmed: false,
    interrupts: 0,
    width: options.width ?? 100,
    height: options.height ?? 40,
  }
}

/** Output items are restarted past this many (they are printed as soon as they are added). */
const OUTPUT_BATCH = 200

function print(state: ReplState, text: string, tone: OutputItem['tone'] = 'plain'): ReplState {
  const item: OutputItem = { id: state.nextId, text, tone }
  if (state.output.length >= OUTPUT_BATCH) {
    return { ...state, output: [item], epoch: state.epoch + 1, nextId: state.nextId + 1 }
  }
  return { ...state, output: [...state.output, item], nextId: state.nextId + 1 }
}

/** The buffer as echoed above the prompt after Enter: prompt, then continuation prompts. */
export function promptLines(buffer: string): string {
  return buffer
    .split('\n')
    .map((line, i) => `${i === 0 ? PROMPT : CONTINUATION}${line}`)
    .join('\n')
}

export function reducer(state: ReplState, action: Action): ReplState {
  switch (action.type) {
    case 'key':
      return onKey(state, action.input, action.key)
    case 'dequeue':
      return { ...state, queue: state.queue.slice(1), mode: 'busy' }
    case 'done':
      return state.mode === 'exiting' ? state : { ...state, mode: 'input', live: undefined }
    case 'print':
      return print(state, action.text, action.tone)
    case 'result': {
      const text = renderResult(action.result, state.format)
      return text === '' ? state : print(state, text)
    }
    case 'queryStarted': {
      const live: LiveQuery = {
        queryId: action.queryId,
        columns: action.columns,
        keyCount: action.keyCount,
        changelog: action.changelog,
        startedAt: action.now,
        now: action.now,
        rowCount: 0,
        rate: 0,
        rateMark: { at: action.now, rows: 0 },
        widths: streamColumnWidths(action.columns, state.width),
        rows: [],
        positions: new Map(),
        cancelRequested: false,
      }
      const next: ReplState = { ...state, mode: 'query', live }
      if (state.format === 'JSON' || action.changelog) return next
      return print(next, streamHeader(live.columns, live.widths))
    }
    case 'queryRows':
      return onRows(state, action.rows, action.now)
    case 'tick': {
      const live = state.live
      if (live === undefined) return state
      return { ...state, live: withRate({ ...live, now: action.now }) }
    }
    case 'queryEnded': {
      const live = state.live
      let next = state
      if (live !== undefined && state.format === 'TABULAR') {
        if (live.changelog) {
          next = print(
            next,
            boxTable(
              live.columns,
              live.rows.map((r) => r.cells),
            ),
          )
        } else {
          next = print(next, streamFooter(live.widths))
        }
      }
      next = print(next, action.message, action.error === true ? 'error' : 'info')
      return { ...next, live: undefined, mode: state.mode === 'exiting' ? 'exiting' : 'busy' }
    }
    case 'setFormat':
      return { ...state, format: action.format }
    case 'setSpool':
      return { ...state, spool: action.file }
    case 'completionData':
      return { ...state, completion: action.data }
    case 'resize':
      return { ...state, width: action.width, height: action.height }
    case 'exit':
      return { ...state, mode: 'exiting' }
  }
}

function withRate(live: LiveQuery): LiveQuery {
  const elapsed = live.now - live.rateMark.at
  if (elapsed < 1000) return live
  return {
    ...live,
    rate: ((live.rowCount - live.rateMark.rows) * 1000) / elapsed,
    rateMark: { at: live.now, rows: live.rowCount },
  }
}

function onRows(state: ReplState, rows: readonly QueryRow[], now: number): ReplState {
  const live = state.live
  if (live === undefined || rows.length === 0) return state
  const counted: LiveQuery = withRate({ ...live, now, rowCount: live.rowCount + rows.length })
  if (!live.changelog || state.format === 'JSON') {
    const text =
      state.format === 'JSON'
        ? rows
            .map(
              (r) =>
                r.json ??
                JSON.stringify({
                  ...Object.fromEntries(live.columns.map((c, i) => [c, r.cells[i] ?? null])),
                  ...(r.tombstone === true ? { tombstone: true } : {}),
                }),
            )
            .join('\n')
        : rows.map((r) => streamRowLines(r.cells, live.widths)).join('\n')
    return print({ ...state, live: counted }, text)
  }
  const table = [...live.rows]
  const positions = new Map(live.positions)
  for (const r of rows) {
    const key = JSON.stringify(r.cells.slice(0, live.keyCount))
    const at = positions.get(key)
    if (at === undefined) {
      positions.set(key, table.length)
      table.push({ key, cells: r.cells, changedAt: r.cells.map(() => now), updatedAt: now })
      continue
    }
    const old = table[at] as LiveRow
    table[at] = {
      key,
      cells: r.cells,
      changedAt: r.cells.map((c, i) => (c === old.cells[i] ? (old.changedAt[i] ?? 0) : now)),
      updatedAt: now,
    }
  }
  return { ...state, live: { ...counted, rows: table, positions } }
}

// ---------------------------------------------------------------------------------------------
// Keys

function isCtrl(key: KeyFlags, input: string, letter: string): boolean {
  return key.ctrl === true && input.toLowerCase() === letter
}

function onKey(state: ReplState, input: string, key: KeyFlags): ReplState {
  if (state.mode === 'exiting') return state
  if (state.mode === 'query') {
    // Only Ctrl-C means something while a push query runs.
    if (!isCtrl(key, input, 'c') || state.live === undefined) return state
    return { ...state, live: { ...state.live, cancelRequested: true } }
  }
  if (state.mode === 'busy') {
    // Ctrl-C stops a RUN SCRIPT and drops what was queued; other keys edit ahead (Enter queues).
    if (isCtrl(key, input, 'c')) return { ...state, interrupts: state.interrupts + 1, queue: [] }
    if (isCtrl(key, input, 'd') || isCtrl(key, input, 'r')) return state
  }
  if (state.mode === 'search') return onSearchKey(state, input, key)

  const s: ReplState = state.candidates.length > 0 ? { ...state, candidates: [] } : state
  if (isCtrl(key, input, 'c')) {
    if (s.buffer === '') {
      if (s.ctrlCArmed) return { ...s, mode: 'exiting' }
      return print({ ...s, ctrlCArmed: true }, 'Press Ctrl-C again (or type exit) to leave.', 'info')
    }
    return {
      ...print(s, `${promptLines(s.buffer)}^C`, 'echo'),
      buffer: '',
      cursor: 0,
      historyPos: undefined,
      ctrlCArmed: false,
    }
  }
  const st: ReplState = s.ctrlCArmed ? { ...s, ctrlCArmed: false } : s

  if (key.return === true) return onEnter(st)
  if (key.tab === true) return onTab(st)
  if (key.ctrl === true) {
    switch (input.toLowerCase()) {
      case 'a':
        return { ...st, cursor: lineStart(st.buffer, st.cursor) }
      case 'e':
        return { ...st, cursor: lineEnd(st.buffer, st.cursor) }
      case 'b':
        return { ...st, cursor: Math.max(0, st.cursor - 1) }
      case 'f':
        return { ...st, cursor: Math.min(st.buffer.length, st.cursor + 1) }
      case 'd':
        if (st.buffer === '') return { ...st, mode: 'exiting' }
        return edit(st, st.buffer.slice(0, st.cursor) + st.buffer.slice(st.cursor + 1), st.cursor)
      case 'u':
        return edit(st, st.buffer.slice(st.cursor), 0)
      case 'k':
        return edit(st, st.buffer.slice(0, st.cursor), st.cursor)
      case 'w': {
        const start = wordStart(st.buffer, st.cursor)
        return edit(st, st.buffer.slice(0, start) + st.buffer.slice(st.cursor), start)
      }
      case 'r':
        return { ...st, mode: 'search', search: { query: '', match: undefined }, draft: st.buffer }
      case 'p':
        return historyUp(st)
      case 'n':
        return historyDown(st)
      default:
        return st
    }
  }
  if (key.upArrow === true) {
    const ls = lineStart(st.buffer, st.cursor)
    if (ls === 0) return historyUp(st)
    const prevStart = lineStart(st.buffer, ls - 1)
    return { ...st, cursor: Math.min(prevStart + (st.cursor - ls), ls - 1) }
  }
  if (key.downArrow === true) {
    const le = lineEnd(st.buffer, st.cursor)
    if (le === st.buffer.length) return historyDown(st)
    const col = st.cursor - lineStart(st.buffer, st.cursor)
    return { ...st, cursor: Math.min(le + 1 + col, lineEnd(st.buffer, le + 1)) }
  }
  if (key.leftArrow === true) {
    return { ...st, cursor: key.meta === true ? wordStart(st.buffer, st.cursor) : Math.max(0, st.cursor - 1) }
  }
  if (key.rightArrow === true) {
    return {
      ...st,
      cursor: key.meta === true ? wordEnd(st.buffer, st.cursor) : Math.min(st.buffer.length, st.cursor + 1),
    }
  }
  if (key.home === true) return { ...st, cursor: lineStart(st.buffer, st.cursor) }
  if (key.end === true) return { ...st, cursor: lineEnd(st.buffer, st.cursor) }
  // Most terminals send DEL (0x7f) for Backspace, which ink reports as `delete`.
  if (key.backspace === true || key.delete === true) {
    if (st.cursor === 0) return st
    return edit(st, st.buffer.slice(0, st.cursor - 1) + st.buffer.slice(st.cursor), st.cursor - 1)
  }
  if (key.escape === true || key.meta === true || input === '') return st
  return typeText(st, input)
}

/** Typed or pasted text: line breaks in a paste act as Enter. */
function typeText(state: ReplState, input: string): ReplState {
  let s = state
  const parts = input.replaceAll('\r\n', '\n').split(/[\r\n]/)
  parts.forEach((part, i) => {
    if (i > 0) s = onEnter(s)
    // Keys that arrive together come as one string: DEL / BS still erase; other controls are dropped.
    for (const chunk of part.split(/(\u007f|\b)/)) {
      if (chunk === '\u007f' || chunk === '\b') {
        if (s.cursor > 0)
          s = edit(s, s.buffer.slice(0, s.cursor - 1) + s.buffer.slice(s.cursor), s.cursor - 1)
        continue
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: drop control characters from pastes
      const text = chunk.replace(/[\u0000-\u0008\u000b-\u001f]/g, '').replaceAll('\t', '  ')
      if (text !== '')
        s = edit(s, s.buffer.slice(0, s.cursor) + text + s.buffer.slice(s.cursor), s.cursor + text.length)
    }
  })
  return s
}

function edit(state: ReplState, buffer: string, cursor: number): ReplState {
  return { ...state, buffer, cursor }
}

function onEnter(state: ReplState): ReplState {
  const buffer = state.buffer
  if (buffer.trim() === '') {
    return { ...print(state, PROMPT, 'echo'), buffer: '', cursor: 0, historyPos: undefined }
  }
  if (!isComplete(buffer)) {
    // Continue the statement on a new line (at the cursor, so an edited line can be split).
    return edit(state, `${buffer.slice(0, state.cursor)}\n${buffer.slice(state.cursor)}`, state.cursor + 1)
  }
  const entry = buffer.trim()
  const history =
    state.history[state.history.length - 1] === entry ? state.history : [...state.history, entry]
  const queue = parseCliCommand(entry) !== undefined ? [entry] : [...splitStatements(entry).statements]
  return {
    ...print(state, promptLines(buffer), 'echo'),
    buffer: '',
    cursor: 0,
    history,
    historyPos: undefined,
    draft: '',
    queue: [...state.queue, ...queue],
  }
}

function onTab(state: ReplState): ReplState {
  const c = complete(state.buffer, state.cursor, state.completion)
  if (c.candidates.length === 0) return state
  const replace = (text: string, addSpace: boolean): ReplState => {
    const insert = addSpace && !/[('(]$/.test(text) && !text.endsWith("'") ? `${text} ` : text
    return edit(
      state,
      state.buffer.slice(0, c.start) + insert + state.buffer.slice(c.end),
      c.start + insert.length,
    )
  }
  if (c.candidates.length === 1) return replace(c.candidates[0] as string, true)
  const prefix = commonPrefix(c.candidates)
  if (prefix.length > c.word.length) return replace(prefix, false)
  return { ...state, candidates: c.candidates }
}

function historyUp(state: ReplState): ReplState {
  if (state.history.length === 0) return state
  const pos = state.historyPos === undefined ? state.history.length - 1 : Math.max(0, state.historyPos - 1)
  const entry = state.history[pos] ?? ''
  return {
    ...state,
    historyPos: pos,
    draft: state.historyPos === undefined ? state.buffer : state.draft,
    buffer: entry,
    cursor: entry.length,
  }
}

function historyDown(state: ReplState): ReplState {
  if (state.historyPos === undefined) return state
  const pos = state.historyPos + 1
  if (pos >= state.history.length) {
    return { ...state, historyPos: undefined, buffer: state.draft, cursor: state.draft.length }
  }
  const entry = state.history[pos] ?? ''
  return { ...state, historyPos: pos, buffer: entry, cursor: entry.length }
}

/** The most recent history entry at or before `from` containing `query`. */
export function findInHistory(history: readonly string[], query: string, from: number): number | undefined {
  if (query === '') return undefined
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) {
    if ((history[i] ?? '').toLowerCase().includes(query.toLowerCase())) return i
  }
  return undefined
}

function onSearchKey(state: ReplState, input: string, key: KeyFlags): ReplState {
  const search = state.search ?? { query: '', match: undefined }
  const leave = (s: ReplState): ReplState => ({ ...s, mode: 'input', search: undefined })
  const accepted = (): ReplState => {
    const entry = search.match === undefined ? state.draft : (state.history[search.match] ?? '')
    return leave({ ...state, buffer: entry, cursor: entry.length, historyPos: undefined })
  }
  if (isCtrl(key, input, 'c') || isCtrl(key, input, 'g') || key.escape === true) {
    return leave({ ...state, buffer: state.draft, cursor: state.draft.length })
  }
  if (isCtrl(key, input, 'r')) {
    if (search.match === undefined) return state
    const older = findInHistory(state.history, search.query, search.match - 1)
    return older === undefined ? state : { ...state, search: { ...search, match: older } }
  }
  if (key.return === true) return onEnter(accepted())
  if (key.backspace === true || key.delete === true) {
    const query = search.query.slice(0, -1)
    return {
      ...state,
      search: { query, match: findInHistory(state.history, query, state.history.length - 1) },
    }
  }
  if (key.ctrl === true || key.meta === true || key.tab === true || input === '') {
    // Any other key takes the match into the editor.
    return accepted()
  }
  const query = search.query + input
  const from = search.match ?? state.history.length - 1
  return { ...state, search: { query, match: findInHistory(state.history, query, from) } }
}

// ---------------------------------------------------------------------------------------------
// Cursor helpers

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos)
  return nl === -1 ? text.length : nl
}

function wordStart(text: string, pos: number): number {
  let i = pos
  while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--
  while (i > 0 && !/\s/.test(text[i - 1] ?? '')) i--
  return i
}

function wordEnd(text: string, pos: number): number {
  let i = pos
  while (i < text.length && /\s/.test(text[i] ?? '')) i++
  while (i < text.length && !/\s/.test(text[i] ?? '')) i++
  return i
}
