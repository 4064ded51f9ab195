import {
  ClusterInventory,
  Gateway,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { clusterSyncedCheck, fail, pass } from '../prechecks/precheckResults';

/** Another active request of the cluster, as a removal weighs it. */
export interface ActiveRequestOnCluster {
  id: string;
  type: string;
  revision: string;
  fromRevision?: string;
}

/**
 * The revision's standby blue/green gateways: ingress gateways that run it, that no LoadBalancer
 * Service selects, and that a Service lists as the other colour. A removal deletes them with the
 * revision.
 */
export function standbyGatewaysOf(
  inventory: ClusterInventory,
  revision: string,
): Gateway[] {
  const standby = new Set(
    inventory.gatewayServices.flatMap(s =>
      s.standby.map(g => `${g.namespace}/${g.name}`),
    ),
  );
  return inventory.gateways.filter(
    g =>
      g.revision === revision &&
      g.direction !== 'egress' &&
      (g.workloadKind ?? 'Deployment') === 'Deployment' &&
      (g.services ?? []).length === 0 &&
      standby.has(`${g.namespace}/${g.name}`),
  );
}

function podsOf(
  inventory: ClusterInventory,
  namespace: string,
  name: string,
  revision: string,
): number {
  const workload = inventory.workloads.find(
    w =>
      w.namespace === namespace && w.name === name && w.kind === 'Deployment',
  );
  return (
    workload?.podsByRevision.find(r => r.revision === revision)?.count ?? 0
  );
}

/**
 * Why a revision may not be removed, from the inventory: it is the default; a tag points at it; a
 * namespace asks for it; pods other than its standby gateways' run it; a gateway that is live, an
 * egress gateway or a Gateway API gateway runs it; a workload pins it; or another active request names it.
 */
export function removalBlockers(
  inventory: ClusterInventory,
  revision: string,
  activeRequests: ActiveRequestOnCluster[],
): string[] {
  const cp = inventory.controlPlanes.find(c => c.revision === revision);
  if (!cp)
    return [`cluster ${inventory.cluster.name} has no revision ${revision}`];
  const reasons: string[] = [];
  if (cp.isDefault) reasons.push('it is the default revision');
  if (cp.tags.length) {
    reasons.push(`tag ${cp.tags.join(', ')} points at it: move the tag first`);
  }
  const namespaces = inventory.namespaces
    .filter(n => n.desiredRevision === revision)
    .map(n => n.name);
  if (namespaces.length) {
    reasons.push(
      `namespace ${namespaces.join(', ')} asks for it: migrate them first`,
    );
  }
  const standby = standbyGatewaysOf(inventory, revision);
  const standbyKeys = new Set(standby.map(g => `${g.namespace}/${g.name}`));
  const standbyPods = standby.reduce(
    (sum, g) => sum + podsOf(inventory, g.namespace, g.name, revision),
    0,
  );
  const pods = Math.max(0, cp.inUse.pods - standbyPods);
  if (pods > 0)
    reasons.push(`${pods} pod${pods === 1 ? '' : 's'} still run its sidecar`);
  const gateways = inventory.gateways
    .filter(
      g =>
        g.revision === revision && !standbyKeys.has(`${g.namespace}/${g.name}`),
    )
    .map(
      g =>
        `${g.namespace}/${g.name}${
          (g.services ?? []).length
            ? ` (live for ${g.services!.join(', ')})`
            : ''
        }`,
    );
  const gatewayApi = (inventory.gatewayApiGateways ?? [])
    .filter(
      g =>
        g.revision === revision ||
        g.podsByRevision.some(r => r.revision === revision && r.count > 0),
    )
    .map(g => `Gateway ${g.namespace}/${g.name}`);
  if (gateways.length || gatewayApi.length) {
    reasons.push(
      `${[...gateways, ...gatewayApi].join(', ')} still run${
        gateways.length + gatewayApi.length === 1 ? 's' : ''
      } it: cut over or move ${
        gateways.length + gatewayApi.length === 1 ? 'it' : 'them'
      } first`,
    );
  }
  const pinned = inventory.workloads
    .filter(
      w =>
        w.podLabels['istio.io/rev'] === revision &&
        w.podLabels.app !== 'istiod' &&
        !standbyKeys.has(`${w.namespace}/${w.name}`) &&
        !inventory.gateways.some(
          g => g.namespace === w.namespace && g.name === w.name,
        ),
    )
    .map(w => `${w.kind} ${w.namespace}/${w.name}`);
  if (pinned.length) {
    reasons.push(
      `${pinned.join(', ')} pin${
        pinned.length === 1 ? 's' : ''
      } it in the pod template`,
    );
  }
  const busy = activeRequests.filter(
    r => r.revision === revision || r.fromRevision === revision,
  );
  if (busy.length) {
    reasons.push(
      `request ${busy
        .map(r => `${r.id} (${r.type})`)
        .join(', ')} is active on it`,
    );
  }
  return reasons;
}

/** The prechecks of a removal: the inventory is whole and nothing blocks it. */
export function removalPrechecks(
  inventory: ClusterInventory,
  revision: string,
  activeRequests: ActiveRequestOnCluster[],
): Precheck[] {
  const reasons = removalBlockers(inventory, revision, activeRequests);
  const standby = standbyGatewaysOf(inventory, revision);
  return [
    clusterSyncedCheck(inventory),
    reasons.length
      ? fail(
          'revision-unused',
          `Revision ${revision} cannot be removed: ${reasons.join('; ')}`,
        )
      : pass(
          'revision-unused',
          `No pod, namespace, tag, gateway or request uses revision ${revision}${
            standby.length
              ? ` besides its standby gateway ${standby
                  .map(g => `${g.namespace}/${g.name}`)
                  .join(', ')}, removed with it`
              : ''
          }`,
        ),
  ];
}
