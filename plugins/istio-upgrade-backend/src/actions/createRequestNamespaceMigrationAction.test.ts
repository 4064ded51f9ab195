import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  APP_BASE_URL,
  CAROL,
  credentialsOf,
  DAVE,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

describe('request-namespace-migration', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a destructive, non-idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'request-namespace-migration',
    );
    expect(action.attributes).toEqual({
      readOnly: false,
      idempotent: false,
      destructive: true,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it("holds a service principal's migration for a person's approval, and touches nothing meanwhile", async () => {
    const request = await backend.invoke(
      'request-namespace-migration',
      {
        entityRef: 'productpage',
        cluster: 'seed',
        revision: '1-10-4',
        comment: 'asked from an assistant',
        idempotencyKey: 'assistant-bookinfo-1',
      },
      credentialsOf(MCP_SERVICE),
    );
    expect(request).toMatchObject({
      type: 'namespace-migration',
      state: 'pending-approval',
      cluster: 'seed',
      target: { namespace: 'bookinfo' },
      revision: '1-10-4',
      entityRef: 'component:default/productpage',
      requestedBy: MCP_SERVICE,
      approvalRequired: true,
      approvalReason: expect.stringContaining('a person must approve'),
      link: `${APP_BASE_URL}/istio-upgrade?request=${request.id}`,
    });
    expect(request.next).toMatch(/waits for a person/);
    expect(request.allowedActions).not.toContain('approve');

    // Asking again with the same key and input is the same request, not a second one.
    const again = await backend.invoke(
      'request-namespace-migration',
      {
        entityRef: 'productpage',
        cluster: 'seed',
        revision: '1-10-4',
        comment: 'asked from an assistant',
        idempotencyKey: 'assistant-bookinfo-1',
      },
      credentialsOf(MCP_SERVICE),
    );
    expect(again.id).toBe(request.id);
    // The same key for something else is refused, however the request stands.
    await expect(
      backend.invoke(
        'request-namespace-migration',
        {
          entityRef: 'productpage',
          cluster: 'seed',
          revision: '1-9-7',
          idempotencyKey: 'assistant-bookinfo-1',
        },
        credentialsOf(MCP_SERVICE),
      ),
    ).rejects.toMatchObject({ name: 'IdempotencyKeyReusedError' });

    // Another request for the same namespace conflicts with the waiting one.
    await expect(
      backend.invoke(
        'request-namespace-migration',
        { entityRef: 'productpage', cluster: 'seed', revision: '1-10-4' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });

    const read = await backend.invoke(
      'get-upgrade-request',
      { id: request.id },
      credentialsOf(CAROL),
    );
    expect(read.state).toBe('pending-approval');
    const labels = JSON.parse(
      await backend.simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    ).metadata.labels;
    expect(labels['istio-injection']).toBe('enabled');
  });

  it("runs an owner's migration at once, to every pod on the new revision", async () => {
    const request = await backend.invoke(
      'request-namespace-migration',
      {
        entityRef: 'component:default/nginx',
        cluster: 'seed',
        revision: '1-10-4',
      },
      credentialsOf(CAROL),
    );
    expect(request).toMatchObject({
      state: 'approved',
      approvalRequired: false,
      requestedBy: CAROL,
      target: { namespace: 'nginx' },
    });
    const ended = await backend.settle(request.id);
    expect(ended.state).toBe('succeeded');
    expect(ended.progress.podsMigrated).toBe(ended.progress.podsInScope);

    const pods = JSON.parse(
      await backend.simulator.kubectl([
        'get',
        'pods',
        '-n',
        'nginx',
        '-o',
        'json',
      ]),
    ).items;
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
          .revision,
      ).toBe('1-10-4');
    }
  });

  it('authorizes per entity with the caller: a non-owner without the permission is refused', async () => {
    await expect(
      backend.invoke(
        'request-namespace-migration',
        { entityRef: 'nginx', cluster: 'seed', revision: '1-9-7' },
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('component:default/nginx'),
    });
  });

  it('refuses a request whose prechecks fail, with the reasons', async () => {
    await expect(
      backend.invoke(
        'request-namespace-migration',
        { entityRef: 'nginx', cluster: 'seed', revision: '1-99-0' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^Prechecks failed/),
    });
  });
});
