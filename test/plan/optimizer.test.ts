import { describe, expect, it } from 'vitest'
import { parseExpression } from '../../grammar/parse.js'
import { formatExpression } from '../../src/ast/format.js'
import type { SourceDef } from '../../src/catalog/source.js'
import type { LogicalPlan, PlanColumn } from '../../src/plan/logical/logical-plan.js'
import { optimize } from '../../src/plan/optimizer/optimizer.js'
import { prunePseudoAndUnusedColumns } from '../../src/plan/optimizer/prune-columns.js'
import { pushDownFilter } from '../../src/plan/optimizer/push-down-filter.js'
import { T } from '../../src/types/type.js'

const source: SourceDef = {
  name: 'S',
  kind: 'STREAM',
  schema: {
    key: [{ name: 'K', type: T.STRING, namespace: 'KEY' }],
    value: [
      { name: 'A', type: T.INTEGER, namespace: 'VALUE' },
      { name: 'B', type: T.STRING, namespace: 'VALUE' },
      { name: 'C', type: T.DOUBLE, namespace: 'VALUE' },
    ],
  },
  topic: 's',
  keyFormat: { format: 'KAFKA' },
  valueFormat: { format: 'JSON' },
  keyFeatures: {},
  valueFeatures: {},
  isSource: false,
  sql: '',
}
const scanCols: PlanColumn[] = [
  { name: 'K', type: T.STRING, namespace: 'KEY' },
  { name: 'A', type: T.INTEGER, namespace: 'VALUE' },
  { name: 'B', type: T.STRING, namespace: 'VALUE' },
  { name: 'C', type: T.DOUBLE, namespace: 'VALUE' },
  { name: 'ROWTIME', type: T.BIGINT, namespace: 'PSEUDO' },
]
const scan: LogicalPlan = { kind: 'Scan', source, columns: scanCols }
const project = (input: LogicalPlan): LogicalPlan => ({
  kind: 'Project',
  input,
  items: [
    { name: 'K', expr: parseExpression('K'), type: T.STRING, namespace: 'KEY' },
    { name: 'X', expr: parseExpression('A'), type: T.INTEGER, namespace: 'VALUE' },
    { name: 'Y', expr: parseExpression('B'), type: T.STRING, namespace: 'VALUE' },
  ],
  columns: [
    { name: 'K', type: T.STRING, namespace: 'KEY' },
    { name: 'X', type: T.INTEGER, namespace: 'VALUE' },
    { name: 'Y', type: T.STRING, namespace: 'VALUE' },
  ],
})

function shape(p: LogicalPlan): string[] {
  const out: string[] = []
  let n: LogicalPlan | undefined = p
  while (n !== undefined) {
    out.push(n.kind === 'Filter' ? `Filter(${formatExpression(n.predicate)})` : n.kind)
    n = n.kind === 'Scan' || n.kind === 'Join' ? undefined : n.input
  }
  return out
}

describe('push_down_filter', () => {
  it('moves a filter over a projection below it, renaming columns back to the input', () => {
    const p = project(scan)
    const plan: LogicalPlan = {
      kind: 'Filter',
      input: p,
      predicate: parseExpression('X > 1'),
      columns: p.columns,
    }
    const r = pushDownFilter.apply(plan)
    expect(r.changed).toBe(true)
    expect(shape(r.plan)).toEqual(['Project', 'Filter(A > 1)', 'Scan'])
  })

  it('merges adjacent filters into one AND', () => {
    const f1: LogicalPlan = {
      kind: 'Filter',
      input: scan,
      predicate: parseExpression('A > 1'),
      columns: scanCols,
    }
    const f2: LogicalPlan = {
      kind: 'Filter',
      input: f1,
      predicate: parseExpression("B = 'x'"),
      columns: scanCols,
    }
    expect(shape(pushDownFilter.apply(f2).plan)).toEqual(["Filter(A > 1 AND B = 'x')", 'Scan'])
  })

  it('keeps a filter that reads a computed column above the projection', () => {
    const p: LogicalPlan = {
      kind: 'Project',
      input: scan,
      items: [{ name: 'Z', expr: parseExpression('A + 1'), type: T.INTEGER, namespace: 'VALUE' }],
      columns: [{ name: 'Z', type: T.INTEGER, namespace: 'VALUE' }],
    }
    const plan: LogicalPlan = {
      kind: 'Filter',
      input: p,
      predicate: parseExpression('Z > 1'),
      columns: p.columns,
    }
    const r = pushDownFilter.apply(plan)
    expect(r.changed).toBe(false)
    expect(r.plan).toBe(plan)
  })
})

describe('prune_columns', () => {
  it('keeps key columns and the columns expressions read', () => {
    const f: LogicalPlan = {
      kind: 'Filter',
      input: scan,
      predicate: parseExpression('C > 1.0'),
      columns: scanCols,
    }
    const r = prunePseudoAndUnusedColumns.apply(project(f))
    expect(r.changed).toBe(true)
    let n: LogicalPlan = r.plan
    while (n.kind !== 'Scan' && n.kind !== 'Join') n = n.input
    expect(n.columns.map((c) => c.name)).toEqual(['K', 'A', 'B', 'C'])
  })
})

describe('optimize', () => {
  it('runs the rules and keeps the output columns', () => {
    const p = project(scan)
    const plan: LogicalPlan = {
      kind: 'Filter',
      input: p,
      predicate: parseExpression('Y IS NULL'),
      columns: p.columns,
    }
    const out = optimize(plan)
    expect(out.columns).toEqual(plan.columns)
    expect(shape(out)).toEqual(['Project', 'Filter(B IS NULL)', 'Scan'])
  })
})
