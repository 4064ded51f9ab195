import {
  W,
  build,
  lab,
  namespaceNamed,
  warningsOf,
} from '../../../testing/__testUtils__/inventoryTestKit';
import { MeshSnapshot } from '../../../testing/__testUtils__/MeshSnapshot';

describe('control planes', () => {
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
