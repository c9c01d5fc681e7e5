import { Box, Static, Text } from 'ink'
import type { ReactElement } from 'react'
import { HIGHLIGHT_ON, tableView } from './render.js'
import {
  CONTINUATION,
  HIGHLIGHT_MS,
  type LiveQuery,
  type OutputItem,
  PROMPT,
  type ReplState,
} from './state.js'

/** Finished output, printed once above the live area (ink's Static). */
export function OutputView({ items, epoch }: { items: readonly OutputItem[]; epoch: number }): ReactElement {
  return (
    <Static key={epoch} items={[...items]}>
      {(item) => (
        <Text key={item.id} color={item.tone === 'error' ? 'red' : item.tone === 'info' ? 'gray' : undefined}>
          {item.text}
        </Text>
      )}
    </Static>
  )
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000)
  const m = Math.floor(s / 60)
  return `${m}:${String(s % 60).padStart(2, '0')}`
}

/** The status line under a running push query. */
export function statusLine(live: LiveQuery): string {
  const rows = `${live.rowCount} row${live.rowCount === 1 ? '' : 's'}`
  const rate = `${live.rate.toFixed(live.rate < 10 ? 1 : 0)} rows/s`
  return `${live.queryId} · ${rows} · ${rate} · ${duration(live.now - live.startedAt)} elapsed · Ctrl-C to stop`
}

/**
 * A running push query: over a table, the rows (one per key) updated in place with the cells that
 * just changed highlighted; over a stream the rows are printed as they come (OutputView) and only
 * the status line lives here.
 */
export function LiveQueryView({
  live,
  maxRows,
  showTable,
}: {
  live: LiveQuery
  maxRows: number
  showTable: boolean
}): ReactElement {
  let table: string | undefined
  let hidden = 0
  if (live.changelog && showTable) {
    let rows = live.rows
    if (rows.length > maxRows) {
      // The most recently updated rows, kept in first-seen order.
      const recent = new Set([...rows].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, maxRows))
      rows = rows.filter((r) => recent.has(r))
      hidden = live.rows.length - rows.length
    }
    table = tableView(
      live.columns,
      rows.map((r) => ({
        cells: r.cells,
        highlight: r.changedAt.map((t) => live.now - t < HIGHLIGHT_MS),
      })),
    )
  }
  return (
    <Box flexDirection="column">
      {table !== undefined && <Text>{table}</Text>}
      {hidden > 0 && <Text dimColor>{`… ${hidden} more rows (showing the most recently updated)`}</Text>}
      <Text color="cyan">{statusLine(live)}</Text>
    </Box>
  )
}

/** The editor: prompt, continuation prompts, and the cursor as an inverse-video cell. */
export function PromptView({ buffer, cursor }: { buffer: string; cursor: number }): ReactElement {
  const withCursor =
    cursor >= buffer.length || buffer[cursor] === '\n'
      ? `${buffer.slice(0, cursor)}${HIGHLIGHT_ON} \u001b[27m${buffer.slice(cursor)}`
      : `${buffer.slice(0, cursor)}${HIGHLIGHT_ON}${buffer[cursor]}\u001b[27m${buffer.slice(cursor + 1)}`
  const lines = withCursor.split('\n')
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their position
        <Text key={i}>{`${i === 0 ? PROMPT : CONTINUATION}${line}`}</Text>
      ))}
    </Box>
  )
}

/** Everything below the finished output, by mode. */
export function LiveArea({ state }: { state: ReplState }): ReactElement | null {
  switch (state.mode) {
    case 'query':
      return state.live === undefined ? null : (
        <LiveQueryView
          live={state.live}
          maxRows={Math.max(5, state.height - 8)}
          showTable={state.format === 'TABULAR'}
        />
      )
    case 'exiting':
      return null
    case 'search': {
      const s = state.search
      const match = s?.match === undefined ? '' : (state.history[s.match] ?? '')
      return <Text>{`(reverse-i-search)'${s?.query ?? ''}': ${match}`}</Text>
    }
    case 'busy':
    case 'input':
      return (
        <Box flexDirection="column">
          <PromptView buffer={state.buffer} cursor={state.cursor} />
          {state.candidates.length > 0 && <Text dimColor>{state.candidates.slice(0, 60).join('  ')}</Text>}
        </Box>
      )
  }
}

/** The whole screen of the REPL for a state. */
export function ReplView({ state }: { state: ReplState }): ReactElement {
  return (
    <>
      <OutputView items={state.output} epoch={state.epoch} />
      <LiveArea state={state} />
    </>
  )
}
