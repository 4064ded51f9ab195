import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import YAML from 'yaml';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(120000);

describe('the HTTPS server', () => {
  let t: TestSimulator;
  let tokens: {
    admin: string;
    readOnly: string;
    namespaced: Record<string, string>;
  };

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 20 });
    tokens = t.sim.clusters[0].tokens;
  });

  afterAll(async () => {
    await t.stop();
  });

  describe('state files', () => {
    it('writes kubeconfig, ca.crt and mesh-sim.json, token files 0600', () => {
      const kubeconfig = YAML.parse(
        readFileSync(t.sim.kubeconfigPath!, 'utf8'),
      );
      expect(kubeconfig['current-context']).toBe('seed');
      expect(kubeconfig.clusters[0]).toEqual({
        name: 'seed',
        cluster: {
          server: `${t.sim.url}/clusters/seed`,
          'certificate-authority-data': Buffer.from(t.sim.caPem).toString(
            'base64',
          ),
        },
      });
      expect(kubeconfig.users[0]).toEqual({
        name: 'seed',
        user: { token: tokens.admin },
      });
      expect(kubeconfig.contexts[0]).toEqual({
        name: 'seed',
        context: { cluster: 'seed', user: 'seed' },
      });
      const state = JSON.parse(
        readFileSync(join(t.stateDir, 'mesh-sim.json'), 'utf8'),
      );
      expect(state).toMatchObject({
        url: t.sim.url,
        adminToken: t.sim.adminToken,
        caFile: join(t.stateDir, 'ca.crt'),
      });
      expect(state.clusters[0]).toMatchObject({
        name: 'seed',
        server: `${t.sim.url}/clusters/seed`,
        tokens: { admin: tokens.admin, readOnly: tokens.readOnly },
      });
      expect(Object.keys(state.clusters[0].tokens.namespaced).sort()).toEqual([
        'bookinfo',
        'nginx',
      ]);
      expect(readFileSync(join(t.stateDir, 'ca.crt'), 'utf8')).toBe(
        t.sim.caPem,
      );
      expect(statSync(t.sim.kubeconfigPath!).mode & 0o777).toBe(0o600);
      expect(statSync(join(t.stateDir, 'mesh-sim.json')).mode & 0o777).toBe(
        0o600,
      );
    });
  });

  describe('authentication and roles', () => {
    it('answers 401 without a valid token', async () => {
      const none = await t.request(
        'GET',
        '/clusters/seed/api/v1/pods',
        undefined,
        {},
        '',
      );
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({
        kind: 'Status',
        reason: 'Unauthorized',
        code: 401,
      });
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods',
            undefined,
            {},
            'nope',
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await t.request(
            'GET',
            '/sim/v1/clusters/seed/traffic',
            undefined,
            {},
            '',
          )
        ).status,
      ).toBe(401);
    });

    it('lets read-only tokens read and forbids writes', async () => {
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods',
            undefined,
            {},
            tokens.readOnly,
          )
        ).status,
      ).toBe(200);
      const write = await t.request(
        'PATCH',
        '/clusters/seed/api/v1/namespaces/bookinfo',
        { metadata: { labels: { a: 'b' } } },
        { 'Content-Type': 'application/merge-patch+json' },
        tokens.readOnly,
      );
      expect(write.status).toBe(403);
      expect(write.body.reason).toBe('Forbidden');
      expect(write.body.message).toBe(
        'namespaces is forbidden: User "system:serviceaccount:kube-system:mesh-sim-reader" cannot patch resource "namespaces" in API group "" at the cluster scope',
      );
    });

    it('scopes namespaced tokens to their namespace', async () => {
      const token = tokens.namespaced.bookinfo;
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/namespaces/bookinfo/pods',
            undefined,
            {},
            token,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/ratings-v1',
            undefined,
            {},
            token,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/namespaces/nginx/pods',
            undefined,
            {},
            token,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods',
            undefined,
            {},
            token,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/namespaces',
            undefined,
            {},
            token,
          )
        ).status,
      ).toBe(403);
    });

    it('keeps /sim/v1 for the simulator admin token', async () => {
      expect(
        (
          await t.request(
            'GET',
            '/sim/v1/clusters/seed/traffic',
            undefined,
            {},
            tokens.admin,
          )
        ).status,
      ).toBe(403);
      expect(
        (await t.request('GET', '/sim/v1/clusters/seed/traffic')).status,
      ).toBe(200);
    });
  });

  describe('discovery and printing', () => {
    it('serves version, core and group discovery', async () => {
      expect(
        (await t.request('GET', '/clusters/seed/version')).body.gitVersion,
      ).toMatch(/^v1\.\d+/);
      expect(
        (await t.request('GET', '/clusters/seed/api')).body.versions,
      ).toEqual(['v1']);
      const groups = (
        await t.request('GET', '/clusters/seed/apis')
      ).body.groups.map((g: any) => g.name);
      expect(groups).toEqual(
        expect.arrayContaining([
          'apps',
          'admissionregistration.k8s.io',
          'discovery.k8s.io',
          'policy',
        ]),
      );
      const apps = (
        await t.request('GET', '/clusters/seed/apis/apps/v1')
      ).body.resources.map((r: any) => r.name);
      expect(apps).toEqual(
        expect.arrayContaining([
          'deployments',
          'deployments/scale',
          'deployments/status',
          'statefulsets',
          'daemonsets',
          'replicasets',
        ]),
      );
    });

    it('renders Tables for kubectl get', async () => {
      const table = await t.request(
        'GET',
        '/clusters/seed/api/v1/namespaces/bookinfo/pods',
        undefined,
        {
          Accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      );
      expect(table.body.kind).toBe('Table');
      expect(
        table.body.columnDefinitions.map((c: any) => c.name).slice(0, 5),
      ).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      expect(table.body.rows[0].cells.slice(1, 3)).toEqual(['2/2', 'Running']);
    });

    it('keeps injected pods realistic in size', async () => {
      const pods = (
        await t.request('GET', '/clusters/seed/api/v1/namespaces/bookinfo/pods')
      ).body.items;
      const sizes = pods.map((p: any) => JSON.stringify(p).length);
      expect(Math.min(...sizes)).toBeGreaterThan(8000);
      expect(pods[0].metadata.managedFields.map((m: any) => m.manager)).toEqual(
        ['kube-controller-manager', 'kubelet'],
      );
    });
  });

  describe('bad input answers a Status, never a crash', () => {
    it('rejects malformed JSON with 400', async () => {
      const res = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces',
        '{"metadata": {"name": ',
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
      });
      expect(
        (await t.request('POST', '/clusters/seed/api/v1/namespaces', '[1,2]'))
          .status,
      ).toBe(400);
    });

    it('answers 404 for unknown kinds, paths and clusters', async () => {
      const kind = await t.request('GET', '/clusters/seed/api/v1/widgets');
      expect(kind.status).toBe(404);
      expect(kind.body.reason).toBe('NotFound');
      expect(
        (await t.request('GET', '/clusters/seed/apis/unknown.io/v1/things'))
          .status,
      ).toBe(404);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/x/bogus',
          )
        ).status,
      ).toBe(404);
      expect(
        (await t.request('GET', '/clusters/nowhere/api/v1/pods')).status,
      ).toBe(404);
      const missing = await t.request(
        'GET',
        '/clusters/seed/api/v1/namespaces/bookinfo/pods/absent',
      );
      expect(missing.body).toMatchObject({
        reason: 'NotFound',
        code: 404,
        message: 'pods "absent" not found',
        details: { name: 'absent', kind: 'pods' },
      });
    });

    it('validates names and labels with 422 Invalid and causes', async () => {
      const badName = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces',
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } },
      );
      expect(badName.status).toBe(422);
      expect(badName.body.reason).toBe('Invalid');
      expect(badName.body.details.causes[0]).toMatchObject({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
      });
      const badLabel = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces',
        { metadata: { name: 'ok', labels: { 'istio.io/rev': 'not valid!' } } },
      );
      expect(badLabel.status).toBe(422);
      expect(badLabel.body.details.causes[0].field).toBe('metadata.labels');
      const noContainers = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces/bookinfo/pods',
        { metadata: { name: 'empty' }, spec: {} },
      );
      expect(noContainers.status).toBe(422);
      const badSelector = await t.request(
        'POST',
        '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments',
        {
          metadata: { name: 'mismatch' },
          spec: {
            selector: { matchLabels: { app: 'a' } },
            template: {
              metadata: { labels: { app: 'b' } },
              spec: { containers: [{ name: 'c', image: 'i' }] },
            },
          },
        },
      );
      expect(badSelector.status).toBe(422);
      const badService = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces/bookinfo/services',
        { metadata: { name: '9lives' }, spec: { ports: [{ port: 80 }] } },
      );
      expect(badService.status).toBe(422);
      const immutable = await t.request(
        'PATCH',
        '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/details-v1',
        {
          spec: {
            selector: { matchLabels: { app: 'other' } },
            template: { metadata: { labels: { app: 'other' } } },
          },
        },
        { 'Content-Type': 'application/merge-patch+json' },
      );
      expect(immutable.status).toBe(422);
      expect(immutable.body.details.causes[0]).toMatchObject({
        field: 'spec.selector',
      });
    });

    it('refuses wrong content types, kinds and namespaces', async () => {
      const patch = await t.request(
        'PATCH',
        '/clusters/seed/api/v1/namespaces/bookinfo',
        '{}',
        { 'Content-Type': 'text/plain' },
      );
      expect(patch.status).toBe(415);
      expect(patch.body.reason).toBe('UnsupportedMediaType');
      const kind = await t.request('POST', '/clusters/seed/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x' },
      });
      expect(kind.status).toBe(400);
      const ns = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces/nowhere/services',
        { metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } },
      );
      expect(ns.status).toBe(404);
      const exists = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces',
        { metadata: { name: 'bookinfo' } },
      );
      expect(exists.body).toMatchObject({ reason: 'AlreadyExists', code: 409 });
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods?labelSelector=app%20in%20(',
            undefined,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods?fieldSelector=spec.bogus%3Dx',
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/api/v1/pods?resourceVersionMatch=Exact',
          )
        ).status,
      ).toBe(422);
      expect(
        (await t.request('GET', '/clusters/seed/api/v1/pods?continue=garbage'))
          .status,
      ).toBe(400);
      expect(
        (
          await t.request('GET', '/clusters/seed/api/v1/pods', undefined, {
            Accept: 'text/html',
          })
        ).status,
      ).toBe(406);
      const large = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces',
        JSON.stringify({
          metadata: {
            name: 'big',
            annotations: { a: 'x'.repeat(4 * 1024 * 1024) },
          },
        }),
      );
      expect(large.status).toBe(413);
      expect(
        (await t.request('GET', '/clusters/seed/api/v1/namespaces/bookinfo'))
          .status,
      ).toBe(200);
    });
  });

  describe('selectors', () => {
    it('filters by equality, set-based labels and field selectors', async () => {
      const names = async (query: string) =>
        (
          await t.request('GET', `/clusters/seed/api/v1/pods?${query}`)
        ).body.items.map((p: any) =>
          p.metadata.name.split('-').slice(0, 2).join('-'),
        );
      expect(
        await names('labelSelector=app%3Dreviews,version!%3Dv1'),
      ).toHaveLength(2);
      expect(
        await names(
          'labelSelector=app%20notin%20(reviews,productpage,istio-ingressgateway),version',
        ),
      ).toEqual(['details-v1', 'ratings-v1']);
      expect(await names('labelSelector=!version')).toHaveLength(3);
      expect(
        await names('fieldSelector=metadata.namespace%3Dnginx'),
      ).toHaveLength(1);
      expect(
        await names(
          'fieldSelector=status.phase%3DRunning,metadata.namespace!%3Dbookinfo',
        ),
      ).toHaveLength(7);
      const node = (
        await t.request('GET', '/clusters/seed/api/v1/namespaces/nginx/pods')
      ).body.items[0].spec.nodeName;
      expect(
        (await names(`fieldSelector=spec.nodeName%3D${node}`)).length,
      ).toBeGreaterThan(0);
    });
  });

  describe('faults, statistics and clock', () => {
    afterEach(async () => {
      await t.request('DELETE', '/sim/v1/clusters/seed/faults');
    });

    it('injects 429 with Retry-After and 500 per verb and resource', async () => {
      const set = await t.request('POST', '/sim/v1/clusters/seed/faults', {
        rules: [
          {
            verbs: ['list'],
            resources: ['pods'],
            rate: 1,
            status: 429,
            retryAfterSeconds: 3,
          },
        ],
      });
      expect(set.status).toBe(200);
      expect(
        (await t.request('GET', '/sim/v1/clusters/seed/faults')).body.rules,
      ).toHaveLength(1);
      const throttled = await t.request('GET', '/clusters/seed/api/v1/pods');
      expect(throttled.status).toBe(429);
      expect(throttled.headers['retry-after']).toBe('3');
      expect(throttled.body).toMatchObject({
        reason: 'TooManyRequests',
        details: { retryAfterSeconds: 3 },
      });
      expect(
        (await t.request('GET', '/clusters/seed/api/v1/namespaces')).status,
      ).toBe(200);
      await t.request('POST', '/sim/v1/clusters/seed/faults', {
        rules: [
          {
            verbs: ['get'],
            resources: ['deployments'],
            namespace: 'bookinfo',
            rate: 1,
            status: 500,
          },
        ],
      });
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/ratings-v1',
          )
        ).body.reason,
      ).toBe('InternalError');
      expect(
        (
          await t.request(
            'GET',
            '/clusters/seed/apis/apps/v1/namespaces/nginx/deployments/nginx',
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await t.request('POST', '/sim/v1/clusters/seed/faults', {
            rules: [{ rate: 2, status: 500 }],
          })
        ).status,
      ).toBe(400);
    });

    it('resets connections of an unreachable cluster and fails the probe', async () => {
      await t.request('POST', '/sim/v1/clusters/seed/faults', {
        rules: [],
        unreachable: true,
      });
      await expect(
        t.request('GET', '/clusters/seed/api/v1/pods'),
      ).rejects.toThrow(/socket hang up|ECONNRESET/);
      await t.request('POST', '/sim/v1/clusters/seed/traffic/reset');
      await t.eventually(
        async () =>
          (
            await t.request('GET', '/sim/v1/clusters/seed/traffic')
          ).body.failuresByReason['cluster-unreachable'] > 0,
      );
    });

    it('drops watches on demand and after a set time', async () => {
      const watchEnds = () =>
        new Promise<string>((resolve, reject) => {
          https
            .get(
              `${t.sim.url}/clusters/seed/api/v1/pods?watch=true&resourceVersion=0`,
              {
                ca: t.sim.caPem,
                headers: { Authorization: `Bearer ${t.sim.adminToken}` },
              },
              res => {
                res.on('data', () => {});
                res.on('end', () => resolve('ended'));
              },
            )
            .on('error', reject);
        });
      const first = watchEnds();
      await t.eventually(
        async () =>
          (
            await t.request('GET', '/sim/v1/clusters/seed/stats')
          ).body.openWatches === 1,
      );
      expect(
        (await t.request('POST', '/sim/v1/clusters/seed/watches/drop')).body
          .dropped,
      ).toBe(1);
      await expect(first).resolves.toBe('ended');
      await t.request('POST', '/sim/v1/clusters/seed/faults', {
        rules: [],
        dropWatchesAfterSeconds: 0.2,
      });
      await expect(watchEnds()).resolves.toBe('ended');
    });

    it('holds the first matching request until released, then answers it as the cluster is then', async () => {
      const path =
        '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/ratings-v1';
      const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
      const annotate = (value: string, resourceVersion?: string) =>
        t.request(
          'PATCH',
          path,
          {
            metadata: {
              annotations: { 'test/hold': value },
              ...(resourceVersion ? { resourceVersion } : {}),
            },
          },
          mergePatch,
        );
      await t.request('POST', '/sim/v1/clusters/seed/faults', {
        holds: [
          {
            verbs: ['patch'],
            resources: ['deployments'],
            namespace: 'bookinfo',
            seconds: 60,
          },
        ],
      });
      const read = (await t.request('GET', path)).body.metadata.resourceVersion;
      const late = annotate('late', read);
      const held = await t.eventually(async () => {
        const list = (await t.request('GET', '/sim/v1/clusters/seed/holds'))
          .body.held;
        return list.length === 1 ? list[0] : undefined;
      });
      expect(held).toEqual({
        hold: 0,
        verb: 'patch',
        resource: 'deployments',
        namespace: 'bookinfo',
        name: 'ratings-v1',
        heldAt: expect.any(String),
      });
      // Only the first matching request is held: another one goes through and changes the object.
      const meanwhile = await annotate('meanwhile');
      expect(meanwhile.status).toBe(200);
      expect(meanwhile.body.metadata.resourceVersion).not.toBe(read);

      expect(
        (await t.request('POST', '/sim/v1/clusters/seed/holds/release')).body,
      ).toEqual({ released: 1 });
      const answer = await late;
      expect(answer.status).toBe(409);
      expect(answer.body.reason).toBe('Conflict');
      expect(
        (await t.request('GET', path)).body.metadata.annotations['test/hold'],
      ).toBe('meanwhile');
      expect(
        (await t.request('GET', '/sim/v1/clusters/seed/holds')).body.held,
      ).toEqual([{ ...held, releasedAt: expect.any(String), status: 409 }]);
    });

    it("lets a held request go when its hold's time runs out, and rejects a hold without one", async () => {
      await t.request('POST', '/sim/v1/clusters/seed/faults', {
        holds: [{ verbs: ['get'], resources: ['namespaces'], seconds: 0.3 }],
      });
      const started = Date.now();
      const answer = await t.request(
        'GET',
        '/clusters/seed/api/v1/namespaces/nginx',
      );
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(
        (await t.request('GET', '/sim/v1/clusters/seed/holds')).body.held,
      ).toEqual([expect.objectContaining({ name: 'nginx', status: 200 })]);
      const set = await t.request('POST', '/sim/v1/clusters/seed/faults', {
        holds: [{ verbs: ['get'], resources: ['namespaces'] }],
      });
      expect(set.status).toBe(400);
      expect(set.body.message).toBe(
        'holds[0].seconds must be a number above 0, at most 600',
      );
    });

    it('counts requests per verb and resource', async () => {
      await t.request('POST', '/sim/v1/clusters/seed/stats/reset');
      await t.request('GET', '/clusters/seed/api/v1/pods');
      await t.request('GET', '/clusters/seed/api/v1/pods');
      await t.request(
        'GET',
        '/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/ratings-v1',
      );
      const stats = (await t.request('GET', '/sim/v1/clusters/seed/stats'))
        .body;
      expect(stats.byVerbAndResource).toMatchObject({
        'list pods': 2,
        'get deployments.apps': 1,
      });
      expect(stats.total).toBe(3);
    });

    it('changes the clock speed at run time', async () => {
      expect(
        (await t.request('POST', '/sim/v1/clock', { speed: 5 })).body.speed,
      ).toBe(5);
      expect(
        (await t.request('POST', '/sim/v1/clock', { speed: -1 })).status,
      ).toBe(400);
      await t.request('POST', '/sim/v1/clock', { speed: 20 });
    });
  });
});
