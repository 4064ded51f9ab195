import {
  ClusterInventory,
  evaluateSupport,
  IstioRelease,
  isCanaryJumpSupported,
  compareIstioVersions,
  Precheck,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { gitOpsOwner, ManagedMetadata } from './gitOpsOwnership';
import {
  clusterSyncedCheck,
  fail,
  namespaceProtectedCheck,
  pass,
  warn,
} from './precheckResults';

/** What the namespace-migration prechecks look at. */
export interface MigrationFacts {
  inventory: ClusterInventory;
  namespace: string;
  revision: string;
  /** The namespace as read from the cluster just now; undefined when it does not exist. */
  namespaceObject?: { metadata?: ManagedMetadata };
  protectedNamespaces: string[];
  releases: IstioRelease[];
  now: Date;
  /** Workloads that a restart of this request would touch (after the restart scope). */
  workloadsInScope?: Workload[];
  /** A rollback goes back to where the workloads came from, even if that is end of life. */
  rollback?: boolean;
}

/** Checks for a control plane being a fit target; shared by migrations and tag moves. */
export function controlPlaneChecks(
  inventory: ClusterInventory,
  revision: string,
): Precheck[] {
  const target = inventory.controlPlanes.find(cp => cp.revision === revision);
  const viaTag = inventory.tags.find(t => t.name === revision);
  const resolved =
    target ??
    inventory.controlPlanes.find(cp => cp.revision === viaTag?.revision);
  if (!resolved) {
    return [
      fail(
        'target-exists',
        viaTag
          ? `Tag ${revision} points at ${
              viaTag.revision ?? 'nothing'
            }, which has no control plane`
          : `No control plane of revision ${revision} in cluster ${inventory.cluster.name}`,
      ),
    ];
  }
  return [
    pass(
      'target-exists',
      viaTag && !target
        ? `Tag ${revision} points at control plane ${resolved.revision} (${
            resolved.version ?? 'version unknown'
          })`
        : `Control plane ${resolved.revision} (${
            resolved.version ?? 'version unknown'
          }) exists`,
    ),
    resolved.ready
      ? pass(
          'target-ready',
          `istiod-${resolved.revision} has ${resolved.readyReplicas}/${resolved.replicas} ready replicas`,
        )
      : fail(
          'target-ready',
          `istiod-${resolved.revision} has no ready replica (${resolved.readyReplicas}/${resolved.replicas}): pods would fail to be created`,
        ),
    resolved.hasInjector
      ? pass(
          'target-injector',
          `Injector webhook of ${resolved.revision} exists`,
        )
      : fail(
          'target-injector',
          `Revision ${resolved.revision} has no injector webhook: pods would get no sidecar`,
        ),
  ];
}

/**
 * Prechecks of moving a namespace to a revision: the target's control plane exists, is ready and has
 * its injector; the jump from every current proxy is a supported canary upgrade (or rollback); end of
 * life; the namespace exists, is not protected, uses sidecar injection, has no labels a GitOps
 * controller would revert, and has work to do; paused and OnDelete workloads are reported.
 */
export function migrationPrechecks(facts: MigrationFacts): Precheck[] {
  const { inventory, namespace, revision } = facts;
  const checks: Precheck[] = [];
  const protectedCheck = namespaceProtectedCheck(
    namespace,
    facts.protectedNamespaces,
  );
  if (protectedCheck.status === 'fail') return [protectedCheck];
  checks.push(protectedCheck, clusterSyncedCheck(inventory));
  const ns = inventory.namespaces.find(n => n.name === namespace);
  if (!ns || !facts.namespaceObject) {
    checks.push(
      fail(
        'namespace-exists',
        `Namespace ${namespace} does not exist in cluster ${inventory.cluster.name}`,
      ),
    );
    return checks;
  }
  checks.push(pass('namespace-exists', `Namespace ${namespace} exists`));
  if (ns.injectionMode === 'ambient') {
    checks.push(
      fail(
        'injection-mode',
        `Namespace ${namespace} uses ambient mode: it has no sidecars to migrate`,
      ),
    );
  } else if (ns.injectionMode === 'disabled' || ns.injectionMode === 'none') {
    checks.push(
      fail(
        'injection-mode',
        `Namespace ${namespace} does not use sidecar injection (${
          ns.injectionMode === 'disabled'
            ? 'istio-injection=disabled'
            : 'no injection label'
        }): migrating it would turn injection on; label it first`,
      ),
    );
  } else {
    checks.push(
      pass(
        'injection-mode',
        `Namespace ${namespace} uses ${ns.injectionMode} injection`,
      ),
    );
  }

  checks.push(...controlPlaneChecks(inventory, revision));
  const target =
    inventory.controlPlanes.find(cp => cp.revision === revision) ??
    inventory.controlPlanes.find(
      cp =>
        cp.revision === inventory.tags.find(t => t.name === revision)?.revision,
    );

  if (target?.version) {
    const proxies = ns.podsByRevision
      .filter(
        r => r.revision !== undefined && r.version !== undefined && r.count > 0,
      )
      .map(r => r.version!);
    const blocked = proxies
      .map(v => isCanaryJumpSupported(v, target.version))
      .find(jump => jump.known && !jump.supported);
    checks.push(
      blocked
        ? fail('skew', blocked.reason)
        : pass(
            'skew',
            proxies.length
              ? `Every proxy (${[...new Set(proxies)].join(
                  ', ',
                )}) can move to ${target.version}`
              : 'No sidecar yet',
          ),
    );
    const support = evaluateSupport(target.version, facts.releases, facts.now);
    const stepUp =
      proxies.length > 0 &&
      proxies.every(v => compareIstioVersions(target.version, v) > 0);
    if (support.status === 'end-of-life') {
      const since = `${target.version} is end of life since ${support.endOfLife}`;
      if (stepUp) {
        checks.push(
          warn('end-of-life', `${since}: a step up, plan the next one`),
        );
      } else if (facts.rollback) {
        checks.push(
          warn(
            'end-of-life',
            `${since}: the rollback returns to it; plan the upgrade again`,
          ),
        );
      } else {
        checks.push(fail('end-of-life', since));
      }
    } else if (support.status === 'ending-soon') {
      checks.push(
        warn(
          'end-of-life',
          `${target.version} support ends ${support.endOfLife} (in ${support.daysToEndOfLife} days)`,
        ),
      );
    } else {
      checks.push(
        pass(
          'end-of-life',
          `${target.version} is ${
            support.status === 'unknown'
              ? 'not in the release table'
              : 'supported'
          }`,
        ),
      );
    }
  }

  const labels = facts.namespaceObject.metadata?.labels ?? {};
  if (
    labels['istio-injection'] !== undefined &&
    labels['istio.io/rev'] !== undefined
  ) {
    checks.push(
      warn(
        'conflicting-labels',
        `Namespace ${namespace} has both istio-injection=${labels['istio-injection']} and istio.io/rev=${labels['istio.io/rev']}; istio-injection wins today, and the migration removes it`,
      ),
    );
  } else {
    checks.push(pass('conflicting-labels', 'No conflicting injection labels'));
  }
  const owner = gitOpsOwner(facts.namespaceObject.metadata ?? {}, [
    ['f:metadata', 'f:labels', 'f:istio-injection'],
    ['f:metadata', 'f:labels', 'f:istio.io/rev'],
  ]);
  checks.push(
    owner
      ? fail(
          'gitops-ownership',
          `Namespace ${namespace}'s labels would be reverted: ${owner}; change them in Git`,
        )
      : pass(
          'gitops-ownership',
          'No GitOps controller manages the namespace labels',
        ),
  );

  const alreadyThere =
    labels['istio.io/rev'] === revision &&
    labels['istio-injection'] === undefined &&
    ns.podsNeedingRestart === 0;
  checks.push(
    alreadyThere
      ? fail(
          'nothing-to-do',
          `Namespace ${namespace} already asks for ${revision} and every pod runs it`,
        )
      : pass('nothing-to-do', `Namespace ${namespace} has pods to move`),
  );

  const special = (
    facts.workloadsInScope ??
    inventory.workloads.filter(w => w.namespace === namespace)
  ).filter(w => w.paused || w.onDelete);
  checks.push(
    special.length
      ? warn(
          'workloads-not-restartable',
          `Not restarted, not counted as done: ${special
            .map(
              w => `${w.kind} ${w.name} (${w.paused ? 'paused' : 'OnDelete'})`,
            )
            .join(', ')}`,
        )
      : pass('workloads-not-restartable', 'Every workload can be restarted'),
  );
  return checks;
}
