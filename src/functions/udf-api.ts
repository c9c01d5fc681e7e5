/**
 * Eddy's public API for user-defined functions (UDFs, UDAFs, UDTFs) written in JavaScript.
 *
 * A UDF module is an ES module (`.js` / `.mjs`) in the extension directory (the server property
 * `eddy.extension.dir`, or `eddy run --udf PATH`). Its default export (or its export named
 * `functions`) is a list of definitions, or `{ author?, version?, functions: [...] }`:
 *
 * ```js
 * // ext/functions.js
 * export default [
 *   { name: 'multiply', params: ['INT', 'INT'], returns: 'INT',
 *     description: 'Multiplies two integers', fn: (a, b) => a * b },
 * ]
 * ```
 *
 * Every definition is one overload; definitions that share a name (and kind) form one function
 * whose overloads are resolved as ksqlDB resolves them (exact match first, then implicit widening
 * INT → BIGINT → DECIMAL → DOUBLE; a NULL argument fits any parameter). The declared types are
 * checked when a query is planned: `multiply('a', 1)` fails with ksqlDB's message
 * `Function 'multiply' does not accept parameters (STRING, INTEGER).`
 *
 * TypeScript: Node 20 does not strip types, so compile a `.ts` module to `.js` first (`tsc`), or
 * write JavaScript with JSDoc types pointing at this file, e.g. from a checkout:
 * `/** @type {import('../../src/functions/udf-api.js').UdfDefinition[]} *\/` (editors resolve the
 * `.js` to this `.ts`). A `.ts` file in the extension directory without a compiled `.js` next to
 * it is a load error that says so.
 *
 * ## SQL type text
 *
 * `BOOLEAN`, `INT` / `INTEGER`, `BIGINT`, `DOUBLE`, `STRING` / `VARCHAR`, `BYTES`, `DATE`,
 * `TIME`, `TIMESTAMP`, `DECIMAL(p, s)`, `ARRAY<T>`, `MAP<K, V>`, `STRUCT<name TYPE, ...>`, and
 * patterns: a single capital letter (optionally followed by digits) is a generic type variable
 * (`T`, `K`, `V`, `A1`) bound by the first argument that fixes it; `DECIMAL` without precision is
 * any decimal; `STRUCT` without fields is any struct; `ANY` is any type (Java's `Object`);
 * `LAMBDA(T) => U` is a lambda argument (`TRANSFORM(arr, x => x + 1)`-style). A parameter ending
 * in `...` is variadic: it repeats zero or more times, and its values arrive as separate
 * arguments (use rest parameters). At most one parameter per definition is variadic.
 *
 * ## Values
 *
 * | SQL type     | JavaScript value passed in                | accepted as a result             |
 * |--------------|-------------------------------------------|----------------------------------|
 * | BOOLEAN      | boolean                                   | boolean                          |
 * | INTEGER      | number (32-bit integer)                   | integral number / bigint         |
 * | BIGINT       | bigint                                    | bigint / integral number         |
 * | DOUBLE       | number                                    | number / bigint                  |
 * | DECIMAL(p,s) | Decimal (`toString()`, `toNumber()`)      | Decimal / number / string        |
 * | STRING       | string                                    | string                           |
 * | BYTES        | Uint8Array                                | Uint8Array (Buffer)              |
 * | DATE         | number: days since 1970-01-01             | number / Date                    |
 * | TIME         | number: milliseconds since midnight       | number                           |
 * | TIMESTAMP    | number: epoch milliseconds                | number / Date                    |
 * | ARRAY<T>     | Array                                     | Array                            |
 * | MAP<K,V>     | Map                                       | Map / plain object               |
 * | STRUCT<...>  | plain object keyed by field name          | plain object                     |
 * | NULL         | null                                      | null / undefined                 |
 *
 * Results are converted to the declared return type; a result that does not fit (a string for
 * an INT) is an error for that record.
 *
 * ## Errors
 *
 * An exception thrown by a scalar or table function is a bad record, not a crash: the processing
 * log gets the message (`Error calling NAME: ...`) with the record's topic / partition / offset,
 * the expression becomes NULL (a table function yields no rows for the record) and the query goes
 * on. An exception in an aggregate's methods stops the query with `Error calling NAME.add: ...`
 * (as a throwing UDAF fails its task in ksqlDB).
 *
 * ## Reloading
 *
 * `RELOAD FUNCTIONS;` (or `Engine.reloadFunctions()`) re-imports every module of the extension
 * directory. Running queries that use a function whose overload (name + parameter and return
 * types) still exists switch to the new code for the records that follow; other queries are not
 * touched. An overload that was removed or changed its types keeps running its old code in the
 * queries that already use it; new queries see the new definitions. Modules that a UDF module
 * imports itself are not re-imported (Node caches them): keep a function's code in its module.
 */

/** A SQL type, or a type pattern, as text (see the module comment). */
export type SqlTypeText = string

/** A parameter: its type text, or its name, type and description (shown by DESCRIBE FUNCTION). */
export type ParamDefinition =
  | SqlTypeText
  | { readonly name: string; readonly type: SqlTypeText; readonly description?: string }

/** A SQL value as functions receive it (see the table in the module comment). */
export type SqlValue = unknown

/** What a function learns about one call site when it is planned (`create`). */
export interface CallInfo {
  /** The argument types after overload resolution (SQL text, e.g. `DECIMAL(4, 2)`); `NULL` for a NULL literal. */
  readonly argTypes: readonly string[]
  /** The call's return type (generics bound). */
  readonly returnType: string
}

/** What every definition has. */
interface DefinitionBase {
  /** The function name (case-insensitive in SQL; as written here in messages). */
  readonly name: string
  readonly params: readonly ParamDefinition[]
  /** Return type: a scalar's result, a table function's row value, an aggregate's result. */
  readonly returns: SqlTypeText
  /** What this overload does (DESCRIBE FUNCTION's variation description). */
  readonly description?: string
  /** The function's overview in DESCRIBE FUNCTION (defaults to the first overload's description). */
  readonly overview?: string
  readonly author?: string
  readonly version?: string
}

/** A scalar function (UDF): one value per call. Give `fn`, or `create` for per-call-site state. */
export interface ScalarDefinition extends DefinitionBase {
  readonly kind?: 'scalar'
  readonly fn?: (...args: SqlValue[]) => SqlValue
  /** Builds the implementation once per call site in a query (ksqlDB makes one UDF instance per call). */
  readonly create?: (info: CallInfo) => (...args: SqlValue[]) => SqlValue
  /**
   * `true`: a call with any NULL argument returns NULL without calling `fn` (SQL's RETURNS NULL ON
   * NULL INPUT). Default `false`: `fn` receives NULLs as `null`, as ksqlDB UDFs do.
   */
  readonly strict?: boolean
}

/** A table function (UDTF): each call yields zero or more rows, one value (of `returns`) per row. */
export interface TableDefinition extends DefinitionBase {
  readonly kind: 'table'
  readonly fn?: (...args: SqlValue[]) => readonly SqlValue[] | null | undefined
  readonly create?: (info: CallInfo) => (...args: SqlValue[]) => readonly SqlValue[] | null | undefined
  /** `true`: a call with any NULL argument yields no rows without calling `fn`. Default `false`. */
  readonly strict?: boolean
}

/**
 * The state machine of an aggregate, ksqlDB's Udaf / TableUdaf. States must be SQL values of the
 * `aggregate` type (the engine may store them); do not mutate a state passed in, return a new one.
 */
export interface Aggregator<S = SqlValue> {
  /** The state of an empty group. */
  init(): S
  /** Folds one row in: `args` are the row's values of `params` (variadic values flattened). */
  add(state: S, ...args: SqlValue[]): S
  /**
   * Takes a row back out (aggregation of a table, when a row changes or is deleted). Without it
   * the function is for streams only, as ksqlDB's non-table UDAFs.
   */
  undo?(state: S, ...args: SqlValue[]): S
  /** Merges two sessions' states (session windows); `a` is the earlier one. */
  merge(a: S, b: S): S
  /** The output value of a state (ksqlDB's `map`). */
  result(state: S): SqlValue
}

/** An aggregate function (UDAF). Give `create`, or the `Aggregator` methods directly. */
export interface AggregateDefinition extends DefinitionBase, Partial<Aggregator> {
  readonly kind: 'aggregate'
  /**
   * Literal arguments after the per-row ones (ksqlDB's UDAF factory arguments, e.g. TOPK's k):
   * each must be a literal in the call and is read once when the query is planned.
   */
  readonly initParams?: readonly ParamDefinition[]
  /** The state type (ksqlDB's aggregate schema); `returns` when absent. */
  readonly aggregate?: SqlTypeText
  /** Builds the aggregator of a call site from its literal `initParams` values. */
  readonly create?: (init: readonly SqlValue[], info: CallInfo) => Aggregator
}

/** One overload of a user function. */
export type UdfDefinition = ScalarDefinition | TableDefinition | AggregateDefinition

/** The module-level form of a default export: defaults for every definition's author / version. */
export interface UdfModuleObject {
  readonly author?: string
  readonly version?: string
  readonly functions: readonly UdfDefinition[]
}

/** What a UDF module exports: `export default [...]`, `export default { functions }`, or `export const functions = [...]`. */
export interface UdfModule {
  readonly default?: readonly UdfDefinition[] | UdfModuleObject
  readonly functions?: readonly UdfDefinition[]
}

/** Declares definitions with their types checked (for TypeScript / JSDoc users; returns its argument). */
export function defineFunctions<const D extends readonly UdfDefinition[]>(definitions: D): D {
  return definitions
}
