import { cleanup, render } from 'ink-testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../cli/repl/app.js'
import type {
  CompletionData,
  ReplSession,
  SessionPushQuery,
  SessionResult,
} from '../../../cli/repl/session.js'
import type { PushRow } from '../../../src/engine/results.js'
import { SqlPlanError } from '../../../src/errors.js'
import { T } from '../../../src/types/type.js'

afterEach(() => cleanup())

/** A push query whose rows the test feeds. */
class FakeQuery {
  private readonly queued: PushRow[] = []
  private wake: (() => void) | undefined
  cancelled = false
  ended = false
  push(...rows: PushRow[]): void {
    this.queued.push(...rows)
    this.wake?.()
  }
  cancel(): void {
    this.cancelled = true
    this.wake?.()
  }
  async *rows(): AsyncGenerator<PushRow> {
    for (;;) {
      const next = this.queued.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      if (this.cancelled || this.ended) return
      await new Promise<void>((r) => {
        this.wake = r
      })
    }
  }
}

/** A session standing in for the engine: records statements, answers a few. */
class FakeSession implements ReplSession {
  readonly target = 'fake engine'
  readonly executed: string[] = []
  readonly query = new FakeQuery()
  closed = false
  async execute(sql: string): Promise<readonly SessionResult[]> {
    this.executed.push(sql)
    if (/^SHOW\s+STREAMS/.test(sql)) {
      return [
        { kind: 'Listing', statement: sql, type: 'streams', columns: ['Stream Name'], rows: [['ORDERS']] },
      ]
    }
    if (sql.startsWith('SELECT')) {
      const q: SessionPushQuery = {
        kind: 'PushQuery',
        statement: sql,
        queryId: 'transient_ORDERS_1',
        schema: {
          key: [{ name: 'REGION', type: T.STRING, namespace: 'KEY' }],
          value: [{ name: 'CNT', type: T.BIGINT, namespace: 'VALUE' }],
        },
        rows: { [Symbol.asyncIterator]: () => this.query.rows() },
        cancel: () => this.query.cancel(),
        changelog: true,
      }
      return [q]
    }
    if (sql.startsWith('BAD')) {
      throw new SqlPlanError("Unknown thing 'X'", {
        start: { line: 1, column: 5, offset: 4 },
        end: { line: 1, column: 6, offset: 5 },
      })
    }
    return [{ kind: 'CommandStatus', statement: sql, message: `ok: ${sql}` }]
  }
  async completionData(): Promise<CompletionData> {
    return {
      sources: [{ name: 'ORDERS', kind: 'STREAM', columns: ['REGION'] }],
      functions: [],
      properties: [],
    }
  }
  async close(): Promise<void> {
    this.closed = true
  }
}

let frameOf: (() => string) | undefined
async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${frameOf?.() ?? ''}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function start(session: FakeSession, history: string[] = []) {
  let exitCode: number | undefined
  const ui = render(
    <App
      session={Promise.resolve(session)}
      history={history}
      onExit={(c) => {
        exitCode = c
      }}
    />,
  )
  const frame = (): string => ui.lastFrame() ?? ''
  frameOf = frame
  const type = async (text: string): Promise<void> => {
    ui.stdin.write(text)
    await new Promise((r) => setTimeout(r, 5))
  }
  return { ui, frame, type, exitCode: () => exitCode }
}

describe('App', () => {
  it('runs a statement typed over two lines and prints its result', async () => {
    const session = new FakeSession()
    const { frame, type } = start(session)
    await until('prompt', () => frame().includes('eddy> '))
    await type('SHOW')
    await type('\r')
    await type('STREAMS;')
    await type('\r')
    await until('listing', () => frame().includes('| ORDERS      |'))
    expect(session.executed).toEqual(['SHOW\nSTREAMS;'])
    expect(frame()).toContain('eddy> SHOW\n    > STREAMS;')
  })

  it('shows an error with a caret under the statement', async () => {
    const session = new FakeSession()
    const { frame, type } = start(session)
    await until('prompt', () => frame().includes('eddy> '))
    await type('BAD X;\r')
    await until('error', () => frame().includes("Unknown thing 'X'"))
    expect(frame()).toContain("Unknown thing 'X'\nBAD X;\n    ^")
  })

  it('runs a push query over a table in place until Ctrl-C, then returns to the prompt', async () => {
    const session = new FakeSession()
    const { frame, type } = start(session)
    await until('prompt', () => frame().includes('eddy> '))
    await type('SELECT REGION, COUNT(*) FROM ORDERS GROUP BY REGION EMIT CHANGES;\r')
    await until('query view', () => frame().includes('transient_ORDERS_1'))
    session.query.push({ values: ['eu', 1n] }, { values: ['us', 1n] })
    await until('rows', () => frame().includes('| us     | 1   |'))
    session.query.push({ values: ['eu', 2n] })
    await until('update', () => /\| eu +\| \S*2/.test(frame()))
    expect(frame().match(/\| eu /g)?.length).toBe(1)
    expect(frame()).not.toContain('eddy> \n')
    await type('\u0003')
    await until(
      'prompt again',
      () => frame().includes('Query terminated') && frame().endsWith('eddy> \u001b[7m \u001b[27m'),
    )
    expect(session.query.cancelled).toBe(true)
  })

  it('handles CLI commands: output json, help, version', async () => {
    const session = new FakeSession()
    const { frame, type } = start(session)
    await until('prompt', () => frame().includes('eddy> '))
    await type('output json\r')
    await until('format set', () => frame().includes('Output format set to JSON'))
    await type('SHOW STREAMS;\r')
    await until('json listing', () => frame().includes('{"@type":"streams"'))
    await type('version\r')
    await until('version', () => frame().includes('Eddy 0.1.0 (fake engine)'))
    expect(session.executed).toEqual(['SHOW STREAMS;'])
  })

  it('exits on exit and closes the session', async () => {
    const session = new FakeSession()
    const { frame, type, exitCode } = start(session)
    await until('prompt', () => frame().includes('eddy> '))
    await type('exit\r')
    await until('exit', () => exitCode() !== undefined)
    expect(session.closed).toBe(true)
    expect(exitCode()).toBe(0)
  })

  it('recalls history with the up arrow', async () => {
    const session = new FakeSession()
    const { frame, type } = start(session, ['SHOW STREAMS;'])
    await until('prompt', () => frame().includes('eddy> '))
    await type('\u001b[A')
    await until('recalled', () => frame().includes('eddy> SHOW STREAMS;'))
  })
})
