import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { controlPlaneChecks } from './migrationPrechecks';
import { gitOpsOwner, ManagedMetadata } from './gitOpsOwnership';
import { clusterSyncedCheck, fail, pass, warn } from './precheckResults';
import { gatewaysRestartedByTagMove } from '../planning/gatewayApiRestarts';
import {
  describeClientConfig,
  injectorClientConfig,
  WebhookConfigurationObject,
} from '../planning/tagWebhooks';

/** What the tag-move prechecks look at. */
export interface TagMoveFacts {
  inventory: ClusterInventory;
  tag: string;
  revision: string;
  webhookObject?: { metadata?: ManagedMetadata };
  /** The target revision's own injector configuration, as read from the cluster. */
  injector?: WebhookConfigurationObject;
}

/**
 * Prechecks of pointing a tag at a revision: the tag exists, the target revision's control plane
 * exists, is ready and has its injector, no GitOps controller owns the tag webhook, and the namespaces
 * that use the tag are listed.
 */
export function tagMovePrechecks(facts: TagMoveFacts): Precheck[] {
  const { inventory, tag, revision } = facts;
  const current = inventory.tags.find(t => t.name === tag);
  if (!current || !facts.webhookObject) {
    return [
      fail(
        'tag-exists',
        `Revision tag ${tag} does not exist in cluster ${inventory.cluster.name}`,
      ),
    ];
  }
  const checks: Precheck[] = [
    pass('tag-exists', `Tag ${tag} points at ${current.revision ?? 'nothing'}`),
    clusterSyncedCheck(inventory),
  ];
  if (inventory.tags.some(t => t.name === revision)) {
    checks.push(
      fail('target-exists', `${revision} is a tag; point a tag at a revision`),
    );
    return checks;
  }
  checks.push(...controlPlaneChecks(inventory, revision));
  const injection = injectorClientConfig(facts.injector);
  checks.push(
    injection
      ? pass(
          'target-webhook',
          `The tag will call ${revision}'s injector at ${describeClientConfig(
            injection,
          )}`,
        )
      : fail(
          'target-webhook',
          `Revision ${revision} has no injector webhook configuration to point the tag at`,
        ),
  );
  if (current.revision === revision) {
    checks.push(
      fail('nothing-to-do', `Tag ${tag} already points at ${revision}`),
    );
  }
  checks.push(
    pass(
      'tag-namespaces',
      current.namespaces.length
        ? `New pods in ${current.namespaces.join(', ')} will get ${revision}`
        : 'No namespace uses the tag',
    ),
  );
  const gateways = gatewaysRestartedByTagMove(inventory, tag);
  if (gateways.length > 0) {
    checks.push(
      warn(
        'gateway-api-restarts',
        `istiod of ${revision} will redeploy the Gateway API gateways that name ${tag} at once: ${gateways
          .map(g => `${g.namespace}/${g.name}`)
          .join(', ')}`,
      ),
    );
  }
  const owner = gitOpsOwner(facts.webhookObject.metadata ?? {}, [
    ['f:metadata', 'f:labels', 'f:istio.io/rev'],
    ['f:webhooks'],
  ]);
  checks.push(
    owner
      ? fail(
          'gitops-ownership',
          `The tag's webhook would be reverted: ${owner}; change it in Git`,
        )
      : pass(
          'gitops-ownership',
          'No GitOps controller manages the tag webhook',
        ),
  );
  return checks;
}
