import { applyCreateDefaults } from '../api/defaults';
import {
  findResourceTypeByKind,
  ResourceType,
  typeKey,
} from '../api/resourceTypes';
import { validateObject } from '../api/validation';
import { ClusterContext } from '../controllers/clusterContext';
import { KubeObject } from '../store/kubeObject';

/**
 * Helm's install and upgrade as Sail's chart manager runs them, reduced to what the cluster sees:
 * each rendered object is created, or updated when the rendering changed (labels, annotations
 * and owner references replaced, annotations others added kept, status kept); objects the owner's
 * previous rendering had and this one has not are deleted, as an upgrade or an uninstall does.
 */

/** What a Sail controller needs from its cluster beyond the shared context. */
export interface SailClusterAccess {
  allocateClusterIP(): string;
  /** Deletes an object and, as the garbage collector, its dependents. */
  deleteObject(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
  ): void;
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

function typeOf(object: KubeObject): ResourceType {
  const rt = findResourceTypeByKind(object.apiVersion, object.kind);
  if (!rt)
    throw new Error(`no served type for ${object.apiVersion} ${object.kind}`);
  return rt;
}

function upsert(
  ctx: ClusterContext,
  access: SailClusterAccess,
  object: KubeObject,
) {
  const rt = typeOf(object);
  const { namespace, name } = object.metadata;
  const current = ctx.store.get(rt, namespace, name);
  const keptIP =
    current && rt.resource === 'services' && current.spec?.clusterIP
      ? {
          ...object,
          spec: { ...object.spec, clusterIP: current.spec.clusterIP },
        }
      : object;
  validateObject(rt, keptIP);
  const defaulted = applyCreateDefaults(rt, keptIP, () =>
    access.allocateClusterIP(),
  );
  if (!current) {
    ctx.store.create(rt, defaulted);
    return;
  }
  const { status: _status, metadata, ...content } = defaulted;
  const next: KubeObject = {
    ...current,
    ...content,
    metadata: {
      ...current.metadata,
      labels: metadata.labels,
      annotations: {
        ...(current.metadata.annotations ?? {}),
        ...(metadata.annotations ?? {}),
      },
      ownerReferences: metadata.ownerReferences,
    },
  };
  if (!same(next, current)) ctx.store.replace(rt, next);
}

const referenceOf = (object: KubeObject) =>
  `${typeKey(typeOf(object))}|${
    object.metadata.namespace ? `${object.metadata.namespace}/` : ''
  }${object.metadata.name}`;

/**
 * Installs or upgrades the release of `owner` to exactly `objects`: creates or updates each, then
 * deletes the owner's other dependents.
 */
export function installRelease(
  ctx: ClusterContext,
  access: SailClusterAccess,
  owner: KubeObject,
  objects: KubeObject[],
) {
  for (const object of objects) upsert(ctx, access, object);
  uninstallExcept(ctx, access, owner, new Set(objects.map(referenceOf)));
}

/** Deletes what `owner` installed (its dependents) but the references kept. */
export function uninstallExcept(
  ctx: ClusterContext,
  access: SailClusterAccess,
  owner: KubeObject,
  kept: Set<string> = new Set(),
) {
  for (const reference of ctx.store.dependents(owner.metadata.uid)) {
    if (kept.has(reference)) continue;
    const object = ctx.store.getByReference(reference);
    if (!object) continue;
    access.deleteObject(
      typeOf(object),
      object.metadata.namespace,
      object.metadata.name,
    );
  }
}
