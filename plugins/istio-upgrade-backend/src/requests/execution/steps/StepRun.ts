import {
  PlannedPatch,
  PlannedWorkload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ChangeSpec, RequestPlanner } from '../../RequestPlanner';
import { RequestStore, StoredRequest } from '../../RequestStore';
import { StepActions, StepContext } from '../StepActions';

/** What one step of a request runs with. */
export interface StepRun {
  request: StoredRequest;
  /** The request's change, its options filled in from the defaults. */
  spec: ChangeSpec;
  ctx: StepContext;
  actions: StepActions;
  planner: RequestPlanner;
  store: RequestStore;
}

/** The steps of one kind, by name, and how they run. */
export interface StepRunner {
  handles(name: string): boolean;
  run(run: StepRun, name: string): Promise<void>;
}

/** The patches of a plan (or of its rollback) that belong to one step. */
export function patchesOf(
  step: string,
  patches: PlannedPatch[] | undefined,
): PlannedPatch[] {
  return (patches ?? []).filter(p => p.step === step);
}

/** Every workload of a plan's waves. */
export function allWaveWorkloads(request: StoredRequest): PlannedWorkload[] {
  return request.plan.waves.flatMap(w => w.workloads);
}
