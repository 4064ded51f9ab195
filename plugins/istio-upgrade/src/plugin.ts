import { JSX } from 'react';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { istioUpgradeApiRef } from './api/IstioUpgradeApi';
import { IstioUpgradeClient } from './api/IstioUpgradeClient';
import { rootRouteRef } from './routes';
import {
  MIGRATION_TARGET_PICKER_NAME,
  IstioMigrationTargetPicker,
  MigrationTargetPickerUiOptions,
  MigrationTargetValue,
  validateMigrationTarget,
} from './components/IstioMigrationTargetPicker';

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
 * The fleet page: every cluster's revisions and versions, the fleet's warnings, and the requests queue.
 *
 * @public
 */
export const IstioUpgradePage: () => JSX.Element = istioUpgradePlugin.provide(
  createRoutableExtension({
    name: 'IstioUpgradePage',
    // Prefetched as soon as the app's scripts have run: a first visit signs in meanwhile, and the
    // page no longer waits for its chunk after the sign-in (other pages get about 40 kB more, idle).
    component: () =>
      import(/* webpackPrefetch: true */ './components/IstioUpgradePage').then(
        m => m.IstioUpgradePage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Istio tab of a service: its workloads' sidecar revisions per cluster, migration, live
 * progress and history. Show it for entities that pass {@link isIstioAvailable}.
 *
 * @public
 */
export const EntityIstioContent: () => JSX.Element = istioUpgradePlugin.provide(
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
 * The Istio tab of a `kubernetes-cluster` Resource: control planes, tags, gateways, namespaces and
 * requests. Show it for entities that pass {@link isKubernetesCluster}.
 *
 * @public
 */
export const EntityIstioClusterContent: () => JSX.Element =
  istioUpgradePlugin.provide(
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

/**
 * The overview card of a service: per cluster, the sidecar revisions it runs, whether they are
 * outdated, and a link to the Istio tab. Show it for entities that pass {@link isIstioAvailable}.
 *
 * @public
 */
export const EntityIstioRevisionCard: () => JSX.Element =
  istioUpgradePlugin.provide(
    createComponentExtension({
      name: 'EntityIstioRevisionCard',
      component: {
        lazy: () =>
          import('./components/EntityIstioRevisionCard').then(
            m => m.EntityIstioRevisionCard,
          ),
      },
    }),
  );

/**
 * A software-template field (`ui:field: IstioMigrationTargetPicker`): the Istio revisions the chosen
 * service's namespaces can move to, per cluster, with the backend's verdict on each. Its value is
 * `{ cluster, namespace, revision }`, the inputs of the `istio:namespace:migrate` action. Place it
 * inside `<ScaffolderFieldExtensions>` of the app's `ScaffolderPage`.
 *
 * @public
 */
export const IstioMigrationTargetPickerFieldExtension =
  istioUpgradePlugin.provide(
    createScaffolderFieldExtension<
      MigrationTargetValue,
      MigrationTargetPickerUiOptions
    >({
      name: MIGRATION_TARGET_PICKER_NAME,
      component: IstioMigrationTargetPicker,
      validation: validateMigrationTarget,
    }),
  );
