import {
  Plan,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubeObject } from '../../kubernetes/ClusterApi';

/**
 * A tag move on a cluster whose tags Sail manages: Sail's IstioRevisionTag owns the tag's webhooks
 * and puts back any other writer's change, so the move patches its `spec.targetRef` (conditionally
 * on its resourceVersion) and Sail rewrites the webhooks. The restarts of the webhook plan are kept;
 * its webhook and Service writes are replaced by that one patch, and its rollback by the old target.
 */
export function sailTagMovePlan(
  webhookPlan: Plan,
  revisionTag: KubeObject,
  revision: string,
): Plan {
  const name = revisionTag.metadata.name;
  const previous = revisionTag.spec?.targetRef ?? {};
  const write = (targetRef: object, precondition?: string): PlannedPatch => ({
    step: 'repoint-tag',
    kind: 'IstioRevisionTag',
    apiVersion: 'sailoperator.io/v1',
    name,
    patchType: 'merge',
    patch: {
      ...(precondition ? { metadata: { resourceVersion: precondition } } : {}),
      spec: { targetRef },
    },
    ...(precondition ? { precondition } : {}),
  });
  const others = (patches: PlannedPatch[] | undefined) =>
    (patches ?? []).filter(p => p.step !== 'repoint-tag');
  return {
    ...webhookPlan,
    summary: `${
      webhookPlan.summary
    }; Sail manages the tag: its IstioRevisionTag ${name} is retargeted from ${
      previous.kind ?? '?'
    } ${
      previous.name ?? '?'
    } to IstioRevision ${revision}, and Sail rewrites the webhooks`,
    patches: [
      write(
        { kind: 'IstioRevision', name: revision },
        revisionTag.metadata.resourceVersion,
      ),
      ...others(webhookPlan.patches),
    ],
    rollbackPatches: webhookPlan.rollbackPatches?.length
      ? [write(previous), ...others(webhookPlan.rollbackPatches)]
      : [],
  };
}
