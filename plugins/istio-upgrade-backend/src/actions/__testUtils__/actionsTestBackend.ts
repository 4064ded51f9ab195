import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import {
  istioInventoryReadPermission,
  istioNamespaceMigratePermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradePlugin } from '../../plugin';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../../testing/meshSimulator';
import {
  bookinfoComponents,
  ownedComponent,
} from '../../testing/__testUtils__/requestTestKit';
import { eventually } from '../../testing/__testUtils__/inventoryTestBackend';

/** The people and services of the action tests. */
export const CAROL = 'user:default/carol';
export const DAVE = 'user:default/dave';
export const ALICE = 'user:default/alice';
export const MALLORY = 'user:default/mallory';
export const MCP_SERVICE = 'external:mcp-demo';

export const APP_BASE_URL = 'http://portal.example.com';

const auth = mockServices.auth();

/**
 * The test policy: everyone reads but Mallory; Carol migrates what she owns (nginx and productpage),
 * Dave nothing; Alice (platform) does everything; services may ask for migrations and cutovers, so
 * that only the plugin's own floor holds them back.
 */
function decide(
  request: AuthorizePermissionRequest & { resourceRef?: string },
  credentials: BackstageCredentials,
): AuthorizeResult.ALLOW | AuthorizeResult.DENY {
  const user = auth.isPrincipal(credentials, 'user')
    ? credentials.principal.userEntityRef
    : undefined;
  const { name } = request.permission;
  const allow = (yes: boolean) =>
    yes ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
  if (name === istioInventoryReadPermission.name)
    return allow(user !== MALLORY);
  if (!user || user === ALICE) return AuthorizeResult.ALLOW;
  if (name === istioNamespaceMigratePermission.name) {
    return allow(
      user === CAROL &&
        ['component:default/nginx', 'component:default/productpage'].includes(
          request.resourceRef ?? '',
        ),
    );
  }
  return AuthorizeResult.DENY;
}

const testPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    authorize: async (requests: any[], options: any) =>
      requests.map(r => ({ result: decide(r, options.credentials) })),
    authorizeConditional: async (requests: any[], options: any) =>
      requests.map(r => ({ result: decide(r, options.credentials) })),
  }),
});

const FAST_REQUESTS = {
  pollIntervalMs: 200,
  sweepInterval: { seconds: 1 },
  leaseTtl: { seconds: 5 },
  defaults: { pauseBetweenWavesSeconds: 0, watchWindowSeconds: 1, waveSize: 3 },
};

/**
 * The istio-upgrade plugin against the simulator's `seed` cluster (the canary upgrade's lab: two revisions side by side), with its actions
 * registered in an {@link actionsRegistryServiceMock} that the test invokes as any caller.
 */
export async function startActionsTestBackend(
  options: {
    scenarios?: string[];
    entities?: Entity[];
    /** `istioUpgrade.requests.trustedServices`. */
    trustedServices?: string[];
  } = {},
) {
  const simulator: MeshSimulatorProcess = await startMeshSimulator({
    scenarios: options.scenarios ?? ['seed'],
    speed: 20,
  });
  const registry = actionsRegistryServiceMock();
  const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
  const backend = await startTestBackend({
    features: [
      istioUpgradePlugin,
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => registry,
      }),
      catalogServiceMock.factory({
        entities: [
          ...setup.entities,
          ownedComponent('nginx', 'nginx', CAROL),
          ...bookinfoComponents(CAROL),
          ...(options.entities ?? []),
        ] as Entity[],
      }),
      mockServices.rootConfig.factory({
        data: {
          ...setup.config,
          app: { baseUrl: APP_BASE_URL },
          permission: { enabled: true },
          istioUpgrade: {
            ...setup.config.istioUpgrade,
            requests: {
              ...FAST_REQUESTS,
              trustedServices: options.trustedServices ?? [],
            },
          },
        },
      }),
      testPermissions,
    ],
  });

  const invoke = async (
    name: string,
    input: JsonObject,
    credentials: BackstageCredentials,
  ): Promise<any> =>
    (await registry.invoke({ id: `test:${name}`, input, credentials })).output;

  // Every cluster listed and watched before a test reads it.
  await eventually(async () => {
    const fleet = await invoke(
      'get-istio-fleet-status',
      {},
      credentialsOf(ALICE),
    );
    return fleet.clusters.length === simulator.clusters.length &&
      fleet.clusters.every((c: any) => c.complete)
      ? fleet
      : undefined;
  });

  return {
    registry,
    simulator,
    /** The backend's HTTP server, to read what the REST API stored. */
    server: backend.server,
    invoke,
    /** Waits for a request to end, reading it through the action. */
    settle: (id: string) =>
      eventually(
        async () => {
          const request = await invoke(
            'get-upgrade-request',
            { id },
            credentialsOf(ALICE),
          );
          return [
            'succeeded',
            'failed',
            'rolled-back',
            'rejected',
            'cancelled',
          ].includes(request.state)
            ? request
            : undefined;
        },
        120_000,
        300,
      ),
    async stop() {
      await backend.stop();
      await simulator.stop();
    },
  };
}

/** Credentials of a user (`user:…`) or a service subject. */
export function credentialsOf(ref: string): BackstageCredentials {
  return ref.startsWith('user:')
    ? mockCredentials.user(ref)
    : mockCredentials.service(ref);
}

export { eventually };
