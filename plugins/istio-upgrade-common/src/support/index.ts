export { evaluateSupport } from './evaluateSupport';
export type { EvaluateSupportOptions } from './evaluateSupport';
export { endOfLifeOf } from './endOfLifeOf';
