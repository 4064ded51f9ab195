import fs from 'node:fs/promises';
import path from 'node:path';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  settleRequest,
} from '../../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const SCENARIO = path.resolve(__dirname, '__fixtures__/control-planes.yaml');

/** Every kind `istioctl uninstall --revision` prunes, as kubectl names them. */
const REVISION_KINDS = [
  'deployments',
  'services',
  'configmaps',
  'serviceaccounts',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
].join(',');

/** How many objects of each kind a list of `Kind/…` names holds, as `Kind n, …`. */
function countsByKind(names: string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) {
    const kind = name.split('/')[0];
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}

/**
 * Installing and removing control planes through the REST API, on a Sail cluster and on a Helm one:
 * what each plan says it writes, what the cluster has afterwards as kubectl reads it, the 4xx answers
 * for bad input, and the rollback of a removal.
 */
describe('control-plane install and removal', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;
  const api = (user: string) => apiAs(() => backend.server, user);
  const settle = (id: string) => settleRequest(api(ALICE), id, 240_000);

  const kubectlJson = async (cluster: string, args: string[]) =>
    JSON.parse(
      await simulator.kubectl(['--context', cluster, ...args, '-o', 'json']),
    );
  const labelled = async (cluster: string, revision: string) =>
    (
      await kubectlJson(cluster, [
        'get',
        REVISION_KINDS,
        '-A',
        '-l',
        `istio.io/rev=${revision}`,
      ])
    ).items
      .filter((o: any) => !o.metadata.labels?.['istio.io/tag'])
      .map(
        (o: any) =>
          `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${
            o.metadata.name
          }`,
      )
      .sort();

  const inventory = async (cluster: string) =>
    (await api(ALICE).get(`/clusters/${cluster}/inventory`)).body;
  const revisionsOf = async (cluster: string) =>
    (await inventory(cluster)).controlPlanes.map((c: any) => c.revision);

  const ask = (body: Record<string, unknown>) =>
    api(ALICE).post('/requests').send(body);
  const approveAndSettle = async (id: string) => {
    const approved = await api(BOB).post(`/requests/${id}/approve`).send({});
    expect(approved.status).toBe(200);
    const done = await settle(id);
    if (done.state !== 'succeeded') {
      // Say why, in the test's output.
      expect({
        error: done.error,
        steps: done.steps,
        events: done.events,
      }).toBeUndefined();
    }
    return done;
  };

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: [SCENARIO], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          ...setup.config.istioUpgrade,
          requests: {
            pollIntervalMs: 200,
            sweepInterval: { seconds: 1 },
            leaseTtl: { seconds: 5 },
            rolloutTimeout: { seconds: 60 },
          },
        },
      },
    });
    for (const cluster of ['sail-lab', 'helm-lab', 'istioctl-lab']) {
      await eventually(async () => {
        const body = await inventory(cluster);
        return body?.cluster?.sync?.complete ? body : undefined;
      });
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  describe('on a Sail cluster', () => {
    it('lists the versions it could install, with Sail names and verdicts', async () => {
      const res = await api(ALICE).get(
        '/clusters/sail-lab/revision-candidates',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        cluster: 'sail-lab',
        installedBy: 'sail',
        revisions: 2,
        maxRevisions: 3,
      });
      const byMinor = Object.fromEntries(
        res.body.candidates.map((c: any) => [c.minor, c]),
      );
      expect(byMinor['1.31']).toMatchObject({
        version: '1.31.0',
        revision: 'default-v1-31-0',
        allowed: true,
      });
      // 1.29 reached its end of life; 1.27 is also more than two minors behind nothing, but EOL.
      expect(byMinor['1.29'].allowed).toBe(false);
      expect(
        byMinor['1.29'].checks.find((c: any) => c.id === 'version-supported'),
      ).toMatchObject({ status: 'fail' });
      // The patch it already runs is taken.
      expect(byMinor['1.30']).toMatchObject({
        version: '1.30.4',
        revision: 'default-v1-30-4',
        allowed: false,
      });
    });

    it('answers 4xx with the reason for bad input, and writes nothing', async () => {
      const before = await kubectlJson('sail-lab', ['get', 'istio', 'default']);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [
          { revision: 'default-v1-99-0', target: { version: '1.99.0' } },
          /not in the release table/,
        ],
        [
          { revision: 'default-v1-30-4', target: { version: '1.30.4' } },
          /Revision default-v1-30-4 already exists/,
        ],
        [
          { revision: 'canary', target: { version: '1.31.0' } },
          /Sail names the revision of Istio 1.31.0 default-v1-31-0, not canary/,
        ],
        [
          { revision: 'default', target: { version: '1.31.0' } },
          /revision tag/,
        ],
      ];
      for (const [body, reason] of cases) {
        const res = await ask({
          type: 'control-plane-install',
          cluster: 'sail-lab',
          ...body,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(reason);
      }
      const removal = await ask({
        type: 'control-plane-removal',
        cluster: 'sail-lab',
        revision: 'default-v1-30-4',
        target: {},
      });
      expect(removal.status).toBe(400);
      expect(removal.body.error.message).toMatch(/tag default points at it/);
      expect(removal.body.error.message).toMatch(/pods? still run/);
      const after = await kubectlJson('sail-lab', ['get', 'istio', 'default']);
      expect(after.metadata.resourceVersion).toBe(
        before.metadata.resourceVersion,
      );
      expect(
        (await api(ALICE).get('/requests?cluster=sail-lab')).body.items,
      ).toEqual([]);
    });

    it('installs 1.31.0 by setting the Istio version; Sail makes the revision', async () => {
      const dryRun = await ask({
        type: 'control-plane-install',
        cluster: 'sail-lab',
        revision: 'default-v1-31-0',
        target: { version: '1.31.0' },
        dryRun: true,
      });
      expect(dryRun.status).toBe(200);
      expect(dryRun.body.approvalRequired).toBe(true);
      expect(dryRun.body.plan.controlPlane).toMatchObject({
        installedBy: 'sail',
        mode: 'sail-istio-version',
        sailResource: 'Istio/default',
        valuesDiff: ['spec.version: "v1.30.4" -> "v1.31.0"'],
      });
      expect(dryRun.body.plan.patches).toEqual([
        expect.objectContaining({
          kind: 'Istio',
          name: 'default',
          patchType: 'merge',
          patch: expect.objectContaining({ spec: { version: 'v1.31.0' } }),
        }),
      ]);

      const created = await ask({
        type: 'control-plane-install',
        cluster: 'sail-lab',
        revision: 'default-v1-31-0',
        target: { version: '1.31.0' },
      });
      expect(created.status).toBe(202);
      expect(created.body.state).toBe('pending-approval');
      const done = await approveAndSettle(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(done.steps.map((s: any) => s.name)).toEqual([
        'precheck',
        'install-control-plane',
        'wait-for-control-plane',
      ]);
      const istio = await kubectlJson('sail-lab', ['get', 'istio', 'default']);
      expect(istio.spec.version).toBe('v1.31.0');
      const revision = await kubectlJson('sail-lab', [
        'get',
        'istiorevision',
        'default-v1-31-0',
      ]);
      expect(revision.spec.version).toBe('v1.31.0');
      expect(await revisionsOf('sail-lab')).toEqual([
        'default-v1-30-1',
        'default-v1-30-4',
        'default-v1-31-0',
      ]);
      // The tag stayed where it was.
      const tag = (await inventory('sail-lab')).tags.find(
        (t: any) => t.name === 'default',
      );
      expect(tag.revision).toBe('default-v1-30-4');
    });

    it('refuses a fourth revision, and the removal of the active one', async () => {
      const fourth = await ask({
        type: 'control-plane-install',
        cluster: 'sail-lab',
        revision: 'default-v1-30-3',
        target: { version: '1.30.3' },
      });
      expect(fourth.status).toBe(400);
      expect(fourth.body.error.message).toMatch(/the limit is 3/);
      const active = await ask({
        type: 'control-plane-removal',
        cluster: 'sail-lab',
        revision: 'default-v1-31-0',
        target: {},
      });
      expect(active.status).toBe(400);
      expect(active.body.error.message).toMatch(
        /active revision of Istio default/,
      );
    });

    it('moves the default tag through its IstioRevisionTag, which Sail keeps', async () => {
      const created = await ask({
        type: 'revision-tag-move',
        cluster: 'sail-lab',
        revision: 'default-v1-31-0',
        target: { tag: 'default' },
        options: { migrateNamespaces: true },
      });
      expect(created.status).toBe(202);
      expect(created.body.plan.patches[0]).toMatchObject({
        step: 'repoint-tag',
        kind: 'IstioRevisionTag',
        name: 'default',
        patch: {
          spec: {
            targetRef: { kind: 'IstioRevision', name: 'default-v1-31-0' },
          },
        },
      });
      const done = await approveAndSettle(created.body.id);
      expect(done.state).toBe('succeeded');
      const tag = await kubectlJson('sail-lab', [
        'get',
        'istiorevisiontag',
        'default',
      ]);
      expect(tag.spec.targetRef).toEqual({
        kind: 'IstioRevision',
        name: 'default-v1-31-0',
      });
      // Sail rewrote the tag's webhook, and keeps it so.
      await new Promise(r => setTimeout(r, 2000));
      const webhook = await kubectlJson('sail-lab', [
        'get',
        'mutatingwebhookconfiguration',
        'istio-revision-tag-default',
      ]);
      expect(webhook.metadata.labels['istio.io/rev']).toBe('default-v1-31-0');
      const shop = (await inventory('sail-lab')).namespaces.find(
        (n: any) => n.name === 'shop',
      );
      expect(shop.podsByRevision).toEqual([
        expect.objectContaining({ revision: 'default-v1-31-0' }),
      ]);
    });

    it('then removes the old revision nothing uses any more', async () => {
      const created = await ask({
        type: 'control-plane-removal',
        cluster: 'sail-lab',
        revision: 'default-v1-30-4',
        target: {},
      });
      expect(created.status).toBe(202);
      const done = await approveAndSettle(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(await labelled('sail-lab', 'default-v1-30-4')).toEqual([]);
    });

    it('checks again at execution: a namespace that asks for the revision since stops it', async () => {
      const created = await ask({
        type: 'control-plane-removal',
        cluster: 'sail-lab',
        revision: 'default-v1-30-1',
        target: {},
      });
      expect(created.status).toBe(202);
      // Between the request and its approval, someone labels a namespace for the revision.
      const manifest = path.join(simulator.stateDir, 'late-namespace.json');
      await fs.writeFile(
        manifest,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'late',
            labels: { 'istio.io/rev': 'default-v1-30-1' },
          },
        }),
      );
      await simulator.kubectl([
        '--context',
        'sail-lab',
        'apply',
        '-f',
        manifest,
      ]);
      await eventually(async () =>
        (
          await inventory('sail-lab')
        ).namespaces.some((n: any) => n.name === 'late')
          ? true
          : undefined,
      );
      await api(BOB).post(`/requests/${created.body.id}/approve`).send({});
      const done = await settle(created.body.id);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/namespace late asks for it/);
      expect(
        done.events.filter((e: any) =>
          /^(delete|create|patch) /.test(e.message),
        ),
      ).toEqual([]);
      await expect(
        kubectlJson('sail-lab', ['get', 'istiorevision', 'default-v1-30-1']),
      ).resolves.toMatchObject({ kind: 'IstioRevision' });
      await simulator.kubectl([
        '--context',
        'sail-lab',
        'delete',
        'namespace',
        'late',
      ]);
      await eventually(async () =>
        (
          await inventory('sail-lab')
        ).namespaces.some((n: any) => n.name === 'late')
          ? undefined
          : true,
      );
    });

    it('removes an unused revision by deleting its IstioRevision', async () => {
      const created = await ask({
        type: 'control-plane-removal',
        cluster: 'sail-lab',
        revision: 'default-v1-30-1',
        target: {},
      });
      expect(created.status).toBe(202);
      expect(created.body.plan.controlPlane).toMatchObject({
        installedBy: 'sail',
        mode: 'sail-delete',
        deletions: ['IstioRevision/default-v1-30-1'],
      });
      const done = await approveAndSettle(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(await labelled('sail-lab', 'default-v1-30-1')).toEqual([]);
      await expect(
        simulator.kubectl([
          '--context',
          'sail-lab',
          'get',
          'istiorevision',
          'default-v1-30-1',
        ]),
      ).rejects.toThrow(/NotFound|not found/);
      expect(await revisionsOf('sail-lab')).toEqual(['default-v1-31-0']);
    });
  });

  describe('on a Helm cluster', () => {
    let removed: string[];
    let labelledBefore: string[];

    it('removes the standby revision with its standby gateway, exactly as planned', async () => {
      await simulator.sim('POST', 'clusters/helm-lab/traffic/reset');
      const before = await labelled('helm-lab', '1-29-1');
      labelledBefore = before;
      const created = await ask({
        type: 'control-plane-removal',
        cluster: 'helm-lab',
        revision: '1-29-1',
        target: {},
      });
      expect(created.status).toBe(202);
      const { controlPlane } = created.body.plan;
      expect(controlPlane).toMatchObject({
        installedBy: 'helm',
        mode: 'delete-objects',
      });
      // Every object labelled with the revision is planned, and the standby gateway with it.
      expect(controlPlane.deletions).toEqual(
        expect.arrayContaining([
          'Deployment/istio-gateways/istio-ingressgateway-1-29-1',
          'Deployment/istio-system/istiod-1-29-1',
          'MutatingWebhookConfiguration/istio-sidecar-injector-1-29-1',
          // Helm labels these with the release only: found through it.
          'ServiceAccount/istio-system/istiod-1-29-1',
          'ClusterRole/istiod-clusterrole-1-29-1-istio-system',
          'ClusterRoleBinding/istiod-clusterrole-1-29-1-istio-system',
          'Role/istio-system/istiod-1-29-1',
          // The standby gateway's own Service.
          'Service/istio-gateways/istio-ingressgateway-1-29-1',
        ]),
      );
      for (const name of before.filter(
        (n: string) => !n.startsWith('Deployment/istio-gateways/'),
      )) {
        expect(controlPlane.deletions).toContain(name);
      }
      const done = await approveAndSettle(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(done.steps.map((s: any) => s.name)).toEqual([
        'precheck',
        'recheck-revision-unused',
        'remove-standby-gateways',
        'remove-control-plane',
        'verify-removal',
      ]);
      expect(await labelled('helm-lab', '1-29-1')).toEqual([]);
      expect(await revisionsOf('helm-lab')).toEqual(['1-28-3']);
      removed = controlPlane.deletions;
      const traffic = await simulator.sim('GET', 'clusters/helm-lab/traffic');
      console.log(`Helm removal traffic: ${JSON.stringify(traffic)}`);
      expect(traffic.sent).toBeGreaterThan(0);
      expect(traffic.failed).toBe(0);
      console.log(
        `Helm removal of 1-29-1: ${
          removed.length
        } objects deleted (${countsByKind(removed)})`,
      );
      // The live gateway and its LoadBalancer Service are untouched.
      const live = await kubectlJson('helm-lab', [
        'get',
        'deployment',
        'istio-ingressgateway-1-28-3',
        '-n',
        'istio-gateways',
      ]);
      expect(live.status.readyReplicas).toBe(2);
    });

    it('rolls the removal back from the stored manifests', async () => {
      const [original] = (
        await api(ALICE).get(
          '/requests?cluster=helm-lab&type=control-plane-removal',
        )
      ).body.items;
      const rollback = await api(ALICE)
        .post(`/requests/${original.id}/rollback`)
        .send({});
      expect(rollback.status).toBe(202);
      const done = await approveAndSettle(rollback.body.id);
      expect(done.state).toBe('succeeded');
      expect(await labelled('helm-lab', '1-29-1')).toEqual(labelledBefore);
      for (const name of removed) {
        const [kind, ...rest] = name.split('/');
        const args =
          rest.length === 2
            ? ['get', kind.toLowerCase(), rest[1], '-n', rest[0]]
            : ['get', kind.toLowerCase(), rest[0]];
        await expect(kubectlJson('helm-lab', args)).resolves.toMatchObject({
          kind,
        });
      }
      await eventually(async () =>
        (await revisionsOf('helm-lab')).includes('1-29-1') ? true : undefined,
      );
    });

    it('gives the Helm commands, and completes when people have run them', async () => {
      const created = await ask({
        type: 'control-plane-install',
        cluster: 'helm-lab',
        revision: '1-30-4',
        target: { version: '1.30.4' },
      });
      expect(created.status).toBe(202);
      const { controlPlane } = created.body.plan;
      expect(controlPlane).toMatchObject({
        installedBy: 'helm',
        mode: 'manual',
      });
      expect(controlPlane.commands).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^helm upgrade --install istiod-1-30-4 istio\/istiod --version 1\.30\.4 --namespace istio-system --set revision=1-30-4 /,
          ),
          expect.stringMatching(/^istioctl install --revision 1-30-4 /),
        ]),
      );
      expect(created.body.plan.patches).toEqual([]);
      const approved = await api(BOB)
        .post(`/requests/${created.body.id}/approve`)
        .send({});
      expect(approved.status).toBe(200);
      const waiting = await eventually(async () => {
        const r = (await api(ALICE).get(`/requests/${created.body.id}`)).body;
        const current = r.steps?.find((x: any) => x.state === 'running');
        return current?.name === 'wait-for-control-plane' ||
          !['approved', 'running'].includes(r.state)
          ? r
          : undefined;
      });
      expect({ state: waiting.state, error: waiting.error }).toEqual({
        state: 'running',
        error: undefined,
      });
      // People run the commands: the simulator installs the revision as Helm would.
      await simulator.sim('POST', 'clusters/helm-lab/control-planes', {
        revision: '1-30-4',
        version: '1.30.4',
        installedWith: 'helm',
      });
      const done = await settle(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(await revisionsOf('helm-lab')).toContain('1-30-4');
    });
  });

  describe('on an istioctl cluster, the whole article', () => {
    it('installs 1.31.0, migrates, moves the gateway and the default tag, removes 1.30.4, with no failed request', async () => {
      await simulator.sim('POST', 'clusters/istioctl-lab/traffic/reset');
      const run = async (body: Record<string, unknown>) => {
        const created = await ask({ cluster: 'istioctl-lab', ...body });
        expect([201, 202]).toContain(created.status);
        return created.body;
      };

      // 1. Install: the plan gives istioctl's command first; people run it.
      const install = await run({
        type: 'control-plane-install',
        revision: '1-31-0',
        target: { version: '1.31.0' },
      });
      expect(install.plan.controlPlane).toMatchObject({
        installedBy: 'istioctl',
        mode: 'manual',
      });
      expect(install.plan.controlPlane.commands[1]).toMatch(
        /^istioctl install --revision 1-31-0 /,
      );
      await api(BOB).post(`/requests/${install.id}/approve`).send({});
      await simulator.sim('POST', 'clusters/istioctl-lab/control-planes', {
        revision: '1-31-0',
        version: '1.31.0',
        installedWith: 'istioctl',
      });
      expect((await settle(install.id)).state).toBe('succeeded');

      // 2. Migrate the namespace; 3. move the gateway; 4. move the default tag.
      const migration = await run({
        type: 'namespace-migration',
        revision: '1-31-0',
        target: { namespace: 'shop' },
      });
      // A namespace migration follows its own approval policy; the others always wait for one.
      expect(
        (migration.state === 'pending-approval'
          ? await approveAndSettle(migration.id)
          : await settle(migration.id)
        ).state,
      ).toBe('succeeded');
      const move = await run({
        type: 'gateway-move',
        revision: '1-31-0',
        target: { namespace: 'ingress', gateway: 'web' },
        options: { watchWindowSeconds: 2 },
      });
      expect((await approveAndSettle(move.id)).state).toBe('succeeded');
      const tag = await run({
        type: 'revision-tag-move',
        revision: '1-31-0',
        target: { tag: 'default' },
      });
      expect((await approveAndSettle(tag.id)).state).toBe('succeeded');

      // 5. Remove 1.30.4: istioctl labels everything it applies with the revision.
      const before: string[] = await labelled('istioctl-lab', '1-30-4');
      const removal = await run({
        type: 'control-plane-removal',
        revision: '1-30-4',
        target: {},
      });
      expect(removal.plan.controlPlane).toMatchObject({
        installedBy: 'istioctl',
        mode: 'delete-objects',
      });
      expect([...removal.plan.controlPlane.deletions].sort()).toEqual(before);
      expect((await approveAndSettle(removal.id)).state).toBe('succeeded');
      expect(await labelled('istioctl-lab', '1-30-4')).toEqual([]);
      expect(await revisionsOf('istioctl-lab')).toEqual(['1-31-0']);
      console.log(
        `istioctl article: ${before.length} objects removed (${countsByKind(
          before,
        )})`,
      );

      const traffic = await simulator.sim(
        'GET',
        'clusters/istioctl-lab/traffic',
      );
      console.log(`istioctl article traffic: ${JSON.stringify(traffic)}`);
      expect(traffic.sent).toBeGreaterThan(50);
      expect(traffic.failed).toBe(0);
    });
  });
});
