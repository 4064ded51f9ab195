import { NotFoundError } from '@backstage/errors';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  MAX_GATEWAYS,
  MAX_NAMESPACES,
  MAX_TAG_NAMESPACES,
  MAX_WARNINGS,
  MAX_WORKLOADS,
  summarizeClusterInventory,
} from './clusterInventorySummary';
import type { IstioUpgradeActionsOptions } from './index';
import {
  clusterNameSchema,
  kubernetesNameSchema,
  omittedSchema,
  revisionCountsSchema,
  supportSchema,
  warningsSchema,
  workloadRevisionFields,
  Zod,
} from './schemaFragments';

const namespaceSchema = (z: Zod) =>
  z.object({
    name: z.string().describe('The namespace.'),
    team: z.string().optional().describe('Its team label.'),
    injectionMode: z
      .enum(['legacy', 'revision', 'tag', 'ambient', 'disabled', 'none'])
      .describe(
        'legacy: istio-injection=enabled; revision: istio.io/rev names a revision; tag: istio.io/rev names a tag; ambient: no sidecars; disabled/none: no injection.',
      ),
    revisionLabel: z.string().optional().describe('Its istio.io/rev label.'),
    tag: z
      .string()
      .optional()
      .describe('The revision tag that decides its revision.'),
    desiredRevision: z
      .string()
      .optional()
      .describe('The revision new pods get, resolved through tags.'),
    desiredVersion: z
      .string()
      .optional()
      .describe('The Istio version of that revision.'),
    pods: z.number().int().describe('Pods.'),
    injectedPods: z.number().int().describe('Pods with a sidecar.'),
    podsNeedingRestart: z
      .number()
      .int()
      .describe('Pods whose sidecar revision is not the desired one.'),
    podsByRevision: revisionCountsSchema(z),
  });

const NAMESPACE_FILTER =
  'Only this namespace, with its workloads; every namespace (without workloads) when omitted.';

/** Registers `get-istio-cluster-inventory`. */
export function createGetIstioClusterInventoryAction({
  actionsRegistry,
  inventory,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'get-istio-cluster-inventory',
    title: 'Get Istio cluster inventory',
    description: `Describes Istio in one Kubernetes cluster of the catalog: its control planes (revision, version, readiness, tags, support status, what still uses them, and whether and why not they can be removed), revision tags and the revisions they point at, ingress gateway Services with their live and standby colours, its Gateway API gateways with the revision that deploys them, and its namespaces with their injection mode, desired revision and pods per sidecar revision. Give a namespace to also see its workloads.

Use it to decide what to migrate or cut over in a cluster: which namespaces still run an old revision or need a restart, which gateway colour is live, whether a revision can be removed. For the whole fleet use get-istio-fleet-status; for one service across clusters use get-sidecar-revisions.

Namespaces are listed neediest first (most pods needing a restart) and capped at ${MAX_NAMESPACES}, workloads at ${MAX_WORKLOADS}, gateways at ${MAX_GATEWAYS}, warnings at ${MAX_WARNINGS}; the *Omitted counts say how much was left out.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          cluster: clusterNameSchema(z),
          namespace: kubernetesNameSchema(z, NAMESPACE_FILTER).optional(),
        }),
      output: z =>
        z.object({
          cluster: z
            .object({
              name: z.string().describe('The cluster entity name.'),
              status: z
                .string()
                .describe('ready, or why the plugin cannot use it.'),
              message: z
                .string()
                .optional()
                .describe('Why it cannot be used, when it cannot.'),
              sync: z
                .string()
                .describe(
                  'synced, syncing, stale, error, pending or unavailable.',
                ),
              complete: z
                .boolean()
                .describe('Whether every resource has been listed once.'),
              lastSyncedAt: z
                .string()
                .optional()
                .describe('When the inventory last matched the cluster.'),
            })
            .describe('The cluster and how fresh its inventory is.'),
          controlPlanes: z
            .array(
              z.object({
                revision: z.string().describe('The revision, e.g. 1-30-4.'),
                version: z.string().optional().describe('The Istio version.'),
                ready: z.boolean().describe('Whether istiod is ready.'),
                readyReplicas: z.number().int().describe('Ready istiod pods.'),
                replicas: z.number().int().describe('Desired istiod pods.'),
                hasInjector: z
                  .boolean()
                  .describe('Whether its sidecar injector webhook exists.'),
                isDefault: z
                  .boolean()
                  .describe(
                    'Whether istio-injection=enabled namespaces get this revision.',
                  ),
                tags: z
                  .array(z.string())
                  .describe('Revision tags pointing at it.'),
                support: supportSchema(z),
                inUse: z
                  .object({
                    pods: z.number().int().describe('Pods running it.'),
                    namespaces: z
                      .number()
                      .int()
                      .describe('Namespaces resolving to it.'),
                    tags: z.number().int().describe('Tags pointing at it.'),
                    gateways: z.number().int().describe('Gateways running it.'),
                  })
                  .describe('What still uses it.'),
                safeToRemove: z
                  .boolean()
                  .describe('Whether nothing uses it any more.'),
                notRemovableBecause: z
                  .array(z.string())
                  .describe('Why it cannot be removed yet.'),
              }),
            )
            .describe("The cluster's istiod revisions."),
          tags: z
            .array(
              z.object({
                name: z.string().describe('The tag, e.g. default, prod.'),
                revision: z
                  .string()
                  .optional()
                  .describe('The revision it points at.'),
                revisionExists: z
                  .boolean()
                  .describe('Whether that revision has a control plane.'),
                namespaceCount: z
                  .number()
                  .int()
                  .describe('Namespaces that use the tag.'),
                namespaces: z
                  .array(z.string())
                  .describe(`Some of them (at most ${MAX_TAG_NAMESPACES}).`),
              }),
            )
            .describe('Revision tags.'),
          gatewayServices: z
            .array(
              z.object({
                namespace: z.string().describe('Its namespace.'),
                name: z.string().describe('The LoadBalancer Service.'),
                liveRevision: z
                  .string()
                  .optional()
                  .describe('The revision of the gateway it selects now.'),
                liveGateway: z
                  .string()
                  .optional()
                  .describe('The gateway Deployment it selects now.'),
                readyEndpoints: z
                  .number()
                  .int()
                  .optional()
                  .describe('Ready pods of the live gateway.'),
                ports: z.array(z.number().int()).describe('Its ports.'),
                standby: z
                  .array(
                    z.object({
                      name: z.string().describe('The gateway Deployment.'),
                      revision: z.string().optional().describe('Its revision.'),
                      version: z.string().optional().describe('Its version.'),
                      ready: z.boolean().describe('Whether it is ready.'),
                    }),
                  )
                  .describe(
                    'Gateways it could be cut over to (request-gateway-cutover).',
                  ),
              }),
            )
            .describe('Ingress LoadBalancer Services and their colours.'),
          gateways: z
            .array(
              z.object({
                namespace: z.string().describe('Its namespace.'),
                name: z.string().describe('The gateway Deployment.'),
                revision: z.string().optional().describe('Its revision.'),
                version: z.string().optional().describe('Its version.'),
                ready: z.boolean().describe('Whether it is ready.'),
                readyReplicas: z.number().int().describe('Ready pods.'),
                replicas: z.number().int().describe('Desired pods.'),
              }),
            )
            .describe('Gateway Deployments.'),
          gatewaysOmitted: omittedSchema(z, 'gateways'),
          gatewayApiGateways: z
            .array(
              z.object({
                namespace: z.string().describe('Its namespace.'),
                name: z.string().describe('The Gateway.'),
                revisionLabel: z
                  .string()
                  .optional()
                  .describe('Its istio.io/rev label: a revision or a tag.'),
                revision: z
                  .string()
                  .optional()
                  .describe('The revision whose istiod deploys it.'),
                deployment: z
                  .string()
                  .describe('The Deployment istiod manages for it.'),
                readyReplicas: z.number().int().describe('Ready pods.'),
                replicas: z.number().int().describe('Desired pods.'),
                podRevisions: z
                  .array(z.string())
                  .describe('The revisions its pods run (none: no sidecar).'),
              }),
            )
            .describe(
              'Gateway API gateways (gateway.networking.k8s.io Gateways of class istio).',
            ),
          gatewayApiGatewaysOmitted: omittedSchema(z, 'Gateway API gateways'),
          namespaces: z
            .array(namespaceSchema(z))
            .describe('Namespaces, neediest first.'),
          namespacesOmitted: omittedSchema(z, 'namespaces'),
          workloads: z
            .array(
              z.object({
                kind: z
                  .enum(['Deployment', 'StatefulSet', 'DaemonSet'])
                  .describe('The workload kind.'),
                name: z.string().describe('Its name.'),
                replicas: z.number().int().describe('Desired pods.'),
                readyReplicas: z.number().int().describe('Ready pods.'),
                ...workloadRevisionFields(
                  z,
                  'Pods on another revision than the desired one.',
                ),
                paused: z
                  .boolean()
                  .optional()
                  .describe('A paused Deployment: a restart will not move it.'),
                onDelete: z
                  .boolean()
                  .optional()
                  .describe(
                    'OnDelete update strategy: a restart will not move it.',
                  ),
              }),
            )
            .optional()
            .describe("The namespace's workloads (only with a namespace)."),
          workloadsOmitted: omittedSchema(z, 'workloads').optional(),
          totals: z
            .object({
              pods: z.number().int().describe('Pods.'),
              injectedPods: z.number().int().describe('Pods with a sidecar.'),
              namespaces: z.number().int().describe('Namespaces.'),
              podsNeedingRestart: z
                .number()
                .int()
                .describe('Pods whose sidecar needs a restart.'),
            })
            .describe("The cluster's totals."),
          warnings: warningsSchema(z),
          warningsOmitted: omittedSchema(z, 'warnings'),
        }),
    },
    examples: [
      {
        title: 'A cluster',
        input: { cluster: 'prod-eu' },
      },
      {
        title: "One namespace's workloads",
        input: { cluster: 'prod-eu', namespace: 'payments' },
      },
    ],
    action: async ({ input, credentials }) => {
      const clusterInventory = await inventory.getInventory(
        input.cluster,
        credentials,
      );
      if (
        input.namespace !== undefined &&
        !clusterInventory.namespaces.some(n => n.name === input.namespace)
      ) {
        throw new NotFoundError(
          `Cluster ${input.cluster} has no namespace ${input.namespace}${
            clusterInventory.cluster.sync.complete
              ? ''
              : ' (its inventory is not complete yet)'
          }`,
        );
      }
      return {
        output: summarizeClusterInventory(clusterInventory, input.namespace),
      };
    },
  });
}
