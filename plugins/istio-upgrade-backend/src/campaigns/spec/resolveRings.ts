import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CampaignRingSpec } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** One ring of a campaign with its clusters named. */
export interface ResolvedRing {
  name: string;
  /** Cluster entity names (`metadata.name`), in the ring's order. */
  clusters: string[];
  /** Whether the ring goes on without a cluster that stays unreachable after its retries. */
  continueOnUnreachable: boolean;
}

/** Whether an entity is a cluster as the plugin reads the catalog: a `Resource` of type `kubernetes-cluster`. */
export function isClusterEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'kubernetes-cluster'
  );
}

function refKey(ref: { kind: string; namespace: string; name: string }) {
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

function ownerKey(owner: string, namespace: string): string | undefined {
  try {
    return refKey(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    );
  } catch {
    return undefined;
  }
}

function allMatch(
  wanted: Record<string, string> | undefined,
  actual: Record<string, string> | undefined,
): boolean {
  return Object.entries(wanted ?? {}).every(
    ([key, value]) => actual?.[key] === value,
  );
}

function hasConditions(ring: CampaignRingSpec): boolean {
  return (
    ring.owner !== undefined ||
    Object.keys(ring.labels ?? {}).length > 0 ||
    Object.keys(ring.annotations ?? {}).length > 0
  );
}

/**
 * Names the clusters of each ring from the catalog's cluster entities (others in `clusterEntities`
 * are ignored). A ring's `clusters` are entity names (in any namespace, as the plugin names
 * clusters) or refs (`resource:default/prod-eu-1`), compared case-insensitively; `owner`
 * is a ref or a name (kind group, namespace default) compared with each cluster's `spec.owner` read as
 * the catalog reads it (kind group, the cluster's namespace); every given label and annotation must
 * match exactly. All the conditions a ring gives
 * must hold: listed clusters are kept in the order listed when they match the other conditions;
 * without a list, the matching clusters come in name order. A listed cluster twice counts once.
 *
 * Throws an `InputError` for a listed cluster that is not in the catalog. Rings that end up empty,
 * or a cluster in two rings, are for the caller to judge (`validateCampaign` refuses both).
 */
export function resolveRings(
  spec: { rings: readonly CampaignRingSpec[] },
  clusterEntities: readonly Entity[],
): ResolvedRing[] {
  const clusters = clusterEntities.filter(isClusterEntity);
  const byRef = new Map(
    clusters.map(entity => [refKey(entityRef(entity)), entity]),
  );
  // Clusters are known by name across the plugin; a bare name finds the cluster in any namespace.
  const byName = new Map<string, Entity>();
  for (const entity of clusters) {
    const key = entity.metadata.name.toLocaleLowerCase('en-US');
    if (!byName.has(key)) byName.set(key, entity);
  }
  return spec.rings.map((ring, index) => {
    const where = `rings[${index}] (${ring.name})`;
    const matches = (entity: Entity) =>
      (ring.owner === undefined ||
        (typeof entity.spec?.owner === 'string' &&
          ownerKey(entity.spec.owner, entityRef(entity).namespace) ===
            ownerKey(ring.owner, 'default'))) &&
      allMatch(ring.labels, entity.metadata.labels) &&
      allMatch(ring.annotations, entity.metadata.annotations);

    let chosen: Entity[];
    if (ring.clusters !== undefined) {
      chosen = ring.clusters.map(name => {
        const entity = lookUp(byRef, byName, name);
        if (!entity) {
          throw new InputError(
            `${where}: unknown cluster "${name}" (no Resource of type kubernetes-cluster with that name in the catalog)`,
          );
        }
        return entity;
      });
    } else if (hasConditions(ring)) {
      chosen = [...clusters].sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name, 'en-US'),
      );
    } else {
      chosen = [];
    }
    const names = chosen.filter(matches).map(entity => entity.metadata.name);
    return {
      name: ring.name,
      clusters: [...new Set(names)],
      continueOnUnreachable: ring.continueOnUnreachable ?? false,
    };
  });
}

function entityRef(entity: Entity) {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
}

function lookUp(
  byRef: ReadonlyMap<string, Entity>,
  byName: ReadonlyMap<string, Entity>,
  name: string,
): Entity | undefined {
  if (!name.includes(':') && !name.includes('/')) {
    return byName.get(name.toLocaleLowerCase('en-US'));
  }
  let ref;
  try {
    ref = parseEntityRef(name, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    });
  } catch {
    return undefined;
  }
  return byRef.get(refKey(ref));
}
