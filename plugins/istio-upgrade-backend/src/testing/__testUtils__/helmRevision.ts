import { parseAllDocuments } from 'yaml';
import { eventually } from './inventoryTestBackend';
import { RealCluster } from './realCluster';

/**
 * Every kind a revision of istiod is made of and `istioctl uninstall --revision` prunes, as kubectl
 * names them with their API group (nothing here reads the plugin's own list).
 */
export const ISTIOD_KINDS = [
  'deployments.apps',
  'services',
  'configmaps',
  'serviceaccounts',
  'horizontalpodautoscalers.autoscaling',
  'poddisruptionbudgets.policy',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
];

/** One live object as kubectl lists it: its kind, where it is, and its uid. */
export interface LiveObject {
  /** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object (as plans name objects). */
  id: string;
  kind: string;
  /** kubectl's `<kind>.<group>/<name>` for the object. */
  ref: string;
  namespace?: string;
  uid: string;
}

/** The id plans use for an object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function objectId(object: {
  kind: string;
  metadata: { namespace?: string; name: string };
}): string {
  const { namespace, name } = object.metadata;
  return `${object.kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

function kubectlType(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}`;
}

function live(item: any): LiveObject {
  return {
    id: objectId(item),
    kind: item.kind,
    ref: `${kubectlType(item.apiVersion, item.kind)}/${item.metadata.name}`,
    ...(item.metadata.namespace ? { namespace: item.metadata.namespace } : {}),
    uid: item.metadata.uid,
  };
}

async function listJson(cluster: RealCluster, args: string[]) {
  const text = await cluster.kubectl([...args, '-o', 'json']);
  // `--ignore-not-found` prints nothing when nothing was found; one object asked by name is printed
  // as itself, not in a List.
  if (!text.trim()) return [];
  const parsed = JSON.parse(text);
  return Array.isArray(parsed.items) ? (parsed.items as any[]) : [parsed];
}

/** Every object of `kinds` in the cluster (all namespaces), optionally with a label selector. */
export async function liveObjects(
  cluster: RealCluster,
  kinds: string[],
  selector?: string,
): Promise<LiveObject[]> {
  const items = await listJson(cluster, [
    'get',
    kinds.join(','),
    '-A',
    ...(selector ? ['-l', selector] : []),
  ]);
  return items.map(live).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * What Helm installed for a release, as `helm get manifest` lists it, each object read back with
 * kubectl (so that its namespace and uid are the live ones).
 */
export async function releaseObjects(
  cluster: RealCluster,
  release: string,
  namespace: string,
): Promise<LiveObject[]> {
  const manifest = await cluster.helm([
    'get',
    'manifest',
    release,
    '-n',
    namespace,
  ]);
  const rendered = parseAllDocuments(manifest)
    .map(doc => doc.toJS())
    .filter(doc => doc?.kind);
  const found = await stillThere(
    cluster,
    rendered.map(o => ({
      ref: `${kubectlType(o.apiVersion, o.kind)}/${o.metadata.name}`,
      namespace: o.metadata.namespace ?? namespace,
    })),
  );
  if (found.length !== rendered.length) {
    throw new Error(
      `helm get manifest ${release} lists ${rendered.length} objects, kubectl finds ${found.length}`,
    );
  }
  return found;
}

/** Which of these objects kubectl still finds (cluster-scoped objects ignore the namespace). */
export async function stillThere(
  cluster: RealCluster,
  objects: Array<Pick<LiveObject, 'ref' | 'namespace'>>,
): Promise<LiveObject[]> {
  const byNamespace = new Map<string, string[]>();
  for (const o of objects) {
    const namespace = o.namespace ?? 'default';
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), o.ref]);
  }
  const found: LiveObject[] = [];
  for (const [namespace, refs] of byNamespace) {
    const items = await listJson(cluster, [
      'get',
      ...refs,
      '-n',
      namespace,
      '--ignore-not-found',
    ]);
    found.push(...items.map(live));
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Installs a revision of istiod with Helm, as a person following Istio's canary upgrade would, from
 * the given istio-discovery chart folder: the same flags `scripts/real-cluster.sh` uses for its
 * revisions, but no istiod process (nothing uses this revision) and the chart's own webhook
 * addresses, with the HPA on and two replicas at least, so that the chart renders its
 * HorizontalPodAutoscaler and PodDisruptionBudget too. Waits until the Deployment's pods are Ready.
 */
export async function installHelmRevision(
  cluster: RealCluster,
  options: { revision: string; charts: string; version: string },
): Promise<void> {
  const { revision, charts, version } = options;
  await cluster.helm([
    'install',
    `istiod-${revision}`,
    `${charts}/istio-discovery`,
    '-n',
    'istio-system',
    '--set',
    `revision=${revision}`,
    '--set',
    'global.hub=docker.io/istio',
    '--set-string',
    `global.tag=${version}`,
    '--set',
    'autoscaleEnabled=true',
    '--set',
    'autoscaleMin=2',
  ]);
  await cluster.kubectl(
    [
      'rollout',
      'status',
      '-n',
      'istio-system',
      `deployment/istiod-${revision}`,
      '--timeout=120s',
    ],
    { timeoutMs: 150_000 },
  );
}

/**
 * Removes whatever a revision installed by {@link installHelmRevision} left: its Helm release, then
 * every object labelled with the revision or its release, and waits until its pods are gone. Safe to
 * run when there is nothing.
 */
export async function removeHelmRevisionLeftovers(
  cluster: RealCluster,
  revision: string,
): Promise<void> {
  const release = `istiod-${revision}`;
  await cluster.helm([
    'uninstall',
    release,
    '-n',
    'istio-system',
    '--ignore-not-found',
  ]);
  for (const selector of [`istio.io/rev=${revision}`, `release=${release}`]) {
    await cluster.kubectl(
      [
        'delete',
        ISTIOD_KINDS.join(','),
        '-A',
        '-l',
        selector,
        '--ignore-not-found',
        '--wait=false',
      ],
      { timeoutMs: 120_000 },
    );
  }
  await eventually(
    async () =>
      (
        await listJson(cluster, [
          'get',
          `${ISTIOD_KINDS.join(',')},replicasets.apps,pods`,
          '-A',
          '-l',
          `istio.io/rev=${revision}`,
        ])
      ).length === 0,
    120_000,
    1000,
  );
}
