/**
 * The istio-upgrade frontend plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */

export {
  default,
  istioUpgradeApi,
  istioFleetPage,
  entityIstioContent,
  entityIstioClusterContent,
  entityIstioRevisionCard,
  istioMigrationTargetFormField,
} from './alpha/plugin';
