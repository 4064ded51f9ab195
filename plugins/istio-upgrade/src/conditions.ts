import { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION,
} from '@backstage/plugin-kubernetes-common';

/**
 * Whether the entity is mapped to workloads the way the Kubernetes plugin maps them, so that its Istio
 * sidecars can be shown. For `EntitySwitch.Case if={isIstioAvailable}`.
 *
 * @public
 */
export function isIstioAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION],
  );
}

/**
 * Whether the entity is a catalog-registered Kubernetes cluster (`Resource` of type
 * `kubernetes-cluster`).
 *
 * @public
 */
export function isKubernetesCluster(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'kubernetes-cluster'
  );
}
