import {
  restartPatch,
  RESTARTED_AT,
  RESTART_STAMP_PLACEHOLDER,
} from './restartPatch';

describe('the restart patch, as kubectl rollout restart writes it', () => {
  it("stamps only the pod template's restartedAt annotation with the given time", () => {
    expect(RESTARTED_AT).toBe('kubectl.kubernetes.io/restartedAt');
    expect(restartPatch('2026-12-02T05:00:00Z')).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/restartedAt': '2026-12-02T05:00:00Z',
            },
          },
        },
      },
    });
  });

  it('shows a placeholder in a plan, and each call builds a fresh object', () => {
    const a = restartPatch(RESTART_STAMP_PLACEHOLDER);
    const b = restartPatch(RESTART_STAMP_PLACEHOLDER);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(JSON.stringify(a)).toContain('<set when the step first runs>');
  });
});
