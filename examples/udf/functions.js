// Example user functions for Eddy (see README.md): plain JavaScript, types in JSDoc.
// Load with `eddy run --udf examples/udf examples/udf/udf.sql`, or put the file in the
// directory named by the server property eddy.extension.dir.

/** @typedef {import('../../src/functions/udf-api.js').UdfDefinition} UdfDefinition */

/** @type {{ author: string, version: string, functions: UdfDefinition[] }} */
export default {
  author: 'Eddy examples',
  version: '1.0.0',
  functions: [
    // A scalar function with two overloads: the call's argument types pick one
    // (MULTIPLY(2, 3) → INT; MULTIPLY(2, 1.5) widens 2 to DOUBLE).
    {
      name: 'multiply',
      params: [
        { name: 'a', type: 'INT', description: 'the first factor' },
        { name: 'b', type: 'INT', description: 'the second factor' },
      ],
      returns: 'INT',
      overview: 'Multiplies two numbers.',
      description: 'Multiplies two integers (32-bit, wraps like Java).',
      strict: true, // NULL in, NULL out: fn never sees a null
      fn: (a, b) => Math.imul(a, b),
    },
    {
      name: 'multiply',
      params: ['DOUBLE', 'DOUBLE'],
      returns: 'DOUBLE',
      description: 'Multiplies two doubles.',
      strict: true,
      fn: (a, b) => a * b,
    },

    // Variadic: the STRING... values arrive as separate arguments (NULLs included).
    {
      name: 'join_words',
      params: ['STRING', 'STRING...'],
      returns: 'STRING',
      description: 'Joins the non-NULL words with a separator.',
      fn: (sep, ...words) => words.filter((w) => w !== null).join(sep ?? ' '),
    },

    // A generic function with a lambda argument: T is bound by the array's element type.
    {
      name: 'apply_twice',
      params: ['T', 'LAMBDA(T) => T'],
      returns: 'T',
      description: 'Applies a lambda to a value twice: APPLY_TWICE(3, x => x * 2) is 12.',
      fn: (v, f) => f(f(v)),
    },

    // BIGINT values are JavaScript bigints; a number result is converted to the declared type.
    {
      name: 'days_between',
      params: ['TIMESTAMP', 'TIMESTAMP'],
      returns: 'BIGINT',
      description: 'Whole days from the first timestamp to the second.',
      strict: true,
      fn: (from, to) => Math.trunc((to - from) / 86_400_000),
    },

    // A function that throws: the record goes to the processing log, the column is NULL, the
    // query goes on.
    {
      name: 'parse_amount',
      params: ['STRING'],
      returns: 'DECIMAL(10, 2)',
      description: "Parses '12.50' as a DECIMAL(10, 2); throws on anything else.",
      strict: true,
      fn: (s) => {
        if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error(`not an amount: '${s}'`)
        return s // a string (or number) result becomes a DECIMAL(10, 2)
      },
    },

    // A table function: each element of the returned array is one output row.
    {
      kind: 'table',
      name: 'split_words',
      params: ['STRING'],
      returns: 'STRING',
      description: 'One row per whitespace-separated word.',
      strict: true, // NULL gives no rows
      fn: (s) => s.split(/\s+/).filter((w) => w !== ''),
    },

    // An aggregate with undo (so it also aggregates tables). The state is a STRUCT value.
    {
      kind: 'aggregate',
      name: 'weighted_avg',
      params: ['DOUBLE', 'INT'],
      returns: 'DOUBLE',
      aggregate: 'STRUCT<TOTAL DOUBLE, WEIGHT BIGINT>',
      description: 'The average of the values weighted by the second argument (NULLs skipped).',
      init: () => ({ TOTAL: 0, WEIGHT: 0n }),
      add: (s, v, w) =>
        v === null || w === null ? s : { TOTAL: s.TOTAL + v * w, WEIGHT: s.WEIGHT + BigInt(w) },
      undo: (s, v, w) =>
        v === null || w === null ? s : { TOTAL: s.TOTAL - v * w, WEIGHT: s.WEIGHT - BigInt(w) },
      merge: (a, b) => ({ TOTAL: a.TOTAL + b.TOTAL, WEIGHT: a.WEIGHT + b.WEIGHT }),
      result: (s) => (s.WEIGHT === 0n ? null : s.TOTAL / Number(s.WEIGHT)),
    },

    // An aggregate with a literal init argument: LONGEST(name, 3) keeps the 3 longest strings.
    {
      kind: 'aggregate',
      name: 'longest',
      params: ['STRING'],
      initParams: [{ name: 'n', type: 'INT', description: 'how many strings to keep' }],
      returns: 'ARRAY<STRING>',
      description: 'The n longest strings seen, longest first.',
      create: ([n]) => ({
        init: () => [],
        add: (s, v) => (v === null ? s : [...s, v].sort((a, b) => b.length - a.length).slice(0, n)),
        merge: (a, b) => [...a, ...b].sort((x, y) => y.length - x.length).slice(0, n),
        result: (s) => s,
      }),
    },
  ],
}
