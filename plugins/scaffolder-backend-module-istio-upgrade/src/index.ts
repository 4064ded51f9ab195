/**
 * The istio-upgrade module for the scaffolder backend: the `istio:namespace:migrate` template action.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstioUpgrade as default } from './module';
export {
  createIstioNamespaceMigrateAction,
  ISTIO_NAMESPACE_MIGRATE_ACTION_ID,
} from './actions/createIstioNamespaceMigrateAction';
