import { LoggerService } from '@backstage/backend-plugin-api';
import { changeSpec } from '../changeSpec';
import { ChangeSpec, RequestPlanner } from '../RequestPlanner';
import {
  Lease,
  RequestStore,
  StepChange,
  StoredRequest,
  StoredStep,
} from '../RequestStore';
import { RequestSettings } from '../requestConfig';
import { rollbackSteps } from '../planning/stepsForPlan';
import { StepActions, StepFailure } from './StepActions';
import { createStepContext, RequestObserver } from './stepContext';
import { runStep } from './steps';

export type { RequestObserver } from './stepContext';

/** Thrown when a run must stop without deciding the request's outcome (lease lost, shutdown). */
export class RunInterrupted extends Error {
  readonly name = 'RunInterrupted';
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
    if (!(await write)) this.leaseLost();
  }

  private leaseLost(): never {
    this.stopped = new RunInterrupted('the lease was lost');
    throw this.stopped;
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
  private setStep(index: number, change: StepChange): Promise<void> {
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
    return changeSpec(this.request, this.deps.settings.defaults);
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

  /** Runs one step with a context bound to this run's lease. */
  private async runStep(step: StoredStep): Promise<void> {
    const { store, planner, settings, observer } = this.deps;
    const ctx = createStepContext(
      {
        request: this.request,
        lease: this.lease,
        store,
        planner,
        settings,
        observer,
        checkStopped: () => this.checkStopped(),
        leaseLost: () => this.leaseLost(),
        held: write => this.held(write),
        log: (type, message) => this.log(type, message),
        notify: () => this.notify(),
        sleep: ms => this.sleep(ms),
      },
      step,
      await planner.clusterApi(this.request.cluster),
    );
    await runStep(
      {
        request: this.request,
        spec: this.spec(),
        ctx,
        actions: new StepActions(ctx),
        planner,
        store,
      },
      step.name,
    );
  }
}
