import {
  Plan,
  PlannedPatch,
  PlannedWorkload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { LabelInterner, projectPodMetadata } from '../../inventory/engine';
import { WorkloadKind } from '../../kubernetes/ClusterApi';
import { RESTARTED_AT, restartPatch } from '../planning/restartPatch';
import { conditionalWrite } from './conditionalWrite';
import { repointTag } from './repointTag';
import { key, resolveRevision } from './rolloutProgress';
import { StepContext, StepFailure } from './stepContext';
import { waitForRollouts } from './waitForRollouts';

export { StepFailure } from './stepContext';
export type { StepContext } from './stepContext';
export { countMigrated, resolveRevision } from './rolloutProgress';

/**
 * The writes and waits the steps are made of. Each is idempotent: a step resumed after a crash sends
 * the same bodies again (a restart re-sends the stamp stored before its first write, which changes
 * nothing the second time), so no workload is restarted twice by one step.
 */
export class StepActions {
  constructor(private readonly ctx: StepContext) {}

  /**
   * Applies a namespace label patch (merge patch; `null` removes a label), conditionally on the
   * namespace's resourceVersion; nothing is written when the labels are already so.
   */
  async patchNamespace(patch: PlannedPatch): Promise<void> {
    const wanted =
      (patch.patch as { metadata?: { labels?: Record<string, string | null> } })
        .metadata?.labels ?? {};
    await conditionalWrite(this.ctx, async () => {
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
    await conditionalWrite(this.ctx, async () => {
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
    await conditionalWrite(this.ctx, async () => {
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
   * revision's injector and validation endpoints as the cluster has them now.
   */
  repointTag(tag: string, revision: string): Promise<void> {
    return repointTag(this.ctx, tag, revision);
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
      await conditionalWrite(this.ctx, async () => {
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
   * pods on `revision` as progress.
   */
  waitForRollouts(
    workloads: PlannedWorkload[],
    progressScope: PlannedWorkload[],
    revision: string | undefined,
  ): Promise<void> {
    return waitForRollouts(this.ctx, workloads, progressScope, revision);
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
