import {
  ISTIO_LABELS,
  istioVersionFromImage,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { ControlPlaneRollout } from './inventoryInput';
import type { KubeWorkloadObject } from './kubernetesObjects';

/**
 * Reads an istiod ReplicaSet as a rollout of its revision: the revision from its `istio.io/rev`
 * label (`default` without one), the version from its `discovery` container's image, and when it
 * was created. Returns undefined for ReplicaSets that are not istiod's (`app=istiod`) and for
 * those without a creation time.
 *
 * @public
 */
export function projectControlPlaneRollout(
  replicaSet: KubeWorkloadObject,
): ControlPlaneRollout | undefined {
  const meta = replicaSet.metadata;
  const templateLabels = replicaSet.spec?.template?.metadata?.labels ?? {};
  const labels = meta?.labels ?? {};
  if (labels.app !== 'istiod' && templateLabels.app !== 'istiod') {
    return undefined;
  }
  const since = meta?.creationTimestamp
    ? Date.parse(meta.creationTimestamp)
    : NaN;
  if (Number.isNaN(since)) {
    return undefined;
  }
  const discovery = replicaSet.spec?.template?.spec?.containers?.find(
    c => c.name === 'discovery',
  );
  const version = istioVersionFromImage(discovery?.image);
  return {
    revision:
      labels[ISTIO_LABELS.revision] ??
      templateLabels[ISTIO_LABELS.revision] ??
      ISTIO_LABELS.defaultTag,
    ...(version !== undefined && { version }),
    since,
  };
}
