import { appendFileSync, readFileSync } from 'node:fs'
import { useApp, useInput, useStdout } from 'ink'
import { type ReactElement, useCallback, useEffect, useReducer, useRef } from 'react'
import { formatDiagnostic } from '../../src/errors.js'
import { HELP_TEXT, historyText, versionText } from './commands.js'
import { appendHistory } from './history.js'
import { type OutputFormat, parseCliCommand, splitStatements } from './input.js'
import { columnNames, rowCells, rowJson, stripAnsi } from './render.js'
import type { ReplSession, SessionPushQuery } from './session.js'
import { type Action, initialState, type QueryRow, type ReplState, reducer } from './state.js'
import { ReplView } from './views.js'

export interface AppProps {
  /** The engine session, possibly still opening (the prompt shows before the engine has loaded). */
  readonly session: Promise<ReplSession>
  readonly history: readonly string[]
  /** Where new history entries are appended; undefined: not persisted. */
  readonly historyFile?: string
  /** Keys typed before the app was up (replayed as typed text). */
  readonly typeAhead?: string
  readonly width?: number
  readonly height?: number
  readonly format?: OutputFormat
  /** Called once the app has closed the session (exit code). */
  readonly onExit?: (code: number) => void
}

/** Rows are handed to the reducer in batches at most this often. */
const FLUSH_MS = 50
/** How often the live view's clock (elapsed time, rate, highlights) moves. */
const TICK_MS = 250

/** The interactive REPL: the reducer's state on screen, and the effects it asks for. */
export function App(props: AppProps): ReactElement {
  const [state, dispatch] = useReducer(
    reducer,
    props,
    (p): ReplState =>
      initialState({ history: p.history, width: p.width, height: p.height, format: p.format }),
  )
  const app = useApp()
  const { stdout, write } = useStdout()
  const stateRef = useRef(state)
  stateRef.current = state
  const sessionRef = useRef<ReplSession | undefined>(undefined)
  const queryRef = useRef<SessionPushQuery | undefined>(undefined)
  const cancelledRef = useRef(false)
  const runningRef = useRef(false)
  const historyLength = useRef(props.history.length)
  const spooled = useRef({ epoch: 0, count: 0 })
  const openFailed = useRef(false)

  useInput((input, key) => dispatch({ type: 'key', input, key }))

  // Keys typed while the app was loading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at mount
  useEffect(() => {
    if (props.typeAhead !== undefined && props.typeAhead !== '') {
      dispatch({ type: 'key', input: props.typeAhead.replaceAll('\u007f', ''), key: {} })
    }
  }, [])

  // The session: completion data once it is open; a failure to open ends the REPL.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at mount
  useEffect(() => {
    props.session.then(
      async (session) => {
        sessionRef.current = session
        dispatch({ type: 'completionData', data: await session.completionData() })
      },
      (err: unknown) => {
        openFailed.current = true
        dispatch({ type: 'print', text: `Cannot start the engine: ${(err as Error).message}`, tone: 'error' })
        dispatch({ type: 'exit' })
      },
    )
  }, [])

  // Terminal size.
  useEffect(() => {
    const onResize = (): void => dispatch({ type: 'resize', width: stdout.columns, height: stdout.rows })
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])

  // History file.
  useEffect(() => {
    if (state.history.length > historyLength.current && props.historyFile !== undefined) {
      for (const entry of state.history.slice(historyLength.current)) appendHistory(props.historyFile, entry)
    }
    historyLength.current = state.history.length
  }, [state.history, props.historyFile])

  // SPOOL: every finished output item, as plain text.
  useEffect(() => {
    const mark = spooled.current
    const fresh = mark.epoch === state.epoch ? state.output.slice(mark.count) : state.output
    spooled.current = { epoch: state.epoch, count: state.output.length }
    if (state.spool === undefined || fresh.length === 0) return
    try {
      appendFileSync(state.spool, fresh.map((item) => `${stripAnsi(item.text)}\n`).join(''))
    } catch (err) {
      dispatch({ type: 'setSpool', file: undefined })
      dispatch({ type: 'print', text: `SPOOL stopped: ${(err as Error).message}`, tone: 'error' })
    }
  }, [state.output, state.epoch, state.spool])

  // Ctrl-C on a running push query.
  useEffect(() => {
    if (state.live?.cancelRequested === true && queryRef.current !== undefined) {
      cancelledRef.current = true
      queryRef.current.cancel()
    }
  }, [state.live?.cancelRequested])

  // The live view's clock.
  useEffect(() => {
    if (state.mode !== 'query') return
    const timer = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), TICK_MS)
    return () => clearInterval(timer)
  }, [state.mode])

  const runPushQuery = useCallback(async (q: SessionPushQuery): Promise<void> => {
    const columns = columnNames(q.schema)
    const keyCount = q.schema.key.length
    queryRef.current = q
    cancelledRef.current = false
    dispatch({
      type: 'queryStarted',
      queryId: q.queryId,
      columns,
      keyCount,
      changelog: q.changelog,
      now: Date.now(),
    })
    let pending: QueryRow[] = []
    let timer: NodeJS.Timeout | undefined
    const flush = (): void => {
      timer = undefined
      if (pending.length === 0) return
      const rows = pending
      pending = []
      dispatch({ type: 'queryRows', rows, now: Date.now() })
    }
    try {
      for await (const row of q.rows) {
        const json = stateRef.current.format === 'JSON' ? rowJson(columns, row) : undefined
        pending.push({
          cells: rowCells(row, columns.length, keyCount),
          ...(row.tombstone === true ? { tombstone: true } : {}),
          ...(json === undefined ? {} : { json }),
        })
        timer ??= setTimeout(flush, FLUSH_MS)
      }
      if (timer !== undefined) clearTimeout(timer)
      flush()
      dispatch({
        type: 'queryEnded',
        message: cancelledRef.current ? 'Query terminated' : 'Limit Reached\nQuery terminated',
      })
    } catch (err) {
      if (timer !== undefined) clearTimeout(timer)
      flush()
      dispatch({ type: 'queryEnded', message: `Query failed: ${(err as Error).message}`, error: true })
    } finally {
      queryRef.current = undefined
    }
  }, [])

  /** Runs SQL text; false when it failed (a script stops there). */
  const runSql = useCallback(
    async (session: ReplSession, sql: string): Promise<boolean> => {
      try {
        const results = await session.execute(sql)
        for (const r of results) {
          if (r.kind === 'PushQuery') await runPushQuery(r)
          else dispatch({ type: 'result', result: r })
        }
        return true
      } catch (err) {
        dispatch({ type: 'print', text: formatDiagnostic(sql, err), tone: 'error' })
        return false
      }
    },
    [runPushQuery],
  )

  const runInput = useCallback(
    async (text: string): Promise<void> => {
      const print = (t: string, tone?: 'error' | 'info'): void =>
        dispatch({ type: 'print', text: t, ...(tone === undefined ? {} : { tone }) })
      const cmd = parseCliCommand(text)
      const session = sessionRef.current ?? (await props.session)
      if (cmd === undefined) {
        await runSql(session, text)
        return
      }
      switch (cmd.kind) {
        case 'help':
          print(HELP_TEXT)
          return
        case 'exit':
          dispatch({ type: 'exit' })
          return
        case 'clear':
          write('\u001b[2J\u001b[3J\u001b[H')
          return
        case 'version':
          print(versionText(session.target))
          return
        case 'history':
          print(historyText(stateRef.current.history))
          return
        case 'output':
          if (cmd.format === undefined) print(`Output format: ${stateRef.current.format}`)
          else {
            dispatch({ type: 'setFormat', format: cmd.format })
            print(`Output format set to ${cmd.format}`, 'info')
          }
          return
        case 'spool':
          if (cmd.file === undefined) {
            dispatch({ type: 'setSpool', file: undefined })
            print('Spool off', 'info')
            return
          }
          try {
            appendFileSync(cmd.file, '')
          } catch (err) {
            print(`Cannot spool to ${cmd.file}: ${(err as Error).message}`, 'error')
            return
          }
          dispatch({ type: 'setSpool', file: cmd.file })
          print(`Session will be spooled to ${cmd.file}`, 'info')
          return
        case 'runScript': {
          let script: string
          try {
            script = readFileSync(cmd.file, 'utf8')
          } catch (err) {
            print(`Cannot read ${cmd.file}: ${(err as Error).message}`, 'error')
            return
          }
          const interrupts = stateRef.current.interrupts
          const { statements, rest } = splitStatements(script)
          for (const stmt of [...statements, ...(rest === '' ? [] : [rest])]) {
            if (stateRef.current.interrupts !== interrupts) {
              print('RUN SCRIPT interrupted', 'info')
              return
            }
            if (!(await runSql(session, stmt))) return
          }
          return
        }
        case 'invalid':
          print(cmd.message, 'error')
          return
      }
    },
    [props.session, runSql, write],
  )

  // The queue: one input at a time, while the prompt is idle.
  useEffect(() => {
    if (state.mode !== 'input' || state.queue.length === 0 || runningRef.current) return
    const text = state.queue[0] as string
    runningRef.current = true
    dispatch({ type: 'dequeue' })
    void runInput(text).finally(async () => {
      runningRef.current = false
      const session = sessionRef.current
      if (session !== undefined) {
        try {
          dispatch({ type: 'completionData', data: await session.completionData() })
        } catch {
          // completion data stays as it was
        }
      }
      dispatch({ type: 'done' })
    })
  }, [state.mode, state.queue, runInput])

  // Exit: stop the query, close the engine, leave ink.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the mode becomes 'exiting'
  useEffect(() => {
    if (state.mode !== 'exiting') return
    queryRef.current?.cancel()
    void (async () => {
      let code = openFailed.current ? 1 : 0
      try {
        const session = sessionRef.current ?? (await props.session.catch(() => undefined))
        await session?.close()
      } catch {
        code = 1
      }
      app.exit()
      props.onExit?.(code)
    })()
  }, [state.mode])

  return <ReplView state={state} />
}

export type { Action }
