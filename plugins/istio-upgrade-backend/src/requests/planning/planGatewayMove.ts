import {
  ClusterInventory,
  GatewayApiGateway,
  ISTIO_LABELS,
  Plan,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InputError } from '@backstage/errors';

/** What a gateway move is asked to do. */
export interface GatewayMoveInput {
  namespace: string;
  gateway: string;
  /** A revision, or a tag the label is to name. */
  revision: string;
}

/** The Gateway API gateway a move relabels, from the inventory. */
export function findGatewayApiGateway(
  inventory: ClusterInventory,
  namespace: string,
  gateway: string,
): GatewayApiGateway | undefined {
  return (inventory.gatewayApiGateways ?? []).find(
    g => g.namespace === namespace && g.name === gateway,
  );
}

/**
 * The exact change of moving a Gateway API gateway to a revision: one merge patch of the Gateway's
 * `istio.io/rev` label, conditional on its resourceVersion. istiod of the new revision then rewrites
 * the Deployment `<name>-istio`, whose pods move by a rolling update. The rollback patch puts the
 * label back as it was (removes it when there was none).
 */
export function planGatewayMove(
  inventory: ClusterInventory,
  input: GatewayMoveInput,
  current: { labels: Record<string, string>; resourceVersion?: string },
): Plan {
  const gateway = findGatewayApiGateway(
    inventory,
    input.namespace,
    input.gateway,
  );
  if (!gateway) {
    throw new InputError(
      `${input.namespace}/${input.gateway} is not a Gateway API gateway of class istio in cluster ${inventory.cluster.name}`,
    );
  }
  const from = gateway.revision;
  const label = current.labels[ISTIO_LABELS.revision];
  const pods = gateway.podsByRevision.reduce((sum, r) => sum + r.count, 0);
  const relabel = (patch: Record<string, unknown>): PlannedPatch => ({
    step: 'relabel-gateway',
    kind: 'Gateway',
    namespace: input.namespace,
    name: input.gateway,
    patchType: 'merge',
    patch,
  });
  return {
    summary: `Move Gateway API gateway ${input.namespace}/${
      input.gateway
    } from ${from ?? 'no revision'} to ${input.revision}: istiod of ${
      input.revision
    } redeploys ${gateway.deployment} (${pods} ${
      pods === 1 ? 'pod' : 'pods'
    }, by a rolling update)`,
    ...(from ? { fromRevision: from } : {}),
    toRevision: input.revision,
    patches: [
      {
        ...relabel({
          metadata: {
            resourceVersion: current.resourceVersion ?? '',
            labels: { [ISTIO_LABELS.revision]: input.revision },
          },
        }),
        ...(current.resourceVersion
          ? { precondition: current.resourceVersion }
          : {}),
      },
    ],
    rollbackPatches: [
      relabel({
        metadata: { labels: { [ISTIO_LABELS.revision]: label ?? null } },
      }),
    ],
    waves: [],
    podsInScope: pods,
  };
}
