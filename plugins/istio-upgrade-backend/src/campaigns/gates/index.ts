export { HealthGate, describeGateSubject, gateQueries } from './healthGate';
export type { GateSubject, GateVerdict } from './healthGate';
export {
  DEFAULT_GATE_THRESHOLDS,
  evaluateGate,
  resolveGateThresholds,
} from './evaluateGate';
export type {
  GateEvaluation,
  GateFigures,
  GateThresholds,
} from './evaluateGate';
export { PrometheusClient } from './PrometheusClient';
export type { PrometheusSample } from './PrometheusClient';
export {
  ANY_CLUSTER,
  readPrometheusSettings,
  prometheusTargetFor,
} from './prometheusConfig';
export type { PrometheusSettings, PrometheusTarget } from './prometheusConfig';
