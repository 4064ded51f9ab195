/**
 * The istio-upgrade frontend plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */

export {
  default,
  entityIstioClusterContent,
  entityIstioContent,
  entityIstioRevisionCard,
  istioFleetPage,
  istioMigrationTargetFormField,
  istioUpgradeApi,
} from './alpha/plugin';
