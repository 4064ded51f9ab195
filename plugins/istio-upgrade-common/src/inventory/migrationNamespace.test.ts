import type { Cluster, EntityIstioView, NamespaceInventory } from '../schema';
import { migrationNamespace } from './migrationNamespace';

function testCluster(name: string): Cluster {
  return {
    name,
    entityRef: `resource:default/${name}`,
    status: 'ready',
    sync: { state: 'synced', complete: true },
  };
}

const ref = 'component:default/productpage';

function namespace(name: string): NamespaceInventory {
  return {
    name,
    injectionMode: 'legacy',
    pods: 1,
    injectedPods: 1,
    uninjectedPods: 0,
    podsNeedingRestart: 0,
    podsByRevision: [],
  } as NamespaceInventory;
}

/** productpage in bookinfo on seed, and in two namespaces on prod-eu. */
const view: EntityIstioView = {
  entityRef: ref,
  selector: 'backstage.io/kubernetes-id=productpage',
  clusters: [
    {
      cluster: testCluster('seed'),
      namespaces: [{ namespace: namespace('bookinfo'), targets: [] }],
      workloads: [],
      warnings: [],
    },
    {
      cluster: testCluster('prod-eu'),
      namespaces: [
        { namespace: namespace('shop'), targets: [] },
        { namespace: namespace('shop-canary'), targets: [] },
      ],
      workloads: [],
      warnings: [],
    },
  ],
};

describe('migrationNamespace', () => {
  it('is the only namespace the entity runs in, or the one named where it runs', () => {
    expect(migrationNamespace(view, ref, 'seed')).toBe('bookinfo');
    expect(migrationNamespace(view, ref, 'seed', 'bookinfo')).toBe('bookinfo');
    expect(migrationNamespace(view, ref, 'prod-eu', 'shop-canary')).toBe(
      'shop-canary',
    );
  });

  it.each([
    [
      'no workloads',
      undefined,
      'seed',
      undefined,
      `${ref} names no Kubernetes workloads (no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation)`,
    ],
    [
      'another cluster',
      view,
      'staging',
      undefined,
      `${ref} has no workloads in cluster staging (it runs in seed, prod-eu)`,
    ],
    [
      'another namespace',
      view,
      'seed',
      'kube-system',
      `${ref} has no workloads in namespace kube-system of cluster seed (it runs in bookinfo)`,
    ],
    [
      'several namespaces, none named',
      view,
      'prod-eu',
      undefined,
      `${ref} runs in several namespaces of cluster prod-eu (shop, shop-canary): name the namespace`,
    ],
  ])('refuses %s with an InputError', (_case, v, cluster, ns, message) => {
    expect(() => migrationNamespace(v, ref, cluster, ns)).toThrow(
      expect.objectContaining({ name: 'InputError', message }),
    );
  });
});
