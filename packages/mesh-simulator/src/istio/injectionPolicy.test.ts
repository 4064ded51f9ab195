import { resourceTypeNamed } from '../api/resourceTypes';
import { ObjectStore } from '../store/objectStore';
import { KubeObject } from '../store/kubeObject';
import { ControlPlanes } from './controlPlanes';
import { decideInjection } from './injectionPolicy';
import { injectorWebhook, tagWebhook } from './injectionWebhooks';
import { istiodObjects } from './istiodObjects';
import { proxyWithinSkew } from './istioVersions';
import { resolveInjection } from './sidecarInjector';

const tags =
  (...names: string[]) =>
  (tag: string) =>
    names.includes(tag);

describe('decideInjection', () => {
  it.each([
    [
      'istio-injection=enabled wins over istio.io/rev',
      {},
      { 'istio-injection': 'enabled', 'istio.io/rev': '1-10-4' },
      {
        via: 'default',
        name: 'default',
        webhook: 'namespace.sidecar-injector.istio.io',
      },
    ],
    [
      'namespace revision label names a tag',
      {},
      { 'istio.io/rev': 'prod' },
      {
        via: 'tag',
        name: 'prod',
        webhook: 'rev.namespace.sidecar-injector.istio.io',
      },
    ],
    [
      'namespace revision label names a revision',
      {},
      { 'istio.io/rev': '1-10-4' },
      {
        via: 'revision',
        name: '1-10-4',
        webhook: 'rev.namespace.sidecar-injector.istio.io',
      },
    ],
    [
      'namespace label beats the pod label',
      { 'istio.io/rev': 'canary' },
      { 'istio.io/rev': '1-10-4' },
      { via: 'revision', name: '1-10-4' },
    ],
    [
      'pod revision label in an unlabelled namespace',
      { 'istio.io/rev': 'canary' },
      {},
      {
        via: 'tag',
        name: 'canary',
        webhook: 'rev.object.sidecar-injector.istio.io',
      },
    ],
    [
      'pod inject=true in an unlabelled namespace uses the default injector',
      { 'sidecar.istio.io/inject': 'true' },
      {},
      { via: 'default', webhook: 'object.sidecar-injector.istio.io' },
    ],
  ])('%s', (_title, pod, ns, expected) => {
    expect(
      decideInjection(pod, ns, tags('prod', 'canary', 'default')),
    ).toMatchObject({ inject: true, ...expected });
  });

  it.each([
    [
      'pod opt-out',
      { 'sidecar.istio.io/inject': 'false' },
      { 'istio-injection': 'enabled' },
    ],
    [
      'namespace disabled',
      { 'sidecar.istio.io/inject': 'true' },
      { 'istio-injection': 'disabled', 'istio.io/rev': '1-10-4' },
    ],
    [
      'ambient namespace',
      {},
      { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'prod' },
    ],
    ['no label at all', { app: 'x' }, {}],
  ])('does not inject: %s', (_title, pod, ns) => {
    expect(decideInjection(pod, ns, tags('prod')).inject).toBe(false);
  });
});

describe('resolveInjection', () => {
  const deployments = resourceTypeNamed('deployments');
  const pods = resourceTypeNamed('pods');
  const webhooks = resourceTypeNamed('mutatingwebhookconfigurations');

  function cluster(readyRevisions: string[]) {
    const store = new ObjectStore(100, () => new Date());
    for (const [rev, version] of [
      ['1-9-7', '1.9.7'],
      ['1-10-4', '1.10.4'],
    ]) {
      store.create(deployments, istiodObjects(rev, version)[0]);
      store.create(webhooks, injectorWebhook(rev, version));
      if (readyRevisions.includes(rev)) {
        store.create(pods, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `istiod-${rev}-x`,
            namespace: 'istio-system',
            labels: { app: 'istiod', 'istio.io/rev': rev },
          } as unknown as KubeObject['metadata'],
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        });
      }
    }
    return { store, planes: new ControlPlanes(store) };
  }

  it('follows the tag webhook to the istiod it calls, at that moment', () => {
    const { store, planes } = cluster(['1-9-7', '1-10-4']);
    store.create(webhooks, tagWebhook('default', '1-9-7', '1.9.7'));
    expect(
      resolveInjection(planes, {}, { 'istio-injection': 'enabled' }),
    ).toEqual({ inject: true, revision: '1-9-7', version: '1.9.7' });
    const moved = tagWebhook('default', '1-10-4', '1.10.4');
    const current = store.get(
      webhooks,
      undefined,
      'istio-revision-tag-default',
    )!;
    store.replace(webhooks, {
      ...current,
      webhooks: moved.webhooks,
      metadata: { ...current.metadata, labels: moved.metadata.labels },
    });
    expect(
      resolveInjection(planes, {}, { 'istio-injection': 'enabled' }),
    ).toEqual({ inject: true, revision: '1-10-4', version: '1.10.4' });
  });

  it('carries a broken release of istiod (proxy-failure annotation) into the proxies it injects', () => {
    const { store, planes } = cluster(['1-9-7', '1-10-4']);
    const istiod = store.get(deployments, 'istio-system', 'istiod-1-10-4')!;
    store.replace(deployments, {
      ...istiod,
      metadata: {
        ...istiod.metadata,
        annotations: {
          ...istiod.metadata.annotations,
          'mesh-sim.dev/proxy-failure': 'never-ready',
        },
      },
    });
    expect(resolveInjection(planes, {}, { 'istio.io/rev': '1-10-4' })).toEqual({
      inject: true,
      revision: '1-10-4',
      version: '1.10.4',
      proxyFailure: 'never-ready',
    });
    expect(resolveInjection(planes, {}, { 'istio.io/rev': '1-9-7' })).toEqual({
      inject: true,
      revision: '1-9-7',
      version: '1.9.7',
    });
  });

  it('admits a pod no webhook matches without a sidecar (no default tag, no revision named default)', () => {
    const { planes } = cluster(['1-9-7']);
    expect(
      resolveInjection(planes, {}, { 'istio-injection': 'enabled' }),
    ).toEqual({ inject: false });
    expect(resolveInjection(planes, {}, { 'istio.io/rev': '1-8-0' })).toEqual({
      inject: false,
    });
  });

  it('fails like a webhook when the revision has no ready istiod', () => {
    const { planes } = cluster(['1-9-7']);
    expect(() =>
      resolveInjection(planes, {}, { 'istio.io/rev': '1-10-4' }),
    ).toThrow(
      /Internal error occurred: failed calling webhook "rev.namespace.sidecar-injector.istio.io".*no endpoints available for service "istiod-1-10-4"/,
    );
    expect(
      resolveInjection(planes, {}, { 'istio.io/rev': '1-9-7' }),
    ).toMatchObject({ revision: '1-9-7' });
  });
});

describe('proxyWithinSkew', () => {
  it('accepts a control plane of the same minor or one ahead, never behind', () => {
    expect(proxyWithinSkew('1.10.4', '1.10.0')).toBe(true);
    expect(proxyWithinSkew('1.10.4', '1.9.7')).toBe(true);
    expect(proxyWithinSkew('1.11.0', '1.9.7')).toBe(false);
    expect(proxyWithinSkew('1.9.7', '1.10.4')).toBe(false);
    expect(proxyWithinSkew('2.0.0', '1.31.0')).toBe(false);
  });
});
