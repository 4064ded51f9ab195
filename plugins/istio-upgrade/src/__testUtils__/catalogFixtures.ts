import { Entity } from '@backstage/catalog-model';

// The example catalog's entities the plugin's views meet: the service, the lab cluster, and the
// people who ask for and decide requests, with the display names the portal shows for them.

/** The example catalog's productpage: a component with the Kubernetes annotations. */
export const productpage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'productpage',
      'backstage.io/kubernetes-namespace': 'bookinfo',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'bookinfo-team' },
};

/** The example catalog's lab cluster. */
export const seedCluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'seed', namespace: 'default', title: 'Lab cluster' },
  spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
};

function aUser(name: string, displayName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { displayName }, memberOf: [] },
  };
}

/** The people of the example catalog, and Erin, who owns workloads beside productpage's. */
export const people = {
  alice: aUser('alice', 'Alice (platform)'),
  bob: aUser('bob', 'Bob (platform)'),
  carol: aUser('carol', 'Carol (bookinfo)'),
  erin: aUser('erin', 'Erin (ratings)'),
};

/** The catalog the tests' app reads entity names from. */
export const catalogEntities: Entity[] = [
  productpage,
  seedCluster,
  ...Object.values(people),
];
