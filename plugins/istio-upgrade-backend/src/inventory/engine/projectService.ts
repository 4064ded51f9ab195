import type { KubeServiceObject } from './kubernetesObjects';
import type { ServiceRecord } from './records';

/**
 * Reduces a Service to its type, selector, ports, resourceVersion and load-balancer address.
 * Returns undefined for objects without a name or namespace.
 *
 * @public
 */
export function projectService(
  object: KubeServiceObject,
): ServiceRecord | undefined {
  const meta = object.metadata;
  if (!meta?.name || !meta.namespace) {
    return undefined;
  }
  const ingress = object.status?.loadBalancer?.ingress?.[0];
  const record: ServiceRecord = {
    namespace: meta.namespace,
    name: meta.name,
    type: object.spec?.type ?? 'ClusterIP',
    selector: Object.freeze({ ...(object.spec?.selector ?? {}) }),
    ports: (object.spec?.ports ?? [])
      .filter(p => typeof p.port === 'number')
      .map(p => ({
        ...(p.name !== undefined && { name: p.name }),
        port: p.port as number,
        ...(p.targetPort !== undefined && { targetPort: p.targetPort }),
        ...(p.protocol !== undefined && { protocol: p.protocol }),
      })),
    resourceVersion: meta.resourceVersion ?? '',
  };
  const address = ingress?.ip || ingress?.hostname;
  if (address) {
    record.externalAddress = address;
  }
  return record;
}
