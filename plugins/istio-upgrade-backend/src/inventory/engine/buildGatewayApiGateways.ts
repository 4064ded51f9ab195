import {
  compareText,
  ISTIO_LABELS,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type {
  GatewayApiGateway,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { GatewayApiGatewayRecord } from './records';

/**
 * The Deployment (and Service) istiod manages for a Gateway API gateway.
 *
 * @public
 */
export function gatewayApiDeploymentName(gateway: string): string {
  return `${gateway}-istio`;
}

/**
 * The Gateway API gateways of a cluster as the inventory shows them: the revision whose istiod
 * deploys each (its `istio.io/rev` label, through the tag it names if it names one; without the
 * label, the revision of the `default` tag, else the revisionless `default`), its Deployment
 * `<name>-istio`, its ready pods and the revisions those pods actually run.
 *
 * @internal
 */
export function buildGatewayApiGateways(
  records: Iterable<GatewayApiGatewayRecord>,
  context: {
    /** tag → revision it points at. */
    tags: ReadonlyMap<string, string | undefined>;
    workloads: ReadonlyArray<Workload>;
  },
): GatewayApiGateway[] {
  const deployments = new Map(
    context.workloads
      .filter(w => w.kind === 'Deployment')
      .map(w => [`${w.namespace}/${w.name}`, w]),
  );
  return [...records]
    .map(record => {
      const named = record.revisionLabel ?? ISTIO_LABELS.defaultTag;
      const tag = context.tags.has(named) ? named : undefined;
      const revision = tag !== undefined ? context.tags.get(tag) : named;
      const deployment = gatewayApiDeploymentName(record.name);
      const workload = deployments.get(`${record.namespace}/${deployment}`);
      return {
        namespace: record.namespace,
        name: record.name,
        gatewayClassName: record.gatewayClassName,
        ...(record.revisionLabel !== undefined && {
          revisionLabel: record.revisionLabel,
        }),
        ...(tag !== undefined && record.revisionLabel !== undefined && { tag }),
        ...(revision !== undefined && { revision }),
        deployment,
        deployed: workload !== undefined,
        replicas: workload?.replicas ?? 0,
        readyReplicas: workload?.readyReplicas ?? 0,
        podsByRevision: workload
          ? workload.podsByRevision.map(r => ({ ...r }))
          : [],
        programmed: record.programmed,
        ...(record.resourceVersion && {
          resourceVersion: record.resourceVersion,
        }),
      };
    })
    .sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) || compareText(a.name, b.name),
    );
}
