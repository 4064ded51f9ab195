/**
 * Test utilities of the istio-upgrade backend, for the tests of modules and backends that use it: the
 * mesh simulator as a process (from this monorepo, or `MESH_SIM_BIN`) and the catalog entities and
 * config that point the plugin at it.
 *
 * @packageDocumentation
 */

export {
  startMeshSimulator,
  meshSimulatorBackendSetup,
} from './testing/meshSimulator';
export type {
  MeshSimulatorProcess,
  MeshSimulatorProcessOptions,
  MeshSimulatorBackendSetupOptions,
  SimulatedClusterInfo,
} from './testing/meshSimulator';
