import { KubernetesApiError } from '../../kubernetes/KubernetesApiError';
import { ClusterInventory } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterApi } from '../../kubernetes/ClusterApi';
import { RequestPlanner } from '../RequestPlanner';
import {
  Lease,
  RequestStore,
  StoredRequest,
  StoredStep,
} from '../RequestStore';
import { RequestSettings } from '../requestConfig';

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
  /** How long a control-plane install waits for its revision to be Ready. */
  controlPlaneInstallTimeoutMs: number;
  /** Reads and stores what a step keeps to be idempotent. */
  detail(): Record<string, unknown>;
  saveDetail(detail: Record<string, unknown>): Promise<void>;
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

/** What a step's context reaches of the run it is part of. */
export interface StepRunHooks {
  request: StoredRequest;
  lease: Lease;
  store: RequestStore;
  planner: RequestPlanner;
  settings: RequestSettings;
  observer: RequestObserver;
  /** Throws when the run must stop. */
  checkStopped(): void;
  /** Stops the run: another replica holds the request now. */
  leaseLost(): never;
  /** Goes on only if a write of the request's state was made under the run's lease. */
  held(write: Promise<boolean>): Promise<void>;
  log(type: string, message: string): Promise<void>;
  notify(): Promise<void>;
  sleep(ms: number): Promise<void>;
}

/**
 * The context the step actions run in for one step: cluster writes under the lease, recorded in the
 * event log and the audit log, progress, pauses that end when the run stops, and the step's detail.
 */
export function createStepContext(
  run: StepRunHooks,
  step: StoredStep,
  api: ClusterApi,
): StepContext {
  const { request, lease, store, planner, settings, observer } = run;
  const id = request.id;
  let detail = step.detail ?? {};
  return {
    api,
    inventory: () => planner.inventory(request.cluster),
    write: async (description, fn) => {
      run.checkStopped();
      if (!(await store.holdsLease(id, lease))) run.leaseLost();
      try {
        const result = await fn();
        // A write that was made is logged even if the lease was lost meanwhile: the log is the truth.
        await store.appendEvent(id, {
          type: 'cluster-write',
          message: description,
        });
        await observer.clusterWrite(request, description);
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
        await observer.clusterWrite(request, description, error as Error);
        throw error;
      }
    },
    event: (type, message) => run.log(type, message),
    progress: async podsMigrated => {
      await run.held(store.updateProgress(id, { podsMigrated }, lease));
      await run.notify();
    },
    sleep: ms => run.sleep(ms),
    checkStopped: () => run.checkStopped(),
    pollIntervalMs: settings.pollIntervalMs,
    rolloutTimeoutMs: settings.rolloutTimeoutMs,
    controlPlaneInstallTimeoutMs: settings.controlPlaneInstallTimeoutMs,
    detail: () => detail,
    saveDetail: async next => {
      detail = next;
      await run.held(store.updateStep(id, step.index, { detail: next }, lease));
    },
  };
}
