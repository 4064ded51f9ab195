import { KubeObject } from '../../store/kubeObject';
import { ResourceType } from '../resourceTypes';
import { labelSelectorString } from '../selectors';
import { invalid } from '../statusErrors';

/** The `autoscaling/v1` Scale of a workload, as its scale subresource serves it. */
export function scaleOf(rt: ResourceType, object: KubeObject): KubeObject {
  const selector = object.spec?.selector
    ? labelSelectorString(object.spec.selector)
    : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 1 },
    status: {
      replicas: rt.resource === 'daemonsets' ? 0 : object.status?.replicas ?? 0,
      selector,
    },
  };
}

/**
 * The replicas a Scale asks for, or 422 when they are not a non-negative integer; `show` prints the
 * refused value as the message shows it.
 */
export function scaleReplicas(
  name: string,
  replicas: unknown,
  show: (value: unknown) => string = String,
): number {
  if (
    typeof replicas !== 'number' ||
    !Number.isInteger(replicas) ||
    replicas < 0
  ) {
    throw invalid('Scale', name, 'autoscaling', [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${show(
          replicas,
        )}: must be greater than or equal to 0`,
        field: 'spec.replicas',
      },
    ]);
  }
  return replicas;
}
