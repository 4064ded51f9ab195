import { resourceTypeNamed } from '../api/resourceTypes';
import { ClusterContext } from '../controllers/clusterContext';
import { KubeObject } from '../store/kubeObject';
import { installRelease, SailClusterAccess } from './helmReleases';
import { revisionInUse } from './revisionUsage';
import {
  defaultRevisionName,
  istiodDeploymentName,
  revisionChartObjects,
} from './sailCharts';
import { istioRevisionTagType, istioRevisionType } from './sailResources';
import {
  condition,
  deriveState,
  inUseCondition,
  reconciledCondition,
  retryLater,
  SailCondition,
  SailError,
  setConditions,
  validationError,
  writeStatus,
} from './sailStatus';
import { resolveSailVersion } from './sailVersions';

/**
 * Sail's IstioRevision controller (`controllers/istiorevision`): it checks the revision's values
 * against its name and namespace, that no older IstioRevisionTag has its name and that its
 * namespace exists, installs the istiod chart for it (see `revisionChartObjects`), and reports
 * `Reconciled`, `Ready` (from istiod's Deployment), `DependenciesHealthy` and `InUse`
 * (see `revisionInUse`). Deleting it uninstalls the chart: its objects are its dependents.
 */

const namespaces = resourceTypeNamed('namespaces');
const deployments = resourceTypeNamed('deployments');

/** Whether `a` takes precedence over `b` of the same name: the older wins (`ResourceTakesPrecedence`). */
export function takesPrecedence(a: KubeObject, b: KubeObject): boolean {
  const ta = Date.parse(a.metadata.creationTimestamp);
  const tb = Date.parse(b.metadata.creationTimestamp);
  return ta < tb || (ta === tb && a.metadata.uid < b.metadata.uid);
}

function validate(ctx: ClusterContext, revision: KubeObject) {
  const { name } = revision.metadata;
  const spec = revision.spec ?? {};
  const values = spec.values;
  if (values) {
    const r = values.revision;
    if (name === defaultRevisionName && r) {
      throw validationError(
        `values.revision must be "" when revision name is ${defaultRevisionName}`,
      );
    } else if (name !== defaultRevisionName && r !== name) {
      throw validationError('values.revision does not match revision name');
    }
    if (values.global?.istioNamespace !== spec.namespace) {
      throw validationError(
        'values.global.istioNamespace does not match namespace',
      );
    }
  }
  const tag = ctx.store.get(istioRevisionTagType, undefined, name);
  if (tag && takesPrecedence(tag, revision)) {
    throw new SailError(
      'an IstioRevisionTag exists with this name',
      'NameAlreadyExists',
    );
  }
  if (!spec.version) throw validationError('version not set');
  if (!spec.namespace) throw validationError('namespace not set');
  if (!values) throw validationError('values not set');
  if (!ctx.store.get(namespaces, undefined, String(spec.namespace))) {
    throw validationError(`namespace "${spec.namespace}" doesn't exist`);
  }
  if (!resolveSailVersion(String(spec.version))) {
    // Sail ships no charts for an end-of-life version: Helm cannot load one.
    throw new SailError(
      `failed to install/update Helm chart "istiod": no chart for version ${spec.version}`,
    );
  }
}

function readyCondition(
  ctx: ClusterContext,
  revision: KubeObject,
): SailCondition {
  const istiod = ctx.store.get(
    deployments,
    String(revision.spec?.namespace ?? ''),
    istiodDeploymentName(revision),
  );
  const notReady = (message: string) =>
    condition('Ready', 'False', 'IstiodNotReady', message);
  if (!istiod) return notReady('istiod Deployment not found');
  const replicas = Number(istiod.status?.replicas ?? 0);
  if (replicas === 0) {
    return notReady('istiod Deployment is scaled to zero replicas');
  }
  if (Number(istiod.status?.readyReplicas ?? 0) < replicas) {
    return notReady('not all istiod pods are ready');
  }
  return condition('Ready', 'True', 'Ready');
}

/** Reconciles the IstioRevision `name`. */
export function reconcileIstioRevision(
  ctx: ClusterContext,
  access: SailClusterAccess,
  name: string,
  controller: string,
) {
  const revision = ctx.store.get(istioRevisionType, undefined, name);
  if (!revision) return;
  let error: SailError | undefined;
  try {
    validate(ctx, revision);
    installRelease(ctx, access, revision, revisionChartObjects(revision));
  } catch (e) {
    if (!(e instanceof SailError)) throw e;
    error = e;
    retryLater(ctx, controller, name);
  }
  const current = ctx.store.get(istioRevisionType, undefined, name);
  if (!current) return;
  const reconciled = reconciledCondition(error);
  const ready = readyCondition(ctx, current);
  // IstioCNI and ZTunnel are not simulated: no revision depends on them here.
  const dependencies = condition(
    'DependenciesHealthy',
    'True',
    'DependenciesHealthy',
  );
  const inUse = inUseCondition(revisionInUse(ctx.store, current));
  const conditions = setConditions(ctx, current.status?.conditions, [
    reconciled,
    ready,
    dependencies,
    inUse,
  ]);
  writeStatus(ctx, istioRevisionType, current, {
    ...(current.status ?? {}),
    observedGeneration: current.metadata.generation,
    conditions,
    state: deriveState('Healthy', reconciled, ready, dependencies),
  });
}
