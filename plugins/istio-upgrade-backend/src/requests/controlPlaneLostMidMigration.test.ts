import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  bookinfoComponents,
  kubectlItems,
} from '../testing/__testUtils__/requestTestKit';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';

jest.setTimeout(120_000);

const CAROL = 'user:default/carol';
const WAVE_1 = ['details-v1', 'productpage-v1', 'ratings-v1'];
const WAVE_2 = ['reviews-v1', 'reviews-v2', 'reviews-v3'];

/**
 * The target control plane goes away during the pause between two waves: the second wave must check
 * it again just before its restarts, write nothing, and the rollback must undo only what ran — the
 * relabel and the first wave — without restarting the second wave's workloads at all.
 */
describe('a migration whose target control plane goes away between waves', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const as = (method: 'get' | 'post', path: string) =>
    request(backend.server)
      [method](`/api/istio-upgrade${path}`)
      .set('Authorization', mockCredentials.user.header(CAROL));

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 5 });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      entities: bookinfoComponents(CAROL),
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          ...meshSimulatorBackendSetup(simulator, { token: 'admin' }).config
            .istioUpgrade,
          requests: {
            pollIntervalMs: 100,
            sweepInterval: { seconds: 1 },
            defaults: { waveSize: 3, pauseBetweenWavesSeconds: 4 },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await as('get', '/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('stops before the next wave writes, and rolls back only the relabel and the waves that ran', async () => {
    const created = await as('post', '/requests').send({
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });
    expect(created.status).toBe(202);
    const id = created.body.id;

    // Wave 1 is done and wave 2 is in its pause: take the target's istiod away.
    await eventually(
      async () => {
        const { body } = await as('get', `/requests/${id}`);
        return body.steps?.find((s: any) => s.name === 'restart-wave-2')
          ?.state === 'running'
          ? body
          : undefined;
      },
      60_000,
      50,
    );
    await simulator.kubectl([
      'scale',
      'deployment',
      'istiod-1-10-4',
      '-n',
      'istio-system',
      '--replicas=0',
    ]);

    const done = await eventually(
      async () => {
        const { body } = await as('get', `/requests/${id}`);
        return ['succeeded', 'failed', 'rolled-back'].includes(body.state)
          ? body
          : undefined;
      },
      90_000,
      250,
    );
    expect(done.state).toBe('rolled-back');
    expect(done.steps.map((s: any) => `${s.name}:${s.state}`)).toEqual([
      'precheck:succeeded',
      'relabel-namespace:succeeded',
      'restart-wave-1:succeeded',
      'restart-wave-2:failed',
      'verify:pending',
      'rollback-relabel-namespace:succeeded',
      'rollback-restart-wave-1:succeeded',
      'rollback-verify:succeeded',
    ]);
    expect(
      done.steps.find((s: any) => s.name === 'restart-wave-2').message,
    ).toMatch(/Control plane 1-10-4 is not ready any more/);

    // Wave 1 was restarted onto 1-10-4 and back; wave 2 was never touched.
    const deployments = kubectlItems(
      await simulator.kubectl([
        'get',
        'deploy',
        '-n',
        'bookinfo',
        '-o',
        'json',
      ]),
    );
    const revisions = Object.fromEntries(
      deployments.map(d => [
        d.metadata.name,
        d.metadata.annotations['deployment.kubernetes.io/revision'],
      ]),
    );
    expect(revisions).toEqual({
      ...Object.fromEntries(WAVE_1.map(n => [n, '3'])),
      ...Object.fromEntries(WAVE_2.map(n => [n, '1'])),
    });
    const pods = kubectlItems(
      await simulator.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    );
    expect(
      pods.map(
        p =>
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
      ),
    ).toEqual(Array(6).fill('1-9-7'));
  });
});
