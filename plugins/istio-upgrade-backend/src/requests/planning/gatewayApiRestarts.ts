import {
  ClusterInventory,
  GatewayApiGateway,
  ISTIO_LABELS,
  Plan,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * The Gateway API gateways a tag move restarts: those whose `istio.io/rev` label names the tag (and,
 * for the `default` tag, those without the label). istiod of the tag's new revision takes them over
 * and redeploys them as soon as the tag moves, whatever the plan's waves (istio/istio#59959).
 */
export function gatewaysRestartedByTagMove(
  inventory: ClusterInventory,
  tag: string,
): GatewayApiGateway[] {
  return (inventory.gatewayApiGateways ?? []).filter(
    g =>
      g.revisionLabel === tag ||
      (g.revisionLabel === undefined && tag === ISTIO_LABELS.defaultTag),
  );
}

/** The plan's warning about those gateways, when there are any. */
export function tagMoveGatewayWarnings(
  inventory: ClusterInventory,
  tag: string,
  revision: string,
): Pick<Plan, 'warnings'> {
  const gateways = gatewaysRestartedByTagMove(inventory, tag);
  if (gateways.length === 0) return {};
  const pods = (g: GatewayApiGateway) => {
    const count = g.podsByRevision.reduce((sum, r) => sum + r.count, 0);
    return `${count} ${count === 1 ? 'pod' : 'pods'}`;
  };
  return {
    warnings: [
      `Moving tag ${tag} restarts ${gateways.length} Gateway API ${
        gateways.length === 1 ? 'gateway' : 'gateways'
      } at once, before any wave: istiod of ${revision} redeploys ${gateways
        .map(g => `${g.namespace}/${g.name} (${pods(g)})`)
        .join(', ')}`,
    ],
  };
}
