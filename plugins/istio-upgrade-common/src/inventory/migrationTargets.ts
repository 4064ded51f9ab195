import { IstioRelease } from '../releases/IstioRelease';
import type {
  ControlPlane,
  MigrationTarget,
  NamespaceInventory,
  SupportStatus,
} from '../schema';
import { isCanaryJumpSupported } from '../skew/isCanaryJumpSupported';
import {
  evaluateSupport,
  EvaluateSupportOptions,
} from '../support/evaluateSupport';
import { compareIstioVersions } from '../versions/compareIstioVersions';
import { minorDistance } from '../versions/minorDistance';
import { compareText } from './compareText';

function supportNote(support: SupportStatus): string {
  switch (support.status) {
    case 'ending-soon':
      return `support ends ${support.endOfLife} (in ${support.daysToEndOfLife} days)`;
    case 'supported':
      return support.endOfLife
        ? `supported until ${support.endOfLife}`
        : 'supported';
    case 'unknown':
      return 'support unknown (not in the release table)';
    default:
      return `end of life since ${support.endOfLife}`;
  }
}

function distanceNote(
  from: string | undefined,
  to: string | undefined,
): string {
  if (from === undefined) {
    return 'no sidecar yet';
  }
  const distance = minorDistance(from, to);
  if (distance === undefined) {
    return `skew from ${from} not checked`;
  }
  if (distance === 0) {
    return `same minor as ${from}`;
  }
  const minors = Math.abs(distance) === 1 ? 'minor' : 'minors';
  return `${distance > 0 ? '+' : '-'}${Math.abs(
    distance,
  )} ${minors} from ${from}`;
}

/**
 * The revisions a namespace could move to, each with a verdict and a one-line reason. A target is
 * blocked when the namespace is ambient, when its control plane is not ready or has no injector,
 * when it is end of life and not a step up for every proxy (catching up from an old version passes
 * through end-of-life minors), or when moving the namespace's current proxies there is neither a
 * supported canary upgrade (at most two minors up) nor an allowed rollback (at most two down).
 * The namespace's own desired revision is not a target. Newest first.
 *
 * @public
 */
export function migrationTargets(
  namespace: NamespaceInventory,
  controlPlanes: ReadonlyArray<ControlPlane>,
  releases: ReadonlyArray<IstioRelease>,
  now: number | Date,
  options: EvaluateSupportOptions = {},
): MigrationTarget[] {
  const proxyVersions = new Set<string>();
  for (const entry of namespace.podsByRevision) {
    if (
      entry.revision !== undefined &&
      entry.version !== undefined &&
      entry.count > 0
    ) {
      proxyVersions.add(entry.version);
    }
  }
  const sortedProxies = [...proxyVersions].sort(compareIstioVersions);
  const oldestProxy = sortedProxies[0];

  const targets = controlPlanes
    .filter(cp => cp.revision !== namespace.desiredRevision)
    .map((cp): MigrationTarget => {
      const base = {
        revision: cp.revision,
        ...(cp.version !== undefined && { version: cp.version }),
        ...(cp.tags.length > 0 && { tags: [...cp.tags] }),
      };
      const blocked = (reason: string): MigrationTarget => ({
        ...base,
        verdict: 'blocked',
        reason,
      });
      if (namespace.injectionMode === 'ambient') {
        return blocked(
          `namespace ${namespace.name} uses ambient mode; sidecar revisions do not apply`,
        );
      }
      if (!cp.ready) {
        return blocked(
          `control plane ${cp.revision} is not ready (${cp.readyReplicas}/${cp.replicas} replicas)`,
        );
      }
      if (!cp.hasInjector) {
        return blocked(
          `control plane ${cp.revision} has no injector webhook, so pods would get no sidecar`,
        );
      }
      const support = evaluateSupport(cp.version, releases, now, options);
      // A fleet far behind can only catch up in steps of at most two minors, some of them through
      // versions already out of support: an end-of-life target is allowed when it moves every proxy
      // up, and refused as a destination otherwise.
      const stepUp =
        cp.version !== undefined &&
        sortedProxies.length > 0 &&
        sortedProxies.every(p => compareIstioVersions(cp.version, p) > 0);
      if (support.status === 'end-of-life' && !stepUp) {
        return blocked(
          `${cp.version} is end of life since ${support.endOfLife}`,
        );
      }
      for (const proxy of sortedProxies) {
        const jump = isCanaryJumpSupported(proxy, cp.version);
        if (jump.known && !jump.supported) {
          return blocked(jump.reason);
        }
      }
      const reason = [
        cp.version ?? 'version unknown',
        cp.version === undefined
          ? 'skew not checked'
          : distanceNote(oldestProxy, cp.version),
        support.status === 'end-of-life'
          ? `a step up, but ${supportNote(support)}: plan the next one`
          : supportNote(support),
      ].join(', ');
      return { ...base, verdict: 'allowed', reason };
    });
  return targets.sort(
    (a, b) =>
      compareIstioVersions(b.version, a.version) ||
      compareText(a.revision, b.revision),
  );
}
