import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  CAROL,
  credentialsOf,
  DAVE,
  MALLORY,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

const BOOKINFO_TO_1_10_4 = {
  entityRef: 'component:default/productpage',
  cluster: 'seed',
  revision: '1-10-4',
};

describe('plan-namespace-migration', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent dry run behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'plan-namespace-migration',
    );
    expect(action.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it("returns the exact patches, waves and prechecks for the entity's namespace, and changes nothing", async () => {
    const plan = await backend.invoke(
      'plan-namespace-migration',
      BOOKINFO_TO_1_10_4,
      credentialsOf(CAROL),
    );
    expect(plan).toMatchObject({
      entityRef: 'component:default/productpage',
      cluster: 'seed',
      namespace: 'bookinfo',
      revision: '1-10-4',
      fromRevision: '1-9-7',
      toRevision: '1-10-4',
      podsInScope: 6,
      prechecksPassed: true,
      approvalRequired: false,
      patchesOmitted: 0,
    });
    expect(plan.patches[0]).toEqual({
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: 'bookinfo',
      patchType: 'merge',
      patch: {
        metadata: {
          labels: { 'istio.io/rev': '1-10-4', 'istio-injection': null },
        },
      },
    });
    expect(plan.patches.slice(1)).toHaveLength(6);
    expect(plan.patches[1]).toMatchObject({
      step: 'restart-wave-1',
      kind: 'Deployment',
      namespace: 'bookinfo',
      patchType: 'strategic-merge',
    });
    expect(plan.rollbackPatches[0]).toMatchObject({
      step: 'relabel-namespace',
      patch: {
        metadata: { labels: { 'istio-injection': 'enabled' } },
      },
    });
    expect(plan.waves).toHaveLength(2);
    expect(plan.next).toMatch(/request-namespace-migration/);

    const labels = JSON.parse(
      await backend.simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    ).metadata.labels;
    expect(labels['istio-injection']).toBe('enabled');
    expect(labels['istio.io/rev']).toBeUndefined();
  });

  it("tells a service principal that its request would wait for a person's approval", async () => {
    const plan = await backend.invoke(
      'plan-namespace-migration',
      BOOKINFO_TO_1_10_4,
      credentialsOf(MCP_SERVICE),
    );
    expect(plan).toMatchObject({
      prechecksPassed: true,
      approvalRequired: true,
      approvalReason: expect.stringContaining(MCP_SERVICE),
    });
    expect(plan.next).toMatch(/wait for a person/);
  });

  it("shows failed prechecks instead of a request's refusal", async () => {
    const plan = await backend.invoke(
      'plan-namespace-migration',
      { ...BOOKINFO_TO_1_10_4, revision: '1-99-0' },
      credentialsOf(CAROL),
    );
    expect(plan.prechecksPassed).toBe(false);
    expect(plan.prechecks).toContainEqual(
      expect.objectContaining({ status: 'fail' }),
    );
    expect(plan.next).toMatch(/^A request would be refused/);
  });

  it('authorizes against the entity: someone who may not migrate it is refused', async () => {
    await expect(
      backend.invoke(
        'plan-namespace-migration',
        BOOKINFO_TO_1_10_4,
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('component:default/productpage'),
    });
    await expect(
      backend.invoke(
        'plan-namespace-migration',
        BOOKINFO_TO_1_10_4,
        credentialsOf(MALLORY),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it("refuses a namespace where the entity's workloads do not run", async () => {
    await expect(
      backend.invoke(
        'plan-namespace-migration',
        { ...BOOKINFO_TO_1_10_4, namespace: 'nginx' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('it runs in bookinfo'),
    });
  });

  it('refuses a revision name with dots before reading anything', async () => {
    await expect(
      backend.invoke(
        'plan-namespace-migration',
        { ...BOOKINFO_TO_1_10_4, revision: '1.10.4' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
