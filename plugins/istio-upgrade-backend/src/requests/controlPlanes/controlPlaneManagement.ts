import { ClusterApi, KubeObject } from '../../kubernetes/ClusterApi';

/** Who manages a cluster's control planes, as the plan reports it. */
export type InstalledBy = 'sail' | 'helm' | 'istioctl' | 'unknown';

/** The Sail resources of a cluster and who installed each revision's istiod. */
export interface ControlPlaneManagement {
  /** Sail's `Istio` resources (empty without Sail). */
  istios: KubeObject[];
  /** Sail's `IstioRevision` resources. */
  istioRevisions: KubeObject[];
  /** Sail's `IstioRevisionTag` resources. */
  istioRevisionTags: KubeObject[];
  /** Each revision's istiod Deployment, by revision. */
  istiods: Map<string, KubeObject>;
}

/** Reads Sail's resources (none when its CRDs are not served) and the istiod Deployments. */
export async function readControlPlaneManagement(
  api: ClusterApi,
): Promise<ControlPlaneManagement> {
  const [istios, istioRevisions, istioRevisionTags, deployments] =
    await Promise.all([
      api.listObjects('Istio'),
      api.listObjects('IstioRevision'),
      api.listObjects('IstioRevisionTag'),
      api.listObjects('Deployment', { labelSelector: 'app=istiod' }),
    ]);
  const istiods = new Map<string, KubeObject>();
  for (const deployment of deployments) {
    const revision = deployment.metadata.labels?.['istio.io/rev'];
    if (revision) istiods.set(revision, deployment);
  }
  return { istios, istioRevisions, istioRevisionTags, istiods };
}

/** The IstioRevision of a revision, when Sail runs it. */
export function sailRevisionOf(
  management: ControlPlaneManagement,
  revision: string,
): KubeObject | undefined {
  return management.istioRevisions.find(r => r.metadata.name === revision);
}

/** The Istio resource that owns an IstioRevision, when one does. */
export function owningIstio(
  management: ControlPlaneManagement,
  istioRevision: KubeObject,
): KubeObject | undefined {
  const owners = (istioRevision.metadata.ownerReferences ?? []) as Array<{
    kind?: string;
    name?: string;
  }>;
  const owner = owners.find(o => o.kind === 'Istio');
  return owner
    ? management.istios.find(i => i.metadata.name === owner.name)
    : undefined;
}

/**
 * Who installed a revision: Sail when an IstioRevision of that name exists; Helm when its istiod
 * carries Helm's release annotation; istioctl when it carries the operator's component label without it.
 */
export function installedByOf(
  management: ControlPlaneManagement,
  revision: string,
): InstalledBy {
  if (sailRevisionOf(management, revision)) return 'sail';
  const istiod = management.istiods.get(revision);
  if (!istiod) return 'unknown';
  const labels = istiod.metadata.labels ?? {};
  const annotations = istiod.metadata.annotations ?? {};
  // istioctl renders the same chart (so its objects carry the chart's `managed-by: Helm` label from
  // 1.24 on); only `helm install` annotates them with the release.
  if (annotations['meta.helm.sh/release-name']) return 'helm';
  if (labels['operator.istio.io/component']) return 'istioctl';
  return 'unknown';
}

/** Who manages the cluster's control planes: Sail as soon as it runs one, else the majority's installer. */
export function clusterInstalledBy(
  management: ControlPlaneManagement,
): InstalledBy {
  if (management.istios.length > 0 || management.istioRevisions.length > 0) {
    return 'sail';
  }
  const counts = new Map<InstalledBy, number>();
  for (const revision of management.istiods.keys()) {
    const by = installedByOf(management, revision);
    counts.set(by, (counts.get(by) ?? 0) + 1);
  }
  let best: InstalledBy = 'unknown';
  for (const [by, count] of counts) {
    if (by !== 'unknown' && count > (counts.get(best) ?? 0)) best = by;
  }
  return best;
}

/** The Sail `Istio` whose RevisionBased strategy makes revisions, when exactly one does. */
export function revisionBasedIstio(
  management: ControlPlaneManagement,
): KubeObject | undefined {
  const revisionBased = management.istios.filter(
    i => i.spec?.updateStrategy?.type === 'RevisionBased',
  );
  return revisionBased.length === 1 ? revisionBased[0] : undefined;
}

/** The revision name Sail's RevisionBased strategy gives a version: `<istio>-v1-31-0`. */
export function sailRevisionName(istioName: string, version: string): string {
  return `${istioName}-v${version.replace(/\./g, '-')}`;
}

/** What an install is planned against: who installs, Sail's RevisionBased Istio, the names taken. */
export interface ClusterInstallFacts {
  management: ControlPlaneManagement;
  installedBy: InstalledBy;
  /** The RevisionBased Istio that names and makes new revisions, on a Sail cluster. */
  revisionBased?: KubeObject;
  /** Revision names taken besides the inventory's control planes (IstioRevisions, istiods). */
  takenNames: string[];
  /** The API server's version, when it could be read. */
  kubernetesVersion?: string;
}

/** Reads the cluster's control-plane management and the API server's version, for an install. */
export async function readInstallContext(
  api: ClusterApi,
): Promise<ClusterInstallFacts> {
  const [management, kubernetesVersion] = await Promise.all([
    readControlPlaneManagement(api),
    api.readServerVersion().then(
      v => v.gitVersion,
      () => undefined,
    ),
  ]);
  const installedBy = clusterInstalledBy(management);
  return {
    management,
    installedBy,
    revisionBased:
      installedBy === 'sail' ? revisionBasedIstio(management) : undefined,
    takenNames: [
      ...management.istioRevisions.map(r => r.metadata.name),
      ...management.istiods.keys(),
    ],
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
  };
}
