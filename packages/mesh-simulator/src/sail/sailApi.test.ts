import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';
import { writeSailTestScenario } from './sailTestScenario';

jest.setTimeout(120000);

const group = '/clusters/sail/apis/sailoperator.io/v1';
const merge = { 'Content-Type': 'application/merge-patch+json' };

describe("Sail's CRDs served as the API server serves them", () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      scenarios: [writeSailTestScenario()],
      speed: 20,
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('lists Istio, IstioRevision and IstioRevisionTag in discovery, cluster-scoped with status', async () => {
    const groups = (await t.request('GET', '/clusters/sail/apis')).body;
    expect(groups.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'sailoperator.io',
          preferredVersion: {
            groupVersion: 'sailoperator.io/v1',
            version: 'v1',
          },
        }),
      ]),
    );
    const resources = (await t.request('GET', group)).body.resources;
    expect(resources.map((r: any) => r.name)).toEqual([
      'istios',
      'istios/status',
      'istiorevisions',
      'istiorevisions/status',
      'istiorevisiontags',
      'istiorevisiontags/status',
    ]);
    expect(resources[2]).toEqual(
      expect.objectContaining({
        kind: 'IstioRevision',
        namespaced: false,
        shortNames: ['istiorev'],
        categories: ['istio-io'],
        singularName: 'istiorevision',
      }),
    );
    expect(resources[4].shortNames).toEqual(['istiorevtag']);
    const openapi = (
      await t.request(
        'GET',
        '/clusters/sail/openapi/v3/apis/sailoperator.io/v1',
      )
    ).body;
    expect(Object.keys(openapi.components.schemas)).toEqual(
      expect.arrayContaining([
        'io.sailoperator.v1.Istio',
        'io.sailoperator.v1.IstioRevision',
        'io.sailoperator.v1.IstioRevisionTag',
      ]),
    );
  });

  it('lists and watches Istio objects', async () => {
    const list = (await t.request('GET', `${group}/istios`)).body;
    expect(list.kind).toBe('IstioList');
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(['default']);
    const watch = await t.request(
      'GET',
      `${group}/istiorevisions?watch=true&timeoutSeconds=1&resourceVersion=0`,
    );
    const events = watch.text
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'default-v1-29-6'],
      ['ADDED', 'default-v1-30-4'],
    ]);
  });

  it("prints the CRDs' columns for kubectl get", async () => {
    const table = async (resource: string) =>
      (
        await t.request('GET', `${group}/${resource}`, undefined, {
          Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        })
      ).body;
    const istios = await table('istios');
    expect(istios.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Namespace',
      'Profile',
      'Revisions',
      'Ready',
      'In use',
      'Active Revision',
      'Status',
      'Version',
      'Age',
    ]);
    expect(istios.rows[0].cells.slice(0, -1)).toEqual([
      'default',
      'istio-system',
      null,
      '2',
      '2',
      '2',
      'default-v1-30-4',
      'Healthy',
      'v1.30.4',
    ]);
    expect(istios.rows[0].cells.at(-1)).toMatch(/^\d+[smh]/);
    const tags = await table('istiorevisiontags');
    expect(tags.rows.map((r: any) => r.cells.slice(0, 4))).toEqual([
      ['canary', 'NotReferencedByAnything', 'False', 'default-v1-30-4'],
      ['prod', 'Healthy', 'True', 'default-v1-29-6'],
    ]);
  });

  it("applies the CRD's defaults: an Istio without spec is v1.31.0 in istio-system, InPlace", async () => {
    const created = await t.request('POST', `${group}/istios?dryRun=All`, {
      apiVersion: 'sailoperator.io/v1',
      kind: 'Istio',
      metadata: { name: 'x' },
    });
    expect(created.status).toBe(201);
    expect(created.body.spec).toEqual({
      namespace: 'istio-system',
      updateStrategy: { type: 'InPlace' },
      version: 'v1.31.0',
    });
  });

  const rejected = async (kind: string, resource: string, body: object) => {
    const res = await t.request('POST', `${group}/${resource}`, {
      apiVersion: 'sailoperator.io/v1',
      kind,
      metadata: { name: 'bad' },
      ...body,
    });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    return res.body;
  };

  it('answers 422 for specs the schema refuses, in the API server words', async () => {
    const strategy = await rejected('Istio', 'istios', {
      spec: { version: 'v1.30.4', updateStrategy: { type: 'Canary' } },
    });
    expect(strategy.message).toBe(
      'Istio.sailoperator.io "bad" is invalid: spec.updateStrategy.type: Unsupported value: "Canary": supported values: "InPlace", "RevisionBased"',
    );
    expect(strategy.details.causes).toEqual([
      {
        reason: 'FieldValueNotSupported',
        message:
          'Unsupported value: "Canary": supported values: "InPlace", "RevisionBased"',
        field: 'spec.updateStrategy.type',
      },
    ]);

    const grace = await rejected('Istio', 'istios', {
      spec: {
        version: 'v1.30.4',
        updateStrategy: { inactiveRevisionDeletionGracePeriodSeconds: -1 },
      },
    });
    expect(grace.message).toBe(
      'Istio.sailoperator.io "bad" is invalid: spec.updateStrategy.inactiveRevisionDeletionGracePeriodSeconds: Invalid value: -1: spec.updateStrategy.inactiveRevisionDeletionGracePeriodSeconds in body should be greater than or equal to 0',
    );

    const version = await rejected('Istio', 'istios', {
      spec: { version: '1.30.4' },
    });
    expect(version.details.causes[0]).toMatchObject({
      reason: 'FieldValueNotSupported',
      field: 'spec.version',
    });

    const namespace = await rejected('Istio', 'istios', {
      spec: {
        version: 'v1.30.4',
        values: { global: { istioNamespace: 'elsewhere' } },
      },
    });
    expect(namespace.message).toBe(
      'Istio.sailoperator.io "bad" is invalid: spec: Invalid value: "object": spec.values.global.istioNamespace must match spec.namespace',
    );

    const tag = await rejected('IstioRevisionTag', 'istiorevisiontags', {
      spec: {},
    });
    expect(tag.message).toBe(
      'IstioRevisionTag.sailoperator.io "bad" is invalid: spec.targetRef: Required value',
    );
    const kind = await rejected('IstioRevisionTag', 'istiorevisiontags', {
      spec: { targetRef: { kind: 'Gateway', name: '' } },
    });
    expect(kind.details.causes.map((c: any) => c.field)).toEqual([
      'spec.targetRef.kind',
      'spec.targetRef.name',
    ]);

    const revision = await rejected('IstioRevision', 'istiorevisions', {
      spec: {
        version: 'v1.30.4',
        namespace: 'istio-system',
        values: {
          revision: 'other',
          global: { istioNamespace: 'istio-system' },
        },
      },
    });
    expect(revision.message).toBe(
      `IstioRevision.sailoperator.io "bad" is invalid: <nil>: Invalid value: "object": spec.values.revision must match metadata.name or be empty when the name is 'default'`,
    );
  });

  it("refuses to move an Istio's namespace (a transition rule)", async () => {
    const res = await t.request(
      'PATCH',
      `${group}/istios/default`,
      { spec: { namespace: 'other' } },
      merge,
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Istio.sailoperator.io "default" is invalid: spec.namespace: Invalid value: "string": Value is immutable',
    );
  });
});
