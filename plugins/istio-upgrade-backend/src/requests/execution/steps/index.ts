import { StepFailure } from '../stepContext';
import { controlPlaneSteps } from './controlPlaneSteps';
import { cutoverSteps } from './cutoverSteps';
import { gatewayMoveSteps } from './gatewayMoveSteps';
import { namespaceSteps } from './namespaceSteps';
import { precheckStep } from './precheckStep';
import { StepRun, StepRunner } from './StepRun';
import { tagSteps } from './tagSteps';
import { waveSteps } from './waveSteps';

export type { StepRun, StepRunner } from './StepRun';

const RUNNERS: StepRunner[] = [
  precheckStep,
  namespaceSteps,
  cutoverSteps,
  gatewayMoveSteps,
  tagSteps,
  waveSteps,
  controlPlaneSteps,
];

/**
 * Runs one step of a request by its name.
 *
 * @throws StepFailure when it fails, or when no runner knows the step
 */
export async function runStep(run: StepRun, name: string): Promise<void> {
  const runner = RUNNERS.find(r => r.handles(name));
  if (!runner) throw new StepFailure(`Unknown step ${name}`);
  await runner.run(run, name);
}
