import {
  ClusterInventory,
  Plan,
  PlannedPatch,
  PlannedWorkload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { LabelInterner, projectPodMetadata } from '../../inventory/engine';
import { ClusterApi, WorkloadKind } from '../../kubernetes/ClusterApi';
import { KubernetesApiError } from '../../kubernetes/KubernetesApiError';
import { RESTARTED_AT, restartPatch } from '../planning/restartPatch';
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
import { judgeRollout, RolloutObject } from '../rolloutStatus';

/** A step failed; the message says why, for people. */
export class StepFailure extends Error {
  readonly name = 'StepFailure';
}

/** What the step actions need from the request they run for. */
export interface StepContext {
  api: ClusterApi;
  /** The cluster's inventory as the watches see it now. */
  inventory(): Promise<ClusterInventory>;
  /**
   * Runs one cluster write: checks first that this replica still holds the request's lease (the
   * fencing token), then writes, then records the write in the event log and the audit log.
   */
  write<T>(description: string, fn: () => Promise<T>): Promise<T>;
  event(type: string, message: string): Promise<void>;
  progress(podsMigrated: number): Promise<void>;
  /** Resolves after `ms`, or rejects when the run is being stopped. */
  sleep(ms: number): Promise<void>;
  /** Throws when the run must stop (lease lost or shutting down). */
  checkStopped(): void;
  pollIntervalMs: number;
  rolloutTimeoutMs: number;
  /** Reads and stores what a step keeps to be idempotent. */
  detail(): Record<string, unknown>;
  saveDetail(detail: Record<string, unknown>): Promise<void>;
}

/** Reads and retries of a conditional write that keeps meeting changes (409) before it gives up. */
const CONFLICT_ATTEMPTS = 5;

const isConflict = (error: unknown) =>
  error instanceof KubernetesApiError && error.status === 409;

const key = (w: { kind: string; namespace?: string; name: string }) =>
  `${w.kind}/${w.namespace ?? ''}/${w.name}`;

/** The revision a plan's target names, through a tag if it is one. */
export function resolveRevision(
  inventory: ClusterInventory,
  revisionOrTag: string | undefined,
): string | undefined {
  if (!revisionOrTag) return undefined;
  if (inventory.controlPlanes.some(cp => cp.revision === revisionOrTag)) {
    return revisionOrTag;
  }
  return (
    inventory.tags.find(t => t.name === revisionOrTag)?.revision ??
    revisionOrTag
  );
}

/** Pods of the plan's workloads, and how many of them run `revision`. */
export function countMigrated(
  inventory: ClusterInventory,
  workloads: PlannedWorkload[],
  revision: string | undefined,
): { total: number; migrated: number } {
  const wanted = new Set(workloads.map(key));
  let total = 0;
  let migrated = 0;
  for (const w of inventory.workloads) {
    if (!wanted.has(key(w))) continue;
    for (const entry of w.podsByRevision) {
      total += entry.count;
      if (entry.revision === revision) migrated += entry.count;
    }
  }
  return { total, migrated };
}

/** A Deployment whose every replica has been replaced by a new pod: its rollout is in its last step. */
function allReplicasUpdated(kind: string, object: any): boolean {
  return (
    kind === 'Deployment' &&
    (object.status?.observedGeneration ?? 0) >=
      (object.metadata?.generation ?? 0) &&
    (object.status?.updatedReplicas ?? 0) >= (object.spec?.replicas ?? 1)
  );
}

/**
 * The writes and waits the steps are made of. Each is idempotent: a step resumed after a crash sends
 * the same bodies again (a restart re-sends the stamp stored before its first write, which changes
 * nothing the second time), so no workload is restarted twice by one step.
 */
export class StepActions {
  constructor(private readonly ctx: StepContext) {}

  /**
   * One conditional write, fenced up to the cluster: `prepare` reads the object, and its
   * resourceVersion goes into the write, before the write checks the lease. A replica frozen after that
   * check sends a resourceVersion that is stale by the time it wakes if another replica has since
   * written the object, and the API server refuses it (409): it writes nothing. A refusal is read
   * again and retried, which checks the lease again; `prepare` returns undefined when nothing is left
   * to write.
   */
  private async conditionalWrite(
    prepare: () => Promise<
      { description: string; write: () => Promise<unknown> } | undefined
    >,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.ctx.checkStopped();
      const next = await prepare();
      if (!next) return;
      try {
        await this.ctx.write(next.description, next.write);
        return;
      } catch (error) {
        if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
        await this.ctx.event(
          'step',
          `${next.description}: the object changed meanwhile (409); reading it again`,
        );
      }
    }
  }

  /**
   * Applies a namespace label patch (merge patch; `null` removes a label), conditionally on the
   * namespace's resourceVersion; nothing is written when the labels are already so.
   */
  async patchNamespace(patch: PlannedPatch): Promise<void> {
    const wanted =
      (patch.patch as { metadata?: { labels?: Record<string, string | null> } })
        .metadata?.labels ?? {};
    await this.conditionalWrite(async () => {
      const namespace = await this.ctx.api.readNamespace(patch.name);
      const labels = namespace.metadata?.labels ?? {};
      const resourceVersion = namespace.metadata?.resourceVersion;
      if (
        Object.entries(wanted).every(([label, value]) =>
          value === null ? !(label in labels) : labels[label] === value,
        )
      ) {
        await this.ctx.event(
          'step',
          `namespace ${patch.name} is already labelled so`,
        );
        return undefined;
      }
      return {
        description: `patch namespace ${patch.name} labels at resourceVersion ${resourceVersion}`,
        write: () =>
          this.ctx.api.patchNamespace(patch.name, {
            ...(patch.patch as object),
            metadata: {
              ...(patch.patch as { metadata?: object }).metadata,
              resourceVersion,
            },
          }),
      };
    });
  }

  /**
   * Points a LoadBalancer Service's selector as the patch says, if the Service still selects what the
   * plan expects (`expectedSelector`); conditional on the resourceVersion read just before, so a
   * concurrent change makes it fail with 409 instead of being overwritten.
   */
  async switchSelector(
    patch: PlannedPatch,
    expectedSelector: Record<string, string> | undefined,
  ): Promise<void> {
    const namespace = patch.namespace!;
    const wanted =
      (patch.patch as { spec?: { selector?: Record<string, string> } }).spec
        ?.selector ?? {};
    const same = (a: Record<string, string>, b: Record<string, string>) =>
      Object.keys(a).length === Object.keys(b).length &&
      Object.entries(a).every(([k, v]) => b[k] === v);
    await this.conditionalWrite(async () => {
      const service = await this.ctx.api.readService(namespace, patch.name);
      const current = service.spec?.selector ?? {};
      if (same(current, wanted)) {
        await this.ctx.event(
          'step',
          `${patch.name} already selects ${JSON.stringify(wanted)}`,
        );
        return undefined;
      }
      if (expectedSelector && !same(current, expectedSelector)) {
        throw new StepFailure(
          `${namespace}/${patch.name} selects ${JSON.stringify(
            current,
          )}, not ${JSON.stringify(
            expectedSelector,
          )} as planned: someone changed it; nothing was written`,
        );
      }
      const removed = Object.fromEntries(
        Object.keys(current)
          .filter(k => !(k in wanted))
          .map(k => [k, null]),
      );
      return {
        description: `patch service ${namespace}/${
          patch.name
        } selector to ${JSON.stringify(wanted)} (resourceVersion ${
          service.metadata?.resourceVersion
        })`,
        write: () =>
          this.ctx.api.patchService(namespace, patch.name, {
            metadata: { resourceVersion: service.metadata?.resourceVersion },
            spec: { selector: { ...removed, ...wanted } },
          }),
      };
    });
  }

  /**
   * Sets a Gateway API gateway's labels as the patch says (merge patch; `null` removes a label),
   * conditionally on the Gateway's resourceVersion read just before; nothing is written when the
   * labels are already so. istiod of the revision the label names then redeploys the gateway.
   */
  async relabelGateway(patch: PlannedPatch): Promise<void> {
    const namespace = patch.namespace!;
    const wanted =
      (patch.patch as { metadata?: { labels?: Record<string, string | null> } })
        .metadata?.labels ?? {};
    await this.conditionalWrite(async () => {
      const gateway = await this.ctx.api.readGateway(namespace, patch.name);
      const labels = gateway.metadata?.labels ?? {};
      const resourceVersion = gateway.metadata?.resourceVersion;
      if (
        Object.entries(wanted).every(([label, value]) =>
          value === null ? !(label in labels) : labels[label] === value,
        )
      ) {
        await this.ctx.event(
          'step',
          `Gateway ${namespace}/${patch.name} is already labelled so`,
        );
        return undefined;
      }
      return {
        description: `patch gateway ${namespace}/${
          patch.name
        } labels to ${JSON.stringify(
          wanted,
        )} at resourceVersion ${resourceVersion}`,
        write: () =>
          this.ctx.api.patchGateway(namespace, patch.name, {
            metadata: { resourceVersion, labels: wanted },
          }),
      };
    });
  }

  /**
   * Points a tag's webhook (and, for `default`, `istiod-default-validator`) at `revision`, with that
   * revision's injector and validation endpoints as the cluster has them now; each replacement is
   * conditional on the resourceVersion read, and skipped when it already points there.
   */
  async repointTag(tag: string, revision: string): Promise<void> {
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
            this.ctx.api.replaceMutatingWebhook(
              repointWebhookConfiguration(webhook, revision, injection) as any,
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
            this.ctx.api.replaceValidatingWebhook(
              repointWebhookConfiguration(
                validator,
                revision,
                validation,
              ) as any,
            ),
        };
      },
      objects => {
        const service = objects.tagService;
        if (!service) return undefined;
        const patch = tagServicePatch(
          service,
          revision,
          objects.revisionService,
        );
        if (!patch) {
          return `${service.metadata?.name} already selects ${revision}'s istiod`;
        }
        const { namespace = '' } = service.metadata ?? {};
        return {
          object: service,
          description: name =>
            `patch service ${namespace}/${name} to select ${revision}'s istiod`,
          write: () =>
            this.ctx.api.patchService(
              namespace,
              service.metadata?.name ?? '',
              patch,
            ),
        };
      },
    ];
    for (const target of targets) {
      await this.conditionalWrite(async () => {
        const next = target(
          await readTagMoveObjects(this.ctx.api, tag, revision),
        );
        if (next === undefined) return undefined;
        if (typeof next === 'string') {
          await this.ctx.event('step', next);
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

  /**
   * Restarts workloads as `kubectl rollout restart` does. The stamp is chosen and stored before the
   * first write, so a retried step sends the same stamp and the workload is not restarted again.
   */
  async restart(workloads: PlannedWorkload[]): Promise<void> {
    const detail = this.ctx.detail();
    let stamps = detail.stamps as Record<string, string> | undefined;
    if (!stamps) {
      const stamp = new Date().toISOString();
      stamps = Object.fromEntries(workloads.map(w => [key(w), stamp]));
      await this.ctx.saveDetail({ ...detail, stamps });
    }
    for (const w of workloads) {
      const stamp = stamps[key(w)];
      const kind = w.kind as WorkloadKind;
      await this.conditionalWrite(async () => {
        const live = await this.ctx.api.readWorkload(kind, w.namespace, w.name);
        if (
          live.spec?.template?.metadata?.annotations?.[RESTARTED_AT] === stamp
        ) {
          await this.ctx.event(
            'step',
            `${w.kind} ${w.namespace}/${w.name} already restarted (${stamp})`,
          );
          return undefined;
        }
        const resourceVersion = live.metadata?.resourceVersion;
        return {
          description: `restart ${w.kind} ${w.namespace}/${w.name} (${RESTARTED_AT}=${stamp}) at resourceVersion ${resourceVersion}`,
          write: () =>
            this.ctx.api.patchWorkload(kind, w.namespace, w.name, {
              ...restartPatch(stamp),
              metadata: { resourceVersion },
            }),
        };
      });
    }
  }

  /**
   * Waits until every workload's rollout is done as `kubectl rollout status` judges it, reporting the
   * pods on `revision` as progress. A rollout past its progress deadline, unable to create pods, or not
   * done within the rollout timeout fails the step.
   *
   * The workloads are read from the API server once per poll interval — the first time one poll
   * interval after the restarts, which cannot be done sooner — and every quarter second (at most
   * sixteen times in a row) once a read found every replica replaced by a new pod: the last step.
   * Progress comes from the inventory (kept current by the watches, free for the API server), every
   * quarter second, written when it changes.
   */
  async waitForRollouts(
    workloads: PlannedWorkload[],
    progressScope: PlannedWorkload[],
    revision: string | undefined,
  ): Promise<void> {
    const deadline = Date.now() + this.ctx.rolloutTimeoutMs;
    const tick = Math.min(this.ctx.pollIntervalMs, 250);
    const pending = new Map(workloads.map(w => [key(w), w]));
    /** Per workload: the verdict last read, since when, and when a stall's cause was last looked for. */
    const verdicts = new Map<
      string,
      { message: string; since: number; causeCheckedAt: number }
    >();
    let lastMessage = '';
    let nextRead = Date.now() + this.ctx.pollIntervalMs;
    let quickReads = 0;
    let lastProgress = -1;
    for (;;) {
      this.ctx.checkStopped();
      const inventory = await this.ctx.inventory();
      const resolved = resolveRevision(inventory, revision);
      const { migrated } = countMigrated(inventory, progressScope, resolved);
      if (migrated !== lastProgress) {
        lastProgress = migrated;
        await this.ctx.progress(migrated);
      }
      if (pending.size === 0) return;
      if (Date.now() >= nextRead) {
        let nearEnd = false;
        for (const [k, w] of [...pending]) {
          const object = await this.ctx.api.readWorkload(
            w.kind as WorkloadKind,
            w.namespace,
            w.name,
          );
          const verdict = judgeRollout({
            ...(object as unknown as RolloutObject),
            kind: w.kind as RolloutObject['kind'],
          });
          if (verdict.state === 'failed') {
            throw new StepFailure(verdict.message);
          }
          if (verdict.state === 'done') {
            pending.delete(k);
            await this.ctx.event('step', verdict.message);
            continue;
          }
          lastMessage = verdict.message;
          nearEnd ||= allReplicasUpdated(w.kind, object);
          // Pods that cannot be created stall a rollout: look for the cause when it has not moved
          // for a poll interval, once per poll interval.
          const now = Date.now();
          const seen = verdicts.get(k);
          const last =
            seen?.message === verdict.message
              ? seen
              : { message: verdict.message, since: now, causeCheckedAt: 0 };
          verdicts.set(k, last);
          if (
            w.kind === 'Deployment' &&
            now - last.since >= this.ctx.pollIntervalMs &&
            now - last.causeCheckedAt >= this.ctx.pollIntervalMs
          ) {
            last.causeCheckedAt = now;
            await this.checkFailedCreate(w, object);
          }
        }
        quickReads = nearEnd ? quickReads + 1 : 0;
        nextRead =
          Date.now() +
          (nearEnd && quickReads <= 16 ? tick : this.ctx.pollIntervalMs);
        // Once more through the loop for the final progress.
        if (pending.size === 0) continue;
      }
      if (Date.now() > deadline) {
        throw new StepFailure(
          `Rollouts stalled: ${[...pending.values()]
            .map(w => w.name)
            .join(', ')} not done within ${Math.round(
            this.ctx.rolloutTimeoutMs / 1000,
          )} s (${lastMessage})`,
        );
      }
      await this.ctx.sleep(tick);
    }
  }

  /** A ReplicaSet that cannot create pods (a failing injection webhook) fails the rollout at once. */
  private async checkFailedCreate(
    w: PlannedWorkload,
    object: any,
  ): Promise<void> {
    const labels = object.spec?.selector?.matchLabels as
      | Record<string, string>
      | undefined;
    if (!labels) return;
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const sets = await this.ctx.api.listReplicaSets(w.namespace, selector);
    const newest = sets
      .filter(rs => rs.metadata?.ownerReferences?.some(o => o.name === w.name))
      .sort(
        (a, b) =>
          Number(
            b.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
          ) -
          Number(
            a.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
          ),
      )[0];
    const failure = newest?.status?.conditions?.find(
      c => c.type === 'ReplicaFailure' && c.status === 'True',
    );
    if (failure) {
      throw new StepFailure(
        `${w.kind} ${w.namespace}/${w.name} cannot create pods (${
          failure.reason
        }): ${failure.message ?? ''}`.trim(),
      );
    }
  }

  /**
   * Verifies, from a fresh metadata-only read of the namespaces' pods, that every pod of the workloads
   * runs `revision`; waits (up to the rollout timeout) for old pods that are still terminating.
   */
  async verify(
    plan: Plan,
    workloads: PlannedWorkload[],
    revision: string | undefined,
  ): Promise<void> {
    const deadline = Date.now() + this.ctx.rolloutTimeoutMs;
    const namespaces = [...new Set(workloads.map(w => w.namespace))];
    for (;;) {
      this.ctx.checkStopped();
      const inventory = await this.ctx.inventory();
      const resolved = resolveRevision(inventory, revision);
      const owners = new Set(
        workloads.map(w => `${w.namespace}/${w.kind}/${w.name}`),
      );
      const interner = new LabelInterner();
      const wrong: string[] = [];
      let checked = 0;
      for (const namespace of namespaces) {
        for (const meta of await this.ctx.api.listPodMetadata(namespace)) {
          const pod = projectPodMetadata(meta, interner);
          if (!pod?.workload || !owners.has(`${namespace}/${pod.workload}`))
            continue;
          checked += 1;
          if (pod.revision !== resolved) {
            wrong.push(
              `${pod.name} (${pod.revision ?? 'no sidecar'}${
                meta.metadata.deletionTimestamp ? ', terminating' : ''
              })`,
            );
          }
        }
      }
      await this.ctx.progress(checked - wrong.length);
      if (wrong.length === 0) {
        await this.ctx.event(
          'step',
          `${checked} pods in scope run ${resolved}${
            plan.skipped?.length
              ? `; ${plan.skipped.length} workloads skipped`
              : ''
          }`,
        );
        return;
      }
      if (Date.now() > deadline) {
        throw new StepFailure(
          `${wrong.length} pods do not run ${resolved}: ${wrong
            .slice(0, 10)
            .join(', ')}${wrong.length > 10 ? ', …' : ''}`,
        );
      }
      await this.ctx.sleep(this.ctx.pollIntervalMs);
    }
  }

  /**
   * Ready endpoints of a Service, by port name/number and the pods behind them, from its
   * EndpointSlices.
   */
  async readyEndpoints(
    namespace: string,
    service: string,
  ): Promise<{ pods: Set<string>; ports: Set<string> }> {
    const slices = await this.ctx.api.listEndpointSlices(namespace, service);
    const pods = new Set<string>();
    const ports = new Set<string>();
    for (const slice of slices) {
      const ready = (slice.endpoints ?? []).filter(
        e => e.conditions?.ready !== false,
      );
      if (ready.length === 0) continue;
      for (const e of ready) {
        if (e.targetRef?.name) pods.add(e.targetRef.name);
      }
      for (const p of slice.ports ?? []) {
        if (p.name) ports.add(p.name);
        if (p.port !== undefined) ports.add(String(p.port));
      }
    }
    return { pods, ports };
  }
}
