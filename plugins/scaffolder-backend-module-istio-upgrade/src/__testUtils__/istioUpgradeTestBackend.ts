import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The module is tested against the real istio-upgrade plugin and the simulator it is tested with.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import istioUpgradePlugin from '@istio-upgrade/backstage-plugin-istio-upgrade-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-backend/testUtils';
import { AddressInfo } from 'node:net';

export const CAROL = 'user:default/carol';
export const DAVE = 'user:default/dave';
export const APP_BASE_URL = 'http://portal.example.com';

/** A Component owned by Carol, mapped to its workloads as the Kubernetes plugin maps them. */
export function carolsComponent(name: string, namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: CAROL },
    relations: [{ type: 'ownedBy', targetRef: CAROL }],
  };
}

/**
 * Everyone reads; Carol migrates what she owns, Dave nothing; services everything; every other
 * plugin's permissions (the scaffolder's, the catalog's) are granted.
 */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = (
      r: { permission: { name: string }; resourceRef?: string },
      credentials: BackstageCredentials | undefined,
    ): AuthorizeResult.ALLOW | AuthorizeResult.DENY => {
      const principal = credentials?.principal as
        | { type?: string; userEntityRef?: string }
        | undefined;
      if (
        !r.permission.name.startsWith('istio-upgrade.') ||
        r.permission.name === 'istio-upgrade.inventory.read'
      ) {
        return AuthorizeResult.ALLOW;
      }
      if (principal?.type !== 'user') return AuthorizeResult.ALLOW;
      const owned = [
        'component:default/productpage',
        'component:default/nginx',
      ];
      return principal?.userEntityRef === CAROL &&
        owned.includes(r.resourceRef ?? '')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    };
    const service: PermissionsService = {
      authorize: async (requests, o) =>
        requests.map(r => ({ result: decide(r, o?.credentials) })),
      authorizeConditional: async (requests, o) =>
        requests.map(r => ({ result: decide(r, o?.credentials) })),
    };
    return service;
  },
});

/**
 * The istio-upgrade plugin on the simulator's `seed` cluster, with Carol's Bookinfo services and nginx in the
 * catalog, and whatever else a test adds (the scaffolder, more entities).
 */
export async function startIstioUpgradeTestBackend(
  options: { features?: any[]; entities?: Entity[] } = {},
) {
  const simulator: MeshSimulatorProcess = await startMeshSimulator({
    scenarios: ['seed'],
    speed: 20,
  });
  const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
  const backend = await startTestBackend({
    features: [
      istioUpgradePlugin,
      ...(options.features ?? []),
      catalogServiceMock.factory({
        entities: [
          ...(setup.entities as Entity[]),
          // Carol's team owns all of Bookinfo, as in the demo catalog.
          ...['productpage', 'details', 'reviews', 'ratings'].map(name =>
            carolsComponent(name, 'bookinfo'),
          ),
          carolsComponent('nginx', 'nginx'),
          ...(options.entities ?? []),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          ...setup.config,
          app: { baseUrl: APP_BASE_URL },
          permission: { enabled: true },
          istioUpgrade: {
            ...setup.config.istioUpgrade,
            requests: {
              pollIntervalMs: 200,
              sweepInterval: { seconds: 1 },
              defaults: { pauseBetweenWavesSeconds: 0, waveSize: 3 },
            },
          },
        },
      }),
      permissions,
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = `http://localhost:${port}`;
  await eventually(async () => {
    const res = await fetch(
      `${baseUrl}/api/istio-upgrade/clusters/seed/inventory`,
      {
        headers: { Authorization: mockCredentials.user.header(CAROL) },
      },
    );
    const inventory = await res.json();
    return inventory.cluster?.sync?.complete ? inventory : undefined;
  });
  return {
    simulator,
    baseUrl,
    server: backend.server,
    /** Discovery of the test backend's plugins. */
    discovery: {
      getBaseUrl: async (pluginId: string) => `${baseUrl}/api/${pluginId}`,
      getExternalBaseUrl: async (pluginId: string) =>
        `${baseUrl}/api/${pluginId}`,
    },
    async stop() {
      await backend.stop();
      await simulator.stop();
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last answer. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms: ${last}`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
}
