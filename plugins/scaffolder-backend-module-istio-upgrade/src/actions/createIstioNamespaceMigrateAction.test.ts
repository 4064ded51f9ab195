import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_BASE_URL,
  CAROL,
  DAVE,
  startIstioUpgradeTestBackend,
} from '../__testUtils__/istioUpgradeTestBackend';
import { createIstioNamespaceMigrateAction } from './createIstioNamespaceMigrateAction';

jest.setTimeout(120_000);

describe('istio:namespace:migrate', () => {
  let backend: Awaited<ReturnType<typeof startIstioUpgradeTestBackend>>;
  let action: ReturnType<typeof createIstioNamespaceMigrateAction>;

  beforeAll(async () => {
    backend = await startIstioUpgradeTestBackend();
    action = createIstioNamespaceMigrateAction({
      // The mock auth service issues the tokens the test backend's mock httpAuth accepts.
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: backend.discovery,
      appBaseUrl: APP_BASE_URL,
      pollIntervalMs: 100,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  /** A task step's context, as the scaffolder gives it, with its log and outputs captured. */
  // Built here: createMockActionContext's package has no release for Backstage 1.55 (its newest needs plugin-scaffolder-node 0.13; 1.55 has 1.0.0).
  function taskContext(
    input: Record<string, unknown>,
    initiator: BackstageCredentials,
    extra: { isDryRun?: boolean } = {},
  ) {
    const log: string[] = [];
    const outputs: Record<string, unknown> = {};
    const logger = mockServices.logger.mock({
      info: (message: string) => void log.push(message),
      warn: (message: string) => void log.push(`WARN ${message}`),
    });
    logger.child.mockReturnValue(logger);
    const workspacePath = mkdtempSync(join(tmpdir(), 'istio-migrate-'));
    return {
      log,
      outputs,
      context: {
        input,
        logger,
        workspacePath,
        secrets: {},
        task: { id: `task-${Math.random().toString(36).slice(2)}` },
        step: { id: 'migrate', name: 'Move the namespace' },
        checkpoint: async ({ fn }: { fn: () => Promise<any> }) => fn(),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
        createTemporaryDirectory: async () => workspacePath,
        getInitiatorCredentials: async () => initiator,
        ...extra,
      } as unknown as Parameters<typeof action.handler>[0],
    };
  }

  it("migrates an owner's namespace to a succeeded request, logging its progress", async () => {
    const { context, log, outputs } = taskContext(
      {
        entityRef: 'component:default/productpage',
        cluster: 'seed',
        revision: '1-10-4',
        comment: 'from a template',
      },
      mockCredentials.user(CAROL),
    );
    await action.handler(context);

    expect(outputs).toEqual({
      namespace: 'bookinfo',
      requestId: expect.any(String),
      link: `${APP_BASE_URL}/istio-upgrade?request=${outputs.requestId}`,
      state: 'succeeded',
    });
    expect(log[0]).toMatch(/^Move namespace bookinfo from 1-9-7/);
    expect(log).toContain(
      'No approval needed: asked by an owner of component:default/productpage',
    );
    expect(log.filter(l => l.startsWith('cluster-write: '))).toHaveLength(7);
    expect(log.filter(l => l.startsWith('Progress: ')).pop()).toMatch(
      /^Progress: 6\/6 pods on 1-10-4/,
    );
    expect(log[log.length - 1]).toBe(
      'Namespace bookinfo of seed runs 1-10-4: 6/6 pods moved',
    );

    const pods = JSON.parse(
      await backend.simulator.kubectl([
        'get',
        'pods',
        '-n',
        'bookinfo',
        '-o',
        'json',
      ]),
    ).items;
    expect(
      pods.map(
        (p: any) =>
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
      ),
    ).toEqual(Array(6).fill('1-10-4'));
  });

  it("asks with the initiator's identity: someone who may not migrate the entity is refused, and nothing is stored", async () => {
    const { context, outputs } = taskContext(
      { entityRef: 'nginx', cluster: 'seed', revision: '1-10-4' },
      mockCredentials.user(DAVE),
    );
    await expect(action.handler(context)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed: you may not migrate namespaces of component:default/nginx',
    });
    expect(outputs.requestId).toBeUndefined();
  });

  it('leaves a request from a service waiting for approval, and can end without waiting', async () => {
    const { context, outputs, log } = taskContext(
      {
        entityRef: 'nginx',
        cluster: 'seed',
        revision: '1-10-4',
        waitForCompletion: false,
      },
      mockCredentials.service('plugin:scaffolder'),
    );
    await action.handler(context);
    expect(outputs).toMatchObject({
      namespace: 'nginx',
      state: 'pending-approval',
      requestId: expect.any(String),
    });
    expect(log).toContain(
      'The request will wait for approval: asked by service plugin:scaffolder: a person must approve',
    );
  });

  it('plans only in a dry run', async () => {
    const { context, outputs, log } = taskContext(
      { entityRef: 'nginx', cluster: 'seed', revision: '1-10-4' },
      mockCredentials.user(CAROL),
      { isDryRun: true },
    );
    await action.handler(context);
    expect(outputs.requestId).toBeUndefined();
    expect(log[log.length - 1]).toBe('Dry run: nothing was requested');
  });

  it('says where the entity runs when the chosen cluster is not one of them', async () => {
    const { context } = taskContext(
      { entityRef: 'productpage', cluster: 'prod-eu', revision: '1-10-4' },
      mockCredentials.user(CAROL),
    );
    await expect(action.handler(context)).rejects.toMatchObject({
      name: 'InputError',
      message:
        'component:default/productpage has no workloads in cluster prod-eu (it runs in seed)',
    });
  });
});
