/**
 * A Kubernetes API server with Istio's behaviour, for the tests, demo and benchmarks of
 * istio-upgrade.
 *
 * @packageDocumentation
 */

export { startMeshSimulator } from './meshSimulator';
export type {
  MeshSimulatorOptions,
  RunningMeshSimulator,
} from './meshSimulator';
export type { ClusterInfo } from './server/stateFiles';
export type {
  ControlPlaneInstall,
  InstalledControlPlane,
} from './istio/controlPlaneInstall';
export type { ClusterTokens } from './server/accessTokens';
export type { TrafficCounters, FlowSpec } from './traffic/trafficProbe';
export type {
  FaultConfig,
  FaultRule,
  HoldRule,
  SidecarFault,
} from './faults/faultRules';
export type { HeldRequest } from './faults/requestHolds';
export type {
  Scenario,
  ScenarioCluster,
  ScenarioNamespace,
  ScenarioWorkload,
} from './scenarios/scenarioFormat';
export { runCli } from './cli/runCli';
export { maxPodChangesPerSecond } from './churn/churnGenerator';
export type { ChurnGenerator, ChurnStatus } from './churn/churnGenerator';
export type {
  ClusterLoadTime,
  LoadTimes,
  ProcessMemory,
  ScenarioLoadTime,
  SimulatorStats,
} from './stats/simulatorStats';
