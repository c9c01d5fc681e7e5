export { Engine, type EngineApi, type EngineOptions } from './engine.js'
export type { StatementResult } from './results.js'
