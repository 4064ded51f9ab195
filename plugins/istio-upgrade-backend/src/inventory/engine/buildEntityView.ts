import {
  compareText,
  formatLabelSelector,
  INVENTORY_WARNING_CODES,
  LabelSelector,
  matchesLabelSelector,
  migrationTargets,
  parseLabelSelector,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type {
  ClusterInventory,
  EntityCluster,
  EntityIstioView,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { BuildInventoryOptions } from './buildClusterInventory';

/**
 * The catalog entity {@link buildEntityView} looks for.
 *
 * @public
 */
export interface EntityViewRequest {
  entityRef: string;
  /**
   * Its workloads' selector: the `backstage.io/kubernetes-label-selector` annotation, or
   * `backstage.io/kubernetes-id=<id>`; text is parsed (and throws an Error when invalid).
   */
  selector: string | LabelSelector;
  /** The `backstage.io/kubernetes-namespace` annotation, narrowing to one namespace. */
  namespace?: string;
}

function concerns(
  warning: Warning,
  namespaces: ReadonlySet<string>,
  revisions: ReadonlySet<string>,
  tags: ReadonlySet<string>,
): boolean {
  const { kind, name, namespace } = warning.subject;
  if (kind === 'Namespace') {
    return namespaces.has(name);
  }
  if (namespace !== undefined) {
    return namespaces.has(namespace);
  }
  if (kind === 'ControlPlane') {
    // A removable revision is the platform team's business, not the service's.
    return (
      revisions.has(name) &&
      warning.code !== INVENTORY_WARNING_CODES.revisionRemovable
    );
  }
  if (kind === 'RevisionTag') {
    return tags.has(name);
  }
  return false;
}

function entityClusterOf(
  inventory: ClusterInventory,
  selector: LabelSelector,
  namespace: string | undefined,
  options: BuildInventoryOptions,
): EntityCluster | undefined {
  const workloads = inventory.workloads.filter(
    w =>
      (namespace === undefined || w.namespace === namespace) &&
      (matchesLabelSelector(selector, w.labels) ||
        matchesLabelSelector(selector, w.podLabels)),
  );
  if (workloads.length === 0) {
    return undefined;
  }
  const namespaceNames = new Set(workloads.map(w => w.namespace));
  const namespaces = inventory.namespaces.filter(n =>
    namespaceNames.has(n.name),
  );
  const revisions = new Set<string>();
  const tags = new Set<string>();
  for (const n of namespaces) {
    if (n.desiredRevision !== undefined) {
      revisions.add(n.desiredRevision);
    }
    if (n.tag !== undefined) {
      tags.add(n.tag);
    }
    for (const entry of n.podsByRevision) {
      if (entry.revision !== undefined) {
        revisions.add(entry.revision);
      }
    }
  }
  return {
    cluster: inventory.cluster,
    workloads,
    namespaces: namespaces.map(n => ({
      namespace: n,
      targets: migrationTargets(
        n,
        inventory.controlPlanes,
        options.releases,
        options.now,
        { endingSoonDays: options.endingSoonDays },
      ),
    })),
    warnings: inventory.warnings
      .filter(w => concerns(w, namespaceNames, revisions, tags))
      .map(w => ({ ...w, cluster: inventory.cluster.name })),
  };
}

/**
 * An entity's Istio view: in every cluster where its workloads run (matched by labels or pod
 * labels, narrowed to one namespace when asked), those workloads, their namespaces with the
 * revisions each could migrate to, and the warnings that concern them. A selector without
 * requirements selects nothing here (Kubernetes would select everything), so that an entity
 * without a selector never claims a whole cluster.
 *
 * @public
 */
export function buildEntityView(
  request: EntityViewRequest,
  inventories: ReadonlyArray<ClusterInventory>,
  options: BuildInventoryOptions,
): EntityIstioView {
  const selector =
    typeof request.selector === 'string'
      ? parseLabelSelector(request.selector)
      : request.selector;
  const clusters: EntityCluster[] = [];
  if (selector.requirements.length > 0) {
    for (const inventory of [...inventories].sort((a, b) =>
      compareText(a.cluster.name, b.cluster.name),
    )) {
      const entry = entityClusterOf(
        inventory,
        selector,
        request.namespace,
        options,
      );
      if (entry) {
        clusters.push(entry);
      }
    }
  }
  return {
    entityRef: request.entityRef,
    selector: formatLabelSelector(selector),
    ...(request.namespace !== undefined && { namespace: request.namespace }),
    clusters,
  };
}
