import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { Entity } from '@backstage/catalog-model';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import istioUpgradePlugin from '@istio-upgrade/backstage-plugin-istio-upgrade-backend';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-backend/testUtils';
import { Client } from '@modelcontextprotocol/sdk/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'node:net';
import istioDemoPolicyModule from '../permissions/istioDemoPolicyModule';

jest.setTimeout(120_000);

/**
 * The demo's MCP settings, read from the committed app-config.yaml and app-config.demo.yaml
 * (environment substituted), as scripts/start.sh loads them.
 */
async function demoMcpConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.merge([
      FileConfigSource.create({
        path: resolvePackagePath('backend', '../../app-config.yaml'),
        watch: false,
      }),
      FileConfigSource.create({
        path: resolvePackagePath('backend', '../../app-config.demo.yaml'),
        watch: false,
      }),
    ]),
  );
  const externalAccess = config
    .getConfigArray('backend.auth.externalAccess')
    .map(c => c.get());
  const token = config
    .getConfigArray('backend.auth.externalAccess')
    .find(c => c.getOptionalString('options.subject') === 'mcp-demo')
    ?.getString('options.token');
  if (!token) throw new Error('app-config.demo.yaml has no mcp-demo token');
  return {
    token,
    backend: {
      auth: { externalAccess },
      actions: config.getConfig('backend.actions').get(),
    },
    mcpActions: config.getConfig('mcpActions').get(),
  };
}

const productpage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'productpage',
      'backstage.io/kubernetes-namespace': 'bookinfo',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'bookinfo-team' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/bookinfo-team' }],
};

/**
 * The demo's MCP wiring, end to end: a real MCP client (the official TypeScript SDK, Streamable HTTP)
 * with the demo's static external-access token, against a backend running the MCP actions plugin, the
 * real actions registry and auth, the demo's permission policy and the istio-upgrade plugin on the
 * simulator's lab cluster.
 */
describe('the istio-upgrade actions over MCP', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let client: Client;
  let token: string;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({
      name: `istio-upgrade.${name}`,
      arguments: args,
    });
    if (result.isError) {
      throw new Error((result.content as any)[0]?.text ?? 'tool error');
    }
    return result.structuredContent as any;
  };

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    const demo = await demoMcpConfig();
    token = demo.token;
    backend = await startTestBackend({
      features: [
        mcpActionsPlugin,
        istioUpgradePlugin,
        permissionPlugin,
        istioDemoPolicyModule,
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        catalogServiceMock.factory({
          entities: [...setup.entities, productpage] as Entity[],
        }),
        mockServices.rootConfig.factory({
          data: {
            ...setup.config,
            app: { baseUrl: 'http://localhost:3000' },
            backend: demo.backend,
            mcpActions: demo.mcpActions,
            permission: {
              enabled: true,
              istioDemo: { platformGroup: 'group:default/platform-team' },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    client = new Client({ name: 'istio-upgrade-mcp-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${port}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
      ),
    );
  });

  afterAll(async () => {
    await client?.close();
    await backend?.stop();
    await simulator?.stop();
  });

  it('lists the istio-upgrade actions as tools with their hints', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(
      tools
        .filter(t => t.name.startsWith('istio-upgrade.'))
        .map(t => [t.name, t]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'istio-upgrade.get-istio-campaign-status',
      'istio-upgrade.get-istio-cluster-inventory',
      'istio-upgrade.get-istio-fleet-status',
      'istio-upgrade.get-sidecar-revisions',
      'istio-upgrade.get-upgrade-request',
      'istio-upgrade.plan-namespace-migration',
      'istio-upgrade.request-control-plane-install',
      'istio-upgrade.request-control-plane-removal',
      'istio-upgrade.request-gateway-cutover',
      'istio-upgrade.request-istio-campaign',
      'istio-upgrade.request-namespace-migration',
    ]);
    expect(
      byName['istio-upgrade.get-istio-fleet-status'].annotations,
    ).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(
      byName['istio-upgrade.request-namespace-migration'].annotations,
    ).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(
      byName['istio-upgrade.request-control-plane-removal'].annotations,
    ).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(
      byName['istio-upgrade.request-namespace-migration'].inputSchema,
    ).toMatchObject({
      required: expect.arrayContaining(['entityRef', 'cluster', 'revision']),
    });
    expect(
      byName['istio-upgrade.get-istio-campaign-status'].annotations,
    ).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(
      byName['istio-upgrade.request-istio-campaign'].annotations,
    ).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
    });
    expect(
      byName['istio-upgrade.request-istio-campaign'].inputSchema,
    ).toMatchObject({
      required: expect.arrayContaining(['name', 'targetVersion', 'rings']),
    });
  });

  it('reads the fleet, plans and requests a migration, and sees the request wait for approval', async () => {
    const fleet = await (async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const answer = await call('get-istio-fleet-status', {});
        if (answer.clusters[0]?.complete) return answer;
        if (Date.now() > deadline) throw new Error(JSON.stringify(answer));
        await new Promise(r => setTimeout(r, 300));
      }
    })();
    expect(fleet.clusters[0]).toMatchObject({
      name: 'seed',
      newestVersion: '1.10.4',
    });
    expect(fleet.clusters[0].revisions.map((r: any) => r.revision)).toEqual([
      '1-10-4',
      '1-9-7',
    ]);

    const migration = {
      entityRef: 'component:default/productpage',
      cluster: 'seed',
      revision: '1-10-4',
    };
    const plan = await call('plan-namespace-migration', migration);
    expect(plan).toMatchObject({
      namespace: 'bookinfo',
      prechecksPassed: true,
      podsInScope: 6,
      approvalRequired: true,
    });
    expect(plan.patches[0]).toMatchObject({
      kind: 'Namespace',
      name: 'bookinfo',
      patch: { metadata: { labels: { 'istio.io/rev': '1-10-4' } } },
    });

    // The static token reaches the plugin as the MCP plugin's service principal, never as a person.
    const request = await call('request-namespace-migration', {
      ...migration,
      comment: 'asked over MCP',
    });
    expect(request).toMatchObject({
      state: 'pending-approval',
      approvalRequired: true,
      requestedBy: 'plugin:mcp-actions',
      target: { namespace: 'bookinfo' },
      link: `http://localhost:3000/istio-upgrade?request=${request.id}`,
    });

    const read = await call('get-upgrade-request', { id: request.id });
    expect(read.state).toBe('pending-approval');
    expect(read.events.map((e: any) => e.type)).toEqual(['created']);
    const labels = JSON.parse(
      await simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    ).metadata.labels;
    expect(labels['istio-injection']).toBe('enabled');
  });

  it('refuses a cutover asked over MCP: the plugin wants a person for it', async () => {
    const result = await client.callTool({
      name: 'istio-upgrade.request-gateway-cutover',
      arguments: {
        cluster: 'seed',
        namespace: 'istio-gateways',
        service: 'istio-ingressgateway',
        revision: '1-10-4',
      },
    });
    expect(result.isError).toBe(true);
    expect((result.content as any)[0].text).toMatch(
      /^NotAllowedError: .*must be asked by a person/,
    );
  });

  it('reads the campaigns over MCP, and refuses a campaign asked over MCP: campaigns are steered by people', async () => {
    expect(await call('get-istio-campaign-status', {})).toEqual({
      campaigns: [],
      campaignsOmitted: 0,
    });
    const result = await client.callTool({
      name: 'istio-upgrade.request-istio-campaign',
      arguments: {
        name: 'seed to 1.10.4',
        targetVersion: '1.10.4',
        rings: [{ name: 'lab', clusters: ['seed'] }],
        dryRun: true,
      },
    });
    expect(result.isError).toBe(true);
    expect((result.content as any)[0].text).toMatch(
      /^NotAllowedError: .*campaigns are steered by people/,
    );
  });

  it('refuses a client without the token', async () => {
    const { port } = backend.server.address() as AddressInfo;
    const anonymous = new Client({ name: 'anonymous', version: '1.0.0' });
    await expect(
      anonymous.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://localhost:${port}/api/mcp-actions/v1`),
        ),
      ),
    ).rejects.toThrow(/401/);
  });
});
