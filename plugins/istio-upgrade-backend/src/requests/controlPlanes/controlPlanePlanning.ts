import { NotFoundError } from '@backstage/errors';
import {
  ClusterInventory,
  IstioRelease,
  Plan,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import YAML from 'yaml';
import { ClusterApi } from '../../kubernetes/ClusterApi';
import {
  ControlPlaneManagement,
  installedByOf,
  owningIstio,
  readControlPlaneManagement,
  readInstallContext,
  sailRevisionName,
  sailRevisionOf,
} from './controlPlaneManagement';
import { installPrechecks } from './installPrechecks';
import {
  CurrentRevisionValues,
  planControlPlaneInstall,
  sourceControlPlane,
} from './planControlPlaneInstall';
import { planControlPlaneRemoval } from './planControlPlaneRemoval';
import {
  ActiveRequestOnCluster,
  removalPrechecks,
  standbyGatewaysOf,
} from './removalPrechecks';
import { readGatewayObjects, readRevisionObjects } from './revisionObjects';
import { fail } from '../prechecks/precheckResults';

/** Up to this grace period, a removal lets Sail prune the revision; beyond, it deletes the IstioRevision. */
export const SAIL_GRACE_WAIT_SECONDS = 300;

/** The values an install copies: the current revision's mesh config, istiod resources and hub. */
async function currentValues(
  api: ClusterApi,
  inventory: ClusterInventory,
  management: ControlPlaneManagement,
): Promise<CurrentRevisionValues | undefined> {
  const source = sourceControlPlane(inventory);
  if (!source) return undefined;
  const istiod = management.istiods.get(source.revision);
  const namespace = istiod?.metadata.namespace ?? 'istio-system';
  const suffix = source.revision === 'default' ? '' : `-${source.revision}`;
  const configMap = await api.readObject(
    'ConfigMap',
    namespace,
    `istio${suffix}`,
  );
  let meshConfig: Record<string, unknown> | undefined;
  try {
    const mesh = configMap?.data?.mesh;
    meshConfig = mesh
      ? (YAML.parse(mesh) as Record<string, unknown>)
      : undefined;
  } catch {
    meshConfig = undefined;
  }
  const container = (istiod?.spec?.template?.spec?.containers ?? []).find(
    (c: { name?: string }) => c.name === 'discovery',
  );
  const image: string | undefined = container?.image;
  const hub = image?.includes('/')
    ? image.slice(0, image.lastIndexOf('/'))
    : undefined;
  return {
    revision: source.revision,
    namespace,
    ...(meshConfig ? { meshConfig } : {}),
    ...(container?.resources ? { resources: container.resources } : {}),
    ...(hub ? { hub } : {}),
  };
}

/**
 * Plans a control-plane install from the inventory and fresh reads: Sail's resources, the istiod
 * Deployments, the API server's version and, where people install, the current revision's values.
 */
export async function planInstall(
  api: ClusterApi,
  inventory: ClusterInventory,
  ask: {
    version: string;
    revision: string;
    releases: IstioRelease[];
    now: Date;
    maxRevisions: number;
  },
): Promise<[Plan, Precheck[]]> {
  const context = await readInstallContext(api);
  const { management, installedBy, kubernetesVersion } = context;
  const istio = context.revisionBased;
  const current =
    installedBy === 'sail'
      ? undefined
      : await currentValues(api, inventory, management);
  const prechecks = installPrechecks({
    inventory,
    version: ask.version,
    revision: ask.revision,
    releases: ask.releases,
    now: ask.now,
    maxRevisions: ask.maxRevisions,
    kubernetesVersion,
    otherRevisions: context.takenNames,
    expectedRevision: istio
      ? sailRevisionName(istio.metadata.name, ask.version)
      : undefined,
  });
  const plan = planControlPlaneInstall({
    inventory,
    management,
    installedBy,
    version: ask.version,
    revision: ask.revision,
    current,
  });
  return [plan, prechecks];
}

/**
 * Plans a control-plane removal: the inventory says whether it is safe; Sail's resources say whether
 * the IstioRevision is deleted or pruned by Sail; without Sail, the revision's labelled objects are
 * read as they are now, with the standby gateways' objects.
 *
 * @throws NotFoundError when the cluster has no such revision
 */
export async function planRemoval(
  api: ClusterApi,
  inventory: ClusterInventory,
  revision: string,
  activeRequests: ActiveRequestOnCluster[],
): Promise<[Plan, Precheck[]]> {
  const cp = inventory.controlPlanes.find(c => c.revision === revision);
  if (!cp) {
    throw new NotFoundError(
      `Cluster ${inventory.cluster.name} has no control plane of revision ${revision}`,
    );
  }
  const management = await readControlPlaneManagement(api);
  const installedBy = installedByOf(management, revision);
  const prechecks = removalPrechecks(inventory, revision, activeRequests);
  const gatewayObjects = (
    await Promise.all(
      standbyGatewaysOf(inventory, revision).map(g =>
        readGatewayObjects(api, g.namespace, g.name),
      ),
    )
  ).flat();
  const istioRevision = sailRevisionOf(management, revision);
  let sailGracePeriodSeconds: number | undefined;
  if (istioRevision) {
    const owner = owningIstio(management, istioRevision);
    if (owner) {
      if (owner.status?.activeRevisionName === revision) {
        prechecks.push(
          fail(
            'sail-active-revision',
            `Revision ${revision} is the active revision of Istio ${owner.metadata.name}: change its spec.version first`,
          ),
        );
      }
      const grace =
        owner.spec?.updateStrategy?.inactiveRevisionDeletionGracePeriodSeconds;
      const seconds = typeof grace === 'number' ? Math.max(0, grace) : 30;
      // Sail prunes an unused revision after its grace period; a long one is not waited for.
      if (seconds <= SAIL_GRACE_WAIT_SECONDS) sailGracePeriodSeconds = seconds;
    }
  }
  const plan = planControlPlaneRemoval({
    revision,
    version: cp.version,
    installedBy,
    istioRevision,
    sailGracePeriodSeconds,
    revisionObjects: istioRevision
      ? []
      : await readRevisionObjects(
          api,
          revision,
          management.istiods.get(revision)?.metadata.annotations?.[
            'meta.helm.sh/release-name'
          ],
        ),
    gatewayObjects,
  });
  return [plan, prechecks];
}
