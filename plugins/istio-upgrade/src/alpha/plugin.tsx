import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { IstioUpgradeClient } from '../api/IstioUpgradeClient';
import { isIstioAvailable, isKubernetesCluster } from '../conditions';
import { rootRouteRef } from '../routes';

/** @alpha */
export const istioUpgradeApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: istioUpgradeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IstioUpgradeClient({ discoveryApi, fetchApi }),
    }),
});

/** @alpha */
export const istioFleetPage = PageBlueprint.make({
  params: {
    path: '/istio-upgrade',
    title: 'Istio',
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/IstioFleetPage').then(m => <m.IstioFleetPage />),
  },
});

/** @alpha */
export const entityIstioContent = EntityContentBlueprint.make({
  name: 'service',
  params: {
    path: '/istio',
    title: 'Istio',
    filter: entity => entity.kind === 'Component' && isIstioAvailable(entity),
    loader: () =>
      import('../components/EntityIstioContent').then(m => (
        <m.EntityIstioContent />
      )),
  },
});

/** @alpha */
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
  ],
});
