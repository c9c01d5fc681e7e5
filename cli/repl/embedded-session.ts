import type { Relation } from '../../src/ast/statements.js'
import type { Engine } from '../../src/engine/engine.js'
import type { CompletionData, ReplSession, SessionResult } from './session.js'

/**
 * The REPL on the embedded engine: `Engine.open(dataDir)` and `start()`, so persistent queries
 * run continuously while the prompt is up. The engine module is imported here, lazily, so the
 * prompt can show before it has loaded.
 */
export async function openEmbeddedSession(dataDir: string): Promise<ReplSession> {
  const { Engine } = await import('../../src/engine/engine.js')
  const { parseStatements } = await import('../../grammar/parse.js')
  const engine = await Engine.open(dataDir)
  engine.start()
  return new EmbeddedSession(engine, dataDir, parseStatements)
}

type Parse = typeof import('../../grammar/parse.js').parseStatements

class EmbeddedSession implements ReplSession {
  readonly target: string
  private propertyNames: readonly string[] | undefined

  constructor(
    private readonly engine: Engine,
    dataDir: string,
    private readonly parse: Parse,
  ) {
    this.target = `embedded engine, data in ${dataDir}`
  }

  async execute(sql: string): Promise<readonly SessionResult[]> {
    const results = await this.engine.execute(sql)
    return results.map((r): SessionResult => {
      if (r.kind !== 'PushQuery') return r
      return Object.assign(r, { changelog: this.isChangelog(r.statement) })
    })
  }

  /** A query's rows form a table when it aggregates or reads only tables. */
  private isChangelog(statementText: string): boolean {
    try {
      const [parsed] = this.parse(`${statementText};`, { substituteVariables: false })
      const stmt = parsed?.statement
      if (stmt?.kind !== 'Query') return false
      if (stmt.groupBy !== undefined && stmt.groupBy.length > 0) return true
      const allTables = (rel: Relation): boolean =>
        rel.kind === 'AliasedRelation'
          ? this.engine.source(rel.name)?.kind === 'TABLE'
          : allTables(rel.left) && allTables(rel.right)
      return allTables(stmt.from)
    } catch {
      return false
    }
  }

  async completionData(): Promise<CompletionData> {
    if (this.propertyNames === undefined) {
      // The engine lists its properties through SHOW PROPERTIES (no public list otherwise).
      const [listing] = await this.engine.execute('SHOW PROPERTIES;')
      this.propertyNames = listing?.kind === 'Listing' ? listing.rows.map((r) => r[0] ?? '') : []
    }
    return {
      sources: this.engine.sources().map((s) => ({
        name: s.name,
        kind: s.kind,
        columns: [...s.schema.key, ...s.schema.value].map((c) => c.name),
      })),
      functions: this.engine.functions.list().map((f) => f.name),
      properties: this.propertyNames,
    }
  }

  async close(): Promise<void> {
    await this.engine.close()
  }
}
