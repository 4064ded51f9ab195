import { ISTIO_LABELS } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { KubeObject } from './kubernetesObjects';
import type { GatewayApiGatewayRecord } from './records';

/** The GatewayClass whose Gateways istiod deploys. */
const ISTIO_GATEWAY_CLASS = 'istio';

/**
 * A Gateway API `Gateway` object, with the fields the inventory reads.
 *
 * @public
 */
export interface KubeGatewayApiGatewayObject extends KubeObject {
  spec?: { gatewayClassName?: string };
  status?: { conditions?: Array<{ type?: string; status?: string }> | null };
}

/**
 * Reduces a Gateway API `Gateway` to its revision label, class and Programmed condition. Gateways
 * of other classes are not Istio's: undefined, as for objects without a name or namespace.
 *
 * @public
 */
export function projectGatewayApiGateway(
  object: KubeGatewayApiGatewayObject,
): GatewayApiGatewayRecord | undefined {
  const meta = object.metadata;
  const gatewayClassName = object.spec?.gatewayClassName;
  if (
    !meta?.name ||
    !meta.namespace ||
    gatewayClassName !== ISTIO_GATEWAY_CLASS
  ) {
    return undefined;
  }
  const revisionLabel = meta.labels?.[ISTIO_LABELS.revision];
  return {
    namespace: meta.namespace,
    name: meta.name,
    gatewayClassName,
    ...(revisionLabel ? { revisionLabel } : {}),
    programmed: (object.status?.conditions ?? []).some(
      c => c.type === 'Programmed' && c.status === 'True',
    ),
    resourceVersion: meta.resourceVersion ?? '',
  };
}
