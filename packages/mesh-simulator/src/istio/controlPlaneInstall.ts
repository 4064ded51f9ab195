import {
  findResourceTypeByKind,
  resourceTypeNamed,
} from '../api/resourceTypes';
import { ApiError, badRequest } from '../api/statusErrors';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { createObject } from '../scenarios/scenarioLoader';
import { KubeObject } from '../store/kubeObject';
import { installedByHelm, istiodRelease } from './chartMetadata';
import { istioSystem } from './controlPlanes';
import { injectorWebhook } from './injectionWebhooks';
import { istiodAccessObjects } from './istiodAccess';
import { istioConfigMaps, istiodObjects } from './istiodObjects';
import { parseIstioVersion } from './istioVersions';
import { revisionValidator } from './validationWebhooks';

/**
 * A person installing one more control plane revision on a cluster installed with Helm or
 * istioctl, as a plan's `helm upgrade --install istiod-<rev> istio/istiod ... --set
 * revision=<rev>` (or `istioctl install --set revision=<rev>`) does.
 *
 * @public
 */
export interface ControlPlaneInstall {
  /** The revision (`1-31-0`), or `default` for the revisionless control plane. */
  revision: string;
  /** The Istio version whose istio-discovery chart is rendered (`1.31.0`). */
  version: string;
  /** How it is installed: Helm (release `istiod-<rev>` in istio-system, the default) or istioctl. */
  installedWith?: 'helm' | 'istioctl';
  /** istiod's replicas (default 1). */
  replicas?: number;
}

/**
 * What an install created, in creation order.
 *
 * @public
 */
export interface InstalledControlPlane {
  revision: string;
  version: string;
  installedWith: 'helm' | 'istioctl';
  /** The Helm release (`istiod-<rev>`); absent for istioctl. */
  release?: string;
  objects: Array<{
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }>;
}

/** The Istio minors whose charts the simulator renders (those its scenarios and Sail know). */
export const renderableMinors = { oldest: 9, newest: 31 };

const revisionName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const istios = resourceTypeNamed('istios');

/** Checks an install request; throws a 400 naming what is wrong. */
export function parseControlPlaneInstall(body: unknown): ControlPlaneInstall {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) {
    throw badRequest('the body must be a JSON object');
  }
  const { revision, version, installedWith, replicas } = b;
  if (
    typeof revision !== 'string' ||
    revision.length > 63 ||
    !revisionName.test(revision)
  ) {
    throw badRequest(
      'revision must be a lowercase RFC 1123 label such as "1-31-0" (or "default")',
    );
  }
  if (typeof version !== 'string') {
    throw badRequest('version must be an Istio version such as "1.31.0"');
  }
  if (
    installedWith !== undefined &&
    installedWith !== 'helm' &&
    installedWith !== 'istioctl'
  ) {
    throw badRequest('installedWith must be "helm" or "istioctl"');
  }
  if (
    replicas !== undefined &&
    (!Number.isInteger(replicas) || (replicas as number) < 1)
  ) {
    throw badRequest('replicas must be a positive integer');
  }
  return {
    revision,
    version,
    ...(installedWith ? { installedWith } : {}),
    ...(replicas !== undefined ? { replicas: replicas as number } : {}),
  };
}

function refuse(message: string): ApiError {
  return new ApiError(409, 'AlreadyExists', message);
}

/** The objects the istio-discovery chart of `version` renders for `revision`, as installed. */
function renderedObjects(install: Required<ControlPlaneInstall>): KubeObject[] {
  const { revision, version, replicas } = install;
  const validator = revisionValidator(revision, version);
  const objects = [
    ...istiodAccessObjects(revision, version, {
      replicas,
      byIstioctl: install.installedWith === 'istioctl',
    }),
    ...istioConfigMaps(revision, version),
    ...istiodObjects(revision, version, replicas),
    injectorWebhook(revision, version),
    ...(validator ? [validator] : []),
  ];
  return install.installedWith === 'helm'
    ? objects.map(o => installedByHelm(o, istiodRelease(revision), istioSystem))
    : objects;
}

/**
 * Installs a control plane revision on a cluster whose Istio was installed with Helm or istioctl:
 * everything the istio-discovery chart renders for it (ServiceAccount, RBAC, ConfigMaps, Service,
 * Deployment, HorizontalPodAutoscaler, PodDisruptionBudget when rendered, injector and validating
 * webhooks), labelled and annotated as that installer leaves them. istiod's pods then start as any
 * Deployment's do, so the revision becomes Ready after the usual start-up time.
 *
 * Refuses (409) a revision whose objects exist already or a cluster whose control planes the Sail
 * operator manages, and (400) a version the simulator cannot render (not `1.<minor>.<patch>` with a
 * minor from 9 to 31).
 */
export function installControlPlane(
  cluster: SimulatedCluster,
  request: ControlPlaneInstall,
): InstalledControlPlane {
  const install = parseControlPlaneInstall(request);
  const parsed = parseIstioVersion(install.version);
  if (
    !parsed ||
    !/^\d+\.\d+\.\d+$/.test(install.version) ||
    parsed.major !== 1 ||
    parsed.minor < renderableMinors.oldest ||
    parsed.minor > renderableMinors.newest
  ) {
    throw badRequest(
      `the simulator cannot render Istio ${install.version}: it renders 1.${renderableMinors.oldest}.x to 1.${renderableMinors.newest}.x`,
    );
  }
  if (cluster.store.list(istios).length > 0) {
    throw refuse(
      `cluster ${cluster.name}: its control planes are managed by the Sail operator; create an IstioRevision through its Istio instead`,
    );
  }
  const full: Required<ControlPlaneInstall> = {
    revision: install.revision,
    version: install.version,
    installedWith: install.installedWith ?? 'helm',
    replicas: install.replicas ?? 1,
  };
  const objects = renderedObjects(full);
  const existing = objects.filter(o => {
    const rt = findResourceTypeByKind(o.apiVersion, o.kind)!;
    return cluster.store.get(rt, o.metadata.namespace, o.metadata.name);
  });
  if (
    existing.length > 0 ||
    cluster.controlPlanes.istiod(full.revision) ||
    cluster.controlPlanes.injector(full.revision)
  ) {
    throw refuse(
      `cluster ${cluster.name}: revision ${full.revision} exists already (${
        existing
          .map(o => `${o.kind} ${o.metadata.name}`)
          .slice(0, 3)
          .join(', ') || 'its istiod'
      })`,
    );
  }
  const created = objects.map(o => createObject(cluster, o));
  return {
    revision: full.revision,
    version: full.version,
    installedWith: full.installedWith,
    ...(full.installedWith === 'helm'
      ? { release: istiodRelease(full.revision) }
      : {}),
    objects: created.map(o => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      name: o.metadata.name,
    })),
  };
}
