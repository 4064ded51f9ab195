import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  KUBERNETES_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION,
} from '@backstage/plugin-kubernetes-common';
import { EntitySelection } from '../inventory/InventoryService';

/** Read by the Kubernetes plugin too; `@backstage/plugin-kubernetes-common` has no constant for it. */
const ANNOTATION_KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';

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
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION];
  if (selector) {
    return { ...base, selector };
  }
  const id = annotations[KUBERNETES_ANNOTATION];
  if (id) {
    if (id.length > 63 || !LABEL_VALUE.test(id)) {
      throw new InputError(
        `The ${KUBERNETES_ANNOTATION} annotation "${id}" is not a valid label value`,
      );
    }
    return { ...base, selector: `${KUBERNETES_ANNOTATION}=${id}` };
  }
  return undefined;
}
