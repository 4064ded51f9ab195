import {
  PlannedPatch,
  RequestPlan,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import { omittedSchema, Zod, ZodObjectSchema } from './schemaFragments';

/** How much of a plan one answer carries. */
export const MAX_PATCHES = 20;
export const MAX_ROLLBACK_PATCHES = 5;
export const MAX_WAVES = 10;

const patchSchema = (z: Zod) =>
  z.object({
    step: z
      .string()
      .describe(
        'The step that sends it (relabel-namespace, restart-wave-1, …).',
      ),
    kind: z.string().describe('The kind of object written.'),
    namespace: z.string().optional().describe("The object's namespace."),
    name: z.string().describe("The object's name."),
    patchType: z
      .enum(['merge', 'strategic-merge', 'json', 'replace'])
      .describe('How the body is applied.'),
    patch: z
      .record(z.unknown())
      .describe(
        'The body sent, exactly (a restart annotation value is fixed when its step first runs).',
      ),
    precondition: z
      .string()
      .optional()
      .describe('The resourceVersion the write requires, when conditional.'),
  });

/** A dry run's answer as an assistant needs it: prechecks, the exact writes, waves and approval. */
export const planSummarySchema = (z: Zod): ZodObjectSchema =>
  z.object({
    summary: z.string().describe('What the change does, in one line.'),
    fromRevision: z
      .string()
      .optional()
      .describe('The revision the namespace moves away from.'),
    toRevision: z.string().optional().describe('The revision it moves to.'),
    podsInScope: z.number().int().describe('Pods the change restarts.'),
    prechecksPassed: z
      .boolean()
      .describe('Whether every precheck passed (a request needs them to).'),
    prechecks: z
      .array(
        z.object({
          id: z.string().describe('The precheck.'),
          status: z.enum(['pass', 'warn', 'fail']).describe('Its outcome.'),
          message: z.string().describe('What it found.'),
        }),
      )
      .describe('Every precheck and its outcome.'),
    approvalRequired: z
      .boolean()
      .describe('Whether the request would wait for a person to approve it.'),
    approvalReason: z
      .string()
      .optional()
      .describe('Why it would, or would not, need approval.'),
    patches: z
      .array(patchSchema(z))
      .describe('The exact writes to the cluster, in order.'),
    patchesOmitted: omittedSchema(z, 'writes'),
    rollbackPatches: z
      .array(patchSchema(z))
      .describe(
        'The writes that undo the change (a rollback sends these, then restarts the same workloads).',
      ),
    rollbackPatchesOmitted: omittedSchema(z, 'undoing writes'),
    waves: z
      .array(
        z.object({
          index: z.number().int().describe('The wave number, from 1.'),
          workloads: z
            .array(z.string())
            .describe('Workloads restarted together, as "Kind/name (pods)".'),
        }),
      )
      .describe('Restart waves, in order.'),
    wavesOmitted: omittedSchema(z, 'waves'),
    skipped: z
      .array(z.string())
      .describe(
        'Workloads in scope that a restart will not move (paused, OnDelete), with why.',
      ),
  });

function compactPatch(p: PlannedPatch) {
  return {
    step: p.step,
    kind: p.kind,
    ...(p.namespace !== undefined && { namespace: p.namespace }),
    name: p.name,
    patchType: p.patchType,
    patch: p.patch,
    ...(p.precondition !== undefined && { precondition: p.precondition }),
  };
}

/** The compact form of a dry run. */
export function summarizePlan(result: RequestPlan) {
  const { plan } = result;
  const patches = capped(plan.patches, MAX_PATCHES);
  const rollbackPatches = capped(
    plan.rollbackPatches ?? [],
    MAX_ROLLBACK_PATCHES,
  );
  const waves = capped(plan.waves, MAX_WAVES);
  return {
    summary: plan.summary,
    ...(plan.fromRevision !== undefined && { fromRevision: plan.fromRevision }),
    ...(plan.toRevision !== undefined && { toRevision: plan.toRevision }),
    podsInScope: plan.podsInScope,
    prechecksPassed: result.prechecks.passed,
    prechecks: result.prechecks.checks,
    approvalRequired: result.approvalRequired,
    ...(result.approvalReason !== undefined && {
      approvalReason: result.approvalReason,
    }),
    patches: patches.items.map(compactPatch),
    patchesOmitted: patches.omitted,
    rollbackPatches: rollbackPatches.items.map(compactPatch),
    rollbackPatchesOmitted: rollbackPatches.omitted,
    waves: waves.items.map(w => ({
      index: w.index,
      workloads: w.workloads.map(x => `${x.kind}/${x.name} (${x.pods})`),
    })),
    wavesOmitted: waves.omitted,
    skipped: (plan.skipped ?? []).map(
      x => `${x.kind}/${x.name}${x.note ? `: ${x.note}` : ''}`,
    ),
  };
}
