import {
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import {
  describeClientConfig,
  injectorClientConfig,
  pointsAt,
  repointWebhookConfiguration,
  tagServicePatch,
  tagWebhookName,
  validationClientConfig,
} from '../planning/tagWebhooks';
import { readTagMoveObjects, TagMoveObjects } from '../tagMoveObjects';
import { conditionalWrite } from './conditionalWrite';
import { StepContext, StepFailure } from './stepContext';

/**
 * Points a tag's webhook (and, for `default`, `istiod-default-validator`) at `revision`, with that
 * revision's injector and validation endpoints as the cluster has them now; each replacement is
 * conditional on the resourceVersion read, and skipped when it already points there.
 */
export async function repointTag(
  ctx: StepContext,
  tag: string,
  revision: string,
): Promise<void> {
  const targets: Array<
    (objects: TagMoveObjects) =>
      | {
          object: { metadata?: { name?: string; resourceVersion?: string } };
          description: (name: string) => string;
          write: () => Promise<unknown>;
        }
      | string
      | undefined
  > = [
    objects => {
      const injection = injectorClientConfig(objects.injector);
      if (!objects.tagWebhook || !injection) {
        throw new StepFailure(
          objects.tagWebhook
            ? `revision ${revision} has no injector webhook configuration`
            : `${tagWebhookName(tag)} does not exist`,
        );
      }
      const webhook = objects.tagWebhook;
      if (pointsAt(webhook, revision, injection)) {
        return `${webhook.metadata?.name} already points at ${revision}`;
      }
      return {
        object: webhook,
        description: name =>
          `replace ${name} to point at ${revision} (${describeClientConfig(
            injection,
          )}`,
        write: () =>
          ctx.api.replaceMutatingWebhook(
            // The configuration as the cluster served it (tagMoveObjects), its client configs changed.
            repointWebhookConfiguration(
              webhook,
              revision,
              injection,
            ) as V1MutatingWebhookConfiguration,
          ),
      };
    },
    objects => {
      const validator = objects.defaultValidator;
      const validation = validationClientConfig(
        objects.validator,
        objects.injector,
      );
      if (!validator || !validation) return undefined;
      if (pointsAt(validator, revision, validation)) {
        return `${validator.metadata?.name} already points at ${revision}`;
      }
      return {
        object: validator,
        description: name =>
          `replace ${name} to point at ${revision} (${describeClientConfig(
            validation,
          )}`,
        write: () =>
          ctx.api.replaceValidatingWebhook(
            repointWebhookConfiguration(
              validator,
              revision,
              validation,
            ) as V1ValidatingWebhookConfiguration,
          ),
      };
    },
    objects => {
      const service = objects.tagService;
      if (!service) return undefined;
      const patch = tagServicePatch(service, revision, objects.revisionService);
      if (!patch) {
        return `${service.metadata?.name} already selects ${revision}'s istiod`;
      }
      const { namespace = '' } = service.metadata ?? {};
      return {
        object: service,
        description: name =>
          `patch service ${namespace}/${name} to select ${revision}'s istiod`,
        write: () =>
          ctx.api.patchService(namespace, service.metadata?.name ?? '', patch),
      };
    },
  ];
  for (const target of targets) {
    await conditionalWrite(ctx, async () => {
      const next = target(await readTagMoveObjects(ctx.api, tag, revision));
      if (next === undefined) return undefined;
      if (typeof next === 'string') {
        await ctx.event('step', next);
        return undefined;
      }
      const { name, resourceVersion } = next.object.metadata ?? {};
      return {
        description: `${next.description(
          name ?? '',
        )}; resourceVersion ${resourceVersion})`,
        write: next.write,
      };
    });
  }
}
