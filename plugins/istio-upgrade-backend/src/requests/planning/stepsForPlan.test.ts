import { Plan } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { rollbackSteps, stepsForPlan } from './stepsForPlan';

const wave = (index: number, names: string[]) => ({
  index,
  workloads: names.map(name => ({
    kind: 'Deployment',
    namespace: 'bookinfo',
    name,
    pods: 1,
  })),
});

const plan = (extra: Partial<Plan> = {}): Plan => ({
  summary: 'a change',
  fromRevision: '1-28-3',
  toRevision: '1-29-1',
  patches: [],
  waves: [wave(1, ['details-v1', 'productpage-v1']), wave(2, ['reviews-v1'])],
  podsInScope: 3,
  ...extra,
});

const names = (steps: { name: string }[]) => steps.map(s => s.name);

describe('the steps of a plan', () => {
  it('start with the prechecks, whatever the request', () => {
    for (const type of [
      'namespace-migration',
      'gateway-cutover',
      'revision-tag-move',
      'gateway-move',
    ] as const) {
      expect(stepsForPlan(type, plan())[0]).toEqual({
        name: 'precheck',
        description: 'Run the prechecks again against the cluster as it is now',
      });
    }
  });

  it('of a namespace migration: relabel, one restart per wave naming its workloads, then verify', () => {
    const steps = stepsForPlan('namespace-migration', plan());
    expect(names(steps)).toEqual([
      'precheck',
      'relabel-namespace',
      'restart-wave-1',
      'restart-wave-2',
      'verify',
    ]);
    expect(steps[1].description).toBe('Relabel the namespace for 1-29-1');
    expect(steps[2].description).toBe(
      'Restart details-v1, productpage-v1 and wait for the rollouts',
    );
    expect(steps[4].description).toBe('Verify every pod in scope runs 1-29-1');
  });

  it('of a gateway cutover: switch the selector, wait for endpoints, watch', () => {
    const steps = stepsForPlan('gateway-cutover', plan({ waves: [] }));
    expect(names(steps)).toEqual([
      'precheck',
      'switch-selector',
      'verify-endpoints',
      'watch-window',
    ]);
    expect(steps[1].description).toBe(
      "Point the Service's selector at the 1-29-1 gateway (conditional on its resourceVersion)",
    );
  });

  it('of a gateway move: relabel the Gateway, then the readiness gate and watch window', () => {
    const steps = stepsForPlan('gateway-move', plan({ waves: [] }));
    expect(names(steps)).toEqual([
      'precheck',
      'relabel-gateway',
      'verify-gateway',
      'gateway-watch-window',
    ]);
    expect(steps[1].description).toBe(
      'Label the Gateway istio.io/rev=1-29-1 (conditional on its resourceVersion); istiod of 1-29-1 redeploys it',
    );
    expect(steps[2].description).toContain('runs 1-29-1');
  });

  it('of a tag move: repoint the tag, and restart and verify only when it restarts anything', () => {
    expect(names(stepsForPlan('revision-tag-move', plan()))).toEqual([
      'precheck',
      'repoint-tag',
      'restart-wave-1',
      'restart-wave-2',
      'verify',
    ]);
    const bare = stepsForPlan(
      'revision-tag-move',
      plan({ waves: [], toRevision: undefined }),
    );
    expect(bare).toEqual([
      expect.objectContaining({ name: 'precheck' }),
      {
        name: 'repoint-tag',
        description: "Point the tag's webhook at the target revision",
      },
    ]);
  });
});

describe('the rollback steps appended after a failure', () => {
  it('undo only what ran: the write, then the waves that restarted, then verify on the old revision', () => {
    const steps = rollbackSteps('namespace-migration', plan(), [
      'precheck',
      'relabel-namespace',
      'restart-wave-1',
    ]);
    expect(steps).toEqual([
      {
        name: 'rollback-relabel-namespace',
        description: 'Restore the namespace labels as they were',
      },
      {
        name: 'rollback-restart-wave-1',
        description: 'Restart details-v1, productpage-v1 again onto 1-28-3',
      },
      {
        name: 'rollback-verify',
        description: 'Verify every restarted pod runs 1-28-3 again',
      },
    ]);
  });

  it('are none when nothing was written, and have no verification when no wave ran', () => {
    expect(rollbackSteps('namespace-migration', plan(), ['precheck'])).toEqual(
      [],
    );
    expect(
      rollbackSteps('revision-tag-move', plan({ fromRevision: undefined }), [
        'precheck',
        'repoint-tag',
      ]),
    ).toEqual([
      {
        name: 'rollback-repoint-tag',
        description: 'Point the tag back at the previous revision',
      },
    ]);
  });

  it('of a tag move restart the waves that ran, in wave order', () => {
    expect(
      names(
        rollbackSteps('revision-tag-move', plan(), [
          'precheck',
          'repoint-tag',
          'restart-wave-2',
          'restart-wave-1',
        ]),
      ),
    ).toEqual([
      'rollback-repoint-tag',
      'rollback-restart-wave-1',
      'rollback-restart-wave-2',
      'rollback-verify',
    ]);
  });

  it('of a gateway cutover switch the selector back, once it was switched', () => {
    expect(
      rollbackSteps('gateway-cutover', plan(), ['precheck', 'switch-selector']),
    ).toEqual([
      {
        name: 'rollback-switch-selector',
        description: "Point the Service's selector back at the 1-28-3 gateway",
      },
    ]);
    expect(rollbackSteps('gateway-cutover', plan(), ['precheck'])).toEqual([]);
  });

  it('of a gateway move put the label back and wait for the old pods, once it was relabelled', () => {
    expect(
      names(
        rollbackSteps('gateway-move', plan(), ['precheck', 'relabel-gateway']),
      ),
    ).toEqual(['rollback-relabel-gateway', 'rollback-verify-gateway']);
    expect(
      rollbackSteps('gateway-move', plan(), ['precheck', 'relabel-gateway'])[0]
        .description,
    ).toBe("Put the Gateway's istio.io/rev label back as it was (1-28-3)");
    expect(rollbackSteps('gateway-move', plan(), ['precheck'])).toEqual([]);
  });
});
