import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseStatements } from '../../grammar/parse.js'
import { formatStatement } from '../../src/ast/format.js'
import { Engine } from '../../src/engine/engine.js'
import type { Listing } from '../../src/engine/results.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { paramTypeToString } from '../../src/functions/registry.js'
import { parseTypeText, registerDefinitions, resultCoercer } from '../../src/functions/udf-loader.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'
import type { TopicBackend } from '../../src/log/topic-backend.js'
import { Decimal } from '../../src/types/decimal.js'
import { decimal, struct, T, type Type } from '../../src/types/type.js'
import type { Value } from '../../src/types/values.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-udf-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function writeModule(name: string, text: string): void {
  writeFileSync(join(dir, name), text)
}

async function produce(backend: TopicBackend, topic: string, values: readonly string[]): Promise<void> {
  await backend.produce(
    topic,
    values.map((v, i) => ({ key: enc.encode(`k${i}`), value: enc.encode(v), timestamp: 1000 + i })),
  )
}

async function values(backend: TopicBackend, topic: string): Promise<string[]> {
  const out: string[] = []
  for await (const b of backend.consume(topic, { follow: false })) {
    for (const r of b.records) out.push(r.value === null ? 'null' : dec.decode(r.value))
  }
  return out
}

async function engineWithUdfs(topics: readonly string[] = ['input']): Promise<Engine> {
  const backend = EmbeddedBackend.inMemory()
  for (const t of topics) await backend.createTopic(t, { partitions: 1 })
  return Engine.create({
    backend,
    properties: { 'auto.offset.reset': 'earliest', 'eddy.extension.dir': dir },
  })
}

const MULTIPLY = (factor: number) => `
export default [
  { name: 'multiply', params: ['INT', 'INT'], returns: 'INT', description: 'Multiplies', fn: (a, b) => a * b * ${factor} },
  { name: 'shout', params: ['STRING'], returns: 'STRING', strict: true, fn: (s) => s.toUpperCase() + '!' },
]`

describe('parseTypeText', () => {
  it.each<[string, string, boolean]>([
    ['INT', 'INTEGER', false],
    ['integer', 'INTEGER', false],
    ['VARCHAR', 'STRING', false],
    ['BIGINT...', 'BIGINT', true],
    ['DECIMAL(10, 2)', 'DECIMAL(10, 2)', false],
    ['DECIMAL', 'DECIMAL', false],
    ['ARRAY<T>', 'ARRAY<T>', false],
    ['MAP<STRING, ARRAY<INT>>', 'MAP<STRING, ARRAY<INTEGER>>', false],
    ['STRUCT<A INT, `b` STRING>', 'STRUCT<`A` INTEGER, `b` STRING>', false],
    ['STRUCT', 'STRUCT', false],
    ['ANY...', 'ANY', true],
    ['LAMBDA(T, U) => V', 'LAMBDA (T, U) => V', false],
  ])('%s', (text, printed, variadic) => {
    const p = parseTypeText(text)
    expect({ printed: paramTypeToString(p.type), variadic: p.variadic }).toEqual({ printed, variadic })
  })

  it.each<[string, string]>([
    ['STRNG', 'unknown type STRNG'],
    ['ARRAY<INT', "expected '>' at the end"],
    ['DECIMAL(2, 5)', 'DECIMAL(2, 5) is not a valid decimal'],
    ['INT INT', "unexpected 'INT'"],
    ['', 'a type is missing'],
  ])('rejects %j', (text, message) => {
    expect(() => parseTypeText(text)).toThrow(message)
  })
})

describe('resultCoercer', () => {
  it.each<[Type, unknown, Value]>([
    [T.INTEGER, 7, 7],
    [T.INTEGER, 7n, 7],
    [T.INTEGER, undefined, null],
    [T.BIGINT, 7, 7n],
    [T.DOUBLE, 2n, 2],
    [decimal(5, 2), '1.5', Decimal.parse('1.50')],
    [decimal(5, 2), 1.005, Decimal.parse('1.01')],
    [T.TIMESTAMP, new Date(5000), 5000],
    [T.DATE, new Date(86_400_000 * 3), 3],
    [{ kind: 'ARRAY', element: T.BIGINT }, [1, null], [1n, null]],
    [{ kind: 'MAP', key: T.STRING, value: T.INTEGER }, { a: 1 }, new Map([['a', 1]])],
    [struct([{ name: 'A', type: T.BIGINT }]), { A: 1, extra: 2 }, { A: 1n }],
    [struct([{ name: 'A', type: T.BIGINT }]), {}, { A: null }],
  ])('case %#', (type, input, expected) => {
    expect(resultCoercer(type)(input)).toEqual(expected)
  })

  it.each<[Type, unknown, string]>([
    [T.INTEGER, 'x', 'returned a string (x) where INTEGER is declared'],
    [T.INTEGER, 2 ** 40, 'where INTEGER is declared'],
    [T.BIGINT, 1.5, 'where BIGINT is declared'],
    [T.STRING, 1, 'returned a number (1) where STRING is declared'],
    [decimal(3, 2), 123, 'returned 123, which does not fit DECIMAL(3, 2)'],
    [{ kind: 'ARRAY', element: T.INTEGER }, 'a', 'where ARRAY<INTEGER> is declared'],
  ])('rejects case %#', (type, input, message) => {
    expect(() => resultCoercer(type)(input)).toThrow(message)
  })
})

describe('user function modules', () => {
  it('runs a persistent query with a user function, and a reload changes the code for new records', async () => {
    writeModule('math.js', MULTIPLY(1))
    const engine = await engineWithUdfs(['input', 'other'])
    await produce(engine.backend, 'input', ['{"A":2,"B":3}', '{"A":4,"B":5}'])
    await produce(engine.backend, 'other', ['{"S":"hi"}'])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, a INT, b INT) WITH (kafka_topic='input', value_format='JSON');
      CREATE STREAM o (k STRING KEY, s STRING) WITH (kafka_topic='other', value_format='JSON');
      CREATE STREAM products AS SELECT k, MULTIPLY(a, b) AS p FROM s;
      CREATE STREAM shouts AS SELECT k, SHOUT(s) AS x FROM o;`)
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'PRODUCTS')).toEqual(['{"P":6}', '{"P":20}'])
    const before = engine.persistentQueries()

    writeModule('math.js', MULTIPLY(10))
    const [result] = await engine.execute('RELOAD FUNCTIONS;')
    expect(result).toMatchObject({
      kind: 'CommandStatus',
      message: 'Loaded 2 functions from 1 module (changed MULTIPLY).',
    })
    await produce(engine.backend, 'input', ['{"A":1,"B":1}'])
    await produce(engine.backend, 'other', ['{"S":"yo"}'])
    await engine.runUntilIdle()
    // Old records keep their results; the new record ran the new code.
    expect(await values(engine.backend, 'PRODUCTS')).toEqual(['{"P":6}', '{"P":20}', '{"P":10}'])
    expect(await values(engine.backend, 'SHOUTS')).toEqual(['{"X":"HI!"}', '{"X":"YO!"}'])
    // No query was restarted.
    const after = engine.persistentQueries()
    expect(after).toHaveLength(2)
    after.forEach((q, i) => {
      expect(q).toBe(before[i])
      expect(q.state).toBe('RUNNING')
    })
    await engine.close()
  })

  it('Engine.reloadFunctions reports added and removed functions; removed ones cannot be planned', async () => {
    writeModule('a.js', MULTIPLY(1))
    const engine = await engineWithUdfs()
    writeModule(
      'a.js',
      `export const functions = [
      { name: 'negate', params: ['INT'], returns: 'INT', fn: (x) => -x },
    ]`,
    )
    const report = await engine.reloadFunctions()
    expect({ added: report.added, removed: report.removed }).toEqual({
      added: ['NEGATE'],
      removed: ['MULTIPLY', 'SHOUT'],
    })
    await engine.execute(
      "CREATE STREAM s (k STRING KEY, a INT) WITH (kafka_topic='input', value_format='JSON');",
    )
    await expect(engine.execute('CREATE STREAM x AS SELECT MULTIPLY(a, a) FROM s;')).rejects.toThrow(
      "Can't find any functions with the name 'MULTIPLY'",
    )
    await engine.execute('CREATE STREAM y AS SELECT k, NEGATE(a) AS n FROM s;')
    await produce(engine.backend, 'input', ['{"A":4}'])
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'Y')).toEqual(['{"N":-4}'])
    await engine.close()
  })

  it('sends a record whose function throws to the processing log and keeps going', async () => {
    writeModule(
      'bad.js',
      `export default [
      { name: 'checked', params: ['INT'], returns: 'INT', fn: (x) => { if (x < 0) throw new Error('negative: ' + x); return x } },
      { name: 'wrong', params: ['INT'], returns: 'INT', fn: (x) => 'text' },
    ]`,
    )
    const engine = await engineWithUdfs()
    await produce(engine.backend, 'input', ['{"A":1}', '{"A":-5}', '{"A":3}'])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, a INT) WITH (kafka_topic='input', value_format='JSON');
      CREATE STREAM out AS SELECT k, CHECKED(a) AS c FROM s;`)
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'OUT')).toEqual(['{"C":1}', '{"C":null}', '{"C":3}'])
    expect(engine.processingLog.map((e) => ({ message: e.message, record: e.record }))).toEqual([
      {
        message: expect.stringContaining('Error calling CHECKED: negative: -5'),
        record: { topic: 'input', partition: 0, offset: 1 },
      },
    ])
    expect(engine.persistentQueries()[0]?.state).toBe('RUNNING')
    // A result of the wrong type is a bad record too.
    await engine.execute('CREATE STREAM out2 AS SELECT k, WRONG(a) AS w FROM s;')
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'OUT2')).toEqual(['{"W":null}', '{"W":null}', '{"W":null}'])
    expect(engine.processingLog[1]?.message).toContain('returned a string (text) where INTEGER is declared')
    await engine.close()
  })

  it('plans calls against the declared types with ksqlDB messages', async () => {
    writeModule('math.js', MULTIPLY(1))
    const engine = await engineWithUdfs()
    await engine.execute(
      "CREATE STREAM s (k STRING KEY, a INT, name STRING) WITH (kafka_topic='input', value_format='JSON');",
    )
    await expect(engine.execute('CREATE STREAM x AS SELECT MULTIPLY(name, a) FROM s;')).rejects.toThrow(
      "Function 'multiply' does not accept parameters (STRING, INTEGER).\nValid alternatives are:\nmultiply(INTEGER, INTEGER)",
    )
    await engine.close()
  })

  it('runs user aggregates (with init arguments and undo) and table functions', async () => {
    writeModule(
      'agg.js',
      `export default { author: 'me', functions: [
      { kind: 'aggregate', name: 'total_len', params: ['STRING'], initParams: ['INT'], returns: 'BIGINT',
        create: ([base]) => ({
          init: () => BigInt(base), add: (s, v) => s + BigInt(v === null ? 0 : v.length),
          undo: (s, v) => s - BigInt(v === null ? 0 : v.length), merge: (a, b) => a + b, result: (s) => s,
        }) },
      { kind: 'table', name: 'chars', params: ['STRING'], returns: 'STRING', strict: true, fn: (s) => [...s] },
    ] }`,
    )
    const engine = await engineWithUdfs()
    await produce(engine.backend, 'input', [
      '{"G":"x","S":"ab"}',
      '{"G":"x","S":"cde"}',
      '{"G":"y","S":null}',
    ])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, g STRING, s STRING) WITH (kafka_topic='input', value_format='JSON');
      CREATE TABLE t AS SELECT g, TOTAL_LEN(s, 100) AS n FROM s GROUP BY g;
      CREATE STREAM c AS SELECT k, CHARS(s) AS ch FROM s;`)
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'T')).toEqual(['{"N":102}', '{"N":105}', '{"N":100}'])
    expect(await values(engine.backend, 'C')).toEqual([
      '{"CH":"a"}',
      '{"CH":"b"}',
      '{"CH":"c"}',
      '{"CH":"d"}',
      '{"CH":"e"}',
    ])
    await expect(
      engine.execute('CREATE TABLE t2 AS SELECT g, TOTAL_LEN(s, LEN(g)) FROM s GROUP BY g;'),
    ).rejects.toThrow(
      "Parameter 2 passed to function total_len must be a literal constant, but was expression: 'LEN(G)'",
    )
    await engine.close()
  })

  it('lists user functions in SHOW FUNCTIONS and describes them', async () => {
    writeModule(
      'math.js',
      `export default { author: 'me', version: '2.1', functions: [
      { name: 'multiply', params: [{ name: 'a', type: 'INT', description: 'left' }, { name: 'b', type: 'INT' }],
        returns: 'INT', overview: 'Multiplies numbers', description: 'ints', fn: (a, b) => a * b },
      { name: 'multiply', params: ['DOUBLE...'], returns: 'DOUBLE', description: 'doubles', fn: (...xs) => xs.reduce((a, b) => a * b, 1) },
    ] }`,
    )
    const engine = await engineWithUdfs()
    const [show] = (await engine.execute('SHOW FUNCTIONS;')) as Listing[]
    expect(show?.columns).toEqual(['Function Name', 'Category'])
    expect(show?.rows).toContainEqual(['MULTIPLY', 'OTHER'])
    expect(show?.rows).toContainEqual(['SUBSTRING', 'STRING'])
    expect(show?.rows).toContainEqual(['COUNT', 'AGGREGATE'])
    expect(show?.rows).toContainEqual(['EXPLODE', 'TABLE'])
    const [described] = (await engine.execute('DESCRIBE FUNCTION multiply;')) as Listing[]
    expect(described?.rows).toEqual([
      ['Name', 'MULTIPLY'],
      ['Author', 'me'],
      ['Version', '2.1'],
      ['Overview', 'Multiplies numbers'],
      ['Type', 'SCALAR'],
      ['Jar', join(dir, 'math.js')],
      ['Variations', ''],
      ['', ''],
      ['  Variation', 'MULTIPLY(a INT, b INT)'],
      ['  Returns', 'INT'],
      ['  Description', 'ints'],
      ['  a', 'left'],
      ['', ''],
      ['  Variation', 'MULTIPLY(arg1 DOUBLE[])'],
      ['  Returns', 'DOUBLE'],
      ['  Description', 'doubles'],
    ])
    const [builtin] = (await engine.execute('DESCRIBE FUNCTION explode;')) as Listing[]
    expect(builtin?.rows.slice(0, 6)).toEqual([
      ['Name', 'EXPLODE'],
      ['Author', 'Confluent'],
      ['Overview', 'Explodes an array. This function outputs one value for each element of the array.'],
      ['Type', 'TABLE'],
      ['Jar', 'internal'],
      ['Variations', ''],
    ])
    await expect(engine.execute('DESCRIBE FUNCTION nope;')).rejects.toThrow(
      "Can't find any functions with the name 'NOPE'",
    )
    await engine.close()
  })
})

describe('RELOAD FUNCTIONS', () => {
  it('parses to a ReloadFunctions node and formats back; RELOAD stays a valid identifier', () => {
    const [p] = parseStatements('reload   functions;')
    expect(p?.statement.kind).toBe('ReloadFunctions')
    expect(formatStatement(p!.statement)).toBe('RELOAD FUNCTIONS')
    const [q] = parseStatements('SELECT reload FROM s EMIT CHANGES;')
    expect(q?.statement.kind).toBe('Query')
  })

  it('says so when no extension directory is configured', async () => {
    const engine = await Engine.create({ backend: EmbeddedBackend.inMemory() })
    const [r] = await engine.execute('RELOAD FUNCTIONS;')
    expect(r).toMatchObject({ message: expect.stringContaining('set eddy.extension.dir') })
    await engine.close()
  })
})

describe('user functions in expressions', () => {
  it('calls variadic, generic and lambda functions, and a throwing table function logs the record', async () => {
    writeModule(
      'f.js',
      `export default [
      { name: 'join_all', params: ['STRING', 'STRING...'], returns: 'STRING', fn: (sep, ...xs) => xs.join(sep) },
      { name: 'apply_twice', params: ['T', 'LAMBDA(T) => T'], returns: 'T', fn: (v, f) => f(f(v)) },
      { kind: 'table', name: 'upto', params: ['INT'], returns: 'INT',
        fn: (n) => { if (n > 3) throw new Error('too many'); return Array.from({ length: n }, (_, i) => i) } },
    ]`,
    )
    const engine = await engineWithUdfs()
    await produce(engine.backend, 'input', ['{"A":2,"S":"x"}', '{"A":9,"S":"y"}', '{"A":1,"S":null}'])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, a INT, s STRING) WITH (kafka_topic='input', value_format='JSON');
      CREATE STREAM e AS SELECT k, JOIN_ALL('-', s, 'z', s) AS j, APPLY_TWICE(a, x => x * 3) AS t FROM s;
      CREATE STREAM u AS SELECT k, UPTO(a) AS i FROM s;`)
    await engine.runUntilIdle()
    expect(await values(engine.backend, 'E')).toEqual([
      '{"J":"x-z-x","T":18}',
      '{"J":"y-z-y","T":81}',
      '{"J":"-z-","T":9}',
    ])
    expect(await values(engine.backend, 'U')).toEqual(['{"I":0}', '{"I":1}', '{"I":0}'])
    expect(engine.processingLog.map((e) => [e.message, e.record?.offset])).toEqual([
      [expect.stringContaining('too many'), 1],
    ])
    await engine.close()
  })

  it('sends a record whose user aggregate throws to the processing log; the group keeps its state', async () => {
    writeModule(
      'g.js',
      `export default [
      { kind: 'aggregate', name: 'fragile', params: ['INT'], returns: 'INT', init: () => 0,
        add: (s, v) => { if (v < 0) throw new Error('negative'); return s + v }, merge: (a, b) => a + b, result: (s) => s },
    ]`,
    )
    const engine = await engineWithUdfs()
    await produce(engine.backend, 'input', ['{"A":5}', '{"A":-1}', '{"A":2}'])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, a INT) WITH (kafka_topic='input', value_format='JSON');
      CREATE TABLE t AS SELECT k, FRAGILE(a) AS f FROM s GROUP BY k;`)
    await engine.runUntilIdle()
    expect(engine.processingLog.map((e) => [e.message, e.record?.offset])).toEqual([
      ['Error computing an aggregate (add): Error calling FRAGILE.add: negative', 1],
    ])
    // One group per key (k0, k1, k2): k1's group keeps its initial state.
    expect(await values(engine.backend, 'T')).toEqual(['{"F":5}', '{"F":0}', '{"F":2}'])
    await engine.close()
  })
})

describe('examples/udf', () => {
  it('loads the example module and runs its functions', async () => {
    const backend = EmbeddedBackend.inMemory()
    await backend.createTopic('input', { partitions: 1 })
    const engine = await Engine.create({
      backend,
      properties: {
        'auto.offset.reset': 'earliest',
        'eddy.extension.dir': fileURLToPath(new URL('../../examples/udf', import.meta.url)),
      },
    })
    expect(engine.udfs.names()).toEqual([
      'APPLY_TWICE',
      'DAYS_BETWEEN',
      'JOIN_WORDS',
      'LONGEST',
      'MULTIPLY',
      'PARSE_AMOUNT',
      'SPLIT_WORDS',
      'WEIGHTED_AVG',
    ])
    await produce(backend, 'input', ['{"Q":3,"P":2.5,"A":"7.5"}', '{"Q":1,"P":4.0,"A":"x"}'])
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, q INT, p DOUBLE, a STRING) WITH (kafka_topic='input', value_format='JSON');
      CREATE STREAM o AS SELECT k, MULTIPLY(q, 2) AS m, MULTIPLY(q, p) AS t, PARSE_AMOUNT(a) AS a FROM s;
      CREATE TABLE w AS SELECT 'all' AS g, WEIGHTED_AVG(p, q) AS avg FROM s GROUP BY 'all';`)
    await engine.runUntilIdle()
    expect(await values(backend, 'O')).toEqual(['{"M":6,"T":7.5,"A":7.50}', '{"M":2,"T":4.0,"A":null}'])
    expect(await values(backend, 'W')).toEqual(['{"AVG":2.5}', '{"AVG":2.875}'])
    expect(engine.processingLog[0]?.message).toContain("Error calling PARSE_AMOUNT: not an amount: 'x'")
    await engine.close()
  })
})

describe('loading errors', () => {
  it.each<[string, string]>([
    [
      "export default [{ name: 'f', params: ['INTT'], returns: 'INT', fn: () => 1 }]",
      "function 'f': parameter 1: invalid type 'INTT': unknown type INTT",
    ],
    [
      "export default [{ name: 'f', params: ['INT'], returns: 'T', fn: () => 1 }]",
      "function 'f': return type uses generic T, which no parameter declares",
    ],
    [
      "export default [{ name: 'f', params: ['INT...', 'INT'], returns: 'INT', fn: () => 1 }]",
      "function 'f': only the last parameter can be variadic (...)",
    ],
    [
      "export default [{ name: 'f', params: [], returns: 'INT' }]",
      "function 'f': needs fn(...args), or create(info)",
    ],
    [
      "export default [{ kind: 'aggregate', name: 'g', params: ['INT'], returns: 'INT', init: () => 0 }]",
      "function 'g': needs create(init, info), or add()",
    ],
    [
      "export default [{ name: 'concat', params: [], returns: 'INT', fn: () => 1 }]",
      "function 'concat' already exists",
    ],
    [
      "export default [{ name: '1x', params: [], returns: 'INT', fn: () => 1 }]",
      "function '1x': needs a name",
    ],
    ['export const nothing = 1', 'exports no functions'],
    ['export default [', 'failed to load'],
  ])('%s', async (text, message) => {
    writeModule('m.js', text)
    await expect(engineWithUdfs()).rejects.toThrow(message)
  })

  it('names the file of a TypeScript module without compiled JavaScript', async () => {
    writeModule('m.ts', 'export default []')
    await expect(engineWithUdfs()).rejects.toThrow(`UDF module ${join(dir, 'm.ts')} is TypeScript`)
  })

  it('a failed reload changes nothing', async () => {
    writeModule('math.js', MULTIPLY(1))
    const engine = await engineWithUdfs()
    writeModule(
      'math.js',
      "export default [{ name: 'multiply', params: ['NOPE'], returns: 'INT', fn: () => 1 }]",
    )
    await expect(engine.execute('RELOAD FUNCTIONS;')).rejects.toThrow('unknown type NOPE')
    expect(engine.functions.info('MULTIPLY')?.variations.map((v) => v.arguments)).toEqual([
      '(arg1 INT, arg2 INT)',
    ])
    await engine.close()
  })

  it('registers definitions given in code through the same checks', () => {
    const registry = builtinFunctions()
    const report = registerDefinitions(
      registry,
      [{ name: 'twice', params: ['T'], returns: 'ARRAY<T>', fn: (x) => [x, x] }],
      'inline',
    )
    expect(report.added).toEqual(['TWICE'])
    const r = registry.scalar('TWICE')?.resolve([T.BIGINT])
    expect({ type: r?.returnType, value: r?.impl(3n) }).toEqual({
      type: { kind: 'ARRAY', element: T.BIGINT },
      value: [3n, 3n],
    })
  })
})
