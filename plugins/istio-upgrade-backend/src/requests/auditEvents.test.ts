import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { istioUpgradePlugin } from '../plugin';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** An auditor event as the plugin reported it, with how it ended. */
interface Recorded {
  eventId: string;
  severityLevel?: string;
  meta: Record<string, any>;
  outcome?: 'success' | 'fail';
  error?: string;
}

describe('audit events of requests', () => {
  let simulator: MeshSimulatorProcess;
  let server: any;
  let stop: () => Promise<void>;
  const recorded: Recorded[] = [];

  const as = (user: string) => ({
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', mockCredentials.user.header(user))
        .send(body),
    get: (path: string) =>
      request(server)
        .get(`/api/istio-upgrade${path}`)
        .set('Authorization', mockCredentials.user.header(user)),
  });
  const cutover = {
    type: 'gateway-cutover',
    cluster: 'seed',
    revision: '1-10-4',
    target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
    options: { watchWindowSeconds: 1 },
  };
  const settled = (id: string) =>
    eventually(async () => {
      const res = await as(ALICE).get(`/requests/${id}`);
      return ['succeeded', 'failed', 'rolled-back'].includes(res.body.state)
        ? res.body
        : undefined;
    });
  const events = (eventId: string) =>
    recorded.filter(r => r.eventId === eventId);

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    const backend = await startTestBackend({
      features: [
        istioUpgradePlugin,
        catalogServiceMock.factory({ entities: setup.entities as Entity[] }),
        mockServices.rootConfig.factory({
          data: {
            ...setup.config,
            permission: { enabled: true },
            istioUpgrade: {
              ...setup.config.istioUpgrade,
              requests: {
                pollIntervalMs: 200,
                sweepInterval: { seconds: 1 },
              },
            },
          },
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.auditor.mock({
          createEvent: async (options: any) => {
            const entry: Recorded = {
              eventId: options.eventId,
              severityLevel: options.severityLevel,
              meta: options.meta ?? {},
            };
            recorded.push(entry);
            return {
              success: async () => {
                entry.outcome = 'success';
              },
              fail: async (failure: any) => {
                entry.outcome = 'fail';
                entry.error = String(failure?.error?.message ?? '');
              },
            };
          },
        }).factory,
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await eventually(async () => {
      const res = await as(ALICE).get('/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete;
    });
  });

  afterAll(async () => {
    await stop?.();
    await simulator?.stop();
  });

  it('records create, reject, cancel, approve and rollback with who, what and how it ended', async () => {
    const rejected = await as(ALICE).post('/requests', cutover);
    expect(rejected.status).toBe(202);
    expect(
      (
        await as(BOB).post(`/requests/${rejected.body.id}/reject`, {
          comment: 'not now',
        })
      ).status,
    ).toBe(200);

    const cancelled = await as(ALICE).post('/requests', cutover);
    expect(
      (await as(ALICE).post(`/requests/${cancelled.body.id}/cancel`)).status,
    ).toBe(200);

    const approved = await as(ALICE).post('/requests', cutover);
    // Her own approval is refused, and audited as a failure.
    expect(
      (await as(ALICE).post(`/requests/${approved.body.id}/approve`)).status,
    ).toBe(403);
    expect(
      (await as(BOB).post(`/requests/${approved.body.id}/approve`)).status,
    ).toBe(200);
    expect((await settled(approved.body.id)).state).toBe('succeeded');

    const rollback = await as(ALICE).post(
      `/requests/${approved.body.id}/rollback`,
    );
    expect(rollback.status).toBe(202);

    const target = cutover.target;
    expect(events('request-create')).toEqual(
      [rejected, cancelled, approved].map(() => ({
        eventId: 'request-create',
        severityLevel: 'medium',
        meta: {
          actor: ALICE,
          type: 'gateway-cutover',
          cluster: 'seed',
          revision: '1-10-4',
          target,
        },
        outcome: 'success',
      })),
    );
    expect(events('request-reject')).toEqual([
      {
        eventId: 'request-reject',
        severityLevel: 'medium',
        meta: { actor: BOB, requestId: rejected.body.id },
        outcome: 'success',
      },
    ]);
    expect(events('request-cancel')).toEqual([
      {
        eventId: 'request-cancel',
        severityLevel: 'medium',
        meta: { actor: ALICE, requestId: cancelled.body.id },
        outcome: 'success',
      },
    ]);
    expect(events('request-approve')).toEqual([
      {
        eventId: 'request-approve',
        severityLevel: 'medium',
        meta: { actor: ALICE, requestId: approved.body.id },
        outcome: 'fail',
        error: expect.stringMatching(/own request/),
      },
      {
        eventId: 'request-approve',
        severityLevel: 'medium',
        meta: { actor: BOB, requestId: approved.body.id },
        outcome: 'success',
      },
    ]);
    expect(events('request-rollback')).toEqual([
      {
        eventId: 'request-rollback',
        severityLevel: 'medium',
        meta: {
          actor: ALICE,
          type: 'gateway-cutover',
          cluster: 'seed',
          revision: '1-9-7',
          target,
          rollbackOf: approved.body.id,
        },
        outcome: 'success',
      },
    ]);
    // The cutover's write to the cluster, too.
    expect(
      events('cluster-write').filter(
        e => e.meta.requestId === approved.body.id,
      ),
    ).toEqual([
      {
        eventId: 'cluster-write',
        severityLevel: 'high',
        meta: {
          requestId: approved.body.id,
          type: 'gateway-cutover',
          cluster: 'seed',
          write: expect.stringMatching(
            /^patch service istio-gateways\/istio-ingressgateway selector/,
          ),
        },
        outcome: 'success',
      },
    ]);
  });
});
