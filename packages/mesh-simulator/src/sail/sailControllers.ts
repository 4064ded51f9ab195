import { ClusterContext } from '../controllers/clusterContext';
import { Change } from '../store/objectStore';
import { KubeObject } from '../store/kubeObject';
import { SailClusterAccess } from './helmReleases';
import { reconcileIstio } from './istioController';
import { reconcileIstioRevision } from './istioRevisionController';
import { reconcileRevisionTag } from './revisionTagController';
import {
  injectedRevision,
  referencedFromNamespace,
  referencedFromPod,
} from './revisionUsage';
import {
  istioRevisionTagType,
  istioRevisionType,
  sailApiVersion,
  sailTypeKeys,
} from './sailResources';
import { retried } from './sailStatus';

/**
 * The Sail operator running in a simulated cluster: its three controllers, fed by the changes they
 * watch in Sail (`SetupWithManager` of each): an Istio by its IstioRevisions; an IstioRevision by
 * the objects it installed, the namespaces and pods that reference it, and the tags resolving to
 * it; a tag by the Istio or IstioRevision it targets, the namespaces and pods that reference it,
 * and its own webhooks. A failed reconcile is retried later, as controller-runtime does.
 */

const controllers = {
  istio: 'sail-istio',
  revision: 'sail-istiorevision',
  tag: 'sail-istiorevisiontag',
};

/** The name of the Sail object of `kind` that controls `object`, if one does. */
function sailOwner(object: KubeObject, kind: string): string | undefined {
  return (object.metadata.ownerReferences ?? []).find(
    o => o.controller && o.apiVersion === sailApiVersion && o.kind === kind,
  )?.name;
}

/** Both states of a change (as controller-runtime maps old and new objects of an update). */
function states(change: Change): KubeObject[] {
  return change.previous ? [change.object, change.previous] : [change.object];
}

/**
 * Registers Sail's controllers on a cluster. They do nothing until Sail objects exist, so clusters
 * without Sail pay only a cheap look at each change.
 */
export function registerSailControllers(
  ctx: ClusterContext,
  access: SailClusterAccess,
) {
  const { store, loop } = ctx;
  const run =
    (
      controller: string,
      reconcile: typeof reconcileIstio,
    ): ((key: string) => void) =>
    key => {
      retried(ctx, controller, key);
      reconcile(ctx, access, key, controller);
    };
  loop.register(controllers.istio, run(controllers.istio, reconcileIstio));
  loop.register(
    controllers.revision,
    run(controllers.revision, reconcileIstioRevision),
  );
  loop.register(controllers.tag, run(controllers.tag, reconcileRevisionTag));

  const enqueue = (controller: string, key: string | undefined) => {
    if (key) loop.enqueue(controller, key);
  };
  const tagsWhere = (match: (tag: KubeObject) => boolean) => {
    for (const tag of store.list(istioRevisionTagType)) {
      if (match(tag)) enqueue(controllers.tag, tag.metadata.name);
    }
  };
  const targets = (tag: KubeObject, kind: string, name: string) =>
    tag.spec?.targetRef?.kind === kind && tag.spec?.targetRef?.name === name;

  store.subscribe(change => {
    const object = change.object;
    const live = change.type !== 'DELETED';
    const name = object.metadata.name;
    switch (change.typeKey) {
      case sailTypeKeys.istio: {
        if (live) enqueue(controllers.istio, name);
        const active = new Set(
          states(change).map(o => o.status?.activeRevisionName),
        );
        // Tags targeting the Istio are also retried here when it appears (Sail retries them).
        tagsWhere(
          t => targets(t, 'Istio', name) || active.has(t.status?.istioRevision),
        );
        return;
      }
      case sailTypeKeys.revision:
        if (live) enqueue(controllers.revision, name);
        enqueue(controllers.istio, sailOwner(object, 'Istio'));
        tagsWhere(
          t =>
            targets(t, 'IstioRevision', name) ||
            t.status?.istioRevision === name,
        );
        return;
      case sailTypeKeys.tag:
        if (live) enqueue(controllers.tag, name);
        for (const o of states(change)) {
          enqueue(controllers.revision, o.status?.istioRevision);
        }
        return;
      default:
        break;
    }
    const revisionOwner = sailOwner(object, 'IstioRevision');
    if (revisionOwner) enqueue(controllers.revision, revisionOwner);
    const tagOwner = sailOwner(object, 'IstioRevisionTag');
    if (tagOwner) enqueue(controllers.tag, tagOwner);
    if (change.typeKey !== 'namespaces' && change.typeKey !== 'pods') return;
    const withRevisions = store.count(istioRevisionType) > 0;
    const withTags = store.count(istioRevisionTagType) > 0;
    if (!withRevisions && !withTags) return;
    for (const o of states(change)) {
      if (change.typeKey === 'namespaces') {
        const referenced = referencedFromNamespace(o.metadata.labels);
        if (withRevisions) {
          enqueue(controllers.revision, referenced);
          // A control plane waits for its namespace to exist.
          for (const r of store.list(istioRevisionType)) {
            if (r.spec?.namespace === o.metadata.name) {
              enqueue(controllers.revision, r.metadata.name);
            }
          }
        }
        if (withTags) enqueue(controllers.tag, referenced);
      } else {
        const referenced = referencedFromPod(o.metadata.labels);
        if (withRevisions) {
          enqueue(controllers.revision, injectedRevision(o) || referenced);
        }
        if (withTags) enqueue(controllers.tag, referenced);
      }
    }
  });
}
