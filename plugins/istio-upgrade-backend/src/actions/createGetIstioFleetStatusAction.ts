import { NotFoundError } from '@backstage/errors';
import {
  FleetCluster,
  istioInventoryReadPermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import type { IstioUpgradeActionsOptions } from './index';
import {
  clusterNameSchema,
  compactSupport,
  compactWarning,
  omittedSchema,
  supportSchema,
  warningsSchema,
} from './schemaFragments';

/** Clusters and fleet warnings one answer carries. */
export const MAX_FLEET_CLUSTERS = 50;
export const MAX_FLEET_WARNINGS = 20;

function compactCluster(c: FleetCluster) {
  return {
    name: c.cluster.name,
    ...(c.cluster.title !== undefined && { title: c.cluster.title }),
    status: c.cluster.status,
    ...(c.cluster.message !== undefined && { message: c.cluster.message }),
    sync: c.cluster.sync.state,
    complete: c.cluster.sync.complete,
    ...(c.newestVersion !== undefined && { newestVersion: c.newestVersion }),
    ...(c.minorsBehindFleet !== undefined && {
      minorsBehindFleet: c.minorsBehindFleet,
    }),
    ...(c.oldestProxyVersion !== undefined && {
      oldestProxyVersion: c.oldestProxyVersion,
    }),
    pods: c.pods,
    injectedPods: c.injectedPods,
    podsNeedingRestart: c.podsNeedingRestart,
    namespaces: c.namespaces,
    warningCounts: c.warningCounts,
    revisions: c.revisions.map(r => ({
      revision: r.revision,
      ...(r.version !== undefined && { version: r.version }),
      pods: r.pods,
      namespaces: r.namespaces,
      support: compactSupport(r.support),
      ...(r.safeToRemove !== undefined && { safeToRemove: r.safeToRemove }),
    })),
  };
}

/** Registers `get-istio-fleet-status`. */
export function createGetIstioFleetStatusAction({
  actionsRegistry,
  inventory,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'get-istio-fleet-status',
    title: 'Get Istio fleet status',
    description: `Summarises Istio across every Kubernetes cluster registered in the Backstage catalog: per cluster its control-plane revisions and versions, how many pods and namespaces use each revision, each version's support status and end-of-life date, which revisions are safe to remove, how many minor versions the cluster is behind the fleet's newest, pods whose sidecar needs a restart, and the fleet's warnings (most severe first).

Use it first, to answer "which Istio versions do we run and where", "what is end of life", "which clusters are behind" or "can revision X be removed", and to find the cluster and revision names the other istio-upgrade actions take. For one cluster's namespaces, tags and gateways use get-istio-cluster-inventory; for one service use get-sidecar-revisions.

Lists are capped (${MAX_FLEET_CLUSTERS} clusters, ${MAX_FLEET_WARNINGS} warnings); the *Omitted counts say how much was left out.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          cluster: clusterNameSchema(z)
            .optional()
            .describe(
              'Only this cluster (the name of its kubernetes-cluster entity); every cluster when omitted.',
            ),
        }),
      output: z =>
        z.object({
          generatedAt: z
            .string()
            .describe('When the summary was computed (ISO 8601).'),
          newestVersion: z
            .string()
            .optional()
            .describe('The newest control-plane version in the fleet.'),
          clusters: z
            .array(
              z.object({
                name: z.string().describe('The cluster entity name.'),
                title: z.string().optional().describe('Its display title.'),
                status: z
                  .string()
                  .describe(
                    'ready, or why the plugin cannot use it (no-credentials, refused-url, …).',
                  ),
                message: z
                  .string()
                  .optional()
                  .describe('Why the cluster cannot be used, when it cannot.'),
                sync: z
                  .string()
                  .describe(
                    'How fresh the inventory is: synced, syncing, stale, error, pending, unavailable.',
                  ),
                complete: z
                  .boolean()
                  .describe(
                    'Whether the inventory is whole (every resource listed at least once).',
                  ),
                newestVersion: z
                  .string()
                  .optional()
                  .describe("The cluster's newest control-plane version."),
                minorsBehindFleet: z
                  .number()
                  .int()
                  .optional()
                  .describe(
                    "Minor versions between the cluster's newest control plane and the fleet's newest.",
                  ),
                oldestProxyVersion: z
                  .string()
                  .optional()
                  .describe('The oldest sidecar proxy version running.'),
                pods: z.number().int().describe('Pods in the cluster.'),
                injectedPods: z
                  .number()
                  .int()
                  .describe('Pods with an Istio sidecar.'),
                podsNeedingRestart: z
                  .number()
                  .int()
                  .describe(
                    'Pods whose sidecar revision is not the one their namespace asks for.',
                  ),
                namespaces: z.number().int().describe('Namespaces.'),
                warningCounts: z
                  .object({
                    info: z.number().int().describe('Info findings.'),
                    warning: z.number().int().describe('Warnings.'),
                    error: z.number().int().describe('Errors.'),
                  })
                  .describe("The cluster's warnings by severity."),
                revisions: z
                  .array(
                    z.object({
                      revision: z
                        .string()
                        .describe('The revision name, e.g. 1-30-4.'),
                      version: z
                        .string()
                        .optional()
                        .describe('The Istio version, e.g. 1.30.4.'),
                      pods: z
                        .number()
                        .int()
                        .describe('Pods whose sidecar runs this revision.'),
                      namespaces: z
                        .number()
                        .int()
                        .describe('Namespaces whose labels resolve to it.'),
                      support: supportSchema(z),
                      safeToRemove: z
                        .boolean()
                        .optional()
                        .describe(
                          'Whether nothing uses its control plane any more; absent for a revision whose control plane is already gone but pods still run.',
                        ),
                    }),
                  )
                  .describe("The cluster's revisions."),
              }),
            )
            .describe('The clusters, by name.'),
          clustersOmitted: omittedSchema(z, 'clusters'),
          warnings: warningsSchema(z),
          warningsOmitted: omittedSchema(z, 'warnings'),
        }),
    },
    examples: [
      {
        title: 'The whole fleet',
        input: {},
        output: {
          generatedAt: '2026-03-02T10:00:00.000Z',
          newestVersion: '1.30.4',
          clusters: [
            {
              name: 'prod-eu',
              status: 'ready',
              sync: 'synced',
              complete: true,
              newestVersion: '1.30.4',
              minorsBehindFleet: 0,
              oldestProxyVersion: '1.30.1',
              pods: 42,
              injectedPods: 40,
              podsNeedingRestart: 3,
              namespaces: 6,
              warningCounts: { info: 1, warning: 1, error: 0 },
              revisions: [
                {
                  revision: '1-30-1',
                  version: '1.30.1',
                  pods: 25,
                  namespaces: 3,
                  support: {
                    status: 'supported',
                    endOfLife: '2026-08-15',
                    daysToEndOfLife: 166,
                  },
                  safeToRemove: false,
                },
                {
                  revision: '1-30-4',
                  version: '1.30.4',
                  pods: 15,
                  namespaces: 2,
                  support: { status: 'supported' },
                  safeToRemove: false,
                },
              ],
            },
          ],
          clustersOmitted: 0,
          warnings: [
            {
              code: 'drift',
              severity: 'warning',
              cluster: 'prod-eu',
              subject: 'Namespace payments',
              message:
                'Namespace payments asks for 1-30-4 but 3 pods run 1-30-1: restart them',
            },
          ],
          warningsOmitted: 0,
        },
      },
      { title: 'One cluster', input: { cluster: 'staging' } },
    ],
    action: async ({ input, credentials }) => {
      const fleet = await inventory.getFleet(credentials);
      let clusters = fleet.clusters;
      let warnings = fleet.warnings;
      if (input.cluster !== undefined) {
        clusters = clusters.filter(c => c.cluster.name === input.cluster);
        if (!clusters.length) {
          throw new NotFoundError(
            `No cluster ${input.cluster} in the catalog; the fleet has ${
              fleet.clusters.map(c => c.cluster.name).join(', ') || 'none'
            }`,
          );
        }
        warnings = warnings.filter(w => w.cluster === input.cluster);
      }
      const shownClusters = capped(clusters, MAX_FLEET_CLUSTERS);
      const shownWarnings = capped(warnings, MAX_FLEET_WARNINGS);
      return {
        output: {
          generatedAt: fleet.generatedAt,
          ...(fleet.newestVersion !== undefined && {
            newestVersion: fleet.newestVersion,
          }),
          clusters: shownClusters.items.map(compactCluster),
          clustersOmitted: shownClusters.omitted,
          warnings: shownWarnings.items.map(compactWarning),
          warningsOmitted: shownWarnings.omitted,
        },
      };
    },
  });
}
