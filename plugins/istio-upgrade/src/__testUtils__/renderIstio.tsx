import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { IstioUpgradeApi, istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { mockIstioUpgradeApi } from './mockIstioUpgradeApi';

/** The example catalog's productpage: a component with the Kubernetes annotations. */
export const productpage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'productpage',
      'backstage.io/kubernetes-namespace': 'bookinfo',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'bookinfo-team' },
};

/** The example catalog's lab cluster. */
export const seedCluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'seed', namespace: 'default', title: 'Lab cluster' },
  spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
};

/**
 * Renders an element of the plugin in a test app with a mocked {@link IstioUpgradeApi}, a permission
 * API that allows (or denies) as told, and optionally an entity around it.
 */
export async function renderIstio(
  element: ReactElement,
  options: {
    api?: IstioUpgradeApi;
    authorize?:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY
      | ((
          request: EvaluatePermissionRequest,
        ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);
    entity?: Entity;
    /** The Backstage signals API, when a test pushes signals. */
    signalApi?: SignalApi;
  } = {},
) {
  const api = options.api ?? mockIstioUpgradeApi();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioUpgradeApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.authorize ?? AuthorizeResult.ALLOW,
          }),
        ],
        ...(options.signalApi
          ? [[signalApiRef, options.signalApi] as const]
          : []),
      ]}
    >
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
