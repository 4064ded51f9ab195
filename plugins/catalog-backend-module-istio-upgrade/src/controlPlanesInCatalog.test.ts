import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogModuleIstioUpgrade } from './module';

jest.setTimeout(120_000);

const CAROL = 'user:default/carol';
const PROVIDER_INTERVAL_MS = 1000;

/**
 * The real catalog with this module, the istio-upgrade plugin and the simulator's seed cluster: the
 * catalog lists the cluster's control planes with their versions and support, and follows a migration
 * and a removed revision within a few of the provider's intervals.
 */
describe('Istio control planes in the catalog', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl: string;
  let folder: string;
  const asCarol = { Authorization: mockCredentials.user.header(CAROL) };

  /** The catalog's istio-control-plane entities, by name. */
  async function controlPlanes(): Promise<Record<string, Entity>> {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-query?filter=kind=resource,spec.type=istio-control-plane`,
      { headers: asCarol },
    );
    const body = await res.json();
    if (!body.items) throw new Error(JSON.stringify(body));
    const items: Entity[] = body.items;
    return Object.fromEntries(items.map(e => [e.metadata.name, e]));
  }

  /** Polls the catalog until `check` passes; returns how long it took. */
  async function until(
    check: (entities: Record<string, Entity>) => boolean,
    timeoutMs = 30_000,
  ): Promise<number> {
    const start = Date.now();
    let last: Record<string, Entity> = {};
    while (Date.now() - start < timeoutMs) {
      last = await controlPlanes();
      if (check(last)) return Date.now() - start;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(
      `the catalog did not get there: ${JSON.stringify(
        Object.values(last).map(e => e.metadata.annotations),
      )}`,
    );
  }

  const inUse = (entity: Entity | undefined) =>
    Number(entity?.metadata.annotations?.['istio-upgrade.io/pods-in-use']);

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    folder = mkdtempSync(join(tmpdir(), 'istio-catalog-'));
    const clusters = setup.entities.map(({ relations: _, ...e }) => ({
      ...e,
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/platform-team',
      },
    }));
    const nginx = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'nginx',
        annotations: {
          'backstage.io/kubernetes-id': 'nginx',
          'backstage.io/kubernetes-namespace': 'nginx',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: CAROL },
    };
    const file = join(folder, 'catalog.yaml');
    writeFileSync(
      file,
      [...clusters, nginx].map(e => JSON.stringify(e)).join('\n---\n'),
    );

    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIstioUpgrade,
        istioUpgradePlugin,
        schedulerServiceFactory,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            ...setup.config,
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component', 'Resource', 'Location'] }],
              locations: [{ type: 'file', target: file }],
              processingInterval: { seconds: 1 },
              providers: {
                istioUpgrade: {
                  schedule: {
                    frequency: { milliseconds: PROVIDER_INTERVAL_MS },
                    timeout: { seconds: 30 },
                  },
                },
              },
            },
            istioUpgrade: {
              ...setup.config.istioUpgrade,
              clusters: {
                ...setup.config.istioUpgrade.clusters,
                refreshInterval: { seconds: 1 },
              },
              requests: {
                pollIntervalMs: 200,
                sweepInterval: { seconds: 1 },
                defaults: { pauseBetweenWavesSeconds: 0 },
              },
            },
          },
        }),
      ],
    });
    baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }`;
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("lists every revision of the cluster with its version, support and use, owned by the cluster's owner", async () => {
    await until(e => !!e['seed-istiod-1-9-7'] && !!e['seed-istiod-1-10-4']);
    const entities = await controlPlanes();
    expect(Object.keys(entities).sort()).toEqual([
      'seed-istiod-1-10-4',
      'seed-istiod-1-9-7',
    ]);
    const old = entities['seed-istiod-1-9-7'];
    expect(old.metadata.annotations).toMatchObject({
      'istio-upgrade.io/cluster': 'seed',
      'istio-upgrade.io/version': '1.9.7',
      'istio-upgrade.io/support-status': 'end-of-life',
      'istio-upgrade.io/end-of-life':
        expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      'istio-upgrade.io/safe-to-remove': 'false',
    });
    // As many pods as kubectl sees running the revision's sidecar (Bookinfo, nginx, the gateway).
    const pods = JSON.parse(
      await simulator.kubectl(['get', 'pods', '-A', '-o', 'json']),
    ).items;
    expect(inUse(old)).toBe(
      pods.filter(
        (p: any) =>
          JSON.parse(
            p.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}',
          ).revision === '1-9-7',
      ).length,
    );
    expect(inUse(old)).toBeGreaterThan(0);
    expect(entities['seed-istiod-1-10-4'].metadata.annotations).toMatchObject({
      'istio-upgrade.io/version': '1.10.4',
      'istio-upgrade.io/namespaces-in-use': '0',
    });
    expect(old.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/platform-team' },
        { type: 'dependencyOf', targetRef: 'resource:default/seed' },
      ]),
    );
  });

  it("follows a migration's in-use counts, then drops a revision that is removed", async () => {
    const before = await controlPlanes();
    const oldPods = inUse(before['seed-istiod-1-9-7']);
    const newPods = inUse(before['seed-istiod-1-10-4']);

    const created = await fetch(`${baseUrl}/api/istio-upgrade/requests`, {
      method: 'POST',
      headers: { ...asCarol, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'nginx' },
        entityRef: 'component:default/nginx',
      }),
    });
    const request = await created.json();
    expect(request).toMatchObject({ state: 'approved' });
    const migrated = async () => {
      const res = await fetch(
        `${baseUrl}/api/istio-upgrade/requests/${request.id}`,
        { headers: asCarol },
      );
      return (await res.json()).state === 'succeeded';
    };
    for (let i = 0; i < 300 && !(await migrated()); i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    expect(await migrated()).toBe(true);

    // nginx's pod moved from 1-9-7 to 1-10-4: the catalog sees it after at most one provider
    // interval and the catalog's own processing (about two seconds here; the bound is generous).
    const took = await until(
      e =>
        inUse(e['seed-istiod-1-9-7']) === oldPods - 1 &&
        inUse(e['seed-istiod-1-10-4']) === newPods + 1,
    );
    expect(took).toBeLessThan(15 * PROVIDER_INTERVAL_MS);

    // The 1-10-4 control plane is uninstalled (as Helm would): its entity goes away.
    await simulator.kubectl([
      'delete',
      'deployment,service',
      'istiod-1-10-4',
      '-n',
      'istio-system',
    ]);
    await simulator.kubectl([
      'delete',
      'mutatingwebhookconfiguration',
      'istio-sidecar-injector-1-10-4',
    ]);
    await until(e => !e['seed-istiod-1-10-4'] && !!e['seed-istiod-1-9-7']);
  });
});
