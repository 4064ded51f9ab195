import { createHash } from 'node:crypto';
import { resourceTypes } from '../resourceTypes';
import {
  startTestSimulator,
  TestSimulator,
} from '../../testing/simulatorClient';

jest.setTimeout(120000);

const gvPath = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`;

describe('the OpenAPI v3 documents', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const discovery = async () =>
    JSON.parse((await t.request('GET', '/clusters/seed/openapi/v3')).text);

  it('lists every served group-version at a hashed URL under the cluster path', async () => {
    const root = await discovery();
    expect(Object.keys(root.paths).sort()).toEqual([
      'api/v1',
      'apis/admissionregistration.k8s.io/v1',
      'apis/apps/v1',
      'apis/autoscaling/v2',
      'apis/discovery.k8s.io/v1',
      'apis/gateway.networking.k8s.io/v1',
      'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/sailoperator.io/v1',
    ]);
    for (const [path, entry] of Object.entries<any>(root.paths)) {
      expect(entry.serverRelativeURL).toMatch(
        new RegExp(`^/clusters/seed/openapi/v3/${path}\\?hash=[0-9A-F]{128}$`),
      );
    }
    // The hash is the SHA-512 of the document, as the API server's ETag.
    const url = root.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await t.request('GET', url);
    expect(doc.status).toBe(200);
    expect(doc.headers['content-type']).toBe('application/json');
    expect(doc.headers['cache-control']).toBe('public, immutable');
    expect(doc.headers.etag).toBe(
      `"${createHash('sha512').update(doc.text).digest('hex').toUpperCase()}"`,
    );
    expect(url.endsWith(`hash=${JSON.parse(doc.headers.etag as string)}`)).toBe(
      true,
    );
    const stale = await t.request(
      'GET',
      '/clusters/seed/openapi/v3/apis/apps/v1?hash=0123',
    );
    expect(stale.status).toBe(301);
    expect(stale.headers.location).toBe(url);
    const unhashed = await t.request(
      'GET',
      '/clusters/seed/openapi/v3/apis/apps/v1',
    );
    expect(unhashed.headers['cache-control']).toBe('no-cache, private');
    expect(unhashed.text).toBe(doc.text);
    expect(
      (await t.request('GET', '/clusters/seed/openapi/v3/apis/batch/v1'))
        .status,
    ).toBe(404);
    expect(
      (
        await t.request('GET', '/clusters/seed/openapi/v3', undefined, {
          Accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf',
        })
      ).status,
    ).toBe(406);
    // No OpenAPI v2 (kubectl only falls back to it, and reads it as protobuf).
    expect((await t.request('GET', '/clusters/seed/openapi/v2')).status).toBe(
      404,
    );
    expect(
      (await t.request('GET', '/clusters/seed/openapi/v3', undefined, {}, ''))
        .status,
    ).toBe(401);
  });

  it('describes every served kind: PATCH with fieldValidation and the three patch types, and its schema', async () => {
    const root = await discovery();
    for (const rt of resourceTypes) {
      const res = await t.request(
        'GET',
        root.paths[gvPath(rt.group, rt.version)].serverRelativeURL,
      );
      const doc = res.body;
      const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
      const item = rt.namespaced
        ? `/${gvPath(rt.group, rt.version)}/namespaces/{namespace}/${
            rt.resource
          }/{name}`
        : `/${gvPath(rt.group, rt.version)}/${rt.resource}/{name}`;
      const patch = doc.paths[item].patch;
      expect(patch['x-kubernetes-group-version-kind']).toEqual(gvk);
      expect(patch['x-kubernetes-action']).toBe('patch');
      expect(patch.parameters.map((p: any) => `${p.in}:${p.name}`)).toEqual(
        expect.arrayContaining(['query:fieldValidation', 'query:dryRun']),
      );
      // No server-side apply: no application/apply-patch+yaml.
      expect(Object.keys(patch.requestBody.content).sort()).toEqual([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
      ]);
      const collection = item.slice(0, -'/{name}'.length);
      expect(
        doc.paths[collection].post.parameters.map((p: any) => p.name),
      ).toEqual(['dryRun', 'fieldManager', 'fieldValidation']);
      expect(doc.paths[item].put['x-kubernetes-group-version-kind']).toEqual(
        gvk,
      );
      const schemas = Object.values<any>(doc.components.schemas).filter(s =>
        (s['x-kubernetes-group-version-kind'] ?? []).some(
          (g: any) =>
            g.group === rt.group &&
            g.version === rt.version &&
            g.kind === rt.kind,
        ),
      );
      expect(schemas).toHaveLength(1);
      expect(schemas[0].properties.metadata.allOf[0].$ref).toBe(
        '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      );
      // Every reference resolves inside the document.
      for (const ref of res.text.match(/"\$ref":"[^"]+"/g) ?? []) {
        expect(
          doc.components.schemas[ref.split('/').pop()!.slice(0, -1)],
        ).toBeDefined();
      }
    }
  });

  it('carries the strategic merge metadata kubectl apply needs', async () => {
    const root = await discovery();
    const apps = await t.request(
      'GET',
      root.paths['apis/apps/v1'].serverRelativeURL,
    );
    const schemas = apps.body.components.schemas;
    for (const match of apps.text.match(/"\$ref":"[^"]+"/g) ?? []) {
      expect(schemas[match.split('/').pop()!.slice(0, -1)]).toBeDefined();
    }
    const podSpec = schemas['io.k8s.api.core.v1.PodSpec'].properties;
    expect(podSpec.containers).toMatchObject({
      type: 'array',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(podSpec.volumes).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge,retainKeys',
    });
    const container = schemas['io.k8s.api.core.v1.Container'].properties;
    expect(container.ports).toMatchObject({
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(container.env['x-kubernetes-patch-merge-key']).toBe('name');
    expect(
      schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy,
    ).toMatchObject({
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    expect(schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(
      apps.body.paths[
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'
      ].patch['x-kubernetes-group-version-kind'],
    ).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    // Shared meta types only name the groups the simulator serves.
    expect(
      schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'][
        'x-kubernetes-group-version-kind'
      ]
        .map((g: any) => g.group)
        .sort(),
    ).toEqual([
      '',
      'admissionregistration.k8s.io',
      'apps',
      'autoscaling',
      'discovery.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
    ]);
    const service = (
      await t.request('GET', root.paths['api/v1'].serverRelativeURL)
    ).body.components.schemas['io.k8s.api.core.v1.ServiceSpec'].properties;
    expect(service.ports['x-kubernetes-patch-merge-key']).toBe('port');
    expect(
      (await t.request('GET', '/clusters/seed/version')).body,
    ).toMatchObject({
      major: '1',
      minor: apps.body.info.version.split('.')[1],
    });
  });
});

describe('server-side field validation', () => {
  let t: TestSimulator;
  const configMaps = '/clusters/seed/api/v1/namespaces/nginx/configmaps';
  const json = { 'Content-Type': 'application/json' };

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const body = (name: string) =>
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","labels":{"a":"1","a":"2"},"bogus":1},"data":{"k":"v"},"extra":{"x":1}}`;

  it('refuses unknown and duplicate fields with Strict, in document order', async () => {
    const strict = await t.request(
      'POST',
      `${configMaps}?fieldValidation=Strict`,
      body('strict'),
      json,
    );
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({
      reason: 'BadRequest',
      code: 400,
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.labels.a", unknown field "metadata.bogus", unknown field "extra"',
    });
    const deployment = await t.request(
      'POST',
      '/clusters/seed/apis/apps/v1/namespaces/nginx/deployments?fieldValidation=Strict',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'typo' },
        spec: {
          selector: { matchLabels: { app: 'typo' } },
          template: {
            metadata: { labels: { app: 'typo' } },
            spec: {
              containers: [
                { name: 'c', image: 'i', env: [{ name: 'A', valu: '1' }] },
              ],
            },
          },
          replica: 2,
        },
      },
    );
    expect(deployment.body.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].env[0].valu", unknown field "spec.replica"',
    );
  });

  it('warns by default and with Warn, and drops the unknown fields from the stored object', async () => {
    for (const [name, query] of [
      ['warned', '?fieldValidation=Warn'],
      ['defaulted', ''],
    ]) {
      const res = await t.request(
        'POST',
        `${configMaps}${query}`,
        body(name),
        json,
      );
      expect(res.status).toBe(201);
      expect(res.warnings).toEqual([
        '299 - "duplicate field \\"metadata.labels.a\\""',
        '299 - "unknown field \\"metadata.bogus\\""',
        '299 - "unknown field \\"extra\\""',
      ]);
      expect(res.body.extra).toBeUndefined();
      expect(res.body.metadata.bogus).toBeUndefined();
      expect(res.body.metadata.labels).toEqual({ a: '2' });
      const stored = (await t.request('GET', `${configMaps}/${name}`)).body;
      expect(stored.extra).toBeUndefined();
      expect(stored.data).toEqual({ k: 'v' });
    }
    const ignored = await t.request(
      'POST',
      `${configMaps}?fieldValidation=Ignore`,
      body('ignored'),
      json,
    );
    expect(ignored.status).toBe(201);
    expect(ignored.warnings).toEqual([]);
    expect(ignored.body.extra).toBeUndefined();
  });

  it('warns on every request for v1 Endpoints, deprecated since Kubernetes 1.33', async () => {
    const deprecation =
      '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';
    const list = await t.request('GET', '/clusters/seed/api/v1/endpoints');
    expect(list.warnings).toEqual([deprecation]);
    const one = await t.request(
      'GET',
      '/clusters/seed/api/v1/namespaces/bookinfo/endpoints/productpage',
    );
    expect(one.status).toBe(200);
    expect(one.warnings).toEqual([deprecation]);
    const created = await t.request(
      'POST',
      '/clusters/seed/api/v1/namespaces/nginx/endpoints',
      { metadata: { name: 'manual' }, subsetz: [] },
    );
    expect(created.status).toBe(201);
    expect(created.warnings).toEqual([
      deprecation,
      '299 - "unknown field \\"subsetz\\""',
    ]);
    expect(
      (await t.request('GET', '/clusters/seed/api/v1/pods?limit=1')).warnings,
    ).toEqual([]);
  });

  it('refuses an unknown directive as the API server does', async () => {
    const res = await t.request(
      'POST',
      `${configMaps}?fieldValidation=Loose`,
      body('loose'),
      json,
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      message:
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
      details: {
        group: 'meta.k8s.io',
        kind: 'CreateOptions',
        causes: [
          {
            reason: 'FieldValueNotSupported',
            field: 'fieldValidation',
          },
        ],
      },
    });
    expect(res.body.details.name).toBeUndefined();
    const patch = await t.request(
      'PATCH',
      `${configMaps}/warned?fieldValidation=strict`,
      {},
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(patch.body.message).toMatch(
      /^PatchOptions\.meta\.k8s\.io "" is invalid/,
    );
  });

  it('validates updates and the result of patches', async () => {
    const current = (await t.request('GET', `${configMaps}/warned`)).body;
    const put = await t.request(
      'PUT',
      `${configMaps}/warned?fieldValidation=Strict`,
      { ...current, spec: { x: 1 } },
    );
    expect(put.status).toBe(400);
    expect(put.body.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"',
    );

    const merge = await t.request(
      'PATCH',
      `${configMaps}/warned?fieldValidation=Strict`,
      '{"data":{"a":"1","a":"2"},"zzz":1}',
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(merge.status).toBe(422);
    expect(merge.body.reason).toBe('Invalid');
    expect(merge.body.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: duplicate field "data\.a", unknown field "zzz"$/,
    );
    expect(merge.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'patch',
        message: merge.body.message.slice(' "" is invalid: patch: '.length),
      },
    ]);

    const strategic = await t.request(
      'PATCH',
      `${configMaps}/warned?fieldValidation=Strict`,
      { spec: { x: 1 }, metadata: { zzz: 1, labels: { b: '1' } } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(strategic.body.message).toBe(
      ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:map[b:1] zzz:1] spec:map[x:1]]": strict decoding error: unknown field "metadata.zzz", unknown field "spec"',
    );

    const jsonPatch = await t.request(
      'PATCH',
      `${configMaps}/warned?fieldValidation=Strict`,
      '[{"op":"add","path":"/data/b","value":"2","extra":1,"op":"add"}]',
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(jsonPatch.status).toBe(422);
    expect(jsonPatch.body.message).toMatch(
      /strict decoding error: json patch unknown field "\[0\]\.extra", json patch duplicate field "\[0\]\.op"$/,
    );

    const warned = await t.request(
      'PATCH',
      `${configMaps}/warned`,
      { data: { b: '2' }, spec: { x: 1 } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(warned.status).toBe(200);
    expect(warned.warnings).toEqual(['299 - "unknown field \\"spec\\""']);
    expect(warned.body.spec).toBeUndefined();
    expect(warned.body.data).toEqual({ k: 'v', b: '2' });

    const scale = await t.request(
      'PATCH',
      '/clusters/seed/apis/apps/v1/namespaces/nginx/deployments/nginx/scale?fieldValidation=Strict',
      { spec: { replicas: 2, surge: 1 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(scale.status).toBe(422);
    expect(scale.body.message).toContain(
      'strict decoding error: unknown field "spec.surge"',
    );
  });
});
