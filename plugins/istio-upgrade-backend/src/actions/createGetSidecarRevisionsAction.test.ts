import { Entity } from '@backstage/catalog-model';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  credentialsOf,
  DAVE,
  MALLORY,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

const WEBSITE: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website', namespace: 'default' },
  spec: {
    type: 'website',
    lifecycle: 'production',
    owner: 'group:default/web',
  },
};

describe('get-sidecar-revisions', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend({ entities: [WEBSITE] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'get-sidecar-revisions',
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

  it("shows the revision each of a service's workloads runs and where its namespace may move", async () => {
    const view = await backend.invoke(
      'get-sidecar-revisions',
      { entityRef: 'productpage' },
      credentialsOf(DAVE),
    );
    expect(view).toMatchObject({
      entityRef: 'component:default/productpage',
      selector: 'backstage.io/kubernetes-id=productpage',
      namespace: 'bookinfo',
    });
    expect(view.clusters).toHaveLength(1);
    const [seed] = view.clusters;
    expect(seed.workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        namespace: 'bookinfo',
        name: 'productpage-v1',
        podsByRevision: [{ revision: '1-9-7', version: '1.9.7', pods: 1 }],
        podsNeedingRestart: 0,
      }),
    ]);
    expect(seed.namespaces).toEqual([
      expect.objectContaining({
        name: 'bookinfo',
        injectionMode: 'legacy',
        desiredRevision: '1-9-7',
      }),
    ]);
    expect(seed.namespaces[0].targets).toContainEqual(
      expect.objectContaining({ revision: '1-10-4', verdict: 'allowed' }),
    );
  });

  it('answers an entity that names no workloads with no clusters', async () => {
    const view = await backend.invoke(
      'get-sidecar-revisions',
      { entityRef: 'component:default/website' },
      credentialsOf(MCP_SERVICE),
    );
    expect(view).toEqual({
      entityRef: 'component:default/website',
      selector: '',
      clusters: [],
    });
  });

  it('answers NotFoundError for an entity the catalog does not have, InputError for a malformed ref', async () => {
    await expect(
      backend.invoke(
        'get-sidecar-revisions',
        { entityRef: 'component:default/nope' },
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      backend.invoke(
        'get-sidecar-revisions',
        { entityRef: 'component:default/' },
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('refuses a caller who may not read the inventory', async () => {
    await expect(
      backend.invoke(
        'get-sidecar-revisions',
        { entityRef: 'productpage' },
        credentialsOf(MALLORY),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
