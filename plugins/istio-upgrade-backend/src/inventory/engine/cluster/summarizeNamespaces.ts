import {
  INVENTORY_WARNING_CODES as W,
  isProxySkewSupported,
  ISTIO_LABELS,
  NamespaceInventory,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { MeshControl, NamespaceTally, Warn } from './tallies';
import { agree, byName, plural } from './wording';

/**
 * The namespaces, sorted by name: injection mode, the revision (and its version) new pods get, pods
 * per revision and the restarts needed; with their warnings. Counts each namespace towards the
 * control plane it asks for.
 */
export function summarizeNamespaces(
  tallies: Iterable<NamespaceTally>,
  control: MeshControl,
  warn: Warn,
): NamespaceInventory[] {
  const namespaces: NamespaceInventory[] = [];
  for (const tally of [...tallies].sort((a, b) => byName(a.record, b.record))) {
    const { record, resolution } = tally;
    const name = record.name;
    const desired = resolution.injected
      ? resolution.desiredRevision
      : undefined;
    if (desired !== undefined) {
      control.controlPlanes.get(desired)?.namespaces.push(name);
    }
    const revisionLabel = record.labels[ISTIO_LABELS.revision];
    const team = record.labels.team;
    const desiredVersion =
      desired === undefined
        ? undefined
        : control.controlPlanes.get(desired)?.version;
    namespaces.push({
      name,
      injectionMode: resolution.mode,
      ...(revisionLabel !== undefined && { revisionLabel }),
      ...(resolution.tag !== undefined && { tag: resolution.tag }),
      ...(desired !== undefined && { desiredRevision: desired }),
      ...(desiredVersion !== undefined && { desiredVersion }),
      pods: tally.pods,
      injectedPods: tally.injected,
      uninjectedPods: tally.uninjected,
      podsNeedingRestart: tally.needingRestart,
      podsByRevision: tally.revisions.list(),
      ...(team !== undefined && { team }),
    });
    injectionWarnings(tally, desired, warn);
    proxyWarnings(tally, control, warn);
  }
  return namespaces;
}

/** What is wrong with the namespace's labels, and the pods they leave behind. */
function injectionWarnings(
  tally: NamespaceTally,
  desired: string | undefined,
  warn: Warn,
) {
  const { record, resolution } = tally;
  const subject = { kind: 'Namespace', name: record.name };
  if (resolution.mode === 'ambient') {
    warn(
      W.ambientNamespace,
      'info',
      subject,
      `Namespace ${record.name} uses ambient mode (no sidecars): reported, not migrated`,
    );
  }
  const legacy = record.labels[ISTIO_LABELS.injection];
  const rev = record.labels[ISTIO_LABELS.revision];
  if (legacy !== undefined && rev !== undefined) {
    warn(
      W.conflictingInjectionLabels,
      'warning',
      subject,
      `Namespace ${record.name} has both ${ISTIO_LABELS.injection}=${legacy} and ${ISTIO_LABELS.revision}=${rev}; ${ISTIO_LABELS.injection} takes precedence, so ${rev} is ignored`,
    );
  }
  if (resolution.missing) {
    const via =
      resolution.tag === undefined ? '' : ` through tag ${resolution.tag}`;
    warn(
      W.namespaceRevisionMissing,
      'error',
      subject,
      resolution.desiredRevision === undefined
        ? `Namespace ${record.name} uses tag ${resolution.tag}, which points at no revision; new pods will fail to be created`
        : `Namespace ${record.name} asks for revision ${resolution.desiredRevision}${via}, which does not exist; no injector matches, so new pods start without a sidecar`,
    );
  }
  if (tally.needingRestart > 0) {
    warn(
      W.drift,
      'warning',
      subject,
      `${plural(tally.needingRestart, 'pod')} in namespace ${
        record.name
      } ${agree(tally.needingRestart, 'is', 'are')} not yet restarted onto ${
        desired === undefined ? 'their desired revision' : `revision ${desired}`
      }`,
    );
  }
  if (tally.uninjectedWanted > 0) {
    warn(
      W.uninjectedPods,
      'info',
      subject,
      `${plural(tally.uninjectedWanted, 'pod')} in namespace ${
        record.name
      } ${agree(
        tally.uninjectedWanted,
        'has',
        'have',
      )} no sidecar although the namespace injects ${
        desired ?? 'them'
      }; a restart would add one`,
    );
  }
}

/** Proxies too far from their control plane's version, or whose control plane is gone. */
function proxyWarnings(
  tally: NamespaceTally,
  control: MeshControl,
  warn: Warn,
) {
  const { record } = tally;
  const subject = { kind: 'Namespace', name: record.name };
  for (const entry of tally.revisions.list()) {
    if (entry.revision === undefined) {
      continue;
    }
    const controlPlane = control.controlPlanes.get(entry.revision);
    if (!controlPlane) {
      continue;
    }
    const skew = isProxySkewSupported(controlPlane.version, entry.version);
    if (skew.known && !skew.supported) {
      warn(
        W.unsupportedSkew,
        'error',
        subject,
        `${plural(entry.count, 'pod')} in namespace ${
          record.name
        } on revision ${entry.revision}: ${skew.reason}`,
      );
    }
  }
  const detached = new Map<string, number>();
  for (const entry of tally.revisions.list()) {
    if (
      entry.revision !== undefined &&
      !control.revisions.has(entry.revision)
    ) {
      detached.set(
        entry.revision,
        (detached.get(entry.revision) ?? 0) + entry.count,
      );
    }
  }
  for (const [revision, count] of detached) {
    warn(
      W.proxyDetached,
      'error',
      subject,
      `${plural(count, 'pod')} in namespace ${record.name} ${agree(
        count,
        'runs',
        'run',
      )} revision ${revision}, which has no control plane, so ${agree(
        count,
        'it gets',
        'they get',
      )} no configuration or certificates`,
    );
  }
}
