/*
 * The demo portal's backend: the catalog with the example entities, guest sign-in, the permission
 * framework with the demo's own policy, notifications, MCP actions, the istio-upgrade plugin, its
 * template action and its catalog provider of Istio control planes.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('./auth/demoUsersAuthModule'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(
  import(
    '@istio-upgrade/backstage-plugin-catalog-backend-module-istio-upgrade'
  ),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import(
    '@istio-upgrade/backstage-plugin-scaffolder-backend-module-istio-upgrade'
  ),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissions/istioDemoPolicyModule'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@istio-upgrade/backstage-plugin-istio-upgrade-backend'));

backend.start();
