import {
  ClusterInventory,
  Plan,
  PlannedPatch,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InputError } from '@backstage/errors';
import { restartPatch, RESTART_STAMP_PLACEHOLDER } from './restartPatch';

/** What a tag move is asked to do. */
export interface TagMoveInput {
  tag: string;
  revision: string;
  migrateNamespaces: boolean;
  waveSize: number;
}

export const tagWebhookName = (tag: string) => `istio-revision-tag-${tag}`;
export const istiodService = (revision: string) => `istiod-${revision}`;

/** A MutatingWebhookConfiguration as read from the cluster (the fields a tag move rewrites). */
export interface TagWebhookObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  webhooks?: Array<{
    name?: string;
    clientConfig?: {
      service?: { name?: string; namespace?: string; [key: string]: unknown };
    };
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
}

/**
 * The tag's webhook configuration pointed at `revision`, as `istioctl tag set --overwrite` leaves it:
 * label `istio.io/rev` and every webhook's service set to the revision's istiod. The resourceVersion
 * read is kept, so that the replacement fails with 409 if someone changed the webhook since.
 */
export function repointTagWebhook(
  webhook: TagWebhookObject,
  revision: string,
): TagWebhookObject {
  return {
    ...webhook,
    metadata: {
      ...webhook.metadata,
      labels: { ...webhook.metadata?.labels, 'istio.io/rev': revision },
    },
    webhooks: (webhook.webhooks ?? []).map(w => ({
      ...w,
      clientConfig: {
        ...w.clientConfig,
        service: {
          ...w.clientConfig?.service,
          name: istiodService(revision),
          namespace: 'istio-system',
        },
      },
    })),
  };
}

/** What a plan shows of a webhook replacement: the object without server-managed noise. */
function shown(webhook: TagWebhookObject): Record<string, unknown> {
  const { managedFields, uid, creationTimestamp, generation, ...metadata } =
    webhook.metadata ?? {};
  return { ...webhook, metadata };
}

/**
 * The exact changes of moving a revision tag: its webhook configuration rewritten to point at the new
 * revision's istiod (label `istio.io/rev` and every webhook's service), then, if asked, restarts of the
 * workloads of the namespaces that use the tag. Until they restart, those pods keep their proxies.
 */
export function planTagMove(
  inventory: ClusterInventory,
  input: TagMoveInput,
  webhook: TagWebhookObject,
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
  const patches: PlannedPatch[] = [
    {
      step: 'repoint-tag',
      kind: 'MutatingWebhookConfiguration',
      name: tagWebhookName(input.tag),
      patchType: 'replace',
      patch: shown(repointTagWebhook(webhook, input.revision)),
      ...(webhook.metadata?.resourceVersion
        ? { precondition: webhook.metadata.resourceVersion }
        : {}),
    },
    ...waves.flatMap(wave =>
      wave.workloads.map(
        (w): PlannedPatch => ({
          step: `restart-wave-${wave.index}`,
          kind: w.kind,
          namespace: w.namespace,
          name: w.name,
          patchType: 'strategic-merge',
          patch: restartPatch(RESTART_STAMP_PLACEHOLDER),
        }),
      ),
    ),
  ];
  const used = tag.namespaces.length
    ? `used by ${tag.namespaces.join(', ')}`
    : 'used by no namespace';
  return {
    summary: `Point tag ${input.tag} (${used}) from ${
      tag.revision ?? 'nothing'
    } to ${input.revision}${
      input.migrateNamespaces
        ? `, then restart ${workloads.length} workloads in ${waves.length} waves`
        : '; pods keep their proxies until they restart'
    }`,
    ...(tag.revision ? { fromRevision: tag.revision } : {}),
    toRevision: input.revision,
    patches,
    rollbackPatches: tag.revision
      ? [
          {
            step: 'repoint-tag',
            kind: 'MutatingWebhookConfiguration',
            name: tagWebhookName(input.tag),
            patchType: 'replace',
            patch: shown(repointTagWebhook(webhook, tag.revision)),
          },
        ]
      : [],
    waves,
    skipped,
    podsInScope: waves.reduce(
      (sum, wave) => sum + wave.workloads.reduce((s, w) => s + w.pods, 0),
      0,
    ),
    namespaces: [...tag.namespaces],
  };
}
