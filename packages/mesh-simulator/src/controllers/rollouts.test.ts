import { resourceTypeNamed } from '../api/resourceTypes';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';
import { podIsReady } from './podStatus';

jest.setTimeout(120000);

const deploymentPath = (name: string) =>
  `/clusters/seed/apis/apps/v1/namespaces/bookinfo/deployments/${name}`;
const strategic = { 'Content-Type': 'application/strategic-merge-patch+json' };
const merge = { 'Content-Type': 'application/merge-patch+json' };

describe('workload controllers on the simulated clock', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 50 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const deployment = async (name: string) =>
    (await t.request('GET', deploymentPath(name))).body;

  it('reports ProgressDeadlineExceeded when new pods never become ready', async () => {
    const patch = await t.request(
      'PATCH',
      deploymentPath('details-v1'),
      {
        spec: {
          progressDeadlineSeconds: 20,
          template: {
            metadata: {
              annotations: { 'mesh-sim.dev/failure': 'never-ready' },
            },
          },
        },
      },
      strategic,
    );
    expect(patch.status).toBe(200);
    const stuck = await t.eventually(async () => {
      const d = await deployment('details-v1');
      const progressing = d.status.conditions.find(
        (c: any) => c.type === 'Progressing',
      );
      return progressing.status === 'False' && d;
    });
    const progressing = stuck.status.conditions.find(
      (c: any) => c.type === 'Progressing',
    );
    expect(progressing.reason).toBe('ProgressDeadlineExceeded');
    expect(progressing.message).toMatch(
      /^ReplicaSet "details-v1-\w+" has timed out progressing\.$/,
    );
    // maxUnavailable 25% of one replica rounds down to 0: the old pod keeps serving.
    expect(stuck.status.availableReplicas).toBe(1);
    const status = await t.kubectl([
      'rollout',
      'status',
      'deployment/details-v1',
      '-n',
      'bookinfo',
      '--timeout=30s',
    ]);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('exceeded its progress deadline');
  });

  it('holds a paused rollout and resumes it', async () => {
    await t.request(
      'PATCH',
      deploymentPath('reviews-v2'),
      { spec: { paused: true } },
      merge,
    );
    await t.request(
      'PATCH',
      deploymentPath('reviews-v2'),
      {
        spec: {
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': 'paused-change',
              },
            },
          },
        },
      },
      strategic,
    );
    await t.eventually(async () => {
      const d = await deployment('reviews-v2');
      return (
        d.status.observedGeneration === d.metadata.generation &&
        d.status.conditions.some((c: any) => c.reason === 'DeploymentPaused')
      );
    });
    const sets = (
      await t.request(
        'GET',
        '/clusters/seed/apis/apps/v1/namespaces/bookinfo/replicasets?labelSelector=app%3Dreviews,version%3Dv2',
      )
    ).body.items;
    expect(sets).toHaveLength(1);
    await t.request(
      'PATCH',
      deploymentPath('reviews-v2'),
      { spec: { paused: false } },
      merge,
    );
    const status = await t.kubectl([
      'rollout',
      'status',
      'deployment/reviews-v2',
      '-n',
      'bookinfo',
      '--timeout=60s',
    ]);
    expect(status.stdout).toContain('successfully rolled out');
  });

  it('rolls within maxSurge and maxUnavailable', async () => {
    await t.request(
      'PATCH',
      deploymentPath('reviews-v3'),
      {
        spec: {
          replicas: 4,
          strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        },
      },
      strategic,
    );
    await t.kubectl([
      'rollout',
      'status',
      'deployment/reviews-v3',
      '-n',
      'bookinfo',
      '--timeout=60s',
    ]);
    const store = t.sim.cluster('seed').store;
    const podsType = resourceTypeNamed('pods');
    const samples: Array<{ total: number; ready: number }> = [];
    const unsubscribe = store.subscribe(change => {
      if (
        change.typeKey !== 'pods' ||
        change.object.metadata.labels?.app !== 'reviews' ||
        change.object.metadata.labels?.version !== 'v3'
      )
        return;
      // Terminating pods count against neither maxSurge nor availability, as in Kubernetes.
      const pods = store
        .list(podsType, 'bookinfo')
        .filter(
          p =>
            p.metadata.labels?.app === 'reviews' &&
            p.metadata.labels?.version === 'v3' &&
            !p.metadata.deletionTimestamp,
        );
      samples.push({
        total: pods.length,
        ready: pods.filter(podIsReady).length,
      });
    });
    try {
      await t.request(
        'PATCH',
        deploymentPath('reviews-v3'),
        {
          spec: {
            template: {
              metadata: {
                annotations: { 'kubectl.kubernetes.io/restartedAt': 'surge' },
              },
            },
          },
        },
        strategic,
      );
      const status = await t.kubectl([
        'rollout',
        'status',
        'deployment/reviews-v3',
        '-n',
        'bookinfo',
        '--timeout=60s',
      ]);
      expect(status.stdout).toContain('successfully rolled out');
    } finally {
      unsubscribe();
    }
    expect(samples.length).toBeGreaterThan(8);
    expect(Math.max(...samples.map(s => s.total))).toBe(5);
    expect(Math.min(...samples.map(s => s.ready))).toBe(4);
  });

  it('restarts crash-looping containers and never marks them ready', async () => {
    await t.request(
      'PATCH',
      deploymentPath('ratings-v1'),
      {
        spec: {
          template: {
            metadata: { annotations: { 'mesh-sim.dev/failure': 'crash-loop' } },
          },
        },
      },
      strategic,
    );
    const pod = await t.eventually(async () => {
      const pods = (
        await t.request(
          'GET',
          '/clusters/seed/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dratings',
        )
      ).body.items;
      return pods.find((p: any) =>
        p.status.containerStatuses?.some(
          (s: any) =>
            s.state.waiting?.reason === 'CrashLoopBackOff' &&
            s.restartCount >= 2,
        ),
      );
    });
    expect(
      pod.status.conditions.find((c: any) => c.type === 'Ready').status,
    ).toBe('False');
    const table = await t.kubectl([
      'get',
      'pod',
      '-n',
      'bookinfo',
      pod.metadata.name,
    ]);
    expect(table.stdout).toContain('CrashLoopBackOff');
  });

  it('recreates pods with the Recreate strategy and garbage-collects on delete', async () => {
    await t.request(
      'PATCH',
      deploymentPath('productpage-v1'),
      { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } },
      merge,
    );
    await t.request(
      'PATCH',
      deploymentPath('productpage-v1'),
      {
        spec: {
          template: {
            metadata: {
              annotations: { 'kubectl.kubernetes.io/restartedAt': 'recreate' },
            },
          },
        },
      },
      strategic,
    );
    const status = await t.kubectl([
      'rollout',
      'status',
      'deployment/productpage-v1',
      '-n',
      'bookinfo',
      '--timeout=60s',
    ]);
    expect(status.stdout).toContain('successfully rolled out');
    const del = await t.kubectl([
      'delete',
      'deployment',
      'productpage-v1',
      '-n',
      'bookinfo',
    ]);
    expect(del.code).toBe(0);
    await t.eventually(async () => {
      const sets = (
        await t.request(
          'GET',
          '/clusters/seed/apis/apps/v1/namespaces/bookinfo/replicasets?labelSelector=app%3Dproductpage',
        )
      ).body.items;
      const pods = (
        await t.request(
          'GET',
          '/clusters/seed/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dproductpage',
        )
      ).body.items;
      return sets.length === 0 && pods.length === 0;
    });
  });

  it('terminates deleted pods gracefully', async () => {
    const pod = (
      await t.request('GET', '/clusters/seed/api/v1/namespaces/nginx/pods')
    ).body.items[0];
    await t.request('POST', '/sim/v1/clock', { speed: 1 });
    try {
      const deleted = await t.request(
        'DELETE',
        `/clusters/seed/api/v1/namespaces/nginx/pods/${pod.metadata.name}`,
      );
      expect(deleted.status).toBe(200);
      expect(deleted.body.metadata.deletionTimestamp).toBeDefined();
      expect(deleted.body.metadata.deletionGracePeriodSeconds).toBe(2);
      const table = await t.kubectl(['get', 'pods', '-n', 'nginx']);
      expect(table.stdout).toMatch(
        new RegExp(`${pod.metadata.name}\\s+0/2\\s+Terminating`),
      );
      const slice = (
        await t.request(
          'GET',
          '/clusters/seed/apis/discovery.k8s.io/v1/namespaces/nginx/endpointslices',
        )
      ).body.items[0];
      await t.eventually(async () => {
        const s = (
          await t.request(
            'GET',
            '/clusters/seed/apis/discovery.k8s.io/v1/namespaces/nginx/endpointslices',
          )
        ).body.items[0];
        return s.endpoints.some(
          (e: any) =>
            e.targetRef.name === pod.metadata.name &&
            e.conditions.terminating &&
            !e.conditions.ready,
        );
      });
      expect(slice).toBeDefined();
    } finally {
      await t.request('POST', '/sim/v1/clock', { speed: 50 });
    }
    await t.eventually(
      async () =>
        (
          await t.request(
            'GET',
            `/clusters/seed/api/v1/namespaces/nginx/pods/${pod.metadata.name}`,
          )
        ).status === 404,
    );
    const forced = (
      await t.request('GET', '/clusters/seed/api/v1/namespaces/nginx/pods')
    ).body.items.find((p: any) => !p.metadata.deletionTimestamp);
    const gone = await t.request(
      'DELETE',
      `/clusters/seed/api/v1/namespaces/nginx/pods/${forced.metadata.name}`,
      { gracePeriodSeconds: 0 },
    );
    expect(gone.status).toBe(200);
    expect(
      (
        await t.request(
          'GET',
          `/clusters/seed/api/v1/namespaces/nginx/pods/${forced.metadata.name}`,
        )
      ).status,
    ).toBe(404);
  });

  it('stores PodDisruptionBudgets', async () => {
    const pdb = await t.request(
      'POST',
      '/clusters/seed/apis/policy/v1/namespaces/bookinfo/poddisruptionbudgets',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'reviews' },
        spec: {
          minAvailable: 1,
          selector: { matchLabels: { app: 'reviews' } },
        },
      },
    );
    expect(pdb.status).toBe(201);
    expect(
      (
        await t.kubectl([
          'get',
          'pdb',
          '-n',
          'bookinfo',
          'reviews',
          '-o',
          'jsonpath={.spec.minAvailable}',
        ])
      ).stdout,
    ).toBe('1');
  });
});
