import {
  Gateway,
  GatewayService,
  INVENTORY_WARNING_CODES as W,
  ISTIO_LABELS,
  istioVersionFromImage,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { isCutoverCandidate } from '../isCutoverCandidate';
import {
  controlPlaneRevisionOf,
  gatewayDirectionOf,
  isGatewayWorkload,
} from '../istioResources';
import type { ServiceRecord } from '../records';
import type { MeshControl, Warn, WorkloadTally } from './tallies';
import { byNamespaceAndName, listed, selectorMatches } from './wording';

// How exposed a Service type makes the pods it selects, most exposed first.
const EXPOSURES: ReadonlyArray<NonNullable<Gateway['exposure']>> = [
  'LoadBalancer',
  'NodePort',
  'ClusterIP',
];

/** The gateways, the LoadBalancer Services in front of them, and how to name a gateway in a reason. */
export interface GatewaySummary {
  /** Sorted by namespace and name. */
  gateways: Gateway[];
  gatewayServices: GatewayService[];
  /**
   * A gateway in a removal reason: which way it carries traffic, its workload when not a
   * Deployment, and how it is exposed (live or standby behind a LoadBalancer Service, else the
   * type of the Services selecting it).
   */
  describeGateway(gateway: Gateway): string;
}

/**
 * The gateways (workloads that run a proxy as their main container, not istiod): revision and
 * version, readiness, exposure; and the LoadBalancer Services in front of them, with the colour
 * that is live and the ones standing by. Counts each gateway towards its control plane.
 */
export function summarizeGateways(
  workloads: Iterable<WorkloadTally>,
  services: ReadonlyArray<ServiceRecord>,
  control: MeshControl,
  warn: Warn,
): GatewaySummary {
  const { gateways, byNamespace } = findGateways(workloads, control);
  exposeGateways(services, byNamespace);

  // LoadBalancer Services in front of gateways: which colour is live, which is standby (the
  // cutover candidates: selected once only the selector's colour values change).
  const gatewayServices: GatewayService[] = [];
  const standbyFor = new Map<Gateway, string[]>();
  for (const service of services) {
    if (service.type !== 'LoadBalancer') {
      continue;
    }
    const candidates = byNamespace.get(service.namespace) ?? [];
    const live = candidates.filter(g =>
      selectorMatches(service.selector, g.labels),
    );
    const related = candidates.filter(g =>
      isCutoverCandidate(service.selector, g),
    );
    if (live.length === 0 && related.length === 0) {
      continue;
    }
    gatewayServices.push(gatewayServiceOf(service, live, related, warn));
    for (const gateway of live) {
      gateway.services.push(service.name);
    }
    for (const gateway of related) {
      if (!live.includes(gateway)) {
        standbyFor.set(gateway, [
          ...(standbyFor.get(gateway) ?? []),
          service.name,
        ]);
      }
    }
  }

  const describeGateway = (gateway: Gateway): string => {
    const standby = standbyFor.get(gateway) ?? [];
    let exposure = gateway.exposure ?? 'no Service';
    if (gateway.services.length) {
      exposure = `live behind LoadBalancer ${gateway.services.join(', ')}`;
    } else if (standby.length) {
      exposure = `standby for LoadBalancer ${standby.join(', ')}`;
    }
    const workload =
      gateway.workloadKind === 'DaemonSet' ? `${gateway.workloadKind}, ` : '';
    return `${gateway.namespace}/${gateway.name} (${gateway.direction}, ${workload}${exposure})`;
  };
  return { gateways, gatewayServices, describeGateway };
}

function findGateways(
  workloads: Iterable<WorkloadTally>,
  control: MeshControl,
) {
  const gateways: Gateway[] = [];
  const byNamespace = new Map<string, Gateway[]>();
  for (const tally of workloads) {
    const record = tally.record;
    if (
      !isGatewayWorkload(record) ||
      controlPlaneRevisionOf(record) !== undefined
    ) {
      continue;
    }
    const dominant = tally.revisions.dominant();
    // A gateway pinned to a tag runs the tag's revision.
    const pinned = record.podLabels[ISTIO_LABELS.revision];
    const revision =
      (pinned === undefined ? undefined : control.tags.get(pinned) ?? pinned) ??
      dominant?.revision ??
      tally.desiredRevision;
    const version =
      istioVersionFromImage(record.images['istio-proxy']) ??
      (dominant?.revision === revision ? dominant?.version : undefined) ??
      (revision === undefined
        ? undefined
        : control.controlPlanes.get(revision)?.version);
    const gateway: Gateway = {
      namespace: record.namespace,
      name: record.name,
      labels: { ...record.podLabels },
      ...(revision !== undefined && { revision }),
      ...(version !== undefined && { version }),
      direction: gatewayDirectionOf(record),
      workloadKind: record.kind === 'DaemonSet' ? 'DaemonSet' : 'Deployment',
      ready: record.readyReplicas > 0,
      readyReplicas: record.readyReplicas,
      replicas: record.replicas,
      services: [],
    };
    gateways.push(gateway);
    const list = byNamespace.get(gateway.namespace);
    if (list) {
      list.push(gateway);
    } else {
      byNamespace.set(gateway.namespace, [gateway]);
    }
    if (revision !== undefined) {
      control.controlPlanes
        .get(revision)
        ?.gateways.push(`${gateway.namespace}/${gateway.name}`);
    }
  }
  gateways.sort(byNamespaceAndName);
  for (const list of byNamespace.values()) {
    list.sort(byNamespaceAndName);
  }
  return { gateways, byNamespace };
}

/** How each gateway is exposed: the most exposed type of the Services selecting its pods. */
function exposeGateways(
  services: ReadonlyArray<ServiceRecord>,
  byNamespace: ReadonlyMap<string, Gateway[]>,
) {
  for (const service of services) {
    const rank = EXPOSURES.indexOf(service.type as Gateway['exposure'] & {});
    if (rank < 0) {
      continue;
    }
    for (const gateway of byNamespace.get(service.namespace) ?? []) {
      if (
        selectorMatches(service.selector, gateway.labels) &&
        (gateway.exposure === undefined ||
          rank < EXPOSURES.indexOf(gateway.exposure))
      ) {
        gateway.exposure = EXPOSURES[rank];
      }
    }
  }
}

function gatewayServiceOf(
  service: ServiceRecord,
  live: Gateway[],
  related: Gateway[],
  warn: Warn,
): GatewayService {
  const readyEndpoints = live.reduce((sum, g) => sum + g.readyReplicas, 0);
  const liveGateway = live[0];
  const result: GatewayService = {
    namespace: service.namespace,
    name: service.name,
    selector: { ...service.selector },
    ...(liveGateway && {
      live: { namespace: liveGateway.namespace, name: liveGateway.name },
    }),
    ...(liveGateway?.revision !== undefined && {
      liveRevision: liveGateway.revision,
    }),
    readyEndpoints,
    standby: related
      .filter(g => !live.includes(g))
      .map(g => ({
        namespace: g.namespace,
        name: g.name,
        ready: g.ready,
        ...(g.revision !== undefined && { revision: g.revision }),
        ...(g.version !== undefined && { version: g.version }),
      })),
    ...(service.resourceVersion && {
      resourceVersion: service.resourceVersion,
    }),
    ports: service.ports.map(p => ({ ...p })),
    ...(service.externalAddress !== undefined && {
      externalAddress: service.externalAddress,
    }),
  };
  if (readyEndpoints === 0) {
    warn(
      W.gatewayServiceNoReadyPod,
      'error',
      { kind: 'Service', namespace: service.namespace, name: service.name },
      liveGateway
        ? `LoadBalancer Service ${service.namespace}/${
            service.name
          } selects gateway ${listed(
            live.map(g => g.name),
          )}, which has no ready pod; its traffic is dropped`
        : `LoadBalancer Service ${service.namespace}/${service.name} selects no gateway; its traffic is dropped`,
    );
  }
  return result;
}
