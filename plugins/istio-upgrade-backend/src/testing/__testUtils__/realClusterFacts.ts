import { podRevisionsFromKubectl, RevisionTally } from './kubectlTruth';
import { RealCluster } from './realCluster';

/**
 * What kubectl and istioctl say about a real cluster, in the shapes the inventory's answers are compared
 * with. Nothing here uses the plugin's code: the rules (which revision a namespace resolves to, what
 * uses a revision) are Istio's, read off the objects.
 */
export interface ClusterFacts {
  namespaces: Array<{ name: string; revisionLabel?: string; legacy: boolean }>;
  workloads: Array<{ id: string; replicas: number; readyReplicas: number }>;
  controlPlanes: Array<{
    revision: string;
    version?: string;
    hasInjector: boolean;
  }>;
  /** `istioctl tag list -o json`, tags only. */
  istioctlTags: Array<{ tag: string; revision: string }>;
  /** `istiod-default-validator`: the revision it is labelled with and where it calls. */
  defaultValidator?: { revision?: string; url?: string; service?: string };
  loadBalancerSelector?: Record<string, string>;
  /** Pods per revision, per namespace. */
  podRevisions: Record<string, RevisionTally>;
  /** Pods with a sidecar, by revision: `namespace/name`. */
  podsByRevision: Record<string, string[]>;
  /** Namespace labels, to resolve what each namespace asks for. */
  namespaceLabels: Record<string, Record<string, string>>;
  /** Workloads (not istiod) whose pod template names a revision or tag: `ns/Kind/name` → label. */
  pinnedWorkloads: Record<string, string>;
}

const byName = <T extends { name: string }>(a: T, b: T) =>
  a.name.localeCompare(b.name);

/** Reads {@link ClusterFacts} with kubectl and the newer istioctl, as cluster-admin. */
export async function kubectlFacts(
  cluster: RealCluster,
): Promise<ClusterFacts> {
  const json = async (args: string[]) =>
    JSON.parse(await cluster.kubectl([...args, '-o', 'json']));
  const [namespaces, workloads, deployments, webhooks, validators, pods, svc] =
    await Promise.all([
      json(['get', 'namespaces']),
      json(['get', 'deployments,statefulsets,daemonsets', '-A']),
      json(['get', 'deployments', '-n', 'istio-system', '-l', 'app=istiod']),
      json(['get', 'mutatingwebhookconfigurations']),
      json(['get', 'validatingwebhookconfigurations']),
      json(['get', 'pods', '-A']),
      json(['get', 'svc', 'istio-ingressgateway', '-n', 'istio-gateways']),
    ]);
  const tags = JSON.parse(
    await cluster.istioctl(['tag', 'list', '-o', 'json']),
  ) as Array<{ tag: string; revision: string }>;
  const truth = await podRevisionsFromKubectl(cluster, cluster.name);
  const injectors = new Set(
    webhooks.items.map((w: any) => w.metadata.name as string),
  );
  const validator = validators.items.find(
    (v: any) => v.metadata.name === 'istiod-default-validator',
  );
  const podsByRevision: Record<string, string[]> = {};
  for (const pod of pods.items) {
    if (pod.metadata.deletionTimestamp) continue;
    const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
    if (!status) continue;
    const revision = JSON.parse(status).revision as string;
    (podsByRevision[revision] ??= []).push(
      `${pod.metadata.namespace}/${pod.metadata.name}`,
    );
  }
  return {
    namespaces: namespaces.items
      .map((ns: any) => ({
        name: ns.metadata.name,
        revisionLabel: ns.metadata.labels?.['istio.io/rev'],
        legacy: ns.metadata.labels?.['istio-injection'] === 'enabled',
      }))
      .sort(byName),
    workloads: workloads.items
      .map((w: any) => {
        const daemonSet = w.kind === 'DaemonSet';
        return {
          id: `${w.metadata.namespace}/${w.kind}/${w.metadata.name}`,
          replicas: daemonSet
            ? w.status?.desiredNumberScheduled ?? 0
            : w.spec.replicas ?? 1,
          readyReplicas:
            (daemonSet ? w.status?.numberReady : w.status?.readyReplicas) ?? 0,
        };
      })
      .sort((a: any, b: any) => a.id.localeCompare(b.id)),
    controlPlanes: deployments.items
      .map((d: any) => {
        const revision = d.metadata.labels?.['istio.io/rev'] ?? 'default';
        const image: string =
          d.spec.template.spec.containers.find(
            (c: any) => c.name === 'discovery',
          )?.image ?? '';
        return {
          revision,
          version: /:(\d+\.\d+\.\d+)/.exec(image)?.[1],
          hasInjector: injectors.has(
            revision === 'default'
              ? 'istio-sidecar-injector'
              : `istio-sidecar-injector-${revision}`,
          ),
        };
      })
      .sort((a: any, b: any) => a.revision.localeCompare(b.revision)),
    istioctlTags: tags
      .filter(t => t.tag)
      .map(t => ({ tag: t.tag, revision: t.revision }))
      .sort((a, b) => a.tag.localeCompare(b.tag)),
    defaultValidator: validator && {
      revision: validator.metadata.labels?.['istio.io/rev'],
      url: validator.webhooks?.[0]?.clientConfig?.url,
      service: validator.webhooks?.[0]?.clientConfig?.service?.name,
    },
    loadBalancerSelector: svc.spec.selector,
    podRevisions: truth.namespaces,
    podsByRevision,
    pinnedWorkloads: Object.fromEntries(
      workloads.items
        .filter(
          (w: any) =>
            w.spec.template.metadata?.labels?.['istio.io/rev'] &&
            w.spec.template.metadata?.labels?.app !== 'istiod',
        )
        .map((w: any) => [
          `${w.metadata.namespace}/${w.kind}/${w.metadata.name}`,
          w.spec.template.metadata.labels['istio.io/rev'],
        ]),
    ),
    namespaceLabels: Object.fromEntries(
      namespaces.items.map((ns: any) => [
        ns.metadata.name,
        ns.metadata.labels ?? {},
      ]),
    ),
  };
}

/**
 * Everything that still uses `revision`, by Istio's rules: pods whose sidecar it injected, namespaces
 * whose labels resolve to it (`istio.io/rev` naming it or a tag pointing at it; `istio-injection=enabled`
 * through the `default` tag, which wins over `istio.io/rev`), tags pointing at it, and workloads whose
 * pod template asks for it (their next pods need it). Empty when it can be removed.
 */
export function revisionFacts(facts: ClusterFacts, revision: string): string[] {
  const tagTarget = new Map(facts.istioctlTags.map(t => [t.tag, t.revision]));
  const uses: string[] = [];
  for (const pod of facts.podsByRevision[revision] ?? []) {
    uses.push(`pod ${pod}`);
  }
  for (const [name, labels] of Object.entries(facts.namespaceLabels)) {
    let wants: string | undefined;
    if (labels['istio-injection'] === 'enabled') {
      wants = tagTarget.get('default');
    } else if (
      labels['istio-injection'] === undefined &&
      labels['istio.io/rev']
    ) {
      const rev = labels['istio.io/rev'];
      wants = tagTarget.get(rev) ?? rev;
    }
    if (wants === revision) uses.push(`namespace ${name}`);
  }
  for (const [tag, target] of tagTarget) {
    if (target === revision) uses.push(`tag ${tag}`);
  }
  for (const [workload, label] of Object.entries(facts.pinnedWorkloads)) {
    if ((tagTarget.get(label) ?? label) === revision) {
      uses.push(`workload ${workload}`);
    }
  }
  return uses;
}

/** Ready endpoints across a Service's EndpointSlices. */
export function readyEndpointsOf(slices: any[]): number {
  return slices.reduce(
    (sum, slice) =>
      sum +
      (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready !== false)
        .length,
    0,
  );
}
