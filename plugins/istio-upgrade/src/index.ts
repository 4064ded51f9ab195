/**
 * Istio upgrades in the portal: sidecar revisions per service, control planes per cluster, the fleet, and
 * upgrade requests. Legacy frontend system; the new one is at `./alpha`.
 *
 * @packageDocumentation
 */

export {
  istioUpgradePlugin,
  IstioUpgradePage,
  EntityIstioContent,
  EntityIstioClusterContent,
  EntityIstioRevisionCard,
  IstioMigrationTargetPickerFieldExtension,
} from './plugin';
export { MIGRATION_TARGET_PICKER_NAME } from './components/IstioMigrationTargetPicker';
export type {
  MigrationTargetPickerUiOptions,
  MigrationTargetValue,
} from './components/IstioMigrationTargetPicker';
export { isIstioAvailable, isKubernetesCluster } from './conditions';
export { istioUpgradeApiRef, IstioUpgradeClient } from './api';
export type {
  IstioUpgradeApi,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from './api';
