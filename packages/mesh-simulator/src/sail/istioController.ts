import { applyCreateDefaults } from '../api/defaults';
import { validateObject } from '../api/validation';
import { ApiError } from '../api/statusErrors';
import { ClusterContext } from '../controllers/clusterContext';
import { KubeObject } from '../store/kubeObject';
import { SailClusterAccess } from './helmReleases';
import { defaultRevisionName, sailOwnerReference } from './sailCharts';
import { istioRevisionType, istioType, sailApiVersion } from './sailResources';
import {
  condition,
  getCondition,
  SailCondition,
  retryLater,
  SailError,
  setCondition,
  validationError,
  writeStatus,
} from './sailStatus';
import { isEndOfLife, resolveSailVersion } from './sailVersions';

/**
 * Sail's Istio controller (`controllers/istio/istio_controller.go`): an Istio makes one IstioRevision,
 * its active revision, named after the Istio (`InPlace`, the default) or after the Istio and its
 * version (`RevisionBased`: `<name>-v1-30-4` for `v1.30.4`), with the resolved version
 * (`v1.30-latest` → `v1.30.4`), the Istio's namespace and its values; then, unless istiod runs
 * outside the cluster (`values.pilot.env.EXTERNAL_ISTIOD`), it prunes the other revisions it owns
 * once they have been out of use (`InUse` False) for `inactiveRevisionDeletionGracePeriodSeconds`
 * (default 30, at least 0), and reports the active revision's conditions and revision counts.
 */

/** `RevisionBased` or `InPlace` (anything else counts as `InPlace`). */
function strategyOf(istio: KubeObject): string {
  return istio.spec?.updateStrategy?.type ?? 'InPlace';
}

/** The name of an Istio's active revision (`getActiveRevisionName`). */
export function activeRevisionName(istio: KubeObject): string {
  if (strategyOf(istio) !== 'RevisionBased') return istio.metadata.name;
  return `${istio.metadata.name}-${String(istio.spec?.version ?? '').replace(
    /\./g,
    '-',
  )}`;
}

/** The grace period before an inactive revision is deleted, in milliseconds. */
export function pruningGracePeriodMs(istio: KubeObject): number {
  const period =
    istio.spec?.updateStrategy?.inactiveRevisionDeletionGracePeriodSeconds;
  return Math.max(0, typeof period === 'number' ? period : 30) * 1000;
}

/**
 * The values an IstioRevision gets (`revision.ComputeValues`), reduced to the user's values and the
 * overrides the user cannot set (`istiovalues.ApplyOverrides`): `revision` (empty for `default`),
 * `global.istioNamespace`, and no `defaultRevision`. Sail also merges in its profiles' defaults,
 * which the simulator's charts do not read.
 */
export function revisionValues(
  values: Record<string, any> | undefined,
  namespace: string,
  revision: string,
): Record<string, any> {
  const { defaultRevision: _dropped, ...rest } = values ?? {};
  return {
    ...rest,
    global: { ...(rest.global ?? {}), istioNamespace: namespace },
    revision: revision === defaultRevisionName ? '' : revision,
  };
}

/** The revisions whose owner references name the Istio (`revision.ListOwned`). */
export function ownedRevisions(ctx: ClusterContext, istio: KubeObject) {
  return ctx.store
    .list(istioRevisionType)
    .filter(r =>
      (r.metadata.ownerReferences ?? []).some(
        o => o.uid === istio.metadata.uid,
      ),
    );
}

/** `revision.CreateOrUpdate`: the API server's refusal becomes the reconcile error. */
function createOrUpdateRevision(
  ctx: ClusterContext,
  access: SailClusterAccess,
  istio: KubeObject,
  name: string,
  version: string,
) {
  const namespace = String(istio.spec.namespace);
  const values = revisionValues(istio.spec.values, namespace, name);
  const current = ctx.store.get(istioRevisionType, undefined, name);
  const next: KubeObject = current
    ? { ...current, spec: { ...current.spec, version, values } }
    : {
        apiVersion: sailApiVersion,
        kind: 'IstioRevision',
        metadata: {
          name,
          ownerReferences: [sailOwnerReference(istio)],
        } as unknown as KubeObject['metadata'],
        spec: { version, namespace, values },
      };
  if (current && JSON.stringify(current.spec) === JSON.stringify(next.spec)) {
    return;
  }
  try {
    validateObject(istioRevisionType, next);
  } catch (error) {
    const verb = current ? 'update' : 'create';
    throw new SailError(
      `failed to ${verb} IstioRevision "${name}": ${
        (error as ApiError).message
      }`,
    );
  }
  if (current) ctx.store.replace(istioRevisionType, next);
  else {
    ctx.store.create(
      istioRevisionType,
      applyCreateDefaults(istioRevisionType, next, () =>
        access.allocateClusterIP(),
      ),
    );
  }
}

/** `revision.PruneInactive`: deletes expired revisions; returns when the next one expires. */
function pruneInactive(
  ctx: ClusterContext,
  access: SailClusterAccess,
  istio: KubeObject,
  active: string,
): number | undefined {
  const grace = pruningGracePeriodMs(istio);
  const now = ctx.clock.now();
  let next: number | undefined;
  for (const revision of ownedRevisions(ctx, istio)) {
    if (revision.metadata.name === active) continue;
    const inUse = getCondition(revision.status?.conditions, 'InUse');
    // Only a revision confirmed unused (False) is pruned, never one whose use is Unknown.
    if (inUse.status !== 'False' || !inUse.lastTransitionTime) continue;
    const at = Date.parse(inUse.lastTransitionTime) + grace;
    if (at < now) {
      access.deleteObject(istioRevisionType, undefined, revision.metadata.name);
    } else if (next === undefined || at < next) {
      next = at;
    }
  }
  return next;
}

function reconcile(
  ctx: ClusterContext,
  access: SailClusterAccess,
  istio: KubeObject,
): { error?: SailError; requeueAt?: number } {
  const spec = istio.spec ?? {};
  if (!spec.version) return { error: validationError('spec.version not set') };
  if (!spec.namespace) {
    return { error: validationError('spec.namespace not set') };
  }
  const version = resolveSailVersion(String(spec.version));
  if (!version) {
    return {
      error: isEndOfLife(String(spec.version))
        ? validationError(
            `version "${spec.version}" is end-of-life and cannot be installed; use a supported version`,
          )
        : new SailError(
            `failed to resolve Istio version for "${istio.metadata.name}": version "${spec.version}" not found`,
          ),
    };
  }
  const active = activeRevisionName(istio);
  try {
    createOrUpdateRevision(ctx, access, istio, active, version);
  } catch (error) {
    if (error instanceof SailError) return { error };
    throw error;
  }
  if (spec.values?.pilot?.env?.EXTERNAL_ISTIOD === 'true') return {};
  return { requeueAt: pruneInactive(ctx, access, istio, active) };
}

/** The Istio's status after a reconcile (`determineStatus`). */
function istioStatus(
  ctx: ClusterContext,
  istio: KubeObject,
  error: SailError | undefined,
) {
  const status: Record<string, any> = {
    ...(istio.status ?? {}),
    observedGeneration: istio.metadata.generation,
  };
  let conditions: SailCondition[] = status.conditions ?? [];
  const set = (c: SailCondition) => {
    conditions = setCondition(ctx, conditions, c);
  };
  if (error) {
    set(condition('Reconciled', 'False', 'ReconcileError', error.message));
    set(
      condition(
        'Ready',
        'Unknown',
        'ReconcileError',
        'cannot determine readiness due to reconciliation error',
      ),
    );
    status.state = 'ReconcileError';
  } else {
    status.activeRevisionName = activeRevisionName(istio);
    const revision = ctx.store.get(
      istioRevisionType,
      undefined,
      status.activeRevisionName,
    );
    if (!revision) {
      const notFound = (type: string) =>
        condition(
          type,
          'False',
          'ActiveRevisionNotFound',
          'active IstioRevision not found',
        );
      set(notFound('Reconciled'));
      set(notFound('Ready'));
      status.state = 'ActiveRevisionNotFound';
    } else {
      for (const type of ['Reconciled', 'Ready', 'DependenciesHealthy']) {
        set(getCondition(revision.status?.conditions, type));
      }
      status.state = revision.status?.state;
    }
  }
  const owned = ownedRevisions(ctx, istio);
  const counted = (type: string) =>
    owned.filter(
      r => getCondition(r.status?.conditions, type).status === 'True',
    ).length;
  status.conditions = conditions;
  status.revisions = {
    total: owned.length,
    ready: counted('Ready'),
    inUse: counted('InUse'),
  };
  if (status.state === undefined) delete status.state;
  return status;
}

/** Reconciles the Istio `name`; reschedules itself when a revision's grace period will end. */
export function reconcileIstio(
  ctx: ClusterContext,
  access: SailClusterAccess,
  name: string,
  controller: string,
) {
  const istio = ctx.store.get(istioType, undefined, name);
  if (!istio) return;
  const { error, requeueAt } = reconcile(ctx, access, istio);
  if (error) retryLater(ctx, controller, name);
  const current = ctx.store.get(istioType, undefined, name);
  if (!current) return;
  writeStatus(ctx, istioType, current, istioStatus(ctx, current, error));
  if (requeueAt !== undefined) {
    // Requeued as the grace period ends (`RequeueAfter`); pruning needs it to be over.
    ctx.loop.enqueueAt(controller, name, requeueAt + 1);
  }
}
