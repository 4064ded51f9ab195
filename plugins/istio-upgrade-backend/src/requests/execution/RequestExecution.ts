import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PlannedPatch,
  PlannedWorkload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubernetesApiError } from '../../kubernetes/KubernetesApiError';
import { ChangeSpec, RequestPlanner } from '../RequestPlanner';
import {
  Lease,
  RequestStore,
  StoredRequest,
  StoredStep,
} from '../RequestStore';
import { RequestSettings } from '../requestConfig';
import { rollbackSteps } from '../planning/stepsForPlan';
import { GatewayMoveGate } from './GatewayMoveGate';
import { StepActions, StepContext, StepFailure } from './StepActions';

/** Thrown when a run must stop without deciding the request's outcome (lease lost, shutdown). */
export class RunInterrupted extends Error {
  readonly name = 'RunInterrupted';
}

/** Tells the world what a request did: audit, notifications, signals. */
export interface RequestObserver {
  clusterWrite(
    request: StoredRequest,
    description: string,
    error?: Error,
  ): Promise<void>;
  changed(request: StoredRequest): Promise<void>;
}

const nowIso = () => new Date().toISOString();

/** Someone asked a running request to stop; it stops between steps. */
class Cancelled extends Error {
  readonly name = 'Cancelled';
}

/**
 * Runs one request's steps under a lease, from the first step that has not succeeded: the persisted
 * state machine. A failed step ends the request as failed or, when the policy says so, appends and runs
 * the steps that undo what ran, ending it as rolled-back.
 */
export class RequestExecution {
  private stopped?: Error;

  constructor(
    private readonly request: StoredRequest,
    private readonly lease: Lease,
    private readonly deps: {
      store: RequestStore;
      planner: RequestPlanner;
      settings: RequestSettings;
      logger: LoggerService;
      observer: RequestObserver;
      signal: AbortSignal;
    },
  ) {
    deps.signal.addEventListener(
      'abort',
      () => {
        this.stopped = new RunInterrupted(
          String(deps.signal.reason ?? 'stopped'),
        );
      },
      { once: true },
    );
  }

  private checkStopped() {
    if (this.stopped) throw this.stopped;
  }

  /**
   * Goes on only if a write of the request's state was made under this run's lease: once another
   * replica holds the request (this one was frozen past its lease), its state is no longer ours.
   */
  private async held(write: Promise<boolean>): Promise<void> {
    if (!(await write)) {
      this.stopped = new RunInterrupted('the lease was lost');
      throw this.stopped;
    }
  }

  /** Appends to the request's event log under the lease. */
  private log(type: string, message: string): Promise<void> {
    return this.held(
      this.deps.store.appendEvent(
        this.request.id,
        { type, message },
        this.lease,
      ),
    );
  }

  /** Changes a step under the lease. */
  private setStep(
    index: number,
    change: Parameters<RequestStore['updateStep']>[2],
  ): Promise<void> {
    return this.held(
      this.deps.store.updateStep(this.request.id, index, change, this.lease),
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.stopped) {
        reject(this.stopped);
        return;
      }
      const timer = setTimeout(resolve, ms);
      this.deps.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(this.stopped ?? new RunInterrupted('stopped'));
        },
        { once: true },
      );
    });
  }

  private spec(): ChangeSpec {
    const r = this.request;
    const d = this.deps.settings.defaults;
    return {
      type: r.type,
      cluster: r.cluster,
      revision: r.revision,
      target: r.target,
      options: {
        waveSize: r.options.waveSize ?? d.waveSize,
        pauseBetweenWavesSeconds:
          r.options.pauseBetweenWavesSeconds ?? d.pauseBetweenWavesSeconds,
        restartScope: r.options.restartScope ?? d.restartScope,
        rollbackOnFailure: r.options.rollbackOnFailure ?? d.rollbackOnFailure,
        watchWindowSeconds:
          r.options.watchWindowSeconds ?? d.watchWindowSeconds,
        migrateNamespaces: r.options.migrateNamespaces ?? d.migrateNamespaces,
      },
    };
  }

  async run(): Promise<void> {
    const { store } = this.deps;
    const id = this.request.id;
    if (this.request.state === 'approved') {
      const moved = await store.transition(
        id,
        ['approved'],
        'running',
        { startedAt: nowIso() },
        { type: 'state', message: 'Started' },
        this.lease,
      );
      if (!moved) return;
      await this.notify();
    } else {
      await this.log(
        'lease',
        `Resumed by ${this.lease.owner} (lease ${this.lease.token})`,
      );
    }

    let failure: Error | undefined;
    try {
      await this.runSteps(false);
    } catch (error) {
      if (error instanceof RunInterrupted) throw error;
      failure = error as Error;
    }

    const current = (await store.get(id))!;
    if (!failure) {
      if (current.cancelRequested) {
        await this.finish(
          'cancelled',
          'Cancelled: stopped between steps',
          undefined,
        );
      } else {
        await this.finish('succeeded', 'Succeeded', undefined);
      }
      return;
    }
    if (failure instanceof Cancelled) {
      await this.finish('cancelled', failure.message, undefined);
      return;
    }
    this.deps.logger.warn(`Request ${id} failed: ${failure.message}`);
    const options = this.spec().options;
    const steps = await store.steps(id);
    // A wave that stopped before choosing its restart stamps restarted nothing: nothing to undo.
    const ran = steps
      .filter(s => s.state !== 'pending')
      .filter(s => !/^restart-wave-\d+$/.test(s.name) || s.detail?.stamps)
      .map(s => s.name);
    const undo = options.rollbackOnFailure
      ? rollbackSteps(this.request.type, this.request.plan, ran)
      : [];
    if (undo.length === 0) {
      await this.finish(
        'failed',
        `Failed: ${failure.message}`,
        failure.message,
      );
      return;
    }
    await this.log(
      'error',
      `Failed: ${failure.message}. Rolling back (${undo
        .map(s => s.name)
        .join(', ')})`,
    );
    await this.held(store.appendSteps(id, undo, this.lease));
    try {
      await this.runSteps(true);
    } catch (error) {
      if (error instanceof RunInterrupted) throw error;
      await this.finish(
        'failed',
        `Failed: ${failure.message}; the rollback failed too: ${
          (error as Error).message
        }`,
        `${failure.message}; rollback failed: ${(error as Error).message}`,
      );
      return;
    }
    await this.finish(
      'rolled-back',
      `Rolled back after: ${failure.message}`,
      failure.message,
    );
  }

  private async finish(
    state: 'succeeded' | 'failed' | 'rolled-back' | 'cancelled',
    message: string,
    error: string | undefined,
  ) {
    const { store } = this.deps;
    const moved = await store.transition(
      this.request.id,
      ['running'],
      state,
      { finishedAt: nowIso(), ...(error ? { error } : {}) },
      { type: 'state', message },
      this.lease,
    );
    if (!moved) {
      throw new RunInterrupted(
        'the lease was lost before the outcome was recorded',
      );
    }
    if (this.request.rollbackOf && state === 'succeeded') {
      await store.transition(
        this.request.rollbackOf,
        ['succeeded', 'failed'],
        'rolled-back',
        { rolledBackBy: this.request.id },
        { type: 'state', message: `Rolled back by request ${this.request.id}` },
      );
    }
    await this.notify();
  }

  private async notify() {
    const fresh = await this.deps.store.get(this.request.id);
    if (fresh) await this.deps.observer.changed(fresh);
  }

  /** Runs the pending steps in order; `rollback` selects the appended rollback steps. */
  private async runSteps(rollback: boolean): Promise<void> {
    const { store } = this.deps;
    const id = this.request.id;
    for (;;) {
      this.checkStopped();
      await this.awaitCompleteInventory();
      const steps = await store.steps(id);
      const step = steps.find(
        s =>
          s.state !== 'succeeded' &&
          s.state !== 'skipped' &&
          s.name.startsWith('rollback-') === rollback,
      );
      if (!step) return;
      if (!rollback) {
        const current = await store.get(id);
        if (current?.cancelRequested) {
          throw new Cancelled(`Cancelled before ${step.name}`);
        }
      }
      await this.setStep(step.index, {
        state: 'running',
        startedAt: nowIso(),
      });
      await this.held(
        store.updateProgress(id, { currentStep: step.name }, this.lease),
      );
      await this.notify();
      try {
        await this.runStep(step);
      } catch (error) {
        if (error instanceof RunInterrupted) throw error;
        await this.setStep(step.index, {
          state: 'failed',
          finishedAt: nowIso(),
          message: (error as Error).message,
        });
        await this.log(
          'error',
          `${step.name} failed: ${(error as Error).message}`,
        );
        throw error instanceof StepFailure
          ? error
          : new StepFailure((error as Error).message);
      }
      await this.setStep(step.index, {
        state: 'succeeded',
        finishedAt: nowIso(),
      });
      await this.log('step', `${step.name} done`);
    }
  }

  /**
   * Steps judge the cluster from its inventory, so never from one that is not fully listed (a replica
   * that has just started, a cluster re-added): waits up to a lease TTL, then leaves the request to a
   * later sweep instead of failing it on a partial view.
   */
  private async awaitCompleteInventory(): Promise<void> {
    const { planner, settings } = this.deps;
    const deadline = Date.now() + settings.leaseTtlMs;
    for (;;) {
      const { cluster } = await planner.inventory(this.request.cluster);
      if (cluster.sync.complete) return;
      if (Date.now() > deadline) {
        throw new RunInterrupted(
          `the inventory of cluster ${cluster.name} is not complete (${cluster.sync.state})`,
        );
      }
      await this.sleep(settings.pollIntervalMs);
    }
  }

  private context(step: StoredStep): StepContext {
    const { store, planner, settings, observer } = this.deps;
    const id = this.request.id;
    let detail = step.detail ?? {};
    const context: StepContext = {
      api: undefined as any,
      inventory: () => planner.inventory(this.request.cluster),
      write: async (description, fn) => {
        this.checkStopped();
        if (!(await store.holdsLease(id, this.lease))) {
          this.stopped = new RunInterrupted('the lease was lost');
          throw this.stopped;
        }
        try {
          const result = await fn();
          // A write that was made is logged even if the lease was lost meanwhile: the log is the truth.
          await store.appendEvent(id, {
            type: 'cluster-write',
            message: description,
          });
          await observer.clusterWrite(this.request, description);
          return result;
        } catch (error) {
          // A conditional write the API server refused (409) changed nothing: the caller reads the
          // object again under the lease, or stops if the lease is gone.
          if (error instanceof KubernetesApiError && error.status === 409) {
            throw error;
          }
          await store.appendEvent(id, {
            type: 'error',
            message: `${description} failed: ${(error as Error).message}`,
          });
          await observer.clusterWrite(
            this.request,
            description,
            error as Error,
          );
          throw error;
        }
      },
      event: (type, message) => this.log(type, message),
      progress: async podsMigrated => {
        await this.held(store.updateProgress(id, { podsMigrated }, this.lease));
        await this.notify();
      },
      sleep: ms => this.sleep(ms),
      checkStopped: () => this.checkStopped(),
      pollIntervalMs: settings.pollIntervalMs,
      rolloutTimeoutMs: settings.rolloutTimeoutMs,
      detail: () => detail,
      saveDetail: async next => {
        detail = next;
        await this.setStep(step.index, { detail: next });
      },
    };
    return context;
  }

  private patchesOf(step: string, patches: PlannedPatch[] | undefined) {
    return (patches ?? []).filter(p => p.step === step);
  }

  private waveWorkloads(index: number): PlannedWorkload[] {
    return (
      this.request.plan.waves.find(w => w.index === index)?.workloads ?? []
    );
  }

  private allWaveWorkloads(): PlannedWorkload[] {
    return this.request.plan.waves.flatMap(w => w.workloads);
  }

  private async runStep(step: StoredStep): Promise<void> {
    const plan = this.request.plan;
    const ctx = this.context(step);
    ctx.api = await this.deps.planner.clusterApi(this.request.cluster);
    const actions = new StepActions(ctx);
    const spec = this.spec();
    const name = step.name;

    if (name === 'precheck') {
      const checks = await this.deps.planner.recheck(spec, {
        rollback: Boolean(this.request.rollbackOf),
      });
      const failed = checks.filter(c => c.status === 'fail');
      for (const c of checks.filter(x => x.status !== 'pass')) {
        await ctx.event('precheck', `${c.status}: ${c.message}`);
      }
      if (failed.length) {
        throw new StepFailure(
          `Prechecks failed, nothing was written: ${failed
            .map(c => c.message)
            .join('; ')}`,
        );
      }
      return;
    }
    if (name === 'relabel-namespace') {
      for (const patch of this.patchesOf(name, plan.patches)) {
        await actions.patchNamespace(patch);
      }
      return;
    }
    if (name === 'rollback-relabel-namespace') {
      for (const patch of this.patchesOf(
        'relabel-namespace',
        plan.rollbackPatches,
      )) {
        await actions.patchNamespace(patch);
      }
      return;
    }
    if (name === 'switch-selector' || name === 'rollback-switch-selector') {
      const [forward] = this.patchesOf('switch-selector', plan.patches);
      const [back] = this.patchesOf('switch-selector', plan.rollbackPatches);
      const selectorOf = (p?: PlannedPatch) =>
        (
          p?.patch as
            | { spec?: { selector?: Record<string, string> } }
            | undefined
        )?.spec?.selector;
      if (name === 'switch-selector') {
        await this.checkTargetStillReady(ctx);
        await actions.switchSelector(forward, selectorOf(back));
      } else {
        await actions.switchSelector(back, undefined);
      }
      return;
    }
    if (name === 'relabel-gateway' || name === 'rollback-relabel-gateway') {
      const [forward] = this.patchesOf('relabel-gateway', plan.patches);
      const [back] = this.patchesOf('relabel-gateway', plan.rollbackPatches);
      if (name === 'relabel-gateway') {
        await this.checkTargetStillReady(ctx);
        await actions.relabelGateway(forward);
      } else {
        await actions.relabelGateway(back);
      }
      return;
    }
    if (
      name === 'verify-gateway' ||
      name === 'gateway-watch-window' ||
      name === 'rollback-verify-gateway'
    ) {
      const [forward] = this.patchesOf('relabel-gateway', plan.patches);
      const [back] = this.patchesOf('relabel-gateway', plan.rollbackPatches);
      const gate = new GatewayMoveGate(ctx, actions, forward);
      if (name === 'verify-gateway') await gate.verify(plan.toRevision);
      else if (name === 'rollback-verify-gateway')
        await gate.verify(plan.fromRevision);
      else
        await gate.watch(
          plan.toRevision,
          spec.options.watchWindowSeconds,
          back,
        );
      return;
    }
    if (name === 'repoint-tag' || name === 'rollback-repoint-tag') {
      const revision =
        name === 'repoint-tag' ? plan.toRevision : plan.fromRevision;
      if (name === 'repoint-tag') await this.checkTargetStillReady(ctx);
      await actions.repointTag(this.request.target.tag!, revision!);
      return;
    }
    const wave = /^(rollback-)?restart-wave-(\d+)$/.exec(name);
    if (wave) {
      const back = Boolean(wave[1]);
      const index = Number(wave[2]);
      const workloads = this.waveWorkloads(index);
      if (
        !back &&
        index > 1 &&
        spec.options.pauseBetweenWavesSeconds > 0 &&
        !ctx.detail().paused
      ) {
        await ctx.saveDetail({ ...ctx.detail(), paused: true });
        await this.sleep(spec.options.pauseBetweenWavesSeconds * 1000);
      }
      // Checked after the pause, just before the restarts: the control plane may have gone meanwhile.
      if (!back) await this.checkTargetStillReady(ctx);
      await actions.restart(workloads);
      await actions.waitForRollouts(
        workloads,
        this.allWaveWorkloads(),
        back ? plan.fromRevision : plan.toRevision,
      );
      return;
    }
    if (name === 'verify' || name === 'rollback-verify') {
      const back = name === 'rollback-verify';
      const restarted = new Set(
        (await this.deps.store.steps(this.request.id))
          .map(s => /^rollback-restart-wave-(\d+)$/.exec(s.name)?.[1])
          .filter(Boolean)
          .map(Number),
      );
      const workloads = back
        ? plan.waves
            .filter(w => restarted.has(w.index))
            .flatMap(w => w.workloads)
        : this.allWaveWorkloads();
      await actions.verify(
        plan,
        workloads,
        back ? plan.fromRevision : plan.toRevision,
      );
      return;
    }
    if (name === 'verify-endpoints' || name === 'watch-window') {
      await this.watchEndpoints(
        ctx,
        actions,
        name === 'watch-window' ? spec.options.watchWindowSeconds : 0,
      );
      return;
    }
    throw new StepFailure(`Unknown step ${name}`);
  }

  /** Before a risky write: the target's control plane must still be ready. */
  private async checkTargetStillReady(ctx: StepContext): Promise<void> {
    const inventory = await ctx.inventory();
    const to = this.request.plan.toRevision;
    const revision =
      inventory.controlPlanes.find(cp => cp.revision === to) ??
      inventory.controlPlanes.find(
        cp => cp.revision === inventory.tags.find(t => t.name === to)?.revision,
      );
    if (this.request.type === 'gateway-cutover') {
      const [forward] = this.patchesOf(
        'switch-selector',
        this.request.plan.patches,
      );
      const gateway = inventory.gateways.find(
        g =>
          g.namespace === forward.namespace &&
          g.revision === to &&
          g.readyReplicas > 0,
      );
      if (!gateway) {
        throw new StepFailure(
          `The ${to} gateway has no ready replica any more; nothing was switched`,
        );
      }
      return;
    }
    if (!revision?.ready) {
      throw new StepFailure(
        `Control plane ${to} is not ready any more (${
          revision ? `${revision.readyReplicas}/${revision.replicas}` : 'gone'
        }); stopped before this step's writes`,
      );
    }
  }

  /**
   * Waits until the Service has ready endpoints of the new gateway on every port (`windowSeconds` 0),
   * or watches them for the window and reverts the selector at once if they vanish.
   */
  private async watchEndpoints(
    ctx: StepContext,
    actions: StepActions,
    windowSeconds: number,
  ): Promise<void> {
    const [forward] = this.patchesOf(
      'switch-selector',
      this.request.plan.patches,
    );
    const [back] = this.patchesOf(
      'switch-selector',
      this.request.plan.rollbackPatches,
    );
    const namespace = forward.namespace!;
    const service = await ctx.api.readService(namespace, forward.name);
    const wantedPorts = (service.spec?.ports ?? []).map(p => ({
      name: p.name,
      port: String(p.targetPort ?? p.port),
    }));
    const to = this.request.plan.toRevision;
    // The target gateway's pods are the ones the Service's selector (switched by the step before)
    // selects: followed by that selector, whatever the gateways are named.
    const selector = Object.entries(service.spec?.selector ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const targetPods = async (): Promise<Set<string>> =>
      new Set(
        selector
          ? (await ctx.api.listPodMetadata(namespace, selector)).map(
              p => p.metadata.name,
            )
          : [],
      );
    const targetName = `the pods of ${selector || to}`;
    const deadline =
      Date.now() +
      (windowSeconds > 0
        ? windowSeconds * 1000
        : this.deps.settings.rolloutTimeoutMs);
    for (;;) {
      ctx.checkStopped();
      const [{ pods, ports }, selected] = await Promise.all([
        actions.readyEndpoints(namespace, forward.name),
        targetPods(),
      ]);
      const ready = [...pods].filter(pod => selected.has(pod));
      const missing = wantedPorts.filter(
        p => !(p.name && ports.has(p.name)) && !ports.has(p.port),
      );
      const healthy = ready.length > 0 && missing.length === 0;
      if (windowSeconds === 0) {
        if (healthy) {
          await ctx.progress(ready.length);
          await ctx.event(
            'step',
            `${forward.name} has ${ready.length} ready endpoints of ${targetName} on every port`,
          );
          return;
        }
      } else if (!healthy) {
        await ctx.event(
          'error',
          `${forward.name} lost its endpoints (${ready.length} ready${
            missing.length
              ? `, missing ports ${missing
                  .map(p => p.name ?? p.port)
                  .join(', ')}`
              : ''
          }): reverting the selector at once`,
        );
        await actions.switchSelector(back, undefined);
        throw new StepFailure(
          `${forward.name} lost its ready endpoints during the watch window; the selector was reverted`,
        );
      }
      if (Date.now() > deadline) {
        if (windowSeconds > 0) {
          await ctx.event(
            'step',
            `${forward.name} kept ready endpoints for ${windowSeconds} s`,
          );
          return;
        }
        throw new StepFailure(
          `${
            forward.name
          } has no ready endpoints of ${targetName} on every port (${
            ready.length
          } ready pods, missing ${
            missing.map(p => p.name ?? p.port).join(', ') || 'none'
          })`,
        );
      }
      await this.sleep(this.deps.settings.pollIntervalMs);
    }
  }
}
