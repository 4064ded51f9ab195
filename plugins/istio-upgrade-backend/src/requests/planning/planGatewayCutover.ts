import {
  ClusterInventory,
  Gateway,
  Plan,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  CUTOVER_COLOUR_KEYS,
  isCutoverCandidate,
  whyNotCutoverCandidate,
} from '../../inventory/engine';
import { InputError } from '@backstage/errors';

/** What a gateway cutover is asked to do. */
export interface GatewayCutoverInput {
  namespace: string;
  service: string;
  revision: string;
}

/** The gateway a cutover moves to, and the selector that picks it. */
export interface CutoverTarget {
  gateway: Gateway;
  fromSelector: Record<string, string>;
  toSelector: Record<string, string>;
}

/**
 * Finds the gateway of `revision` that the LoadBalancer Service can be pointed at: a gateway in the
 * Service's namespace whose pods the Service's selector selects once only its colour values
 * (`version`, `istio.io/rev`) change, every other key keeping its value; never an egress gateway.
 * The new selector takes the colour values from that gateway's pod labels.
 */
export function findCutoverTarget(
  inventory: ClusterInventory,
  input: GatewayCutoverInput,
): CutoverTarget {
  const service = inventory.gatewayServices.find(
    s => s.namespace === input.namespace && s.name === input.service,
  );
  if (!service) {
    throw new InputError(
      `${input.namespace}/${input.service} is not a LoadBalancer Service that selects a gateway in cluster ${inventory.cluster.name}`,
    );
  }
  const ofRevision = inventory.gateways.filter(
    g => g.namespace === input.namespace && g.revision === input.revision,
  );
  const candidates = ofRevision.filter(g =>
    isCutoverCandidate(service.selector, g),
  );
  if (candidates.length === 0) {
    const colours = Object.keys(service.selector).filter(key =>
      CUTOVER_COLOUR_KEYS.includes(key),
    );
    const why = ofRevision
      .map(g => whyNotCutoverCandidate(service.selector, g))
      .filter(reason => reason !== undefined);
    throw new InputError(
      `No gateway of revision ${input.revision} in namespace ${
        input.namespace
      } is selected by ${input.service} once only its ${
        colours.length ? colours.join(' and ') : 'version'
      } changes: ${
        why.length
          ? why.join('; ')
          : `there is no gateway of revision ${input.revision} there`
      }`,
    );
  }
  if (candidates.length > 1) {
    throw new InputError(
      `More than one gateway of revision ${input.revision} could take over ${
        input.service
      }: ${candidates.map(c => c.name).join(', ')}`,
    );
  }
  const gateway = candidates[0];
  const toSelector = Object.fromEntries(
    Object.entries(service.selector).map(([key, value]) => [
      key,
      CUTOVER_COLOUR_KEYS.includes(key) ? gateway.labels[key] : value,
    ]),
  );
  return { gateway, fromSelector: { ...service.selector }, toSelector };
}

/**
 * The exact change of a blue/green cutover: one merge patch of the LoadBalancer Service's selector,
 * conditional on its resourceVersion. The old gateway keeps running; the rollback patch points the
 * selector back.
 */
export function planGatewayCutover(
  inventory: ClusterInventory,
  input: GatewayCutoverInput,
): Plan {
  const { gateway, fromSelector, toSelector } = findCutoverTarget(
    inventory,
    input,
  );
  const service = inventory.gatewayServices.find(
    s => s.namespace === input.namespace && s.name === input.service,
  )!;
  const ports = service.ports.map(p => p.port).join(', ');
  return {
    summary: `Cut ${input.namespace}/${
      input.service
    } (ports ${ports}) over from ${service.liveRevision ?? 'no live gateway'}${
      service.live ? ` (${service.live.name})` : ''
    } to ${input.revision} (${gateway.name}); the old gateway keeps running`,
    ...(service.liveRevision ? { fromRevision: service.liveRevision } : {}),
    toRevision: input.revision,
    patches: [
      {
        step: 'switch-selector',
        kind: 'Service',
        namespace: input.namespace,
        name: input.service,
        patchType: 'merge',
        patch: {
          metadata: { resourceVersion: service.resourceVersion ?? '' },
          spec: { selector: toSelector },
        },
        ...(service.resourceVersion
          ? { precondition: service.resourceVersion }
          : {}),
      },
    ],
    rollbackPatches: [
      {
        step: 'switch-selector',
        kind: 'Service',
        namespace: input.namespace,
        name: input.service,
        patchType: 'merge',
        patch: { spec: { selector: fromSelector } },
      },
    ],
    waves: [],
    podsInScope: gateway.readyReplicas,
  };
}
