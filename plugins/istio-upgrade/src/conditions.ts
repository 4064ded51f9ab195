import { Entity } from '@backstage/catalog-model';

/** Annotations of the Backstage Kubernetes plugin that map an entity to workloads. */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/**
 * Whether the entity is mapped to workloads the way the Kubernetes plugin maps them, so that its Istio
 * sidecars can be shown. For `EntitySwitch.Case if={isIstioAvailable}`.
 *
 * @public
 */
export function isIstioAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ANNOTATION_KUBERNETES_ID] ||
      annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR],
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
