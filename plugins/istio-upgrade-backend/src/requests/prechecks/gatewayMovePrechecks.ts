import {
  ClusterInventory,
  ISTIO_LABELS,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { findGatewayApiGateway } from '../planning/planGatewayMove';
import { gitOpsOwner, ManagedMetadata } from './gitOpsOwnership';
import { controlPlaneChecks } from './migrationPrechecks';
import { namespaceChangeChecks } from './namespaceChangeChecks';
import { fail, pass } from './precheckResults';

/** What the gateway-move prechecks look at. */
export interface GatewayMoveFacts {
  inventory: ClusterInventory;
  namespace: string;
  gateway: string;
  revision: string;
  protectedNamespaces: string[];
  /** The Gateway as read just now; undefined when it does not exist. */
  gatewayObject?: {
    metadata?: ManagedMetadata & { labels?: Record<string, string> };
    spec?: { gatewayClassName?: string };
  };
}

/**
 * Prechecks of moving a Gateway API gateway: the Gateway exists and is of class istio; the target
 * revision (or the one the tag names) has a control plane that is ready; the gateway is not already
 * there; no GitOps controller would put the label back.
 */
export function gatewayMovePrechecks(facts: GatewayMoveFacts): Precheck[] {
  const { inventory, namespace, gateway, revision } = facts;
  const { checks, stop } = namespaceChangeChecks(facts);
  if (stop) return checks;
  const known = findGatewayApiGateway(inventory, namespace, gateway);
  if (!facts.gatewayObject || !known) {
    checks.push(
      fail(
        'gateway-exists',
        facts.gatewayObject
          ? `Gateway ${namespace}/${gateway} is of class ${
              facts.gatewayObject.spec?.gatewayClassName ?? 'none'
            }, not istio: istiod does not deploy it`
          : `Gateway ${namespace}/${gateway} does not exist in cluster ${inventory.cluster.name}`,
      ),
    );
    return checks;
  }
  checks.push(
    pass(
      'gateway-exists',
      `Gateway ${namespace}/${gateway} runs ${
        known.revision ?? 'no revision'
      } (${known.readyReplicas}/${known.replicas} ready pods of ${
        known.deployment
      })`,
    ),
  );
  checks.push(...controlPlaneChecks(inventory, revision));
  const label = facts.gatewayObject.metadata?.labels?.[ISTIO_LABELS.revision];
  if (label === revision) {
    checks.push(
      fail(
        'nothing-to-do',
        `Gateway ${gateway} is already labelled ${ISTIO_LABELS.revision}=${revision}`,
      ),
    );
  }
  const owner = gitOpsOwner(facts.gatewayObject.metadata ?? {}, [
    ['f:metadata', 'f:labels', `f:${ISTIO_LABELS.revision}`],
  ]);
  checks.push(
    owner
      ? fail(
          'gitops-ownership',
          `Gateway ${gateway}'s ${ISTIO_LABELS.revision} label would be reverted: ${owner}; change it in Git`,
        )
      : pass(
          'gitops-ownership',
          `No GitOps controller manages Gateway ${gateway}'s ${ISTIO_LABELS.revision} label`,
        ),
  );
  return checks;
}
