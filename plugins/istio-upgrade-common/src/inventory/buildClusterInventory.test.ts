import { buildClusterInventory, INVENTORY_WARNING_CODES } from '.';
import type { ClusterInventory } from '../schema';
import { MeshSnapshot, testCluster } from './__testUtils__/MeshSnapshot';

const releases = [
  { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
  { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2022-01-07' },
  { minor: '1.11', releaseDate: '2021-08-12', endOfLife: '2022-03-25' },
  { minor: '1.12', releaseDate: '2021-11-18', endOfLife: '2022-07-12' },
];
const W = INVENTORY_WARNING_CODES;
const JUNE_2021 = Date.parse('2021-06-01T00:00:00Z');

function build(mesh: MeshSnapshot, now = JUNE_2021): ClusterInventory {
  return buildClusterInventory(testCluster(), mesh.snapshot(), {
    releases,
    now,
  });
}

function namespaceNamed(inventory: ClusterInventory, name: string) {
  return inventory.namespaces.find(n => n.name === name)!;
}

function warningsOf(inventory: ClusterInventory, code: string) {
  return inventory.warnings.filter(w => w.code === code);
}

/** The article's lab: two revisions side by side, a namespace half way through its migration. */
function lab(): MeshSnapshot {
  return new MeshSnapshot()
    .namespace('istio-system')
    .namespace('bookinfo', { 'istio.io/rev': '1-10-4', team: 'reviews-team' })
    .namespace('legacy', { 'istio-injection': 'enabled', team: 'old-team' })
    .namespace('istio-ingress')
    .namespace('plain')
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4', { replicas: 2 })
    .tag('default', '1-9-7')
    .tag('prod', '1-10-4')
    .deployment('bookinfo', 'reviews', { replicas: 3 })
    .pods('bookinfo', 'reviews', 3, { revision: '1-9-7' })
    .deployment('bookinfo', 'ratings', { replicas: 2 })
    .pods('bookinfo', 'ratings', 2, { revision: '1-10-4' })
    .deployment('legacy', 'app', { replicas: 2 })
    .pods('legacy', 'app', 2, { revision: '1-9-7' })
    .deployment('plain', 'web')
    .pods('plain', 'web', 1)
    .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7', { replicas: 2 })
    .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4')
    .loadBalancer('istio-ingress', 'ingress', {
      istio: 'ingressgateway',
      version: '1-9-7',
    });
}

describe('buildClusterInventory', () => {
  const inventory = build(lab());

  it('finds each control plane with its version, readiness, tags and default', () => {
    expect(
      inventory.controlPlanes.map(cp => [
        cp.revision,
        cp.version,
        cp.ready,
        cp.tags,
        cp.isDefault,
      ]),
    ).toEqual([
      ['1-10-4', '1.10.4', true, ['prod'], false],
      ['1-9-7', '1.9.7', true, ['default'], true],
    ]);
    expect(inventory.controlPlanes[0]).toMatchObject({
      image: 'docker.io/istio/pilot:1.10.4',
      replicas: 2,
      readyReplicas: 2,
      hasInjector: true,
      support: { status: 'supported', minor: '1.10', endOfLife: '2022-01-07' },
    });
  });

  it('counts what uses each control plane and why it cannot be removed', () => {
    const old = inventory.controlPlanes.find(cp => cp.revision === '1-9-7')!;
    expect(old.inUse).toEqual({ pods: 7, namespaces: 1, tags: 1, gateways: 1 });
    expect(old.safeToRemove).toBe(false);
    expect(old.notRemovableBecause).toEqual([
      '7 pods still run it',
      '1 namespace asks for it: legacy',
      'tag points at it: default',
      '1 gateway runs it: istio-ingress/ingressgateway-1-9-7 (ingress, live behind LoadBalancer ingress)',
      'it is the default revision',
    ]);
    const current = inventory.controlPlanes.find(
      cp => cp.revision === '1-10-4',
    )!;
    expect(current.inUse).toEqual({
      pods: 3,
      namespaces: 1,
      tags: 1,
      gateways: 1,
    });
  });

  it('lists the tags, the revision each points at and the namespaces using it', () => {
    expect(inventory.tags).toEqual([
      {
        name: 'default',
        revision: '1-9-7',
        revisionExists: true,
        namespaces: ['legacy'],
      },
      {
        name: 'prod',
        revision: '1-10-4',
        revisionExists: true,
        namespaces: [],
      },
    ]);
  });

  it('resolves each namespace: mode, desired revision and version, pods per revision, restarts', () => {
    const byName = new Map(inventory.namespaces.map(n => [n.name, n]));
    expect(byName.get('bookinfo')).toEqual({
      name: 'bookinfo',
      injectionMode: 'revision',
      revisionLabel: '1-10-4',
      desiredRevision: '1-10-4',
      desiredVersion: '1.10.4',
      pods: 5,
      injectedPods: 5,
      uninjectedPods: 0,
      podsNeedingRestart: 3,
      podsByRevision: [
        { revision: '1-10-4', version: '1.10.4', count: 2 },
        { revision: '1-9-7', version: '1.9.7', count: 3 },
      ],
      team: 'reviews-team',
    });
    expect(byName.get('legacy')).toMatchObject({
      injectionMode: 'legacy',
      tag: 'default',
      desiredRevision: '1-9-7',
      podsNeedingRestart: 0,
    });
    expect(byName.get('plain')).toMatchObject({
      injectionMode: 'none',
      pods: 1,
      uninjectedPods: 1,
      podsByRevision: [{ count: 1 }],
    });
    expect(byName.get('plain')).not.toHaveProperty('desiredRevision');
  });

  it('lists every workload with its pods per revision and the restarts it needs', () => {
    const reviews = inventory.workloads.find(w => w.name === 'reviews')!;
    expect(reviews).toEqual({
      kind: 'Deployment',
      namespace: 'bookinfo',
      name: 'reviews',
      labels: { app: 'reviews' },
      podLabels: { app: 'reviews' },
      desiredRevision: '1-10-4',
      pods: 3,
      podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 3 }],
      podsNeedingRestart: 3,
      readyReplicas: 3,
      replicas: 3,
      paused: false,
    });
    expect(inventory.workloads.map(w => `${w.namespace}/${w.name}`)).toEqual([
      'bookinfo/ratings',
      'bookinfo/reviews',
      'istio-ingress/ingressgateway-1-10-4',
      'istio-ingress/ingressgateway-1-9-7',
      'istio-system/istiod-1-10-4',
      'istio-system/istiod-1-9-7',
      'legacy/app',
      'plain/web',
    ]);
  });

  it('finds the gateways with their revision, version, readiness and live Services', () => {
    expect(
      inventory.gateways.map(g => [
        g.name,
        g.revision,
        g.version,
        g.ready,
        g.services,
      ]),
    ).toEqual([
      ['ingressgateway-1-10-4', '1-10-4', '1.10.4', true, []],
      ['ingressgateway-1-9-7', '1-9-7', '1.9.7', true, ['ingress']],
    ]);
  });

  it('tells which gateway colour a LoadBalancer Service sends traffic to and which stands by', () => {
    expect(inventory.gatewayServices).toEqual([
      {
        namespace: 'istio-ingress',
        name: 'ingress',
        selector: { istio: 'ingressgateway', version: '1-9-7' },
        live: { namespace: 'istio-ingress', name: 'ingressgateway-1-9-7' },
        liveRevision: '1-9-7',
        readyEndpoints: 2,
        standby: [
          {
            namespace: 'istio-ingress',
            name: 'ingressgateway-1-10-4',
            ready: true,
            revision: '1-10-4',
            version: '1.10.4',
          },
        ],
        resourceVersion: '42',
        ports: [
          { name: 'p80', port: 80, protocol: 'TCP' },
          { name: 'p443', port: 443, protocol: 'TCP' },
        ],
        externalAddress: '203.0.113.10',
      },
    ]);
  });

  it('adds up the totals', () => {
    expect(inventory.totals).toEqual({
      namespaces: 5,
      pods: 11,
      injectedPods: 10,
      podsNeedingRestart: 3,
    });
  });

  it('sorts warnings most severe first and marks them with the cluster', () => {
    const severities = inventory.warnings.map(w => w.severity);
    expect(severities).toEqual(
      [...severities].sort(
        (a, b) =>
          ['error', 'warning', 'info'].indexOf(a) -
          ['error', 'warning', 'info'].indexOf(b),
      ),
    );
    expect(inventory.warnings.every(w => w.cluster === 'c1')).toBe(true);
    expect(inventory.warnings.map(w => w.code)).toEqual(['drift']);
  });

  it('gives the same output for the same input', () => {
    expect(build(lab())).toEqual(inventory);
  });

  it('treats a Deployment named istiod without a revision label as the default revision', () => {
    const mesh = new MeshSnapshot()
      .deployment('istio-system', 'istiod', {
        labels: { app: 'istiod' },
        podLabels: { app: 'istiod' },
        images: { discovery: 'docker.io/istio/pilot:1.10.4' },
      })
      .namespace('ns', { 'istio-injection': 'enabled' });
    mesh.webhooks.push({
      name: 'istio-sidecar-injector',
      labels: {},
      services: [],
    });
    const result = build(mesh);
    expect(result.controlPlanes).toMatchObject([
      {
        revision: 'default',
        version: '1.10.4',
        isDefault: true,
        hasInjector: true,
      },
    ]);
    expect(namespaceNamed(result, 'ns')).toMatchObject({
      desiredRevision: 'default',
      injectionMode: 'legacy',
    });
  });

  it('does not count pods of a namespace that now wants no sidecar as needing a restart', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('ns', { 'istio-injection': 'disabled' })
      .deployment('ns', 'app', { replicas: 2 })
      .pods('ns', 'app', 2, { revision: '1-10-4' });
    expect(namespaceNamed(build(mesh), 'ns')).toMatchObject({
      injectionMode: 'disabled',
      injectedPods: 2,
      podsNeedingRestart: 0,
    });
  });

  it('follows pod-level labels: an opted-out pod needs no restart, a pod label picks its revision', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .namespace('ns', { 'istio.io/rev': '1-10-4' })
      .namespace('free')
      .deployment('ns', 'batch', {
        podLabels: { app: 'batch', 'sidecar.istio.io/inject': 'false' },
      })
      .pods('ns', 'batch', 1, {
        revision: '1-9-7',
        labels: { app: 'batch', 'sidecar.istio.io/inject': 'false' },
      })
      .deployment('free', 'pinned', {
        podLabels: { app: 'pinned', 'istio.io/rev': '1-10-4' },
      })
      .pods('free', 'pinned', 2, {
        revision: '1-9-7',
        labels: { app: 'pinned', 'istio.io/rev': '1-10-4' },
      });
    const result = build(mesh);
    expect(
      result.namespaces.find(n => n.name === 'ns')?.podsNeedingRestart,
    ).toBe(0);
    expect(result.workloads.find(w => w.name === 'batch')).not.toHaveProperty(
      'desiredRevision',
    );
    expect(result.namespaces.find(n => n.name === 'free')).toMatchObject({
      injectionMode: 'none',
      podsNeedingRestart: 2,
    });
    expect(result.workloads.find(w => w.name === 'pinned')).toMatchObject({
      desiredRevision: '1-10-4',
      podsNeedingRestart: 2,
    });
  });

  it('infers proxy versions from the control plane rollout current when each pod was created', () => {
    const before = Date.parse('2021-05-01T00:00:00Z');
    const upgrade = Date.parse('2021-05-20T00:00:00Z');
    const mesh = new MeshSnapshot()
      .controlPlane('stable', '1.10.4')
      .rollout('stable', '1.9.7', before)
      .rollout('stable', '1.10.4', upgrade)
      .namespace('ns', { 'istio.io/rev': 'stable' })
      .deployment('ns', 'app', { replicas: 3 })
      .pods('ns', 'app', 2, { revision: 'stable', createdAt: before + 1000 })
      .pods('ns', 'app', 1, { revision: 'stable', createdAt: upgrade + 1000 })
      .pods('ns', 'app', 1, { revision: 'stable', createdAt: before - 1000 })
      .pods('ns', 'app', 1, { revision: 'stable' });
    expect(namespaceNamed(build(mesh), 'ns').podsByRevision).toEqual([
      { revision: 'stable', count: 1 },
      { revision: 'stable', version: '1.9.7', count: 2 },
      { revision: 'stable', version: '1.10.4', count: 2 },
    ]);
  });

  it('builds 10,000 pods well within the time budget', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-9-7');
    for (let n = 0; n < 50; n++) {
      mesh.namespace(
        `ns-${n}`,
        n % 2 ? { 'istio.io/rev': '1-10-4' } : { 'istio-injection': 'enabled' },
      );
      for (let d = 0; d < 10; d++) {
        mesh.deployment(`ns-${n}`, `app-${d}`, { replicas: 20 });
        mesh.pods(`ns-${n}`, `app-${d}`, 10, {
          revision: '1-9-7',
          labels: { app: `app-${d}` },
        });
        mesh.pods(`ns-${n}`, `app-${d}`, 10, {
          revision: '1-10-4',
          labels: { app: `app-${d}` },
        });
      }
    }
    expect(mesh.podRecords).toHaveLength(10_000);
    const started = performance.now();
    const result = build(mesh);
    const elapsed = performance.now() - started;
    expect(result.totals.pods).toBe(10_000);
    expect(result.totals.podsNeedingRestart).toBe(5_000);
    // Typically a few tens of milliseconds; the bound is loose so a busy machine does not flake.
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('inventory warnings', () => {
  it(`reports ${W.endOfLife} for a control plane past its end of life`, () => {
    const result = build(
      new MeshSnapshot().controlPlane('1-9-7', '1.9.7'),
      Date.parse('2021-11-01T00:00:00Z'),
    );
    expect(warningsOf(result, W.endOfLife)).toEqual([
      {
        cluster: 'c1',
        code: 'end-of-life',
        severity: 'error',
        subject: { kind: 'ControlPlane', name: '1-9-7' },
        message:
          'Control plane 1-9-7 runs Istio 1.9.7, whose support ended on 2021-10-08',
      },
    ]);
  });

  it(`reports ${W.endOfLifeSoon} within 60 days of the end of life`, () => {
    const result = build(
      new MeshSnapshot().controlPlane('1-9-7', '1.9.7'),
      Date.parse('2021-09-08T00:00:00Z'),
    );
    expect(warningsOf(result, W.endOfLifeSoon)).toMatchObject([
      {
        severity: 'warning',
        subject: { kind: 'ControlPlane', name: '1-9-7' },
        message:
          'Control plane 1-9-7 runs Istio 1.9.7, whose support ends on 2021-10-08 (in 30 days)',
      },
    ]);
    expect(
      warningsOf(
        build(new MeshSnapshot().controlPlane('1-9-7', '1.9.7')),
        W.endOfLifeSoon,
      ),
    ).toEqual([]);
  });

  it(`reports ${W.unsupportedSkew} for proxies two minors behind their control plane`, () => {
    const since = Date.parse('2021-01-01T00:00:00Z');
    const mesh = new MeshSnapshot()
      .controlPlane('stable', '1.11.0')
      .rollout('stable', '1.9.7', since)
      .rollout('stable', '1.11.0', since + 10_000)
      .namespace('ns', { 'istio.io/rev': 'stable' })
      .pods('ns', 'app', 4, { revision: 'stable', createdAt: since + 1 });
    expect(warningsOf(build(mesh), W.unsupportedSkew)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'Namespace', name: 'ns' },
        message:
          '4 pods in namespace ns on revision stable: control plane 1.11.0, proxy 1.9.7: the control plane is 2 minors ahead; at most 1 is supported',
      },
    ]);
  });

  it(`reports ${W.proxyDetached} for pods whose revision has no control plane`, () => {
    const mesh = new MeshSnapshot()
      .namespace('ns')
      .pods('ns', 'app', 2, { revision: '1-8-0' });
    expect(warningsOf(build(mesh), W.proxyDetached)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'Namespace', name: 'ns' },
        message:
          '2 pods in namespace ns run revision 1-8-0, which has no control plane, so they get no configuration or certificates',
      },
    ]);
  });

  it(`reports ${W.drift} for pods not yet restarted onto the namespace's revision`, () => {
    expect(warningsOf(build(lab()), W.drift)).toMatchObject([
      {
        severity: 'warning',
        subject: { kind: 'Namespace', name: 'bookinfo' },
        message:
          '3 pods in namespace bookinfo are not yet restarted onto revision 1-10-4',
      },
    ]);
  });

  it(`reports ${W.conflictingInjectionLabels} when a namespace has both injection labels`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('default', '1.10.4')
      .namespace('ns', {
        'istio-injection': 'enabled',
        'istio.io/rev': '1-11-0',
      });
    expect(warningsOf(build(mesh), W.conflictingInjectionLabels)).toMatchObject(
      [
        {
          severity: 'warning',
          subject: { kind: 'Namespace', name: 'ns' },
          message:
            'Namespace ns has both istio-injection=enabled and istio.io/rev=1-11-0; istio-injection takes precedence, so 1-11-0 is ignored',
        },
      ],
    );
  });

  it(`reports ${W.tagMissingRevision} for a tag pointing at a missing revision`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .tag('prod', '1-8-0')
      .namespace('ns', { 'istio.io/rev': 'prod' });
    expect(warningsOf(build(mesh), W.tagMissingRevision)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'RevisionTag', name: 'prod' },
        message:
          'Revision tag prod points at revision 1-8-0, which does not exist; new pods in ns will fail to be created',
      },
    ]);
    expect(build(mesh).tags).toEqual([
      {
        name: 'prod',
        revision: '1-8-0',
        revisionExists: false,
        namespaces: ['ns'],
      },
    ]);
  });

  it(`reports ${W.namespaceRevisionMissing} when a namespace asks for a revision that does not exist`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('ns', { 'istio.io/rev': '1-11-0' });
    const result = build(mesh);
    expect(warningsOf(result, W.namespaceRevisionMissing)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'Namespace', name: 'ns' },
        message:
          'Namespace ns asks for revision 1-11-0, which does not exist; no injector matches, so new pods start without a sidecar',
      },
    ]);
    expect(namespaceNamed(result, 'ns')).toMatchObject({
      desiredRevision: '1-11-0',
    });
    expect(namespaceNamed(result, 'ns')).not.toHaveProperty('desiredVersion');
  });

  it(`reports ${W.gatewayServiceNoReadyPod} when the live gateway has no ready pod`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('istio-ingress')
      .gateway('istio-ingress', 'gw-blue', '1-10-4', {
        replicas: 2,
        readyReplicas: 0,
      })
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-10-4',
      });
    const result = build(mesh);
    expect(warningsOf(result, W.gatewayServiceNoReadyPod)).toMatchObject([
      {
        severity: 'error',
        subject: {
          kind: 'Service',
          namespace: 'istio-ingress',
          name: 'ingress',
        },
        message:
          'LoadBalancer Service istio-ingress/ingress selects gateway gw-blue, which has no ready pod; its traffic is dropped',
      },
    ]);
    expect(result.gatewayServices[0].readyEndpoints).toBe(0);
  });

  it(`reports ${W.gatewayServiceNoReadyPod} when a Service was cut over to a gateway that is gone`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('istio-ingress')
      .gateway('istio-ingress', 'gw-blue', '1-10-4')
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-11-0',
      });
    const result = build(mesh);
    expect(result.gatewayServices[0]).toMatchObject({
      readyEndpoints: 0,
      standby: [{ name: 'gw-blue', ready: true, revision: '1-10-4' }],
    });
    expect(result.gatewayServices[0]).not.toHaveProperty('live');
    expect(warningsOf(result, W.gatewayServiceNoReadyPod)[0].message).toBe(
      'LoadBalancer Service istio-ingress/ingress selects no gateway; its traffic is dropped',
    );
  });

  it(`reports ${W.controlPlaneNotReady} for a control plane without a ready replica`, () => {
    const result = build(
      new MeshSnapshot().controlPlane('1-10-4', '1.10.4', {
        replicas: 2,
        readyReplicas: 0,
      }),
    );
    expect(result.controlPlanes[0].ready).toBe(false);
    expect(warningsOf(result, W.controlPlaneNotReady)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'ControlPlane', name: '1-10-4' },
        message:
          'Control plane 1-10-4 (istio-system/istiod-1-10-4) has 0 of 2 replicas ready; its proxies get no configuration',
      },
    ]);
  });

  it(`reports ${W.injectorMissing} for a control plane without an injector webhook`, () => {
    const result = build(
      new MeshSnapshot().controlPlane('1-10-4', '1.10.4', { injector: false }),
    );
    expect(result.controlPlanes[0].hasInjector).toBe(false);
    expect(warningsOf(result, W.injectorMissing)).toMatchObject([
      {
        severity: 'warning',
        subject: { kind: 'ControlPlane', name: '1-10-4' },
      },
    ]);
  });

  it(`reports ${W.revisionRemovable} for a revision nothing uses`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-10-4')
      .namespace('ns', { 'istio-injection': 'enabled' })
      .pods('ns', 'app', 1, { revision: '1-10-4' });
    const result = build(mesh);
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-9-7'),
    ).toMatchObject({
      safeToRemove: true,
      notRemovableBecause: [],
    });
    expect(warningsOf(result, W.revisionRemovable)).toEqual([
      {
        cluster: 'c1',
        code: 'revision-removable',
        severity: 'info',
        subject: { kind: 'ControlPlane', name: '1-9-7' },
        message:
          'Revision 1-9-7 is used by no pod, namespace, tag, gateway or workload and can be removed',
      },
    ]);
  });

  it('keeps a revision in use while a standby gateway (after a cutover) runs it, and names the gateway', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-10-4')
      .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7', {
        replicas: 2,
      })
      .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4', {
        replicas: 2,
      })
      .loadBalancer('istio-ingress', 'ingressgateway', {
        istio: 'ingressgateway',
        version: '1-10-4',
      });
    const result = build(mesh);
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-9-7'),
    ).toMatchObject({
      safeToRemove: false,
      notRemovableBecause: [
        '2 pods still run it',
        '1 gateway runs it: istio-ingress/ingressgateway-1-9-7 (ingress, standby for LoadBalancer ingressgateway)',
      ],
      inUse: { pods: 2, gateways: 1 },
    });
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-10-4'),
    ).toMatchObject({
      safeToRemove: false,
      notRemovableBecause: [
        '2 pods still run it',
        'tag points at it: default',
        '1 gateway runs it: istio-ingress/ingressgateway-1-10-4 (ingress, live behind LoadBalancer ingressgateway)',
        'it is the default revision',
      ],
    });
    expect(warningsOf(result, W.revisionRemovable)).toEqual([]);
  });

  it('keeps a revision in use while a gateway or a workload pins it in its pod template, even with no pod', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-10-4')
      .tag('legacy', '1-9-7')
      .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7', {
        replicas: 0,
      })
      .deployment('shop', 'cart', {
        replicas: 0,
        podLabels: { app: 'cart', 'istio.io/rev': 'legacy' },
      });
    const result = build(mesh);
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-9-7'),
    ).toMatchObject({
      safeToRemove: false,
      notRemovableBecause: [
        'tag points at it: legacy',
        '1 gateway runs it: istio-ingress/ingressgateway-1-9-7 (ingress, no Service)',
        '1 workload pins it in its pod template: shop/Deployment/cart',
      ],
    });
  });

  it(`reports ${W.ambientNamespace} for a namespace in ambient mode`, () => {
    const result = build(
      new MeshSnapshot().namespace('mesh', {
        'istio.io/dataplane-mode': 'ambient',
      }),
    );
    expect(namespaceNamed(result, 'mesh').injectionMode).toBe('ambient');
    expect(warningsOf(result, W.ambientNamespace)).toMatchObject([
      {
        severity: 'info',
        subject: { kind: 'Namespace', name: 'mesh' },
        message:
          'Namespace mesh uses ambient mode (no sidecars): reported, not migrated',
      },
    ]);
  });

  it(`reports ${W.uninjectedPods} for pods without a sidecar in a namespace that injects`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('ns', { 'istio.io/rev': '1-10-4' })
      .pods('ns', 'app', 2)
      .pods('ns', 'job', 1, { labels: { 'sidecar.istio.io/inject': 'false' } });
    expect(warningsOf(build(mesh), W.uninjectedPods)).toMatchObject([
      {
        severity: 'info',
        subject: { kind: 'Namespace', name: 'ns' },
        message:
          '2 pods in namespace ns have no sidecar although the namespace injects 1-10-4; a restart would add one',
      },
    ]);
  });
});

/**
 * Gateways a real mesh has besides the lab's blue/green ingress Deployments: Istio's egress gateway
 * (ClusterIP), an ingress gateway exposed by a NodePort Service, a DaemonSet gateway, and a gateway
 * known only by its `inject.istio.io/templates: gateway` annotation.
 */
function gatewayKinds(): MeshSnapshot {
  const egressLabels = {
    app: 'istio-egressgateway',
    istio: 'egressgateway',
    'sidecar.istio.io/inject': 'true',
  };
  const edgeLabels = {
    app: 'edge-gateway',
    istio: 'edge-gateway',
    'istio.io/rev': '1-9-7',
  };
  return new MeshSnapshot()
    .namespace('istio-system')
    .namespace('istio-ingress')
    .namespace('edge')
    .namespace('partners')
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4')
    .tag('default', '1-10-4')
    .tag('legacy', '1-9-7')
    .deployment('istio-system', 'istio-egressgateway', {
      labels: { app: 'istio-egressgateway' },
      podLabels: { ...egressLabels, 'istio.io/rev': '1-9-7' },
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
    })
    .pods('istio-system', 'istio-egressgateway', 1, {
      revision: '1-9-7',
      labels: { ...egressLabels, 'istio.io/rev': '1-9-7' },
      gateway: true,
    })
    .service('istio-system', 'istio-egressgateway', 'ClusterIP', {
      app: 'istio-egressgateway',
      istio: 'egressgateway',
    })
    .gateway('istio-ingress', 'ingress-nodeport', '1-9-7', {
      labels: { app: 'ingress-nodeport', istio: 'ingressgateway' },
    })
    .service('istio-ingress', 'ingress-nodeport', 'NodePort', {
      app: 'ingress-nodeport',
      istio: 'ingressgateway',
    })
    .deployment('edge', 'edge-gateway', {
      kind: 'DaemonSet',
      labels: { app: 'edge-gateway' },
      podLabels: edgeLabels,
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
      replicas: 2,
    })
    .pods('edge', 'edge-gateway', 2, {
      kind: 'DaemonSet',
      revision: '1-9-7',
      labels: edgeLabels,
      gateway: true,
    })
    .service('edge', 'edge-gateway', 'ClusterIP', { app: 'edge-gateway' })
    .deployment('partners', 'partner-proxy', {
      labels: { app: 'partner-proxy' },
      podLabels: { app: 'partner-proxy', 'istio.io/rev': 'legacy' },
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
      replicas: 0,
    });
}

describe('gateways of every kind', () => {
  it('recognises each gateway for what it is: direction, exposure and workload kind', () => {
    // The backend hands its records over as iterators, read once.
    const snapshot = gatewayKinds().snapshot();
    const result = buildClusterInventory(
      testCluster(),
      { ...snapshot, services: [...snapshot.services].values() },
      { releases, now: JUNE_2021 },
    );
    expect(
      result.gateways.map(g => [
        `${g.namespace}/${g.name}`,
        g.revision,
        g.direction,
        g.exposure,
        g.workloadKind,
      ]),
    ).toEqual([
      ['edge/edge-gateway', '1-9-7', 'ingress', 'ClusterIP', 'DaemonSet'],
      [
        'istio-ingress/ingress-nodeport',
        '1-9-7',
        'ingress',
        'NodePort',
        'Deployment',
      ],
      [
        'istio-system/istio-egressgateway',
        '1-9-7',
        'egress',
        'ClusterIP',
        'Deployment',
      ],
      ['partners/partner-proxy', '1-9-7', 'ingress', undefined, 'Deployment'],
    ]);
  });

  it('keeps a revision in use while only gateways of any kind run it, and names each with its kind', () => {
    const result = build(gatewayKinds());
    const old = result.controlPlanes.find(cp => cp.revision === '1-9-7')!;
    expect(old.safeToRemove).toBe(false);
    expect(old.inUse.gateways).toBe(4);
    expect(old.notRemovableBecause).toEqual([
      '4 pods still run it',
      'tag points at it: legacy',
      '4 gateways run it: edge/edge-gateway (ingress, DaemonSet, ClusterIP), istio-ingress/ingress-nodeport (ingress, NodePort), istio-system/istio-egressgateway (egress, ClusterIP), partners/partner-proxy (ingress, no Service)',
    ]);
    expect(
      warningsOf(result, W.revisionRemovable).map(w => w.subject.name),
    ).toEqual([]);
  });

  it('offers as standby only the gateways the selector selects once its version changes: every other key and value matches, never an egress gateway', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7')
      .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4')
      // Carries the selector's keys, but another value of `istio`.
      .gateway('istio-ingress', 'internal-1-10-4', '1-10-4', {
        labels: { istio: 'internalgateway' },
      })
      // Carries the selector's values but no `version` at all: no version value selects it.
      .deployment('istio-ingress', 'unversioned', {
        podLabels: { istio: 'ingressgateway', 'istio.io/rev': '1-10-4' },
        podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      })
      .pods('istio-ingress', 'unversioned', 1, {
        revision: '1-10-4',
        labels: { istio: 'ingressgateway', 'istio.io/rev': '1-10-4' },
      })
      .gateway('istio-ingress', 'istio-egressgateway-1-10-4', '1-10-4', {
        labels: { app: 'istio-egressgateway' },
      })
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-9-7',
      });
    const [service] = build(mesh).gatewayServices;
    expect(service.live?.name).toBe('ingressgateway-1-9-7');
    expect(service.standby.map(s => s.name)).toEqual(['ingressgateway-1-10-4']);
  });
});

describe('control planes that are not istiod-<rev> in istio-system', () => {
  it(`reports no ${W.proxyDetached} for pods of a revisionless istiod (no istio.io/rev label, injector istio-sidecar-injector)`, () => {
    const mesh = new MeshSnapshot()
      .deployment('istio-system', 'istiod', {
        labels: { app: 'istiod', istio: 'pilot' },
        podLabels: { app: 'istiod', istio: 'pilot' },
        images: { discovery: 'docker.io/istio/pilot:1.10.4' },
      })
      .namespace('shop', { 'istio-injection': 'enabled' })
      .pods('shop', 'cart', 2, { revision: 'default' });
    mesh.webhooks.push({
      name: 'istio-sidecar-injector',
      labels: { app: 'sidecar-injector' },
      services: ['istio-system/istiod'],
    });
    const result = build(mesh);
    expect(result.controlPlanes.map(cp => cp.revision)).toEqual(['default']);
    expect(warningsOf(result, W.proxyDetached)).toEqual([]);
    expect(warningsOf(result, W.namespaceRevisionMissing)).toEqual([]);
  });

  it(`reports no ${W.proxyDetached} for pods injected by an external control plane (a URL webhook, no istiod in the cluster), and names it`, () => {
    const mesh = new MeshSnapshot()
      .externalInjector(
        'default',
        'https://istiod.mesh-control.example:15017/inject/cluster/remote/net/net1',
      )
      .externalInjector(
        '1-10-4',
        'https://istiod-1-10-4.mesh-control.example:15017/inject',
      )
      .tag('prod', '1-10-4')
      .namespace('shop', { 'istio-injection': 'enabled' })
      .namespace('pay', { 'istio.io/rev': 'prod' })
      .pods('shop', 'cart', 2, { revision: 'default' })
      .pods('pay', 'ledger', 1, { revision: '1-10-4' });
    const result = build(mesh);
    expect(warningsOf(result, W.proxyDetached)).toEqual([]);
    expect(warningsOf(result, W.namespaceRevisionMissing)).toEqual([]);
    expect(warningsOf(result, W.tagMissingRevision)).toEqual([]);
    expect(result.tags).toMatchObject([
      { name: 'prod', revision: '1-10-4', revisionExists: true },
    ]);
    expect(namespaceNamed(result, 'shop')).toMatchObject({
      desiredRevision: 'default',
      podsNeedingRestart: 0,
    });
    expect(warningsOf(result, W.controlPlaneExternal)).toMatchObject([
      {
        severity: 'info',
        subject: { kind: 'ControlPlane', name: '1-10-4' },
        message:
          'Revision 1-10-4 is served by a control plane outside the cluster (https://istiod-1-10-4.mesh-control.example:15017/inject); 1 pod runs it',
      },
      {
        severity: 'info',
        subject: { kind: 'ControlPlane', name: 'default' },
        message:
          'Revision default is served by a control plane outside the cluster (https://istiod.mesh-control.example:15017/inject/cluster/remote/net/net1); 2 pods run it',
      },
    ]);
  });

  it(`still reports ${W.proxyDetached} for a revision whose injector is gone as well as its istiod`, () => {
    const mesh = new MeshSnapshot()
      .externalInjector('default', 'https://istiod.example:15017/inject')
      .namespace('ns')
      .pods('ns', 'app', 1, { revision: '1-8-0' });
    expect(
      warningsOf(build(mesh), W.proxyDetached).map(w => w.message),
    ).toEqual([
      '1 pod in namespace ns runs revision 1-8-0, which has no control plane, so it gets no configuration or certificates',
    ]);
  });
});
