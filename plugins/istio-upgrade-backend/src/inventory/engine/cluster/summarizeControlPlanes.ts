import {
  compareText,
  ControlPlane,
  evaluateSupport,
  Gateway,
  INVENTORY_WARNING_CODES as W,
  ISTIO_LABELS,
  IstioRelease,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { controlPlaneRevisionOf } from '../istioResources';
import type {
  ControlPlaneTally,
  MeshControl,
  NamespaceTally,
  Warn,
  WorkloadTally,
} from './tallies';
import { agree, listed, plural } from './wording';

/** What {@link summarizeControlPlanes} reads besides the control planes. */
export interface ControlPlaneContext {
  control: MeshControl;
  namespaces: ReadonlyMap<string, NamespaceTally>;
  workloads: ReadonlyMap<string, WorkloadTally>;
  gateways: ReadonlyArray<Gateway>;
  describeGateway(gateway: Gateway): string;
  releases: ReadonlyArray<IstioRelease>;
  now: number | Date;
  endingSoonDays?: number;
}

/**
 * The control planes, sorted by revision, once pods, namespaces, tags and gateways are counted:
 * version, readiness, tags, default, support, what uses each and whether it can be removed; with
 * their warnings, and one for each revision served from outside the cluster.
 */
export function summarizeControlPlanes(
  context: ControlPlaneContext,
  warn: Warn,
): ControlPlane[] {
  const { control } = context;
  const controlPlanes = [...control.controlPlanes.values()]
    .sort((a, b) => compareText(a.revision, b.revision))
    .map(tally => controlPlaneOf(tally, context, warn));
  for (const [revision, url] of control.externalInjectors) {
    let pods = 0;
    for (const namespace of context.namespaces.values()) {
      pods += namespace.revisions
        .list()
        .filter(entry => entry.revision === revision)
        .reduce((sum, entry) => sum + entry.count, 0);
    }
    warn(
      W.controlPlaneExternal,
      'info',
      { kind: 'ControlPlane', name: revision },
      `Revision ${revision} is served by a control plane outside the cluster (${url}); ${plural(
        pods,
        'pod',
      )} ${agree(pods, 'runs', 'run')} it`,
    );
  }
  return controlPlanes;
}

function controlPlaneOf(
  tally: ControlPlaneTally,
  context: ControlPlaneContext,
  warn: Warn,
): ControlPlane {
  const { revision, workload, version } = tally;
  const { tags, injectors } = context.control;
  const subject = { kind: 'ControlPlane', name: revision };
  const defaultTag = tags.get(ISTIO_LABELS.defaultTag);
  const isDefault = tags.has(ISTIO_LABELS.defaultTag)
    ? defaultTag === revision
    : revision === ISTIO_LABELS.defaultTag;
  const support = evaluateSupport(version, context.releases, context.now, {
    endingSoonDays: context.endingSoonDays,
  });
  const ready = workload.readyReplicas > 0;
  const hasInjector = injectors.has(revision);
  const tagNames = [...tally.tags].sort();
  const namespaceNames = [...tally.namespaces].sort();
  const gatewayNames = [...tally.gateways].sort();

  const notRemovableBecause = removalBlockers(
    tally,
    { tagNames, namespaceNames, isDefault },
    context,
  );
  const safeToRemove = notRemovableBecause.length === 0;

  const running =
    version === undefined ? 'an unknown version' : `Istio ${version}`;
  if (support.status === 'end-of-life') {
    warn(
      W.endOfLife,
      'error',
      subject,
      `Control plane ${revision} runs ${running}, whose support ended on ${support.endOfLife}`,
    );
  } else if (support.status === 'ending-soon') {
    warn(
      W.endOfLifeSoon,
      'warning',
      subject,
      `Control plane ${revision} runs ${running}, whose support ends on ${
        support.endOfLife
      } (in ${plural(support.daysToEndOfLife ?? 0, 'day')})`,
    );
  }
  if (!ready) {
    warn(
      W.controlPlaneNotReady,
      'error',
      subject,
      `Control plane ${revision} (${workload.namespace}/${workload.name}) has ${workload.readyReplicas} of ${workload.replicas} replicas ready; its proxies get no configuration`,
    );
  }
  if (!hasInjector) {
    warn(
      W.injectorMissing,
      'warning',
      subject,
      `Control plane ${revision} has no injector webhook (istio-sidecar-injector-${revision}); pods asking for it get no sidecar`,
    );
  }
  if (safeToRemove) {
    warn(
      W.revisionRemovable,
      'info',
      subject,
      `Revision ${revision} is used by no pod, namespace, tag, gateway or workload and can be removed`,
    );
  }
  return {
    revision,
    ...(version !== undefined && { version }),
    ...(workload.images.discovery !== undefined && {
      image: workload.images.discovery,
    }),
    ready,
    readyReplicas: workload.readyReplicas,
    replicas: workload.replicas,
    tags: tagNames,
    isDefault,
    hasInjector,
    support,
    inUse: {
      pods: tally.pods,
      namespaces: namespaceNames.length,
      tags: tagNames.length,
      gateways: gatewayNames.length,
    },
    safeToRemove,
    notRemovableBecause,
  };
}

/** Why a revision cannot be removed: everything that still runs it, asks for it or points at it. */
function removalBlockers(
  tally: ControlPlaneTally,
  uses: { tagNames: string[]; namespaceNames: string[]; isDefault: boolean },
  context: ControlPlaneContext,
): string[] {
  const { revision } = tally;
  const { tagNames, namespaceNames, isDefault } = uses;
  const { tags } = context.control;
  // Gateways of every kind keep their revision in use, live or standby: a standby gateway whose
  // revision is removed comes back without a proxy at its next restart. It goes first (or with the
  // revision, in a removal that checks no LoadBalancer Service selects it).
  const revisionGateways = context.gateways.filter(
    g => g.revision === revision,
  );
  const gatewayKeys = new Set(
    revisionGateways.map(g => `${g.namespace}/${g.workloadKind}/${g.name}`),
  );
  // Workloads whose pod template asks for the revision (or a tag pointing at it): their next pods
  // need it, whatever their namespace says.
  const pinnedWorkloads = [...context.workloads.entries()]
    .filter(([key, w]) => {
      const pinned = w.record.podLabels[ISTIO_LABELS.revision];
      return (
        pinned !== undefined &&
        (tags.get(pinned) ?? pinned) === revision &&
        !gatewayKeys.has(key) &&
        controlPlaneRevisionOf(w.record) === undefined
      );
    })
    .map(([key]) => key)
    .sort(compareText);

  const reasons: string[] = [];
  if (tally.pods > 0) {
    reasons.push(
      `${plural(tally.pods, 'pod')} still ${agree(
        tally.pods,
        'runs',
        'run',
      )} it`,
    );
  }
  if (namespaceNames.length > 0) {
    reasons.push(
      `${plural(namespaceNames.length, 'namespace')} ${agree(
        namespaceNames.length,
        'asks',
        'ask',
      )} for it: ${listed(namespaceNames)}`,
    );
  }
  if (tagNames.length > 0) {
    reasons.push(
      `${agree(tagNames.length, 'tag', 'tags')} ${agree(
        tagNames.length,
        'points',
        'point',
      )} at it: ${listed(tagNames)}`,
    );
  }
  if (revisionGateways.length > 0) {
    reasons.push(
      `${plural(revisionGateways.length, 'gateway')} ${agree(
        revisionGateways.length,
        'runs',
        'run',
      )} it: ${listed(revisionGateways.map(context.describeGateway))}`,
    );
  }
  if (pinnedWorkloads.length > 0) {
    reasons.push(
      `${plural(pinnedWorkloads.length, 'workload')} ${agree(
        pinnedWorkloads.length,
        'pins',
        'pin',
      )} it in ${agree(
        pinnedWorkloads.length,
        'its',
        'their',
      )} pod template: ${listed(pinnedWorkloads)}`,
    );
  }
  if (isDefault) {
    reasons.push('it is the default revision');
  }
  return reasons;
}
