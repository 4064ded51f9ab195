import {
  W,
  build,
  lab,
  namespaceNamed,
  warningsOf,
} from '../../../testing/__testUtils__/inventoryTestKit';
import { MeshSnapshot } from '../../../testing/__testUtils__/MeshSnapshot';

describe('namespaces', () => {
  const inventory = build(lab());

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
