import {
  Cluster,
  ClusterInventory,
  compareWarnings,
  IstioRelease,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { buildGatewayApiGateways } from './buildGatewayApiGateways';
import { summarizeControlPlanes } from './cluster/summarizeControlPlanes';
import { summarizeGateways } from './cluster/summarizeGateways';
import { summarizeNamespaces } from './cluster/summarizeNamespaces';
import { summarizeTags } from './cluster/summarizeTags';
import { summarizeWorkloads } from './cluster/summarizeWorkloads';
import { readMeshControl } from './cluster/readMeshControl';
import type { Warn } from './cluster/tallies';
import { tallyPods } from './cluster/tallyPods';
import { byNamespaceAndName } from './cluster/wording';
import type { ControlPlaneRollout } from './inventoryInput';
import { ProxyVersionTimeline } from './ProxyVersionTimeline';
import type { ClusterSnapshot } from './records';

/**
 * Options of {@link buildClusterInventory}.
 *
 * @public
 */
export interface BuildInventoryOptions {
  /** The release table, for support status. */
  releases: ReadonlyArray<IstioRelease>;
  /** The clock reading the support status is judged at. */
  now: number | Date;
  /** Days before end of life that count as ending soon; 60 by default. */
  endingSoonDays?: number;
}

/**
 * Computes a cluster's Istio inventory (docs/architecture.md#inventory) from the backend's records: control
 * planes with version, readiness, tags, default, support, use and removability; revision tags;
 * gateways and the LoadBalancer Services that select them; namespaces with their injection and
 * pods per revision; workloads; warnings; totals.
 *
 * Linear in the number of records: every collection is read once into maps, and each pod is
 * looked at once (or, given `podGroups`, each group of pods). Its sections, in order, are the modules of `./cluster`: read the mesh's control
 * (control planes, tags, injectors), tally the pods, then summarize namespaces, tags, gateways,
 * control planes and workloads. Pure: the same input and `now` give the same output, with every list sorted.
 *
 * @public
 */
export function buildClusterInventory(
  cluster: Cluster,
  input: ClusterSnapshot & {
    controlPlaneRollouts?: Iterable<ControlPlaneRollout>;
  },
  options: BuildInventoryOptions,
): ClusterInventory {
  const warnings: Warning[] = [];
  const warn: Warn = (code, severity, subject, message) =>
    warnings.push({ cluster: cluster.name, code, severity, subject, message });

  // Control planes, tags and injectors first: every later section resolves through them.
  const workloads = [...input.workloads];
  const control = readMeshControl(workloads, input.webhooks);
  const versions = new ProxyVersionTimeline(
    input.controlPlaneRollouts ?? [],
    new Map(
      [...control.controlPlanes.values()].map(cp => [cp.revision, cp.version]),
    ),
  );
  const tallies = tallyPods(
    {
      namespaces: input.namespaces,
      workloads,
      pods: input.pods,
      podGroups: input.podGroups,
    },
    control,
    versions,
  );
  const namespaces = summarizeNamespaces(
    tallies.namespaces.values(),
    control,
    warn,
  );
  const tags = summarizeTags(control, namespaces, warn);
  // The input is an Iterable, read once.
  const services = [...input.services].sort(byNamespaceAndName);
  const { gateways, gatewayServices, describeGateway } = summarizeGateways(
    tallies.workloads.values(),
    services,
    control,
    warn,
  );
  const controlPlanes = summarizeControlPlanes(
    {
      control,
      namespaces: tallies.namespaces,
      workloads: tallies.workloads,
      gateways,
      describeGateway,
      releases: options.releases,
      now: options.now,
      endingSoonDays: options.endingSoonDays,
    },
    warn,
  );
  const workloadList = summarizeWorkloads(tallies.workloads.values());
  const gatewayApiGateways = buildGatewayApiGateways(
    input.gatewayApiGateways ?? [],
    { tags: control.tags, workloads: workloadList },
  );

  let pods = 0;
  let injectedPods = 0;
  let podsNeedingRestart = 0;
  for (const namespace of namespaces) {
    pods += namespace.pods;
    injectedPods += namespace.injectedPods;
    podsNeedingRestart += namespace.podsNeedingRestart;
  }

  return {
    cluster,
    controlPlanes,
    tags,
    gateways,
    gatewayServices,
    gatewayApiGateways,
    namespaces,
    workloads: workloadList,
    warnings: warnings.sort(compareWarnings),
    totals: {
      namespaces: namespaces.length,
      pods,
      injectedPods,
      podsNeedingRestart,
    },
  };
}
