import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { istioUpgradeApiRef } from './api/IstioUpgradeApi';
import { IstioUpgradeClient } from './api/IstioUpgradeClient';
import { rootRouteRef } from './routes';

/**
 * The istio-upgrade frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const istioUpgradePlugin = createPlugin({
  id: 'istio-upgrade',
  apis: [
    createApiFactory({
      api: istioUpgradeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IstioUpgradeClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The fleet page: every cluster's revisions, gateways and warnings, and the requests queue.
 *
 * @public
 */
export const IstioUpgradePage = istioUpgradePlugin.provide(
  createRoutableExtension({
    name: 'IstioUpgradePage',
    component: () =>
      import('./components/IstioFleetPage').then(m => m.IstioFleetPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Istio tab of a service: its workloads' sidecar revisions per cluster, and migration.
 *
 * @public
 */
export const EntityIstioContent = istioUpgradePlugin.provide(
  createComponentExtension({
    name: 'EntityIstioContent',
    component: {
      lazy: () =>
        import('./components/EntityIstioContent').then(
          m => m.EntityIstioContent,
        ),
    },
  }),
);

/**
 * The Istio tab of a `kubernetes-cluster` Resource: control planes, tags, gateways and namespaces.
 *
 * @public
 */
export const EntityIstioClusterContent = istioUpgradePlugin.provide(
  createComponentExtension({
    name: 'EntityIstioClusterContent',
    component: {
      lazy: () =>
        import('./components/EntityIstioClusterContent').then(
          m => m.EntityIstioClusterContent,
        ),
    },
  }),
);
