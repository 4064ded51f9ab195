import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityProvider,
  entityPresentationApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { DefaultEntityPresentationApi } from '@backstage/plugin-catalog';
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
import { catalogEntities } from './catalogFixtures';
import { mockIstioUpgradeApi } from './mockIstioUpgradeApi';

/**
 * Renders an element of the plugin in a test app with a mocked {@link IstioUpgradeApi}, a permission
 * API that allows (or denies) as told, a catalog of {@link catalogEntities} that people's names come
 * from (as in the app, through the catalog's entity presentation), and optionally an entity around it.
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
    /** The address the app starts at, e.g. `/istio-upgrade?tab=campaigns`. */
    routeEntries?: string[];
  } = {},
) {
  const api = options.api ?? mockIstioUpgradeApi();
  const catalogApi = catalogApiMock({ entities: catalogEntities });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioUpgradeApiRef, api],
        [catalogApiRef, catalogApi],
        [
          entityPresentationApiRef,
          DefaultEntityPresentationApi.create({ catalogApi }),
        ],
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
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: options.routeEntries,
    },
  );
}
