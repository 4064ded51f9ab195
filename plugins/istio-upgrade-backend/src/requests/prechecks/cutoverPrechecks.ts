import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { CutoverTarget } from '../planning/planGatewayCutover';
import { gitOpsOwner, ManagedMetadata } from './gitOpsOwnership';
import { namespaceChangeChecks } from './namespaceChangeChecks';
import { fail, pass } from './precheckResults';

/** What the cutover prechecks look at. */
export interface CutoverFacts {
  inventory: ClusterInventory;
  namespace: string;
  service: string;
  revision: string;
  protectedNamespaces: string[];
  /** The gateway and selectors the plan moves to; an error message when none fits. */
  target: CutoverTarget | { error: string };
  /** The Service as read just now. */
  serviceObject?: {
    metadata?: ManagedMetadata & { resourceVersion?: string };
    spec?: {
      selector?: Record<string, string>;
      ports?: Array<{
        port: number;
        targetPort?: number | string;
        name?: string;
      }>;
    };
  };
  /** The target gateway's Deployment as read just now (its container ports). */
  gatewayObject?: {
    spec?: {
      template?: {
        spec?: {
          containers?: Array<{
            ports?: Array<{ containerPort: number; name?: string }>;
          }>;
        };
      };
    };
  };
}

/**
 * Prechecks of a blue/green cutover: the Service exists and selects a gateway; the target gateway of
 * the revision exists, has at least as many ready replicas as the live one (and at least one), and its
 * pods name every named target port the Service exposes; no GitOps controller would revert the selector;
 * the Service is not already on the target.
 */
export function cutoverPrechecks(facts: CutoverFacts): Precheck[] {
  const { inventory, namespace, service, revision } = facts;
  const { checks, stop } = namespaceChangeChecks(facts);
  if (stop) return checks;
  const svc = inventory.gatewayServices.find(
    s => s.namespace === namespace && s.name === service,
  );
  if (!svc || !facts.serviceObject) {
    checks.push(
      fail(
        'service-exists',
        `${namespace}/${service} is not a LoadBalancer Service that selects a gateway`,
      ),
    );
    return checks;
  }
  checks.push(
    pass(
      'service-exists',
      `${namespace}/${service} selects ${
        svc.live ? svc.live.name : 'no ready gateway'
      } (${svc.liveRevision ?? 'no revision'})`,
    ),
  );
  if ('error' in facts.target) {
    checks.push(fail('target-gateway', facts.target.error));
    return checks;
  }
  const { gateway, toSelector } = facts.target;
  checks.push(
    pass('target-gateway', `Gateway ${gateway.name} runs revision ${revision}`),
  );
  if (svc.liveRevision === revision) {
    checks.push(
      fail('nothing-to-do', `${service} already selects revision ${revision}`),
    );
  }

  const live = inventory.gateways.find(
    g => g.namespace === svc.live?.namespace && g.name === svc.live?.name,
  );
  const needed = Math.max(1, live?.readyReplicas ?? 0);
  checks.push(
    gateway.readyReplicas >= needed
      ? pass(
          'target-ready',
          `${gateway.name} has ${gateway.readyReplicas} ready replicas (live: ${
            live?.readyReplicas ?? 0
          })`,
        )
      : fail(
          'target-ready',
          `${gateway.name} has ${gateway.readyReplicas} ready replicas; it needs at least ${needed} (as many as the live gateway) before it takes the traffic`,
        ),
  );

  checks.push(targetPortsCheck(gateway.name, service, facts));

  const selectorKeys = Object.keys(toSelector).map(key => [
    'f:spec',
    'f:selector',
    `f:${key}`,
  ]);
  const owner = gitOpsOwner(facts.serviceObject.metadata ?? {}, selectorKeys);
  checks.push(
    owner
      ? fail(
          'gitops-ownership',
          `${service}'s selector would be reverted: ${owner}; change it in Git`,
        )
      : pass(
          'gitops-ownership',
          `No GitOps controller manages ${service}'s selector`,
        ),
  );
  return checks;
}

/**
 * Whether the target gateway's pods can take every port of the Service. A named target port reaches a
 * pod only through a container port of that name, so the target gateway must declare it. A numeric
 * target port needs no declaration: the traffic goes to that port of the pod, where an Istio gateway
 * listens as its Gateway resources tell it (the gateway chart declares none of 80 or 443). Those are
 * judged by the EndpointSlices after the switch, which must list ready endpoints on every port.
 */
export function targetPortsCheck(
  gatewayName: string,
  service: string,
  facts: Pick<CutoverFacts, 'serviceObject' | 'gatewayObject'>,
): Precheck {
  const containerPorts = (
    facts.gatewayObject?.spec?.template?.spec?.containers ?? []
  ).flatMap(c => c.ports ?? []);
  const ports = facts.serviceObject?.spec?.ports ?? [];
  const missing = ports.filter(
    port =>
      typeof port.targetPort === 'string' &&
      !containerPorts.some(cp => cp.name === port.targetPort),
  );
  if (missing.length) {
    return fail(
      'target-ports',
      `${gatewayName}'s pods name no container port ${missing
        .map(p => `${p.targetPort} (for ${p.port})`)
        .join(', ')}: those ports would lose traffic`,
    );
  }
  const named = ports.filter(p => typeof p.targetPort === 'string').length;
  return pass(
    'target-ports',
    named
      ? `${gatewayName} names every named target port of ${service}; numeric ones are checked on the endpoints after the switch`
      : `${service}'s target ports are numeric: checked on the endpoints after the switch`,
  );
}
