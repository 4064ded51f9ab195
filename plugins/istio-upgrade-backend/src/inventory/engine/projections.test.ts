import {
  LabelInterner,
  projectControlPlaneRollout,
  projectNamespace,
  projectPodMetadata,
  projectService,
  projectWebhook,
  projectWorkload,
} from '.';

const podMeta = (metadata: Record<string, unknown>) => ({
  apiVersion: 'meta.k8s.io/v1',
  kind: 'PartialObjectMetadata',
  metadata: { name: 'reviews-7d9f8-abcde', namespace: 'bookinfo', ...metadata },
});

describe('projectPodMetadata', () => {
  it('reads the revision from the sidecar status annotation', () => {
    const record = projectPodMetadata(
      podMeta({
        annotations: {
          'sidecar.istio.io/status': JSON.stringify({
            initContainers: ['istio-init'],
            revision: '1-10-4',
          }),
          'istio.io/rev': 'stale',
        },
        creationTimestamp: '2026-01-02T03:04:05Z',
      }),
      new LabelInterner(),
    );
    expect(record).toEqual({
      namespace: 'bookinfo',
      name: 'reviews-7d9f8-abcde',
      labels: {},
      revision: '1-10-4',
      createdAt: Date.parse('2026-01-02T03:04:05Z'),
    });
  });

  it('falls back to the istio.io/rev annotation, and survives malformed status JSON', () => {
    const interner = new LabelInterner();
    expect(
      projectPodMetadata(
        podMeta({
          annotations: {
            'sidecar.istio.io/status': '{not json',
            'istio.io/rev': '1-9-7',
          },
        }),
        interner,
      )?.revision,
    ).toBe('1-9-7');
    expect(
      projectPodMetadata(
        podMeta({ annotations: { 'istio.io/rev': '1-9-7' } }),
        interner,
      )?.revision,
    ).toBe('1-9-7');
  });

  it('counts a pod injected before revisions existed as the default revision', () => {
    expect(
      projectPodMetadata(
        podMeta({
          annotations: {
            'sidecar.istio.io/status': '{"containers":["istio-proxy"]}',
          },
        }),
        new LabelInterner(),
      )?.revision,
    ).toBe('default');
  });

  it('leaves the revision out for a pod without a sidecar', () => {
    const record = projectPodMetadata(
      podMeta({ labels: { app: 'reviews' } }),
      new LabelInterner(),
    );
    expect(record).not.toHaveProperty('revision');
  });

  it('resolves a ReplicaSet owner to its Deployment through the pod-template-hash', () => {
    const record = projectPodMetadata(
      podMeta({
        labels: { app: 'reviews', 'pod-template-hash': '7d9f8' },
        ownerReferences: [
          { kind: 'ReplicaSet', name: 'reviews-v1-7d9f8', controller: true },
        ],
      }),
      new LabelInterner(),
    );
    expect(record?.workload).toBe('Deployment/reviews-v1');
  });

  it('keeps a bare ReplicaSet, and StatefulSet and DaemonSet owners as they are', () => {
    const interner = new LabelInterner();
    const owned = (kind: string, name: string, labels = {}) =>
      projectPodMetadata(
        podMeta({
          labels,
          ownerReferences: [{ kind, name, controller: true }],
        }),
        interner,
      )?.workload;
    expect(owned('ReplicaSet', 'standalone')).toBe('ReplicaSet/standalone');
    expect(
      owned('ReplicaSet', 'other-abc', { 'pod-template-hash': 'xyz' }),
    ).toBe('ReplicaSet/other-abc');
    expect(owned('StatefulSet', 'db')).toBe('StatefulSet/db');
    expect(owned('DaemonSet', 'agent')).toBe('DaemonSet/agent');
  });

  it('prefers the controller among several owners', () => {
    const record = projectPodMetadata(
      podMeta({
        ownerReferences: [
          { kind: 'Something', name: 'x' },
          { kind: 'StatefulSet', name: 'db', controller: true },
        ],
      }),
      new LabelInterner(),
    );
    expect(record?.workload).toBe('StatefulSet/db');
  });

  it('flags gateways from the injection templates annotation', () => {
    const interner = new LabelInterner();
    expect(
      projectPodMetadata(
        podMeta({ annotations: { 'inject.istio.io/templates': 'gateway' } }),
        interner,
      )?.gateway,
    ).toBe(true);
    expect(
      projectPodMetadata(
        podMeta({ annotations: { 'inject.istio.io/templates': 'sidecar' } }),
        interner,
      ),
    ).not.toHaveProperty('gateway');
  });

  it('shares one frozen labels object between pods with the same labels', () => {
    const interner = new LabelInterner();
    const a = projectPodMetadata(
      podMeta({ name: 'a', labels: { app: 'x', v: '1' } }),
      interner,
    );
    const b = projectPodMetadata(
      podMeta({ name: 'b', labels: { v: '1', app: 'x' } }),
      interner,
    );
    const c = projectPodMetadata(
      podMeta({ name: 'c', labels: { app: 'y' } }),
      interner,
    );
    expect(a?.labels).toBe(b?.labels);
    expect(a?.labels).not.toBe(c?.labels);
    expect(Object.isFrozen(a?.labels)).toBe(true);
    expect(interner.labelSetCount).toBe(2);
  });

  it('ignores objects without a name or namespace, and bad timestamps', () => {
    const interner = new LabelInterner();
    expect(
      projectPodMetadata({ metadata: { name: 'x' } }, interner),
    ).toBeUndefined();
    expect(projectPodMetadata({}, interner)).toBeUndefined();
    expect(
      projectPodMetadata(podMeta({ creationTimestamp: 'yesterday' }), interner),
    ).not.toHaveProperty('createdAt');
  });
});

describe('projectWorkload', () => {
  const deployment = {
    metadata: {
      name: 'reviews',
      namespace: 'bookinfo',
      labels: { app: 'reviews' },
      generation: 4,
    },
    spec: {
      replicas: 3,
      paused: true,
      template: {
        metadata: {
          labels: { app: 'reviews' },
          annotations: { 'proxy.istio.io/config': '{}' },
        },
        spec: {
          initContainers: [
            { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.10.4' },
          ],
          containers: [{ name: 'reviews', image: 'example/reviews:1' }],
        },
      },
    },
    status: {
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      observedGeneration: 3,
    },
  };

  it('keeps the spec and status fields the inventory needs', () => {
    expect(projectWorkload('Deployment', deployment)).toEqual({
      kind: 'Deployment',
      namespace: 'bookinfo',
      name: 'reviews',
      labels: { app: 'reviews' },
      podLabels: { app: 'reviews' },
      podAnnotations: { 'proxy.istio.io/config': '{}' },
      images: {
        'istio-init': 'docker.io/istio/proxyv2:1.10.4',
        reviews: 'example/reviews:1',
      },
      replicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      paused: true,
      onDelete: false,
      generation: 4,
      observedGeneration: 3,
    });
  });

  it('reads a DaemonSet from its scheduling status and OnDelete strategy', () => {
    const record = projectWorkload('DaemonSet', {
      metadata: { name: 'agent', namespace: 'ops' },
      spec: { updateStrategy: { type: 'OnDelete' } },
      status: {
        desiredNumberScheduled: 5,
        numberReady: 4,
        updatedNumberScheduled: 1,
        numberAvailable: 4,
      },
    });
    expect(record).toMatchObject({
      replicas: 5,
      readyReplicas: 4,
      updatedReplicas: 1,
      onDelete: true,
      paused: false,
    });
  });

  it('defaults a Deployment without replicas to one and refuses other kinds', () => {
    expect(
      projectWorkload('StatefulSet', {
        metadata: { name: 'db', namespace: 'x' },
      })?.replicas,
    ).toBe(1);
    expect(projectWorkload('ReplicaSet', deployment)).toBeUndefined();
    expect(
      projectWorkload('Deployment', { metadata: { name: 'x' } }),
    ).toBeUndefined();
  });
});

describe('projectService, projectNamespace and projectWebhook', () => {
  it('keeps a Service type, selector, ports, resourceVersion and address', () => {
    expect(
      projectService({
        metadata: {
          name: 'ingress',
          namespace: 'istio-ingress',
          resourceVersion: '812',
        },
        spec: {
          type: 'LoadBalancer',
          selector: { istio: 'ingressgateway', version: '1-9-7' },
          ports: [
            { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
            { name: 'junk' },
          ],
        },
        status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } },
      }),
    ).toEqual({
      namespace: 'istio-ingress',
      name: 'ingress',
      type: 'LoadBalancer',
      selector: { istio: 'ingressgateway', version: '1-9-7' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      resourceVersion: '812',
      externalAddress: 'lb.example.com',
    });
  });

  it('defaults a Service to ClusterIP without selector or address', () => {
    expect(projectService({ metadata: { name: 's', namespace: 'n' } })).toEqual(
      {
        namespace: 'n',
        name: 's',
        type: 'ClusterIP',
        selector: {},
        ports: [],
        resourceVersion: '',
      },
    );
  });

  it('keeps a namespace name and labels', () => {
    expect(
      projectNamespace({
        metadata: { name: 'bookinfo', labels: { 'istio.io/rev': '1-10-4' } },
      }),
    ).toEqual({
      name: 'bookinfo',
      labels: { 'istio.io/rev': '1-10-4' },
    });
    expect(projectNamespace({ metadata: {} })).toBeUndefined();
  });

  it('keeps a webhook configuration name, labels and the Services it calls', () => {
    expect(
      projectWebhook({
        metadata: {
          name: 'istio-revision-tag-default',
          labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-9-7' },
        },
        webhooks: [
          {
            name: 'rev.namespace.sidecar-injector.istio.io',
            clientConfig: {
              service: { namespace: 'istio-system', name: 'istiod-1-9-7' },
            },
          },
          {
            name: 'rev.object.sidecar-injector.istio.io',
            clientConfig: {
              service: { namespace: 'istio-system', name: 'istiod-1-9-7' },
            },
          },
          { name: 'url', clientConfig: {} },
        ],
      }),
    ).toEqual({
      name: 'istio-revision-tag-default',
      labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-9-7' },
      services: ['istio-system/istiod-1-9-7'],
    });
  });

  it('keeps the URLs a webhook configuration calls (a control plane outside the cluster)', () => {
    const url =
      'https://istiod.mesh-control.example:15017/inject/cluster/remote/net/net1';
    expect(
      projectWebhook({
        metadata: { name: 'istio-sidecar-injector' },
        webhooks: [
          {
            name: 'namespace.sidecar-injector.istio.io',
            clientConfig: { url },
          },
          { name: 'object.sidecar-injector.istio.io', clientConfig: { url } },
        ],
      }),
    ).toEqual({
      name: 'istio-sidecar-injector',
      labels: {},
      services: [],
      urls: [url],
    });
  });
});

describe('projectControlPlaneRollout', () => {
  const replicaSet = (labels: Record<string, string>, image: string) => ({
    metadata: {
      name: 'istiod-1-10-4-5c7d',
      namespace: 'istio-system',
      labels,
      creationTimestamp: '2026-03-01T10:00:00Z',
    },
    spec: {
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'discovery', image }] },
      },
    },
  });

  it('reads an istiod ReplicaSet as a rollout of its revision', () => {
    expect(
      projectControlPlaneRollout(
        replicaSet(
          { app: 'istiod', 'istio.io/rev': '1-10-4' },
          'docker.io/istio/pilot:1.10.4',
        ),
      ),
    ).toEqual({
      revision: '1-10-4',
      version: '1.10.4',
      since: Date.parse('2026-03-01T10:00:00Z'),
    });
  });

  it('names an unlabelled istiod the default revision and tolerates a digest image', () => {
    expect(
      projectControlPlaneRollout(
        replicaSet({ app: 'istiod' }, 'docker.io/istio/pilot@sha256:abc'),
      ),
    ).toEqual({
      revision: 'default',
      since: Date.parse('2026-03-01T10:00:00Z'),
    });
  });

  it('ignores ReplicaSets that are not istiod', () => {
    expect(
      projectControlPlaneRollout(
        replicaSet({ app: 'reviews' }, 'example/reviews:1'),
      ),
    ).toBeUndefined();
  });
});
