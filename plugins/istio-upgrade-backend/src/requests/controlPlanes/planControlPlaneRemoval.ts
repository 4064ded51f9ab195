import {
  Plan,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubeObject } from '../../kubernetes/ClusterApi';
import { InstalledBy } from './controlPlaneManagement';
import { manifestOf, objectName } from './revisionObjects';

/** The step that deletes the standby gateways, after checking no LoadBalancer Service selects them. */
export const REMOVE_GATEWAYS_STEP = 'remove-standby-gateways';
/** The step that deletes the revision (its objects, or its IstioRevision). */
export const REMOVE_STEP = 'remove-control-plane';

/** What the planner read for a removal. */
export interface RemovalContext {
  revision: string;
  version?: string;
  installedBy: InstalledBy;
  /** For Sail: the IstioRevision, and the grace period when an Istio owns it and will prune it. */
  istioRevision?: KubeObject;
  sailGracePeriodSeconds?: number;
  /** Without Sail: the revision's objects, in deletion order. */
  revisionObjects: KubeObject[];
  /** The standby gateways' objects, deleted first. */
  gatewayObjects: KubeObject[];
}

function deletion(step: string, object: KubeObject): PlannedPatch {
  return {
    step,
    kind: object.kind,
    apiVersion: object.apiVersion,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata.name,
    patchType: 'delete',
    patch: object.metadata.uid
      ? { preconditions: { uid: object.metadata.uid } }
      : {},
  };
}

/** The write that undoes a deletion (kept under the deleting step's name, as rollback writes are). */
function creation(step: string, object: KubeObject): PlannedPatch {
  return {
    step,
    kind: object.kind,
    apiVersion: object.apiVersion,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata.name,
    patchType: 'create',
    patch: manifestOf(object),
  };
}

/**
 * The plan of a removal: the standby gateways' objects, then the revision - with Sail, its
 * IstioRevision (deleted, or left to Sail's pruning when an Istio owns it); without, every object
 * `istioctl uninstall --revision` deletes - each an exact deletion with its uid precondition; the
 * rollback re-creates them from the manifests stored with the plan, in the reverse order.
 */
export function planControlPlaneRemoval(context: RemovalContext): Plan {
  const { revision, installedBy, istioRevision, gatewayObjects } = context;
  const gatewayDeletions = gatewayObjects.map(o =>
    deletion(REMOVE_GATEWAYS_STEP, o),
  );
  const gatewayRestores = [...gatewayObjects]
    .reverse()
    .map(o => creation(REMOVE_GATEWAYS_STEP, o));
  const gatewayNames = gatewayObjects.map(objectName);
  const standbyText = gatewayObjects.length
    ? `; first its standby gateway (${gatewayNames
        .filter(n => n.startsWith('Deployment/'))
        .join(', ')}), once no LoadBalancer Service selects it`
    : '';
  const base = {
    fromRevision: revision,
    waves: [],
    podsInScope: 0,
  };
  if (installedBy === 'sail' && istioRevision) {
    const grace = context.sailGracePeriodSeconds;
    const byGrace = grace !== undefined;
    return {
      ...base,
      summary: byGrace
        ? `Let Sail prune IstioRevision ${revision} once its grace period (${grace}s) has passed, and wait until it is gone${standbyText}`
        : `Delete IstioRevision ${revision}; Sail removes its control plane${standbyText}`,
      patches: [
        ...gatewayDeletions,
        ...(byGrace ? [] : [deletion(REMOVE_STEP, istioRevision)]),
      ],
      rollbackPatches: [
        creation(REMOVE_STEP, {
          ...istioRevision,
          metadata: { ...istioRevision.metadata, ownerReferences: undefined },
        }),
        ...gatewayRestores,
      ],
      controlPlane: {
        installedBy,
        mode: byGrace ? 'sail-grace-period' : 'sail-delete',
        ...(context.version ? { version: context.version } : {}),
        sailResource: `IstioRevision/${revision}`,
        ...(byGrace ? { gracePeriodSeconds: grace } : {}),
        deletions: [
          ...gatewayNames,
          ...(byGrace ? [] : [objectName(istioRevision)]),
        ],
      },
    };
  }
  const objects = context.revisionObjects;
  const helmReleases = [
    ...new Set(
      [...objects, ...gatewayObjects]
        .map(o => {
          const release = o.metadata.annotations?.['meta.helm.sh/release-name'];
          const namespace =
            o.metadata.annotations?.['meta.helm.sh/release-namespace'];
          return release
            ? `release ${release} (${namespace ?? 'default'})`
            : undefined;
        })
        .filter((r): r is string => r !== undefined),
    ),
  ];
  return {
    ...base,
    summary: `Delete the ${objects.length} objects of revision ${revision}, as istioctl uninstall --revision ${revision} does${standbyText}`,
    ...(helmReleases.length
      ? {
          warnings: [
            `Helm keeps its record of ${helmReleases.join(
              ', ',
            )} (its objects are deleted here): \`helm uninstall <release> -n <namespace>\` forgets it`,
          ],
        }
      : {}),
    patches: [
      ...gatewayDeletions,
      ...objects.map(o => deletion(REMOVE_STEP, o)),
    ],
    rollbackPatches: [
      ...[...objects].reverse().map(o => creation(REMOVE_STEP, o)),
      ...gatewayRestores,
    ],
    controlPlane: {
      installedBy,
      mode: 'delete-objects',
      ...(context.version ? { version: context.version } : {}),
      deletions: [...gatewayNames, ...objects.map(objectName)],
    },
  };
}
