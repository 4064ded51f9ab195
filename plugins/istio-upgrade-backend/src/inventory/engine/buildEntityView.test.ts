import {
  migrationTargets,
  NamespaceInventory,
  parseLabelSelector,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { buildClusterInventory, buildEntityView } from '.';
import {
  MeshSnapshot,
  testCluster,
} from '../../testing/__testUtils__/MeshSnapshot';

const releases = [
  { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
  { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2022-01-07' },
  { minor: '1.11', releaseDate: '2021-08-12', endOfLife: '2022-03-25' },
  { minor: '1.12', releaseDate: '2021-11-18', endOfLife: '2022-07-12' },
];
const now = Date.parse('2021-09-01T00:00:00Z');
const options = { releases, now };

function fleetMesh() {
  return new MeshSnapshot()
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4')
    .controlPlane('1-11-0', '1.11.0', { readyReplicas: 0 })
    .controlPlane('1-12-1', '1.12.1')
    .controlPlane('1-11-2', '1.11.2', { injector: false })
    .tag('prod', '1-10-4')
    .namespace('bookinfo', { 'istio.io/rev': '1-9-7' })
    .namespace('other', { 'istio.io/rev': '1-9-7' })
    .deployment('bookinfo', 'reviews-v1', {
      labels: { app: 'reviews', 'backstage.io/kubernetes-id': 'reviews' },
      podLabels: { app: 'reviews', version: 'v1' },
    })
    .pods('bookinfo', 'reviews-v1', 2, { revision: '1-9-7' })
    .deployment('bookinfo', 'ratings', { labels: { app: 'ratings' } })
    .pods('bookinfo', 'ratings', 1, { revision: '1-9-7' })
    .deployment('other', 'reviews-v2', {
      labels: { app: 'reviews' },
      podLabels: { app: 'reviews', 'backstage.io/kubernetes-id': 'reviews' },
    })
    .pods('other', 'reviews-v2', 1, { revision: '1-8-0' });
}

describe('migrationTargets', () => {
  const inventory = buildClusterInventory(
    testCluster(),
    fleetMesh().snapshot(),
    options,
  );
  const bookinfo = inventory.namespaces.find(n => n.name === 'bookinfo')!;
  const targets = migrationTargets(
    bookinfo,
    inventory.controlPlanes,
    releases,
    now,
  );

  it('offers every other revision, newest first', () => {
    expect(targets.map(t => t.revision)).toEqual([
      '1-12-1',
      '1-11-2',
      '1-11-0',
      '1-10-4',
    ]);
  });

  it('allows a supported canary jump and says why in one line', () => {
    expect(targets.find(t => t.revision === '1-10-4')).toEqual({
      revision: '1-10-4',
      version: '1.10.4',
      tags: ['prod'],
      verdict: 'allowed',
      reason: '1.10.4, +1 minor from 1.9.7, supported until 2022-01-07',
    });
  });

  it('blocks a jump of more than two minors', () => {
    expect(targets.find(t => t.revision === '1-12-1')).toMatchObject({
      verdict: 'blocked',
      reason:
        '1.9.7 to 1.12.1 is 3 minors up; a canary upgrade may jump at most 2',
    });
  });

  it('blocks a control plane that is not ready or has no injector', () => {
    expect(targets.find(t => t.revision === '1-11-0')).toMatchObject({
      verdict: 'blocked',
      reason: 'control plane 1-11-0 is not ready (0/1 replicas)',
    });
    expect(targets.find(t => t.revision === '1-11-2')).toMatchObject({
      verdict: 'blocked',
      reason:
        'control plane 1-11-2 has no injector webhook, so pods would get no sidecar',
    });
  });

  it('blocks an end-of-life target and allows a rollback within two minors', () => {
    const on110: NamespaceInventory = {
      ...bookinfo,
      desiredRevision: '1-10-4',
      podsByRevision: [{ revision: '1-10-4', version: '1.10.4', count: 3 }],
    };
    const later = Date.parse('2021-11-01T00:00:00Z');
    const result = migrationTargets(
      on110,
      inventory.controlPlanes,
      releases,
      later,
    );
    expect(result.find(t => t.revision === '1-9-7')).toMatchObject({
      verdict: 'blocked',
      reason: '1.9.7 is end of life since 2021-10-08',
    });
    const rollback = migrationTargets(
      on110,
      inventory.controlPlanes,
      releases,
      now,
    );
    expect(rollback.find(t => t.revision === '1-9-7')).toMatchObject({
      verdict: 'allowed',
      reason:
        '1.9.7, -1 minor from 1.10.4, support ends 2021-10-08 (in 37 days)',
    });
  });

  it('allows an end-of-life target that moves every proxy up, saying another step is needed', () => {
    const years = Date.parse('2026-11-25T00:00:00Z');
    const result = migrationTargets(
      bookinfo,
      inventory.controlPlanes,
      releases,
      years,
    );
    expect(result.find(t => t.revision === '1-10-4')).toMatchObject({
      verdict: 'allowed',
      reason:
        '1.10.4, +1 minor from 1.9.7, a step up, but end of life since 2022-01-07: plan the next one',
    });
  });

  it('blocks every target of an ambient namespace', () => {
    const ambient: NamespaceInventory = {
      ...bookinfo,
      injectionMode: 'ambient',
      podsByRevision: [],
    };
    expect(
      migrationTargets(ambient, inventory.controlPlanes, releases, now).every(
        t =>
          t.verdict === 'blocked' &&
          t.reason ===
            'namespace bookinfo uses ambient mode; sidecar revisions do not apply',
      ),
    ).toBe(true);
  });

  it('allows any ready target for a namespace without sidecars yet', () => {
    const fresh: NamespaceInventory = {
      ...bookinfo,
      injectionMode: 'none',
      podsByRevision: [{ count: 2 }],
    };
    delete fresh.desiredRevision;
    expect(
      migrationTargets(fresh, inventory.controlPlanes, releases, now).find(
        t => t.revision === '1-12-1',
      ),
    ).toMatchObject({
      verdict: 'allowed',
      reason: '1.12.1, no sidecar yet, supported until 2022-07-12',
    });
  });
});

describe('buildEntityView', () => {
  const east = buildClusterInventory(
    testCluster('east'),
    fleetMesh().snapshot(),
    options,
  );
  const west = buildClusterInventory(
    testCluster('west'),
    new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('shop')
      .deployment('shop', 'cart')
      .snapshot(),
    options,
  );

  it('finds an entity by kubernetes-id on workload or pod labels, in every cluster it runs in', () => {
    const view = buildEntityView(
      {
        entityRef: 'component:default/reviews',
        selector: 'backstage.io/kubernetes-id=reviews',
      },
      [west, east],
      options,
    );
    expect(view.entityRef).toBe('component:default/reviews');
    expect(view.selector).toBe('backstage.io/kubernetes-id=reviews');
    expect(view.clusters.map(c => c.cluster.name)).toEqual(['east']);
    const [cluster] = view.clusters;
    expect(cluster.workloads.map(w => `${w.namespace}/${w.name}`)).toEqual([
      'bookinfo/reviews-v1',
      'other/reviews-v2',
    ]);
    expect(cluster.namespaces.map(n => n.namespace.name)).toEqual([
      'bookinfo',
      'other',
    ]);
    expect(cluster.namespaces[0].targets.map(t => t.revision)).toEqual([
      '1-12-1',
      '1-11-2',
      '1-11-0',
      '1-10-4',
    ]);
  });

  it('narrows to the entity namespace', () => {
    const view = buildEntityView(
      {
        entityRef: 'component:default/reviews',
        selector: parseLabelSelector('app=reviews'),
        namespace: 'other',
      },
      [east],
      options,
    );
    expect(view.namespace).toBe('other');
    expect(view.clusters[0].workloads.map(w => w.name)).toEqual(['reviews-v2']);
  });

  it('includes the warnings that concern its namespaces and revisions, and no others', () => {
    const view = buildEntityView(
      {
        entityRef: 'component:default/reviews',
        selector: 'app=reviews',
        namespace: 'other',
      },
      [east],
      options,
    );
    const warnings = view.clusters[0].warnings;
    expect(warnings.map(w => [w.code, w.subject.name])).toEqual([
      ['proxy-detached', 'other'],
      ['drift', 'other'],
      ['end-of-life-soon', '1-9-7'],
    ]);
    expect(warnings.every(w => w.cluster === 'east')).toBe(true);
  });

  it('selects nothing with an empty selector', () => {
    expect(
      buildEntityView(
        { entityRef: 'component:default/x', selector: '' },
        [east],
        options,
      ).clusters,
    ).toEqual([]);
  });

  it('throws on an invalid selector', () => {
    expect(() =>
      buildEntityView(
        { entityRef: 'component:default/x', selector: 'app in reviews' },
        [east],
        options,
      ),
    ).toThrow(/Invalid label selector/);
  });
});
