import { InputError } from '@backstage/errors';
import type { EntityIstioView } from '../schema';

/**
 * The namespace of an entity's workloads in `cluster` that a migration moves: `namespace` when given
 * and the entity runs there, else the only one it runs in. Shared by the backend's actions and the
 * scaffolder action, so that both ask for and refuse the same things.
 *
 * @param view - the entity's view (`GET /entities/{kind}/{namespace}/{name}`); undefined when the
 *   entity names no workloads
 * @throws InputError when the entity names no workloads, runs nowhere in the cluster, not in
 *   `namespace`, or in several namespaces and none was named
 * @public
 */
export function migrationNamespace(
  view: EntityIstioView | undefined,
  entityRef: string,
  cluster: string,
  namespace?: string,
): string {
  if (!view) {
    throw new InputError(
      `${entityRef} names no Kubernetes workloads (no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation)`,
    );
  }
  const namespaces =
    view.clusters
      .find(c => c.cluster.name === cluster)
      ?.namespaces.map(n => n.namespace.name) ?? [];
  if (namespace !== undefined) {
    if (!namespaces.includes(namespace)) {
      throw new InputError(
        `${entityRef} has no workloads in namespace ${namespace} of cluster ${cluster}${
          namespaces.length ? ` (it runs in ${namespaces.join(', ')})` : ''
        }`,
      );
    }
    return namespace;
  }
  if (namespaces.length === 1) return namespaces[0];
  if (!namespaces.length) {
    const elsewhere = view.clusters.map(c => c.cluster.name);
    throw new InputError(
      `${entityRef} has no workloads in cluster ${cluster}${
        elsewhere.length ? ` (it runs in ${elsewhere.join(', ')})` : ''
      }`,
    );
  }
  throw new InputError(
    `${entityRef} runs in several namespaces of cluster ${cluster} (${namespaces.join(
      ', ',
    )}): name the namespace`,
  );
}
