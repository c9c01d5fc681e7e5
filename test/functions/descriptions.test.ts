import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/engine/engine.js'
import { formatFunctionDescription } from '../../src/engine/function-description.js'
import type { Listing } from '../../src/engine/results.js'
import { builtinFunctions } from '../../src/functions/builtins.js'
import { EmbeddedBackend } from '../../src/log/embedded/embedded-backend.js'

const registry = builtinFunctions()
const names = registry.list().map((f) => f.name)

describe('builtin function descriptions', () => {
  it('covers every kind of builtin', () => {
    const kinds = new Set(registry.list().map((f) => f.type))
    expect([...kinds].sort()).toEqual(['AGGREGATE', 'SCALAR', 'TABLE'])
    expect(names.length).toBeGreaterThan(140)
  })

  it.each(names)('%s has an overview and a description of each variation', (name) => {
    const info = registry.info(name)
    expect(info?.description.trim()).not.toBe('')
    expect(info?.category.trim()).not.toBe('')
    expect(info?.variations.length).toBeGreaterThan(0)
    for (const v of info?.variations ?? []) {
      expect(v.description.trim(), `${name}${v.arguments}`).not.toBe('')
      for (const p of v.params ?? []) expect(p.description.trim(), `${name} ${p.name}`).not.toBe('')
    }
  })
})

async function describeFunction(name: string): Promise<Listing> {
  const engine = await Engine.create({ backend: EmbeddedBackend.inMemory() })
  try {
    const [listing] = (await engine.execute(`DESCRIBE FUNCTION ${name};`)) as Listing[]
    if (listing === undefined) throw new Error('no listing')
    return listing
  } finally {
    await engine.close()
  }
}

describe('DESCRIBE FUNCTION', () => {
  it('prints a scalar function as ksqlDB does: overview, variations with descriptions and parameters', async () => {
    const text = formatFunctionDescription(await describeFunction('substring'))
    expect(text.split('\n').slice(0, 13)).toEqual([
      'Name        : SUBSTRING',
      'Author      : Confluent',
      'Overview    : Returns the portion of the string or bytes passed in value.',
      'Type        : SCALAR',
      'Jar         : internal',
      'Variations  : ',
      '',
      '\tVariation   : SUBSTRING(str VARCHAR, pos INT)',
      '\tReturns     : VARCHAR',
      '\tDescription : Returns the portion of str from pos to the end of str',
      '\tstr         : The source string.',
      '\tpos         : The base-one position to start from.',
      '',
    ])
    expect(text).toContain('\tVariation   : SUBSTRING(bytes BYTES, pos INT, length INT)')
  })

  it('marks a repeating parameter with [] and wraps long descriptions under their label', async () => {
    const text = formatFunctionDescription(await describeFunction('CONCAT_WS'))
    expect(text).toContain(
      [
        'Overview    : Concatenate several strings or bytes, inserting a separator passed',
        '               as the first argument between each one.',
      ].join('\n'),
    )
    expect(text).toContain('\tVariation   : CONCAT_WS(separator VARCHAR, inputs VARCHAR[])')
  })

  it.each<[string, string, string]>([
    ['EXPLODE', 'TABLE', 'Explodes an array. This function outputs one value for each element of the array.'],
    ['SUM', 'AGGREGATE', 'Computes the sum for a key.'],
    ['TOPK', 'AGGREGATE', 'Computes the top k values for a key.'],
    ['ABS', 'SCALAR', 'Returns the absolute value of its argument.'],
  ])('describes %s as a %s function with its overview', async (name, type, overview) => {
    const listing = await describeFunction(name)
    expect(listing.type).toBe('describe_function')
    expect(listing.rows).toContainEqual(['Type', type])
    const row = listing.rows.find((r) => r[0] === 'Overview')
    expect(row?.[1]).toContain(overview)
    expect(listing.rows.filter((r) => r[0] === '  Description').length).toBeGreaterThan(0)
  })

  it('lists every builtin with its category in SHOW FUNCTIONS', async () => {
    const engine = await Engine.create({ backend: EmbeddedBackend.inMemory() })
    const [show] = (await engine.execute('SHOW FUNCTIONS;')) as Listing[]
    await engine.close()
    expect(show?.rows.map((r) => r[0])).toEqual(names)
    expect(show?.rows).toContainEqual(['SUBSTRING', 'STRING'])
    expect(show?.rows).toContainEqual(['TOPK', 'AGGREGATE'])
  })
})

describe('formatFunctionDescription', () => {
  const listing = (rows: string[][]): Listing => ({
    kind: 'Listing',
    statement: '',
    type: 'describe_function',
    columns: ['Field', 'Value'],
    rows,
  })

  it('keeps a short description on one line and breaks at newlines', () => {
    expect(formatFunctionDescription(listing([['Overview', 'short']]))).toBe('Overview    : short')
    expect(formatFunctionDescription(listing([['  Description', 'one\ntwo']])).split('\n')).toEqual([
      '\tDescription : one',
      '                two',
    ])
  })

  it.each([80, 100])('wraps long descriptions to a terminal width of %i', (width) => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')
    const lines = formatFunctionDescription(listing([['Overview', words]]), width).split('\n')
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(width)
    for (const l of lines.slice(1)) expect(l.startsWith(' '.repeat(14))).toBe(true)
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(`Overview : ${words}`)
  })

  it('uses at least 80 columns', () => {
    const words = Array.from({ length: 8 }, (_, i) => `word${i}`).join(' ')
    expect(formatFunctionDescription(listing([['Overview', words]]), 20).split('\n')).toHaveLength(1)
  })
})
