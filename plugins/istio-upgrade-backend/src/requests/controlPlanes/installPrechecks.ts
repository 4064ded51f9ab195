import {
  ClusterInventory,
  evaluateSupport,
  IstioRelease,
  isCanaryJumpSupported,
  istioMinorOf,
  kubernetesSupportOf,
  minorDistance,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  clusterSyncedCheck,
  fail,
  pass,
  warn,
} from '../prechecks/precheckResults';

/** What the prechecks of a control-plane install look at. */
export interface InstallFacts {
  inventory: ClusterInventory;
  /** The Istio version to install (1.31.0). */
  version: string;
  /** The revision name asked for. */
  revision: string;
  releases: ReadonlyArray<IstioRelease>;
  now: Date;
  maxRevisions: number;
  /** The API server's version, when it could be read. */
  kubernetesVersion?: string;
  /** Revision names the cluster already has besides the inventory's control planes (Sail's). */
  otherRevisions?: string[];
  /** The name the cluster's installer will give the revision (Sail's RevisionBased naming). */
  expectedRevision?: string;
}

/**
 * The checks of a version alone against the cluster: in the release table, not end of life, a
 * canary jump from every control plane and data plane the cluster runs (at most two minors, never
 * older than a proxy in use), and the Kubernetes range of the version.
 */
export function versionChecks(
  facts: Omit<InstallFacts, 'revision' | 'maxRevisions' | 'otherRevisions'>,
): Precheck[] {
  const { inventory, version, releases, now } = facts;
  const checks: Precheck[] = [];
  const minor = istioMinorOf(version);
  const release = releases.find(r => r.minor === minor);
  if (!release) {
    return [
      fail(
        'version-known',
        `Istio ${version} is not in the release table (known minors: ${
          releases[0]?.minor
        } to ${releases[releases.length - 1]?.minor})`,
      ),
    ];
  }
  checks.push(pass('version-known', `Istio ${minor} is in the release table`));
  const support = evaluateSupport(version, releases, now);
  checks.push(
    support.status === 'end-of-life'
      ? fail(
          'version-supported',
          `Istio ${minor} reached its end of life on ${support.endOfLife}; install a supported version`,
        )
      : pass(
          'version-supported',
          `Istio ${minor} is supported${
            support.endOfLife ? ` until ${support.endOfLife}` : ''
          }`,
        ),
  );

  const inUse = inventory.controlPlanes.filter(cp => cp.version);
  const refusals: string[] = [];
  for (const cp of inUse) {
    const distance = minorDistance(cp.version, version);
    if (distance !== undefined && distance < 0 && cp.inUse.pods > 0) {
      refusals.push(
        `${cp.revision} (Istio ${cp.version}) has ${cp.inUse.pods} proxies, which would be newer than the new control plane`,
      );
      continue;
    }
    const jump = isCanaryJumpSupported(cp.version, version);
    if (!jump.supported) refusals.push(`${cp.revision}: ${jump.reason}`);
  }
  checks.push(
    refusals.length
      ? fail(
          'canary-jump',
          `A canary upgrade cannot bring the cluster to Istio ${version}: ${refusals.join(
            '; ',
          )}`,
        )
      : pass(
          'canary-jump',
          inUse.length
            ? `Istio ${version} is a canary jump from ${inUse
                .map(cp => `${cp.revision} (${cp.version})`)
                .join(', ')}`
            : `No control plane runs yet: nothing to jump from`,
        ),
  );

  if (facts.kubernetesVersion) {
    const k8s = kubernetesSupportOf(version, facts.kubernetesVersion, releases);
    const verdict = k8s.supported
      ? (k8s.known ? pass : warn)('kubernetes-version', k8s.reason)
      : fail('kubernetes-version', k8s.reason);
    checks.push(verdict);
  } else {
    checks.push(
      warn(
        'kubernetes-version',
        `The cluster's Kubernetes version could not be read: its range was not checked`,
      ),
    );
  }
  return checks;
}

/** The revision limit: at most `maxRevisions` control planes at once. */
export function revisionLimitCheck(
  inventory: ClusterInventory,
  maxRevisions: number,
): Precheck {
  const count = inventory.controlPlanes.length;
  return count >= maxRevisions
    ? fail(
        'revision-limit',
        `Cluster ${
          inventory.cluster.name
        } already runs ${count} revisions (${inventory.controlPlanes
          .map(cp => cp.revision)
          .join(', ')}), the limit is ${maxRevisions}: remove one first`,
      )
    : pass(
        'revision-limit',
        `${count + 1} of at most ${maxRevisions} revisions once installed`,
      );
}

/**
 * Prechecks of installing a control plane of `version` as `revision`: the cluster's inventory is
 * whole, the version checks, the name is free (no revision or tag has it) and what the installer
 * will call it, and the revision limit.
 */
export function installPrechecks(facts: InstallFacts): Precheck[] {
  const { inventory, revision } = facts;
  const checks = [clusterSyncedCheck(inventory), ...versionChecks(facts)];
  const taken = new Set([
    ...inventory.controlPlanes.map(cp => cp.revision),
    ...(facts.otherRevisions ?? []),
  ]);
  if (taken.has(revision)) {
    checks.push(
      fail(
        'revision-free',
        `Revision ${revision} already exists in cluster ${inventory.cluster.name}`,
      ),
    );
  } else if (inventory.tags.some(t => t.name === revision)) {
    checks.push(
      fail(
        'revision-free',
        `${revision} is a revision tag in cluster ${inventory.cluster.name}; a revision may not have a tag's name`,
      ),
    );
  } else if (facts.expectedRevision && facts.expectedRevision !== revision) {
    checks.push(
      fail(
        'revision-free',
        `On cluster ${inventory.cluster.name}, Sail names the revision of Istio ${facts.version} ${facts.expectedRevision}, not ${revision}`,
      ),
    );
  } else {
    checks.push(
      pass('revision-free', `No revision or tag is named ${revision}`),
    );
  }
  checks.push(revisionLimitCheck(inventory, facts.maxRevisions));
  return checks;
}
