import { PlannedPatch } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubernetesApiError } from '../../kubernetes/KubernetesApiError';
import { tagWebhookName } from '../planning/tagWebhooks';
import { StepContext, StepFailure } from './stepContext';
import { waitUntil } from './waitUntil';

/**
 * Retargets a Sail IstioRevisionTag (a merge patch, conditional when planned so; skipped when it
 * already targets the revision), then waits until Sail has pointed the tag's webhook at the revision.
 */
export async function retargetSailTag(
  ctx: StepContext,
  patch: PlannedPatch,
  tag: string,
  revision: string,
): Promise<void> {
  const { api } = ctx;
  const current = await api.readObject('IstioRevisionTag', undefined, tag);
  if (!current) throw new StepFailure(`IstioRevisionTag ${tag} does not exist`);
  const wanted = (patch.patch as { spec?: { targetRef?: object } }).spec
    ?.targetRef;
  if (JSON.stringify(current.spec?.targetRef) !== JSON.stringify(wanted)) {
    await ctx.write(`patch IstioRevisionTag ${tag}`, async () => {
      try {
        await api.patchObject('IstioRevisionTag', undefined, tag, patch.patch);
      } catch (error) {
        if (error instanceof KubernetesApiError && error.status === 409) {
          throw new StepFailure(
            `IstioRevisionTag ${tag} changed since the plan was made: nothing was written; plan again`,
          );
        }
        throw error;
      }
    });
  } else {
    await ctx.event('step', `IstioRevisionTag ${tag} already targets it`);
  }
  await waitUntil(
    ctx,
    ctx.rolloutTimeoutMs,
    async () => {
      const webhook = await api.readObject(
        'MutatingWebhookConfiguration',
        undefined,
        tagWebhookName(tag),
      );
      return webhook?.metadata.labels?.['istio.io/rev'] === revision
        ? undefined
        : `Sail has not pointed ${tagWebhookName(tag)} at ${revision} yet`;
    },
    `Sail pointing ${tagWebhookName(tag)} at ${revision}`,
  );
  await ctx.event('step', `Sail pointed ${tagWebhookName(tag)} at ${revision}`);
}
