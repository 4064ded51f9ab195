import {
  ClusterInventory,
  Plan,
  PlannedPatch,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InputError } from '@backstage/errors';
import { podsInWaves, restartWavePatches } from './restartWaves';
import {
  DEFAULT_VALIDATOR,
  describeClientConfig,
  injectorClientConfig,
  repointWebhookConfiguration,
  restoreTagServicePatch,
  shownWebhookConfiguration,
  tagServicePatch,
  validationClientConfig,
  WebhookConfigurationObject,
} from './tagWebhooks';
import { tagMoveGatewayWarnings } from './gatewayApiRestarts';
import type { TagMoveObjects } from '../tagMoveObjects';

/** What a tag move is asked to do. */
export interface TagMoveInput {
  tag: string;
  revision: string;
  migrateNamespaces: boolean;
  waveSize: number;
}

/**
 * The exact changes of moving a revision tag, as `istioctl tag set --overwrite` makes them: the tag's
 * webhook configuration takes the new revision's label and its injector's client config (a Service or
 * a URL), and for the `default` tag `istiod-default-validator` takes the revision's validation
 * endpoint; then, if asked, the workloads of the namespaces that use the tag restart. Until they
 * restart, those pods keep their proxies. The rollback writes back the objects as they were read.
 */
export function planTagMove(
  inventory: ClusterInventory,
  input: TagMoveInput,
  objects: TagMoveObjects,
): Plan {
  const tag = inventory.tags.find(t => t.name === input.tag);
  if (!tag) {
    throw new InputError(
      `Revision tag ${input.tag} does not exist in cluster ${inventory.cluster.name}`,
    );
  }
  const workloads: Workload[] = input.migrateNamespaces
    ? inventory.workloads
        .filter(w => tag.namespaces.includes(w.namespace))
        .filter(w => !w.paused && !w.onDelete)
        .filter(w =>
          w.podsByRevision.some(r => r.revision !== undefined && r.count > 0),
        )
        .sort((a, b) =>
          `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
        )
    : [];
  const waves = [];
  for (let i = 0; i < workloads.length; i += input.waveSize) {
    waves.push({
      index: waves.length + 1,
      workloads: workloads.slice(i, i + input.waveSize).map(w => ({
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        pods: w.pods,
      })),
    });
  }
  const skipped = input.migrateNamespaces
    ? inventory.workloads
        .filter(
          w => tag.namespaces.includes(w.namespace) && (w.paused || w.onDelete),
        )
        .map(w => ({
          kind: w.kind,
          namespace: w.namespace,
          name: w.name,
          pods: w.pods,
          note: w.paused ? 'paused' : 'OnDelete update strategy',
        }))
    : [];
  const webhook = objects.tagWebhook;
  const injection = injectorClientConfig(objects.injector);
  if (!webhook || !injection) {
    throw new InputError(
      webhook
        ? `Revision ${input.revision} has no injector webhook to point tag ${input.tag} at`
        : `Revision tag ${input.tag} does not exist in cluster ${inventory.cluster.name}`,
    );
  }
  const replacement = (
    kind: string,
    object: WebhookConfigurationObject,
    revision: string,
    clientConfig: NonNullable<typeof injection>,
  ): PlannedPatch => ({
    step: 'repoint-tag',
    kind,
    name: object.metadata?.name ?? '',
    patchType: 'replace',
    patch: shownWebhookConfiguration(
      repointWebhookConfiguration(object, revision, clientConfig),
    ),
    ...(object.metadata?.resourceVersion
      ? { precondition: object.metadata.resourceVersion }
      : {}),
  });
  const restore = (kind: string, object: WebhookConfigurationObject) => ({
    step: 'repoint-tag',
    kind,
    name: object.metadata?.name ?? '',
    patchType: 'replace' as const,
    patch: shownWebhookConfiguration(object),
  });
  const validation =
    objects.defaultValidator &&
    validationClientConfig(objects.validator, objects.injector);
  const servicePatch =
    objects.tagService &&
    tagServicePatch(
      objects.tagService,
      input.revision,
      objects.revisionService,
    );
  const serviceChange = (patch: Record<string, unknown>): PlannedPatch => ({
    step: 'repoint-tag',
    kind: 'Service',
    namespace: objects.tagService!.metadata?.namespace,
    name: objects.tagService!.metadata?.name ?? '',
    patchType: 'merge',
    patch,
  });
  const patches: PlannedPatch[] = [
    replacement(
      'MutatingWebhookConfiguration',
      webhook,
      input.revision,
      injection,
    ),
    ...(objects.defaultValidator && validation
      ? [
          replacement(
            'ValidatingWebhookConfiguration',
            objects.defaultValidator,
            input.revision,
            validation,
          ),
        ]
      : []),
    ...(servicePatch
      ? [
          {
            ...serviceChange(servicePatch),
            ...(objects.tagService?.metadata?.resourceVersion
              ? { precondition: objects.tagService.metadata.resourceVersion }
              : {}),
          },
        ]
      : []),
    ...restartWavePatches(waves),
  ];
  const used = tag.namespaces.length
    ? `used by ${tag.namespaces.join(', ')}`
    : 'used by no namespace';
  return {
    summary: `Point tag ${input.tag} (${used}) from ${
      tag.revision ?? 'nothing'
    } to ${input.revision} (${describeClientConfig(injection)})${
      objects.defaultValidator && validation
        ? `, with ${DEFAULT_VALIDATOR}`
        : ''
    }${
      input.migrateNamespaces
        ? `, then restart ${workloads.length} workloads in ${waves.length} waves`
        : '; pods keep their proxies until they restart'
    }`,
    ...(tag.revision ? { fromRevision: tag.revision } : {}),
    toRevision: input.revision,
    patches,
    rollbackPatches: tag.revision
      ? [
          restore('MutatingWebhookConfiguration', webhook),
          ...(objects.defaultValidator && validation
            ? [
                restore(
                  'ValidatingWebhookConfiguration',
                  objects.defaultValidator,
                ),
              ]
            : []),
          ...(servicePatch
            ? [
                serviceChange(
                  restoreTagServicePatch(objects.tagService!, servicePatch),
                ),
              ]
            : []),
        ]
      : [],
    waves,
    skipped,
    podsInScope: podsInWaves(waves),
    namespaces: [...tag.namespaces],
    ...tagMoveGatewayWarnings(inventory, input.tag, input.revision),
  };
}
