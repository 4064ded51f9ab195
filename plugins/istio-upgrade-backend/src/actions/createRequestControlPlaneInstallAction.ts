import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  istioInventoryReadPermission,
  istioMinorOf,
  revisionNameForVersion,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestService } from '../requests/RequestService';
import type { IstioUpgradeActionsOptions } from './index';
import { requestSummarySchema, summarizeRequest } from './requestSummary';
import {
  clusterNameSchema,
  idempotencyKeySchema,
  istioVersionSchema,
  requestCommentSchema,
  revisionNameSchema,
} from './schemaFragments';

/**
 * The revision name an install of `version` gets on `cluster` when the caller names none: the name
 * the cluster's revision candidates give the version's minor (Sail's `<istio>-v1-31-0` on a cluster
 * with a RevisionBased Istio resource, else `1-31-0`), carried over to the patch asked for. When the
 * release table does not know the minor, the conventional name, and the install's prechecks say why
 * the version is refused.
 */
export async function installRevisionName(
  requests: RequestService,
  cluster: string,
  version: string,
  credentials: BackstageCredentials,
): Promise<string> {
  const conventional =
    revisionNameForVersion(version) ?? version.replace(/\./g, '-');
  const minor = istioMinorOf(version);
  const { candidates } = await requests.revisionCandidates(
    cluster,
    credentials,
  );
  const candidate = candidates.find(c => c.minor === minor);
  if (!candidate) return conventional;
  if (candidate.version === version) return candidate.revision;
  const proposed =
    revisionNameForVersion(candidate.version) ??
    candidate.version.replace(/\./g, '-');
  return candidate.revision.endsWith(proposed)
    ? `${candidate.revision.slice(0, -proposed.length)}${conventional}`
    : conventional;
}

/** Registers `request-control-plane-install`. */
export function createRequestControlPlaneInstallAction({
  actionsRegistry,
  requests,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'request-control-plane-install',
    title: 'Request a control-plane install',
    description: `Asks to install a new Istio control plane (a revision) on a cluster, next to the ones it runs, for a canary upgrade: nothing moves to it, tags and namespaces are left alone. On a cluster run by the Sail operator the request sets the version of its RevisionBased Istio resource (or creates an IstioRevision) and Sail installs the revision; on a Helm or istioctl cluster the product writes nothing and the request gives people the exact commands to run, then waits for the revision to be Ready. This creates an upgrade request in the istio-upgrade plugin (stored and audited, after every precheck passes: the version is in the release table and not at its end of life, at most a supported jump from the cluster's revisions, supports the cluster's Kubernetes version, the revision name is free and the cluster stays under its revision limit). It always waits for a platform approver, whoever asks.

Use it only when a platform engineer asked for the install. Installs are asked for by people: the plugin refuses them from services and assistant tokens unless the platform trusts that service, and the caller needs the control-plane permission (the platform team's). Leave the revision out to get the name the cluster would give the version (Sail's naming on Sail clusters, e.g. default-v1-31-0; otherwise 1-31-0). Follow the request with get-upgrade-request.`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          cluster: clusterNameSchema(z),
          version: istioVersionSchema(z),
          revision: revisionNameSchema(z)
            .optional()
            .describe(
              'The name of the new revision, e.g. "1-31-0". Leave it out to take the name the cluster gives the version: on a Sail cluster with a RevisionBased Istio resource, Sail names it (e.g. "default-v1-31-0") and no other name is accepted.',
            ),
          comment: requestCommentSchema(z),
          idempotencyKey: idempotencyKeySchema(z),
        }),
      output: z => requestSummarySchema(z),
    },
    examples: [
      {
        title: 'Install Istio 1.31.0 next to the running revisions',
        input: {
          cluster: 'prod-eu',
          version: '1.31.0',
          comment: 'canary for the 1.31 rollout',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const revision =
        input.revision ??
        (await installRevisionName(
          requests,
          input.cluster,
          input.version,
          credentials,
        ));
      const request = await requests.create(
        {
          type: 'control-plane-install',
          cluster: input.cluster,
          revision,
          target: { version: input.version },
          ...(input.comment !== undefined && { comment: input.comment }),
          ...(input.idempotencyKey !== undefined && {
            idempotencyKey: input.idempotencyKey,
          }),
        },
        credentials,
      );
      return { output: summarizeRequest(request, appBaseUrl) };
    },
  });
}
