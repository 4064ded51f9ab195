import {
  ClusterInventory,
  compareIstioVersions,
  IstioRelease,
  istioMinorOf,
  revisionNameForVersion,
  RevisionCandidates,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterApi } from '../../kubernetes/ClusterApi';
import { readInstallContext, sailRevisionName } from './controlPlaneManagement';
import { installPrechecks } from './installPrechecks';

/**
 * The versions of the release table a new control plane could run on a cluster, newest first: for
 * each minor, the patch the cluster already runs (else `.0`), the revision name an install gives it
 * (Sail's RevisionBased naming, else `1-31-0`), and the install's prechecks for it.
 */
export async function revisionCandidates(
  api: ClusterApi,
  inventory: ClusterInventory,
  options: {
    releases: ReadonlyArray<IstioRelease>;
    now: Date;
    maxRevisions: number;
  },
): Promise<RevisionCandidates> {
  const {
    installedBy,
    revisionBased: istio,
    takenNames,
    kubernetesVersion,
  } = await readInstallContext(api);
  const running = inventory.controlPlanes
    .map(cp => cp.version)
    .filter((v): v is string => Boolean(v))
    .sort((a, b) => compareIstioVersions(b, a));
  const candidates = [...options.releases].reverse().map(release => {
    const version =
      running.find(v => istioMinorOf(v) === release.minor) ??
      `${release.minor}.0`;
    const revision = istio
      ? sailRevisionName(istio.metadata.name, version)
      : revisionNameForVersion(version) ?? version.replace(/\./g, '-');
    const checks = installPrechecks({
      inventory,
      version,
      revision,
      releases: options.releases,
      now: options.now,
      maxRevisions: options.maxRevisions,
      kubernetesVersion,
      otherRevisions: takenNames,
    }).filter(c => c.id !== 'cluster-synced');
    return {
      minor: release.minor,
      version,
      revision,
      ...(release.endOfLife ? { endOfLife: release.endOfLife } : {}),
      allowed: checks.every(c => c.status !== 'fail'),
      checks,
    };
  });
  return {
    cluster: inventory.cluster.name,
    installedBy,
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    revisions: inventory.controlPlanes.length,
    maxRevisions: options.maxRevisions,
    candidates,
  };
}
