import {
  EntityCluster,
  istioInventoryReadPermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import { entityIstioView } from '../catalog/entityIstioView';
import type { IstioUpgradeActionsOptions } from './index';
import {
  compactRevisionCounts,
  compactWarning,
  entityRefSchema,
  normalizeEntityRef,
  omittedSchema,
  revisionCountsSchema,
  warningsSchema,
  workloadRevisionFields,
} from './schemaFragments';

/** How much of an entity's view one answer carries, per cluster. */
export const MAX_ENTITY_WORKLOADS = 30;
export const MAX_ENTITY_WARNINGS = 10;

function compactEntityCluster(c: EntityCluster) {
  const workloads = capped(c.workloads, MAX_ENTITY_WORKLOADS);
  const warnings = capped(c.warnings, MAX_ENTITY_WARNINGS);
  return {
    cluster: c.cluster.name,
    status: c.cluster.status,
    sync: c.cluster.sync.state,
    complete: c.cluster.sync.complete,
    namespaces: c.namespaces.map(({ namespace: n, targets }) => ({
      name: n.name,
      injectionMode: n.injectionMode,
      ...(n.desiredRevision !== undefined && {
        desiredRevision: n.desiredRevision,
      }),
      ...(n.desiredVersion !== undefined && {
        desiredVersion: n.desiredVersion,
      }),
      pods: n.pods,
      podsNeedingRestart: n.podsNeedingRestart,
      podsByRevision: compactRevisionCounts(n.podsByRevision),
      targets: targets.map(t => ({
        revision: t.revision,
        ...(t.version !== undefined && { version: t.version }),
        ...(t.tags?.length && { tags: t.tags }),
        verdict: t.verdict,
        reason: t.reason,
      })),
    })),
    workloads: workloads.items.map(w => ({
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      ...(w.desiredRevision !== undefined && {
        desiredRevision: w.desiredRevision,
      }),
      podsByRevision: compactRevisionCounts(w.podsByRevision),
      podsNeedingRestart: w.podsNeedingRestart,
    })),
    workloadsOmitted: workloads.omitted,
    warnings: warnings.items.map(compactWarning),
    warningsOmitted: warnings.omitted,
  };
}

/** Registers `get-sidecar-revisions`. */
export function createGetSidecarRevisionsAction({
  actionsRegistry,
  catalog,
  inventory,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'get-sidecar-revisions',
    title: 'Get sidecar revisions of a service',
    description: `Shows, for one catalog entity (a service or other component whose workloads carry the backstage.io/kubernetes-id label or match its backstage.io/kubernetes-label-selector annotation), in every cluster where it runs: the Istio revision and proxy version each of its workloads' sidecars runs, whether that matches what the namespace asks for (pods needing a restart), and the revisions the namespace could migrate to, each with a verdict (allowed or blocked) and the reason.

Use it to answer "which Istio version does my service run", "is it out of date", and "where can I move it" before plan-namespace-migration or request-namespace-migration. For a whole cluster use get-istio-cluster-inventory.

Workloads are capped at ${MAX_ENTITY_WORKLOADS} and warnings at ${MAX_ENTITY_WARNINGS} per cluster; the *Omitted counts say how much was left out.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z => z.object({ entityRef: entityRefSchema(z) }),
      output: z =>
        z.object({
          entityRef: z.string().describe('The entity, in full form.'),
          selector: z
            .string()
            .describe(
              "The label selector the entity's workloads are found by; empty when it names none.",
            ),
          namespace: z
            .string()
            .optional()
            .describe(
              'The namespace the entity is narrowed to (backstage.io/kubernetes-namespace).',
            ),
          clusters: z
            .array(
              z.object({
                cluster: z.string().describe('The cluster entity name.'),
                status: z
                  .string()
                  .describe('ready, or why the plugin cannot use it.'),
                sync: z
                  .string()
                  .describe('How fresh the inventory is (synced, stale, …).'),
                complete: z
                  .boolean()
                  .describe('Whether the inventory is whole.'),
                namespaces: z
                  .array(
                    z.object({
                      name: z.string().describe('The namespace.'),
                      injectionMode: z
                        .string()
                        .describe(
                          'legacy, revision, tag, ambient, disabled or none.',
                        ),
                      desiredRevision: z
                        .string()
                        .optional()
                        .describe('The revision new pods get.'),
                      desiredVersion: z
                        .string()
                        .optional()
                        .describe('Its Istio version.'),
                      pods: z.number().int().describe('Pods in the namespace.'),
                      podsNeedingRestart: z
                        .number()
                        .int()
                        .describe('Pods not on the desired revision.'),
                      podsByRevision: revisionCountsSchema(z),
                      targets: z
                        .array(
                          z.object({
                            revision: z
                              .string()
                              .describe('A revision it could move to.'),
                            version: z
                              .string()
                              .optional()
                              .describe('Its Istio version.'),
                            tags: z
                              .array(z.string())
                              .optional()
                              .describe('Tags pointing at it.'),
                            verdict: z
                              .enum(['allowed', 'blocked'])
                              .describe(
                                'Whether a migration there is allowed.',
                              ),
                            reason: z
                              .string()
                              .describe('Why it is allowed or blocked.'),
                          }),
                        )
                        .describe('Migration targets with their verdicts.'),
                    }),
                  )
                  .describe("Namespaces of the entity's workloads."),
                workloads: z
                  .array(
                    z.object({
                      kind: z
                        .string()
                        .describe('Deployment, StatefulSet or DaemonSet.'),
                      namespace: z.string().describe('Its namespace.'),
                      name: z.string().describe('Its name.'),
                      ...workloadRevisionFields(
                        z,
                        'Pods not on the desired revision.',
                      ),
                    }),
                  )
                  .describe("The entity's workloads."),
                workloadsOmitted: omittedSchema(z, 'workloads'),
                warnings: warningsSchema(z),
                warningsOmitted: omittedSchema(z, 'warnings'),
              }),
            )
            .describe('Clusters where the entity runs.'),
        }),
    },
    examples: [
      {
        title: 'A service by its short name',
        input: { entityRef: 'storefront' },
      },
      {
        title: 'A service by its full reference',
        input: { entityRef: 'component:default/payments-api' },
      },
    ],
    action: async ({ input, credentials }) => {
      const entityRef = normalizeEntityRef(input.entityRef);
      const view = await entityIstioView({
        catalog,
        inventory,
        credentials,
        entityRef,
      });
      return {
        output: {
          entityRef,
          selector: view?.selector ?? '',
          ...(view?.namespace !== undefined && { namespace: view.namespace }),
          clusters: (view?.clusters ?? []).map(compactEntityCluster),
        },
      };
    },
  });
}
