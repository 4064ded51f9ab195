/** The annotation `kubectl rollout restart` sets on a workload's pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Placeholder of a restart stamp in a plan: the value is fixed when the step first runs. */
export const RESTART_STAMP_PLACEHOLDER = '<set when the step first runs>';

/** The strategic merge patch of `kubectl rollout restart`, with the given stamp. */
export function restartPatch(stamp: string): Record<string, unknown> {
  return {
    spec: {
      template: { metadata: { annotations: { [RESTARTED_AT]: stamp } } },
    },
  };
}
