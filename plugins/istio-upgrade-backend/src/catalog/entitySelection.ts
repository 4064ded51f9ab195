import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { EntitySelection } from '../inventory/InventoryService';

export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * How an entity maps to workloads, as in the Backstage Kubernetes plugin: the label selector annotation
 * when present, else `backstage.io/kubernetes-id=<id>`; `backstage.io/kubernetes-namespace` narrows the
 * namespace. `undefined` when the entity has neither annotation.
 */
export function entitySelection(entity: Entity): EntitySelection | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE];
  const base = {
    entityRef: stringifyEntityRef(entity),
    ...(namespace ? { namespace } : {}),
  };
  const selector = annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR];
  if (selector) {
    return { ...base, selector };
  }
  const id = annotations[ANNOTATION_KUBERNETES_ID];
  if (id) {
    if (id.length > 63 || !LABEL_VALUE.test(id)) {
      throw new InputError(
        `The ${ANNOTATION_KUBERNETES_ID} annotation "${id}" is not a valid label value`,
      );
    }
    return { ...base, selector: `${ANNOTATION_KUBERNETES_ID}=${id}` };
  }
  return undefined;
}
