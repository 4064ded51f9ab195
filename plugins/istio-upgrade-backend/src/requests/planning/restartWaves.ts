import {
  PlannedPatch,
  PlannedWave,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { restartPatch, RESTART_STAMP_PLACEHOLDER } from './restartPatch';

/** The `restart-wave-N` patches of a plan's waves: a rollout restart of each of their workloads. */
export function restartWavePatches(waves: PlannedWave[]): PlannedPatch[] {
  return waves.flatMap(wave =>
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
  );
}

/** How many pods a plan's waves restart. */
export function podsInWaves(waves: PlannedWave[]): number {
  return waves.reduce(
    (sum, wave) => sum + wave.workloads.reduce((s, w) => s + w.pods, 0),
    0,
  );
}
