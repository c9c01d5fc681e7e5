import { PROMPT, versionText } from './commands.js'
import { historyFile, loadHistory } from './history.js'
import type { OutputFormat } from './input.js'
import type { ReplSession } from './session.js'

export interface InteractiveOptions {
  readonly dataDir: string
  readonly format: OutputFormat
}

/**
 * The interactive REPL in a terminal. Start-up order keeps the time to a usable prompt short:
 * the banner and prompt are written at once and keys are collected in raw mode (echoed) while
 * ink loads (~0.3 s of module loading); then ink takes over the prompt line with the keys typed
 * so far, and only then is the engine loaded and opened (statements entered meanwhile wait for
 * it). Resolves to the exit code.
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const { stdin, stdout } = process
  const target = `embedded engine, data in ${options.dataDir}`
  stdout.write(`${versionText(target)}\nType 'help' for help, 'exit' to leave.\n\n${PROMPT}`)
  let typed = ''
  const early = (data: Buffer | string): void => {
    const text = data.toString()
    typed += text
    for (const ch of text) {
      if (ch === '\u007f' || ch === '\b') stdout.write('\b \b')
      else if (ch >= ' ' && ch !== '\u007f') stdout.write(ch)
    }
  }
  stdin.setRawMode(true)
  stdin.on('data', early)

  // ink draws only its final frame when it thinks it runs in CI (is-in-ci reads CI and
  // CONTINUOUS_INTEGRATION when ink is first imported). This path runs only on a real terminal,
  // where the user wants the live prompt whatever the environment says.
  delete process.env.CI
  delete process.env.CONTINUOUS_INTEGRATION
  const [{ render }, { App }, { createElement }] = await Promise.all([
    import('ink'),
    import('./app.js'),
    import('react'),
  ])
  // No pause() here: a paused TTY stream is not read again by ink's 'readable' listener.
  stdin.off('data', early)
  // ink draws the prompt again, with what was typed: erase the early one.
  stdout.write('\r\u001b[2K')

  const file = historyFile()
  let sessionStarted: (s: Promise<ReplSession>) => void = () => {}
  const session = new Promise<ReplSession>((resolve) => {
    sessionStarted = resolve
  })
  let exitCode = 0
  const instance = render(
    createElement(App, {
      session,
      history: loadHistory(file),
      historyFile: file,
      typeAhead: handleBackspaces(typed),
      width: stdout.columns,
      height: stdout.rows,
      format: options.format,
      onExit: (code: number) => {
        exitCode = code
      },
    }),
    { exitOnCtrlC: false },
  )
  // The engine loads after the first frame is on screen.
  setImmediate(() => {
    sessionStarted(import('./embedded-session.js').then((m) => m.openEmbeddedSession(options.dataDir)))
  })
  await instance.waitUntilExit()
  stdin.setRawMode(false)
  stdin.pause()
  return exitCode
}

/** Keys typed before ink was up, with their backspaces applied. */
function handleBackspaces(typed: string): string {
  let out = ''
  for (const ch of typed) {
    if (ch === '\u007f' || ch === '\b') out = out.slice(0, -1)
    else out += ch
  }
  return out
}
