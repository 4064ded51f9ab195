import { ClusterContext } from '../controllers/clusterContext';
import { KubeObject } from '../store/kubeObject';
import { installRelease, SailClusterAccess } from './helmReleases';
import { takesPrecedence } from './istioRevisionController';
import { tagInUse } from './revisionUsage';
import { tagChartObjects } from './sailCharts';
import {
  istioRevisionTagType,
  istioRevisionType,
  istioType,
} from './sailResources';
import * as sailStatus from './sailStatus';

/**
 * Sail's IstioRevisionTag controller (`controllers/istiorevisiontag`): a tag targets an IstioRevision,
 * or an Istio and through it that Istio's active revision (`status.activeRevisionName`), so the tag
 * follows the Istio when a `RevisionBased` update makes a new revision active. It installs the
 * `revisiontags` chart for the target revision (see `tagChartObjects`) and reports `Reconciled`,
 * `InUse`, and the revision and namespace it resolved to.
 */

const notFound = (name: string) =>
  new sailStatus.SailError(
    `istiorevisions.sailoperator.io "${name}" not found`,
  );

/** `validate` then `GetIstioRevisionFromTargetReference`. */
function targetRevision(ctx: ClusterContext, tag: KubeObject): KubeObject {
  const ref = tag.spec?.targetRef ?? {};
  if (!ref.kind || !ref.name)
    throw sailStatus.validationError('spec.targetRef not set');
  const sameName = ctx.store.get(
    istioRevisionType,
    undefined,
    tag.metadata.name,
  );
  if (sameName && takesPrecedence(sameName, tag)) {
    throw new sailStatus.SailError(
      'an IstioRevision exists with this name',
      'NameAlreadyExists',
    );
  }
  let revisionName: string = ref.name;
  if (ref.kind === 'Istio') {
    const istio = ctx.store.get(istioType, undefined, ref.name);
    if (!istio) {
      throw new sailStatus.SailError(
        'referenced Istio resource does not exist',
        'RefNotFound',
      );
    }
    revisionName = istio.status?.activeRevisionName ?? '';
    if (!revisionName) {
      throw new sailStatus.SailError(
        'transient error: referenced Istio has no active revision',
      );
    }
  } else if (!ctx.store.get(istioRevisionType, undefined, ref.name)) {
    throw new sailStatus.SailError(
      'referenced IstioRevision resource does not exist',
      'RefNotFound',
    );
  }
  const revision = ctx.store.get(istioRevisionType, undefined, revisionName);
  if (!revision) throw notFound(revisionName);
  return revision;
}

function tagInUseCondition(
  ctx: ClusterContext,
  tag: KubeObject,
  revision: KubeObject | undefined,
  error: sailStatus.SailError | undefined,
): sailStatus.SailCondition {
  if (tagInUse(ctx.store, tag, revision))
    return sailStatus.inUseCondition(true);
  if (!revision) {
    // Unreferenced, Sail then resolves the target to check `enableNamespacesByDefault`: that fails.
    return sailStatus.condition(
      'InUse',
      'Unknown',
      'UsageCheckFailed',
      `failed to determine if revision tag is in use: ${error?.message ?? ''}`,
    );
  }
  return sailStatus.inUseCondition(false);
}

/** Reconciles the IstioRevisionTag `name`. */
export function reconcileRevisionTag(
  ctx: ClusterContext,
  access: SailClusterAccess,
  name: string,
  controller: string,
) {
  const tag = ctx.store.get(istioRevisionTagType, undefined, name);
  if (!tag) return;
  let error: sailStatus.SailError | undefined;
  let revision: KubeObject | undefined;
  try {
    revision = targetRevision(ctx, tag);
    // A move to another namespace reinstalls the chart there: the release's objects are the new
    // rendering's only.
    installRelease(ctx, access, tag, tagChartObjects(tag, revision));
  } catch (e) {
    if (!(e instanceof sailStatus.SailError)) throw e;
    error = e;
    revision = undefined;
    sailStatus.retryLater(ctx, controller, name);
  }
  const current = ctx.store.get(istioRevisionTagType, undefined, name);
  if (!current) return;
  const reconciled = sailStatus.reconciledCondition(error);
  const inUse = tagInUseCondition(ctx, current, revision, error);
  const conditions = sailStatus.setConditions(ctx, current.status?.conditions, [
    reconciled,
    inUse,
  ]);
  sailStatus.writeStatus(ctx, istioRevisionTagType, current, {
    ...(current.status ?? {}),
    observedGeneration: current.metadata.generation,
    conditions,
    state: sailStatus.deriveState('Healthy', reconciled, inUse),
    istiodNamespace: revision
      ? revision.spec.namespace
      : current.status?.istiodNamespace ?? '',
    istioRevision: revision
      ? revision.metadata.name
      : current.status?.istioRevision ?? '',
  });
}
