import { errorMessage } from './errorMessage';
import { IstioUpgradeClient } from './IstioUpgradeClient';

function client(answer: { status: number; body: unknown }) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const api = new IstioUpgradeClient({
    discoveryApi: {
      getBaseUrl: async plugin => `http://backend/api/${plugin}`,
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { api, fetch };
}

describe('IstioUpgradeClient', () => {
  it("calls the backend through the app's fetchApi, which carries the user's token", async () => {
    const { api, fetch } = client({
      status: 200,
      body: { items: [{ name: 'seed' }] },
    });
    expect(await api.listClusters()).toEqual([{ name: 'seed' }]);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/istio-upgrade/clusters',
      { method: 'GET', headers: {} },
    );
  });

  it('shows the backend message of a failed call', async () => {
    const { api } = client({
      status: 403,
      body: {
        error: { name: 'NotAllowedError', message: 'Carol may not read' },
        response: { statusCode: 403 },
      },
    });
    const error = await api.getFleet().catch(e => e);
    expect(errorMessage(error)).toBe('Carol may not read');
  });

  it('plans a campaign as a dry run of its creation', async () => {
    const { api, fetch } = client({
      status: 200,
      body: {
        targetVersion: '1.30.0',
        rings: [],
        requests: 0,
        estimatedSeconds: 0,
        warnings: [],
      },
    });
    const draft = {
      name: 'Fleet to 1.30',
      targetVersion: '1.30.0',
      rings: [{ name: 'staging', clusters: ['seed'] }],
    };
    expect((await api.planCampaign(draft)).targetVersion).toBe('1.30.0');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/istio-upgrade/campaigns');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ ...draft, dryRun: true });
  });
});
