import { ResponseError } from '@backstage/errors';
import { IstioUpgradeApiClient } from './IstioUpgradeApiClient';

function client(answer: { status?: number; body?: unknown } = {}) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(answer.body ?? { items: [] }), {
        status: answer.status ?? 200,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const api = new IstioUpgradeApiClient({
    discoveryApi: {
      getBaseUrl: async plugin => `http://backend/api/${plugin}`,
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { api, fetch };
}

describe('IstioUpgradeApiClient', () => {
  it('reads clusters, inventories, the fleet and entity views', async () => {
    const { api, fetch } = client({ body: { items: [{ name: 'seed' }] } });
    expect(await api.listClusters()).toEqual([{ name: 'seed' }]);
    await api.getClusterInventory('seed');
    await api.getFleet();
    await api.getEntityView({
      kind: 'Component',
      namespace: 'default',
      name: 'a b',
    });
    expect(fetch.mock.calls.map(c => c[0])).toEqual([
      'http://backend/api/istio-upgrade/clusters',
      'http://backend/api/istio-upgrade/clusters/seed/inventory',
      'http://backend/api/istio-upgrade/fleet',
      'http://backend/api/istio-upgrade/entities/Component/default/a%20b',
    ]);
    expect(fetch.mock.calls[0][1]).toEqual({ method: 'GET', headers: {} });
  });

  it("sends a caller's token as a bearer token on that call only", async () => {
    const { api, fetch } = client({ body: {} });
    await api.getFleet({ token: 'plugin-token' });
    await api.getRequest('r1');
    expect(fetch.mock.calls.map(c => c[1]?.headers)).toEqual([
      { Authorization: 'Bearer plugin-token' },
      {},
    ]);
  });

  it('asks for prechecks with the planned change as the query', async () => {
    const { api, fetch } = client({ body: {} });
    await api.getPrechecks('seed', {
      type: 'gateway-cutover',
      revision: '1-10-4',
      namespace: 'istio-gateways',
      service: 'istio-ingressgateway',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/istio-upgrade/clusters/seed/prechecks?type=gateway-cutover&revision=1-10-4&namespace=istio-gateways&service=istio-ingressgateway',
    );
  });

  it('plans with dryRun and creates without', async () => {
    const { api, fetch } = client({ body: {} });
    const draft = {
      type: 'namespace-migration' as const,
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
    };
    await api.planRequest(draft);
    await api.createRequest({ ...draft, idempotencyKey: 'k1' }, { token: 't' });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/istio-upgrade/requests',
    );
    expect(fetch.mock.calls[0][1]).toEqual({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...draft, dryRun: true }),
    });
    expect(fetch.mock.calls[1][1]?.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer t',
    });
    expect(JSON.parse(String(fetch.mock.calls[1][1]?.body))).toEqual({
      ...draft,
      idempotencyKey: 'k1',
      dryRun: false,
    });
  });

  it('lists requests with states joined and the limit as text', async () => {
    const { api, fetch } = client();
    await api.listRequests({
      entityRef: 'component:default/productpage',
      state: ['pending-approval', 'running'],
      limit: 20,
    });
    await api.listRequests();
    expect(fetch.mock.calls.map(c => c[0])).toEqual([
      'http://backend/api/istio-upgrade/requests?entityRef=component%3Adefault%2Fproductpage&state=pending-approval%2Crunning&limit=20',
      'http://backend/api/istio-upgrade/requests',
    ]);
  });

  it('gets a request and posts decisions with their comments', async () => {
    const { api, fetch } = client({ body: {} });
    await api.getRequest('r1');
    await api.approveRequest('r1', { comment: 'ok' });
    await api.rejectRequest('r1');
    await api.cancelRequest('r1');
    await api.rollbackRequest('r1', { comment: 'broke checkout' });
    expect(fetch.mock.calls.map(c => [c[0], c[1]?.method, c[1]?.body])).toEqual(
      [
        ['http://backend/api/istio-upgrade/requests/r1', 'GET', undefined],
        [
          'http://backend/api/istio-upgrade/requests/r1/approve',
          'POST',
          '{"comment":"ok"}',
        ],
        ['http://backend/api/istio-upgrade/requests/r1/reject', 'POST', '{}'],
        ['http://backend/api/istio-upgrade/requests/r1/cancel', 'POST', '{}'],
        [
          'http://backend/api/istio-upgrade/requests/r1/rollback',
          'POST',
          '{"comment":"broke checkout"}',
        ],
      ],
    );
  });

  it("turns an error answer into a ResponseError carrying the backend's error", async () => {
    const { api } = client({
      status: 409,
      body: {
        error: {
          name: 'ConflictError',
          message: 'A request for bookinfo is active',
        },
        response: { statusCode: 409 },
      },
    });
    const error = await api
      .createRequest({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'bookinfo' },
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause).toMatchObject({
      name: 'ConflictError',
      message: 'A request for bookinfo is active',
    });
  });
});
