import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from './patches';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { resourceTypeNamed } from './resourceTypes';

describe('patches', () => {
  const deployment = {
    metadata: { labels: { app: 'a', tier: 'web' } },
    spec: {
      template: {
        metadata: { annotations: { keep: 'yes' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 8080 }],
            },
            { name: 'istio-proxy', image: 'proxyv2:1.9.7' },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };

  it('merge patch merges maps, removes with null and replaces lists', () => {
    const out: any = applyMergePatch(deployment, {
      metadata: { labels: { tier: null, new: 'x' } },
      spec: { template: { spec: { volumes: [] } } },
    });
    expect(out.metadata.labels).toEqual({ app: 'a', new: 'x' });
    expect(out.spec.template.spec.volumes).toEqual([]);
    expect(out.spec.template.spec.containers).toHaveLength(2);
    expect(deployment.metadata.labels.tier).toBe('web');
  });

  it('strategic merge patch merges containers, env and ports by key, as kubectl rollout restart needs', () => {
    const out: any = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
            },
          },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:2',
                env: [
                  { name: 'B', value: '3' },
                  { name: 'C', value: '4' },
                ],
                ports: [{ containerPort: 9090 }],
              },
            ],
          },
        },
      },
    });
    expect(out.spec.template.metadata.annotations).toEqual({
      keep: 'yes',
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
    });
    const [app, proxy] = out.spec.template.spec.containers;
    expect(app.image).toBe('app:2');
    expect(app.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
    expect(app.ports.map((p: any) => p.containerPort)).toEqual([8080, 9090]);
    expect(proxy.image).toBe('proxyv2:1.9.7');
  });

  it('strategic merge patch honours $patch delete and replace and $deleteFromPrimitiveList', () => {
    const out: any = applyStrategicMergePatch(
      {
        ...deployment,
        metadata: { ...deployment.metadata, finalizers: ['a', 'b'] },
      },
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: {
          template: {
            spec: {
              containers: [{ name: 'istio-proxy', $patch: 'delete' }],
              volumes: [{ $patch: 'replace' }],
            },
          },
        },
      },
    );
    expect(out.metadata.finalizers).toEqual(['b']);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'app',
    ]);
    const replaced: any = applyStrategicMergePatch(deployment, {
      metadata: { labels: { $patch: 'replace', only: 'this' } },
    });
    expect(replaced.metadata.labels).toEqual({ only: 'this' });
  });

  it('strategic merge patch merges Service ports by port', () => {
    const svc = {
      spec: {
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    };
    const out: any = applyStrategicMergePatch(svc, {
      spec: { ports: [{ port: 80, targetPort: 9090 }] },
    });
    expect(out.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 9090 },
      { name: 'https', port: 443, targetPort: 8443 },
    ]);
  });

  it('JSON patch applies operations and answers 422 when a test fails', () => {
    const out = applyJsonPatch(deployment, [
      { op: 'replace', path: '/metadata/labels/app', value: 'b' },
    ]);
    expect(out.metadata.labels.app).toBe('b');
    expect(() =>
      applyJsonPatch(deployment, [
        { op: 'test', path: '/metadata/labels/app', value: 'zzz' },
      ]),
    ).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => applyJsonPatch(deployment, { op: 'add' })).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});

describe('selectors', () => {
  it('parses equality and set-based label selectors', () => {
    const match = parseLabelSelector('app in (a, b),tier!=db,!legacy,version')!;
    expect(match({ app: 'a', tier: 'web', version: 'v1' })).toBe(true);
    expect(match({ app: 'c', version: 'v1' })).toBe(false);
    expect(match({ app: 'a', tier: 'db', version: 'v1' })).toBe(false);
    expect(match({ app: 'a', legacy: 'x', version: 'v1' })).toBe(false);
    expect(match({ app: 'b' })).toBe(false);
    expect(() => parseLabelSelector('app in (a')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });

  it('parses field selectors on the indexed fields only', () => {
    const pods = resourceTypeNamed('pods');
    const match = parseFieldSelector(
      'status.phase=Running,metadata.name!=x',
      pods,
    )!;
    expect(
      match({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'y' } as any,
        status: { phase: 'Running' },
      }),
    ).toBe(true);
    expect(() => parseFieldSelector('spec.hostname=x', pods)).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});
