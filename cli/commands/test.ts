import { readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Command } from 'commander'
import type { FunctionRegistry } from '../../src/functions/registry.js'
import type { JsonObject, JsonValue } from '../../src/qtt/jsonc.js'
import type { CaseOutcome } from '../../src/qtt/run-case.js'
import type { CliContext } from './context.js'

interface TestOptions {
  readonly statements?: string
  readonly input?: string
  readonly output?: string
  readonly extensionDir?: string
  readonly timeout?: string
  readonly scriptDir?: string[]
}

/**
 * `eddy test`: ksqlDB's testing tools.
 *
 * - `eddy test -s statements.sql [-i input.json] -o output.json [-e extension-dir]` is
 *   ksql-test-runner: the three files become one QTT case named `KSQL_Test`, run by the QTT runner
 *   (src/qtt) on an in-memory engine. Prints `>>> Test passed!` (exit 0) or
 *   `>>>>> Test failed: <reason>` (exit 1), as ksql-test-runner does.
 * - `eddy test FILE.sql...` is run-ksql-test: each `--@test: name` section of the files runs on a
 *   fresh engine, with its ASSERT statements checked (src/engine/asserts.ts); one line per test,
 *   exit 1 when any fails. `RUN SCRIPT 'path'` runs the script's statements; the path is looked
 *   up under each `--script-dir` first (ksqlDB looks it up on its class path), then as given.
 *
 * An extension dir holds JavaScript modules (`*.js`, `*.mjs`) whose default export is called with
 * `{ registry, scalarFunction, tableFunction, T, P }` to register user-defined functions.
 */
export function registerTestCommand(program: Command, ctx: CliContext): void {
  program
    .command('test')
    .description('Run ksqlDB tests: -s/-i/-o files (ksql-test-runner) or --@test SQL files (run-ksql-test)')
    .argument('[files...]', '--@test SQL files (each section starts with a --@test: name line)')
    .option('-s, --statements <file>', 'ksql-test-runner: the SQL statements to test')
    .option('-i, --input <file>', 'ksql-test-runner: input records, {"inputs": [...]}')
    .option('-o, --output <file>', 'ksql-test-runner: expected output records, {"outputs": [...]}')
    .option('-e, --extension-dir <dir>', 'folder of JavaScript UDF modules to load')
    .option('--timeout <ms>', 'time limit per test in ms (default 10000)')
    .option(
      '--script-dir <dir>',
      "folder RUN SCRIPT 'path' is looked up in before the path itself (ksqlDB: the class path); repeatable",
      (dir: string, dirs: string[] | undefined) => [...(dirs ?? []), dir],
    )
    .action(async (files: string[], opts: TestOptions) => {
      const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout)
      if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
        ctx.err(`eddy test: --timeout must be a positive number of ms, got ${opts.timeout}\n`)
        ctx.exitCode = 2
        return
      }
      const triple = opts.statements !== undefined || opts.output !== undefined || opts.input !== undefined
      if (triple && files.length > 0) {
        ctx.err('eddy test: give either -s/-i/-o files or --@test SQL files, not both\n')
        ctx.exitCode = 2
        return
      }
      if (!triple && files.length === 0) {
        ctx.err('eddy test: give -s statements.sql -o output.json [-i input.json], or --@test SQL files\n')
        ctx.exitCode = 2
        return
      }
      let functions: FunctionRegistry
      try {
        functions = await loadFunctions(opts.extensionDir)
      } catch (err) {
        ctx.err(`eddy test: ${(err as Error).message}\n`)
        ctx.exitCode = 2
        return
      }
      if (triple) {
        if (opts.statements === undefined || opts.output === undefined) {
          ctx.err('eddy test: -s <statements file> and -o <output file> are required\n')
          ctx.exitCode = 2
          return
        }
        const result = await runTripleFiles(
          {
            statements: opts.statements,
            output: opts.output,
            ...(opts.input !== undefined ? { input: opts.input } : {}),
          },
          { functions, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
        )
        if (result.status === 'pass') {
          ctx.out('\t >>> Test passed!\n')
        } else {
          ctx.err(`\t>>>>> Test failed: ${result.reason ?? result.status}\n`)
          ctx.exitCode = 1
        }
        return
      }
      const { runSqlTestFile } = await import('../../src/engine/asserts.js')
      let failed = 0
      let total = 0
      for (const file of files) {
        let text: string
        try {
          text = readFileSync(file, 'utf8')
        } catch (err) {
          ctx.err(`eddy test: cannot read ${file}: ${(err as Error).message}\n`)
          ctx.exitCode = 2
          return
        }
        const results = await runSqlTestFile(text, {
          functions,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(opts.scriptDir !== undefined ? { scriptDirs: opts.scriptDir } : {}),
        })
        for (const r of results) {
          total++
          if (r.status === 'pass') {
            ctx.out(`PASS  ${file}: ${r.name}\n`)
          } else {
            failed++
            ctx.out(`FAIL  ${file}: ${r.name}\n${indent(r.reason ?? 'failed')}\n`)
          }
        }
      }
      ctx.out(`${total - failed} passed, ${failed} failed (${total} tests)\n`)
      if (failed > 0) ctx.exitCode = 1
    })
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')
}

/** The builtins plus the UDFs of the extension dir's modules. */
async function loadFunctions(extensionDir: string | undefined): Promise<FunctionRegistry> {
  const [{ builtinFunctions }, registry, types] = await Promise.all([
    import('../../src/functions/builtins.js'),
    import('../../src/functions/registry.js'),
    import('../../src/types/type.js'),
  ])
  const functions = builtinFunctions()
  if (extensionDir === undefined) return functions
  let names: string[]
  try {
    names = readdirSync(extensionDir)
      .filter((n) => n.endsWith('.js') || n.endsWith('.mjs'))
      .sort()
  } catch (err) {
    throw new Error(`cannot read extension dir ${extensionDir}: ${(err as Error).message}`)
  }
  for (const name of names) {
    const path = resolve(join(extensionDir, name))
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
    if (typeof mod.default !== 'function') {
      throw new Error(
        `extension ${path} must export a default function ({ registry, scalarFunction, ... }) => void`,
      )
    }
    ;(mod.default as (api: unknown) => void)({
      registry: functions,
      scalarFunction: registry.scalarFunction,
      tableFunction: registry.tableFunction,
      T: types.T,
      P: registry.P,
    })
  }
  return functions
}

export interface TripleFiles {
  readonly statements: string
  readonly input?: string
  readonly output: string
}

export interface TripleRunOptions {
  readonly functions?: FunctionRegistry
  readonly timeoutMs?: number
}

/**
 * ksql-test-runner (ksqlDB's KsqlTestingTool.runWithTripleFiles): reads the three files, builds
 * the QTT case `KSQL_Test` and runs it with the QTT runner. Never throws: unreadable or invalid
 * files are a failed outcome with ksqlDB's message.
 */
export async function runTripleFiles(
  files: TripleFiles,
  options: TripleRunOptions = {},
): Promise<CaseOutcome> {
  const [
    { parseJsonc },
    { readCase, InvalidNodeError },
    { expandVariants },
    { runCase },
    { parseStatements },
  ] = await Promise.all([
    import('../../src/qtt/jsonc.js'),
    import('../../src/qtt/nodes.js'),
    import('../../src/qtt/variants.js'),
    import('../../src/qtt/run-case.js'),
    import('../../grammar/parse.js'),
  ])
  const readJson = (file: string, field: 'inputs' | 'outputs', what: string): JsonValue[] => {
    let json: JsonValue
    try {
      json = parseJsonc(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new Error(`File name: ${file} Message: ${(err as Error).message}`)
    }
    const list =
      typeof json === 'object' && json !== null && !Array.isArray(json) && field in json
        ? (json as JsonObject)[field]
        : undefined
    if (list === undefined || list === null) {
      throw new Error(`File name: ${file} Message: No '${field}' field in the ${what} file.`)
    }
    if (!Array.isArray(list)) throw new Error(`File name: ${file} Message: '${field}' must be an array.`)
    if (list.length === 0) {
      throw new Error(
        `File name: ${file} Message: ${field === 'inputs' ? 'Inputs' : 'Outputs'} cannot be empty.`,
      )
    }
    return [...(list as JsonValue[])]
  }
  let node: JsonObject
  try {
    const inputs = files.input === undefined ? undefined : readJson(files.input, 'inputs', 'input')
    const outputs = readJson(files.output, 'outputs', 'output')
    let text: string
    try {
      text = readFileSync(files.statements, 'utf8')
    } catch (err) {
      throw new Error(
        `Could not read the query file: ${files.statements}. Details: ${(err as Error).message}`,
      )
    }
    // ksqlDB splits the script with its parser and runs each statement's text.
    const statements = parseStatements(text).map((p) => `${p.text};`)
    node = { name: 'KSQL_Test', statements, outputs, ...(inputs !== undefined ? { inputs } : {}) }
  } catch (err) {
    return { status: 'fail', reason: (err as Error).message }
  }
  let variant: ReturnType<typeof expandVariants>[number]
  try {
    const path = resolve(files.statements)
    ;[variant] = expandVariants(path, basename(path, extname(path)), readCase(node, 'qtt', 'KSQL_Test')) as [
      ReturnType<typeof expandVariants>[number],
    ]
  } catch (err) {
    if (err instanceof InvalidNodeError) return { status: 'fail', reason: err.message }
    throw err
  }
  const [{ Engine }, { EmbeddedBackend }] = await Promise.all([
    import('../../src/engine/engine.js'),
    import('../../src/log/embedded/embedded-backend.js'),
  ])
  const outcome = await runCase(variant, {
    createEngine: (o) => Engine.create(o),
    createBackend: () => EmbeddedBackend.inMemory(),
    ...(options.functions !== undefined ? { functions: options.functions } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  })
  if (outcome.status === 'unsupported')
    return { status: 'fail', reason: `not supported by Eddy: ${outcome.reason}` }
  return outcome
}
