import { ClusterContext, timestamp } from '../controllers/clusterContext';
import { JsonObject, KubeObject } from '../store/kubeObject';
import {
  distinctListeners,
  gatewayApiDeploymentName,
} from './gatewayApiResources';

/** Istio's `humanReadableJoin`: `a`, `a and b`, `a, b, and c`. */
function humanReadableJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

const routeKinds: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

/**
 * A listener's status as istiod 1.28/1.29 write it with their defaults: TLS, TCP and UDP listeners
 * are not accepted (alpha Gateway API off); an HTTPS listener's certificate references must name
 * Secrets, which the simulator does not serve, so they never resolve.
 */
function listenerStatus(
  gateway: KubeObject,
  listener: JsonObject,
  condition: (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => JsonObject,
): JsonObject {
  const protocol = String(listener.protocol ?? '');
  const ok = 'No errors found';
  const accepted = ['TLS', 'TCP', 'UDP'].includes(protocol)
    ? condition(
        'Accepted',
        'False',
        'UnsupportedProtocol',
        `protocol "${protocol}" is supported, but only when PILOT_ENABLE_ALPHA_GATEWAY_API=true is configured`,
      )
    : condition('Accepted', 'True', 'Accepted', ok);
  const ref = (listener.tls?.certificateRefs ?? [])[0];
  const badRef =
    protocol === 'HTTPS' && listener.tls?.mode !== 'Passthrough' && ref
      ? `invalid certificate reference ${ref.group ?? ''}/${
          ref.kind ?? 'Secret'
        }/${ref.name}., secret ${ref.namespace ?? gateway.metadata.namespace}/${
          ref.name
        } not found`
      : undefined;
  return {
    attachedRoutes: 0,
    conditions: [
      accepted,
      condition('Conflicted', 'False', 'NoConflicts', ok),
      badRef
        ? condition('Programmed', 'False', 'Invalid', 'Bad TLS configuration')
        : condition('Programmed', 'True', 'Programmed', ok),
      badRef
        ? condition('ResolvedRefs', 'False', 'InvalidCertificateRef', badRef)
        : condition('ResolvedRefs', 'True', 'ResolvedRefs', ok),
    ],
    name: listener.name,
    supportedKinds: (routeKinds[protocol] ?? []).map(kind => ({
      group: 'gateway.networking.k8s.io',
      kind,
    })),
  };
}

/**
 * The status istiod writes on a Gateway it deployed: Accepted; Programmed, naming the Service's
 * host and the listeners' ports (`<name>-istio.<namespace>.svc.cluster.local:<port>`, sorted as
 * text), True with the load balancer's address once it has one, else False `AddressNotAssigned`;
 * and each listener's conditions.
 */
export function gatewayStatus(
  ctx: ClusterContext,
  gateway: KubeObject,
  address: string | undefined,
): JsonObject {
  const previous: JsonObject[] = gateway.status?.conditions ?? [];
  const previousListeners: JsonObject[] = gateway.status?.listeners ?? [];
  const generation = gateway.metadata.generation ?? 1;
  const conditionFrom =
    (before: JsonObject[]) =>
    (type: string, status: string, reason: string, message: string) => {
      const was = before.find(c => c.type === type);
      return {
        lastTransitionTime:
          was?.status === status ? was.lastTransitionTime : timestamp(ctx),
        message,
        observedGeneration: generation,
        reason,
        status,
        type,
      };
    };
  const condition = conditionFrom(previous);
  const host = `${gatewayApiDeploymentName(gateway.metadata.name)}.${
    gateway.metadata.namespace
  }.svc.cluster.local`;
  const assigned = humanReadableJoin(
    distinctListeners(gateway)
      .map(l => `${host}:${Number(l.port)}`)
      .sort(),
  );
  const listeners: JsonObject[] = gateway.spec?.listeners ?? [];
  return {
    ...(address ? { addresses: [{ type: 'IPAddress', value: address }] } : {}),
    conditions: [
      condition('Accepted', 'True', 'Accepted', 'Resource accepted'),
      address
        ? condition(
            'Programmed',
            'True',
            'Programmed',
            `Resource programmed, assigned to service(s) ${assigned}`,
          )
        : condition(
            'Programmed',
            'False',
            'AddressNotAssigned',
            `Assigned to service(s) ${assigned}, but failed to assign to all requested addresses: address pending for hostname "${host}"`,
          ),
    ],
    ...(listeners.length
      ? {
          listeners: listeners.map(l =>
            listenerStatus(
              gateway,
              l,
              conditionFrom(
                previousListeners.find(p => p.name === l.name)?.conditions ??
                  [],
              ),
            ),
          ),
        }
      : {}),
  };
}
