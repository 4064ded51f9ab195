import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  FleetCluster,
  FleetRevision,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { createHash } from 'node:crypto';

/**
 * The `spec.type` of the emitted Resources.
 *
 * @public
 */
export const ISTIO_CONTROL_PLANE_TYPE = 'istio-control-plane';

/**
 * Annotations of the emitted entities; support status and safe-to-remove are labels too, for filters.
 *
 * @public
 */
export const ISTIO_ANNOTATIONS = {
  cluster: 'istio-upgrade.io/cluster',
  revision: 'istio-upgrade.io/revision',
  version: 'istio-upgrade.io/version',
  supportStatus: 'istio-upgrade.io/support-status',
  endOfLife: 'istio-upgrade.io/end-of-life',
  podsInUse: 'istio-upgrade.io/pods-in-use',
  namespacesInUse: 'istio-upgrade.io/namespaces-in-use',
  safeToRemove: 'istio-upgrade.io/safe-to-remove',
} as const;

const NAME_MAX = 63;

/**
 * `<cluster>-istiod-<revision>`, unique and stable per cluster revision. A name too long for the catalog
 * shortens the cluster part and adds a hash of the whole, keeping the revision readable.
 *
 * @public
 */
export function controlPlaneEntityName(
  cluster: string,
  revision: string,
): string {
  const name = `${cluster}-istiod-${revision}`;
  if (name.length <= NAME_MAX) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const suffix = `-${hash}-istiod-${revision}`;
  const trim = (text: string) => text.replace(/[-._]+$/, '');
  const room = NAME_MAX - suffix.length;
  return room > 0
    ? `${trim(cluster.slice(0, room))}${suffix}`
    : `${trim(name.slice(0, NAME_MAX - hash.length - 1))}-${hash}`;
}

/** Whether a fleet revision is a control plane (not pods left on a revision whose istiod is gone). */
function isControlPlane(revision: FleetRevision): boolean {
  return revision.safeToRemove !== undefined;
}

/**
 * One `Resource` of type `istio-control-plane` per control-plane revision of a cluster, in the cluster
 * entity's namespace, owned by the cluster's owner and a dependency of the cluster. Empty for a cluster
 * without an owner (the catalog requires one).
 */
export function controlPlaneEntities(fleetCluster: FleetCluster): Entity[] {
  const { cluster } = fleetCluster;
  const owner = cluster.owner;
  if (!owner) return [];
  const { namespace } = parseEntityRef(cluster.entityRef);
  const location = `istio-upgrade:${cluster.entityRef}`;
  return fleetCluster.revisions.filter(isControlPlane).map(revision => {
    const version = revision.version ?? 'unknown';
    const { status, endOfLife, minor } = revision.support;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: controlPlaneEntityName(cluster.name, revision.revision),
        namespace,
        title: `istiod ${revision.revision} (${cluster.title ?? cluster.name})`,
        description: `Istio ${version} control plane, revision ${
          revision.revision
        }, of cluster ${cluster.name}: ${revision.pods} pods and ${
          revision.namespaces
        } namespaces use it; support ${status}${
          endOfLife ? ` (end of life ${endOfLife})` : ''
        }${revision.safeToRemove ? '; safe to remove' : ''}.`,
        annotations: {
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          [ISTIO_ANNOTATIONS.cluster]: cluster.name,
          [ISTIO_ANNOTATIONS.revision]: revision.revision,
          [ISTIO_ANNOTATIONS.version]: version,
          [ISTIO_ANNOTATIONS.supportStatus]: status,
          ...(endOfLife && { [ISTIO_ANNOTATIONS.endOfLife]: endOfLife }),
          [ISTIO_ANNOTATIONS.podsInUse]: String(revision.pods),
          [ISTIO_ANNOTATIONS.namespacesInUse]: String(revision.namespaces),
          [ISTIO_ANNOTATIONS.safeToRemove]: String(revision.safeToRemove),
        },
        // Labels make the fleet filterable in catalog queries and template pickers.
        labels: {
          [ISTIO_ANNOTATIONS.supportStatus]: status,
          [ISTIO_ANNOTATIONS.safeToRemove]: String(revision.safeToRemove),
        },
        tags: ['istio', ...(minor ? [`istio-${minor.replace('.', '-')}`] : [])],
      },
      spec: {
        type: ISTIO_CONTROL_PLANE_TYPE,
        owner,
        dependencyOf: [cluster.entityRef],
      },
    };
  });
}
