import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { IstioUpgradeClient } from '../api/IstioUpgradeClient';
import { isIstioAvailable, isKubernetesCluster } from '../conditions';
import { rootRouteRef } from '../routes';

/** Components whose workloads the Kubernetes annotations find: where the service tab and card belong. */
function isIstioComponent(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    isIstioAvailable(entity)
  );
}

/**
 * The istio-upgrade backend's REST API client.
 *
 * @alpha
 */
export const istioUpgradeApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: istioUpgradeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IstioUpgradeClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The fleet page at `/istio-upgrade`: revisions per cluster, warnings and the requests queue.
 *
 * @alpha
 */
export const istioFleetPage = PageBlueprint.make({
  params: {
    path: '/istio-upgrade',
    title: 'Istio',
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/IstioUpgradePage').then(m => (
        <m.IstioUpgradePage />
      )),
  },
});

/**
 * The Istio tab of components with the Kubernetes annotations.
 *
 * @alpha
 */
export const entityIstioContent = EntityContentBlueprint.make({
  name: 'service',
  params: {
    path: '/istio',
    title: 'Istio',
    filter: isIstioComponent,
    loader: () =>
      import('../components/EntityIstioContent').then(m => (
        <m.EntityIstioContent />
      )),
  },
});

/**
 * The Istio tab of `kubernetes-cluster` Resources.
 *
 * @alpha
 */
export const entityIstioClusterContent = EntityContentBlueprint.make({
  name: 'cluster',
  params: {
    path: '/istio',
    title: 'Istio',
    filter: isKubernetesCluster,
    loader: () =>
      import('../components/EntityIstioClusterContent').then(m => (
        <m.EntityIstioClusterContent />
      )),
  },
});

/**
 * The overview card of components with the Kubernetes annotations: sidecar revisions per cluster.
 *
 * @alpha
 */
export const entityIstioRevisionCard = EntityCardBlueprint.make({
  name: 'revisions',
  params: {
    filter: isIstioComponent,
    loader: () =>
      import('../components/EntityIstioRevisionCard').then(m => (
        <m.EntityIstioRevisionCard />
      )),
  },
});

/**
 * The software-template field `IstioMigrationTargetPicker`: the revisions the chosen service's
 * namespaces can move to, with the backend's verdict on each.
 *
 * @alpha
 */
export const istioMigrationTargetFormField = FormFieldBlueprint.make({
  name: 'migration-target',
  params: {
    field: () =>
      import('./migrationTargetFormField').then(
        m => m.migrationTargetFormField,
      ),
  },
});

/**
 * The istio-upgrade frontend plugin, for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'istio-upgrade',
  title: 'Istio',
  info: { packageJson: () => import('../../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    istioUpgradeApi,
    istioFleetPage,
    entityIstioContent,
    entityIstioClusterContent,
    entityIstioRevisionCard,
    istioMigrationTargetFormField,
  ],
});
