import { undoStepOf } from './planRollback';
import {
  Plan,
  RequestType,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A step of a request, as stored before it runs. */
export interface PlannedStep {
  name: string;
  description: string;
}

function waveSteps(plan: Plan): PlannedStep[] {
  return plan.waves.map(wave => ({
    name: `restart-wave-${wave.index}`,
    description: `Restart ${wave.workloads
      .map(w => w.name)
      .join(', ')} and wait for the rollouts`,
  }));
}

/** A gateway move's readiness gate and watch window, as a cutover has them. */
function gatewayMoveGate(to: string): PlannedStep[] {
  return [
    {
      name: 'verify-gateway',
      description: `Wait until every pod of the gateway runs ${to} and its Service has ready endpoints on every port`,
    },
    {
      name: 'gateway-watch-window',
      description:
        'Watch the ready endpoints; put the label back at once if they vanish',
    },
  ];
}

const WAIT_FOR_CONTROL_PLANE = (revision: string): PlannedStep => ({
  name: 'wait-for-control-plane',
  description: `Wait until istiod of ${revision} is Ready and its injector webhook can answer`,
});

/** What undoes each control-plane write, by the write's step. */
const UNDO_DESCRIPTIONS: Record<string, string> = {
  'install-control-plane':
    "Undo the install: restore the Istio resource's version, or delete the IstioRevision created",
  'remove-control-plane':
    'Re-create what the removal deleted, from the manifests stored with the request',
  'remove-standby-gateways':
    "Re-create the standby gateway's objects, from the manifests stored with the request",
};

/** The same, by the name of a rollback request's step (`restore-control-plane`, …). */
const UNDO_STEP_DESCRIPTIONS = new Map(
  Object.entries(UNDO_DESCRIPTIONS).map(([step, text]) => [
    undoStepOf(step),
    text,
  ]),
);

/** Whether a plan undoes another (a rollback request's): every write belongs to an undo step. */
function undoesAnother(plan: Plan): boolean {
  return (
    plan.patches.length > 0 &&
    plan.patches.every(p => UNDO_STEP_DESCRIPTIONS.has(p.step))
  );
}

/** The description of a step for the plan's control-plane mode, or `otherwise`. */
function described(
  mode: string | undefined,
  byMode: Record<string, string>,
  otherwise: string,
): string {
  return (mode && byMode[mode]) || otherwise;
}

function controlPlaneSteps(type: RequestType, plan: Plan): PlannedStep[] {
  const mode = plan.controlPlane?.mode;
  if (undoesAnother(plan)) {
    const names = [...new Set(plan.patches.map(p => p.step))];
    const steps = names.map(name => ({
      name,
      description: UNDO_STEP_DESCRIPTIONS.get(name)!,
    }));
    return type === 'control-plane-removal' && plan.toRevision
      ? [...steps, WAIT_FOR_CONTROL_PLANE(plan.toRevision)]
      : steps;
  }
  if (type === 'control-plane-install') {
    const to = plan.toRevision ?? 'the new revision';
    return [
      {
        name: 'install-control-plane',
        description: described(
          mode,
          {
            manual: `People run the plan's commands; the product writes nothing here`,
            'sail-istio-version': `Set the Istio resource's spec.version (conditional on its resourceVersion); Sail creates ${to}`,
          },
          `Create IstioRevision ${to}; Sail installs it`,
        ),
      },
      WAIT_FOR_CONTROL_PLANE(to),
    ];
  }
  const from = plan.fromRevision ?? 'the revision';
  const gateways = plan.patches.some(p => p.step === 'remove-standby-gateways');
  return [
    {
      name: 'recheck-revision-unused',
      description: `Check on the live cluster that no pod, namespace, tag or gateway uses ${from}`,
    },
    ...(gateways
      ? [
          {
            name: 'remove-standby-gateways',
            description:
              'Check that no LoadBalancer Service selects the standby gateway, then delete its objects',
          },
        ]
      : []),
    {
      name: 'remove-control-plane',
      description: described(
        mode,
        {
          'sail-grace-period': `Wait for Sail to prune IstioRevision ${from} after its grace period`,
          'sail-delete': `Delete IstioRevision ${from}; Sail removes its control plane`,
        },
        `Delete the objects of ${from}, as istioctl uninstall --revision does`,
      ),
    },
    {
      name: 'verify-removal',
      description: `Verify nothing labelled istio.io/rev=${from} is left`,
    },
  ];
}

/**
 * The steps that carry out a plan, in order. Every request starts with its prechecks, run again just
 * before the first write; each step after that is idempotent, so a request resumed after a crash
 * repeats at most the step it was in.
 */
export function stepsForPlan(type: RequestType, plan: Plan): PlannedStep[] {
  const precheck = {
    name: 'precheck',
    description: 'Run the prechecks again against the cluster as it is now',
  };
  const to = plan.toRevision ?? 'the target revision';
  switch (type) {
    case 'namespace-migration':
      return [
        precheck,
        {
          name: 'relabel-namespace',
          description: `Relabel the namespace for ${to}`,
        },
        ...waveSteps(plan),
        {
          name: 'verify',
          description: `Verify every pod in scope runs ${to}`,
        },
      ];
    case 'gateway-cutover':
      return [
        precheck,
        {
          name: 'switch-selector',
          description: `Point the Service's selector at the ${to} gateway (conditional on its resourceVersion)`,
        },
        {
          name: 'verify-endpoints',
          description:
            'Wait until the Service has ready endpoints of the new gateway on every port',
        },
        {
          name: 'watch-window',
          description: 'Watch the endpoints; revert at once if they vanish',
        },
      ];
    case 'control-plane-install':
    case 'control-plane-removal':
      return [precheck, ...controlPlaneSteps(type, plan)];
    case 'gateway-move':
      return [
        precheck,
        {
          name: 'relabel-gateway',
          description: `Label the Gateway istio.io/rev=${to} (conditional on its resourceVersion); istiod of ${to} redeploys it`,
        },
        ...gatewayMoveGate(to),
      ];
    default:
      return [
        precheck,
        {
          name: 'repoint-tag',
          description: `Point the tag's webhook at ${to}`,
        },
        ...waveSteps(plan),
        ...(plan.waves.length
          ? [
              {
                name: 'verify',
                description: `Verify every pod in scope runs ${to}`,
              },
            ]
          : []),
      ];
  }
}

/**
 * The steps that undo what ran, appended after a failure when the policy rolls back: the reverse write,
 * restarts of the waves that had run (with new stamps), and a verification on the old revision.
 */
export function rollbackSteps(
  type: RequestType,
  plan: Plan,
  stepsThatRan: string[],
): PlannedStep[] {
  const from = plan.fromRevision ?? 'the previous revision';
  const ran = new Set(stepsThatRan);
  const steps: PlannedStep[] = [];
  if (type === 'control-plane-install' || type === 'control-plane-removal') {
    const writes = [
      'install-control-plane',
      'remove-control-plane',
      'remove-standby-gateways',
    ].filter(
      name =>
        ran.has(name) &&
        (plan.rollbackPatches ?? []).some(p => p.step === name),
    );
    for (const name of writes) {
      steps.push({
        name: `rollback-${name}`,
        description: UNDO_DESCRIPTIONS[name],
      });
    }
    if (type === 'control-plane-removal' && ran.has('remove-control-plane')) {
      steps.push({
        ...WAIT_FOR_CONTROL_PLANE(from),
        name: 'rollback-wait-for-control-plane',
      });
    }
    return steps;
  }
  if (type === 'gateway-cutover') {
    if (ran.has('switch-selector')) {
      steps.push({
        name: 'rollback-switch-selector',
        description: `Point the Service's selector back at the ${from} gateway`,
      });
    }
    return steps;
  }
  if (type === 'gateway-move') {
    if (ran.has('relabel-gateway')) {
      steps.push(
        {
          name: 'rollback-relabel-gateway',
          description: `Put the Gateway's istio.io/rev label back as it was (${from})`,
        },
        {
          name: 'rollback-verify-gateway',
          description: `Wait until the gateway's pods run ${from} again`,
        },
      );
    }
    return steps;
  }
  const write =
    type === 'namespace-migration' ? 'relabel-namespace' : 'repoint-tag';
  if (ran.has(write)) {
    steps.push({
      name: `rollback-${write}`,
      description:
        type === 'namespace-migration'
          ? 'Restore the namespace labels as they were'
          : `Point the tag back at ${from}`,
    });
  }
  const waves = plan.waves.filter(w => ran.has(`restart-wave-${w.index}`));
  for (const wave of waves) {
    steps.push({
      name: `rollback-restart-wave-${wave.index}`,
      description: `Restart ${wave.workloads
        .map(w => w.name)
        .join(', ')} again onto ${from}`,
    });
  }
  if (waves.length) {
    steps.push({
      name: 'rollback-verify',
      description: `Verify every restarted pod runs ${from} again`,
    });
  }
  return steps;
}
