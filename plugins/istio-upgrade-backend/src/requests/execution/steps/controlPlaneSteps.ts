import {
  ClusterInventory,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubeObject } from '../../../kubernetes/ClusterApi';
import { KubernetesApiError } from '../../../kubernetes/KubernetesApiError';
import { INSTALL_STEP } from '../../controlPlanes/planControlPlaneInstall';
import {
  REMOVE_GATEWAYS_STEP,
  REMOVE_STEP,
} from '../../controlPlanes/planControlPlaneRemoval';
import {
  findRevisionUsers,
  objectsLeftOf,
} from '../../controlPlanes/liveRevisionUse';
import { undoStepOf } from '../../planning/planRollback';
import { StepContext, StepFailure } from '../stepContext';
import { waitUntil } from '../waitUntil';
import { StepRun, StepRunner, patchesOf } from './StepRun';

/** The steps of control-plane installs and removals. */
export const CONTROL_PLANE_STEPS = {
  install: INSTALL_STEP,
  waitReady: 'wait-for-control-plane',
  recheck: 'recheck-revision-unused',
  removeGateways: REMOVE_GATEWAYS_STEP,
  remove: REMOVE_STEP,
  verifyRemoved: 'verify-removal',
} as const;

const WRITES = [INSTALL_STEP, REMOVE_GATEWAYS_STEP, REMOVE_STEP];
/** A rollback request's steps, which send the writes it carries under their names. */
const UNDO_STEPS = new Set(WRITES.map(undoStepOf));

const NAMES = new Set<string>([
  ...Object.values(CONTROL_PLANE_STEPS),
  ...WRITES.map(w => `rollback-${w}`),
  `rollback-${CONTROL_PLANE_STEPS.waitReady}`,
  ...UNDO_STEPS,
]);

function where(p: PlannedPatch): string {
  return `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
}

/** Sends one planned write: a merge patch, a create or a delete. Idempotent when resumed. */
async function send(ctx: StepContext, p: PlannedPatch): Promise<void> {
  const { api } = ctx;
  if (p.patchType === 'delete') {
    const uid = (p.patch as { preconditions?: { uid?: string } }).preconditions
      ?.uid;
    const gone = await ctx.write(`delete ${where(p)}`, async () => {
      try {
        return !(await api.deleteObject(p.kind, p.namespace, p.name, uid));
      } catch (error) {
        if (error instanceof KubernetesApiError && error.status === 409) {
          throw new StepFailure(
            `${where(
              p,
            )} was replaced since the plan was made (its uid changed): nothing more is deleted; plan the removal again`,
          );
        }
        throw error;
      }
    });
    if (gone) await ctx.event('info', `${where(p)} was already gone`);
    return;
  }
  if (p.patchType === 'create') {
    await ctx.write(`create ${where(p)}`, async () => {
      try {
        await api.createObject(p.patch as KubeObject);
      } catch (error) {
        if (error instanceof KubernetesApiError && error.status === 409) {
          await ctx.event('info', `${where(p)} exists already: kept`);
          return;
        }
        throw error;
      }
    });
    return;
  }
  await ctx.write(`patch ${where(p)}`, async () => {
    try {
      await api.patchObject(p.kind, p.namespace, p.name, p.patch);
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 409) {
        throw new StepFailure(
          `${where(p)} changed since the plan was made (resourceVersion ${
            p.precondition
          }): nothing was written; plan again`,
        );
      }
      throw error;
    }
  });
}

/** Why the revision is not Ready and injecting yet, or undefined once it is. */
function notReadyBecause(
  inventory: ClusterInventory,
  revision: string,
): string | undefined {
  const cp = inventory.controlPlanes.find(c => c.revision === revision);
  if (!cp) return `revision ${revision} is not in the inventory yet`;
  if (!cp.ready) {
    return `istiod of ${revision} has ${cp.readyReplicas} of ${cp.replicas} replicas ready`;
  }
  if (!cp.hasInjector) {
    return `the injector webhook istio-sidecar-injector-${revision} does not exist yet`;
  }
  return undefined;
}

/**
 * Why the injector of `revision` cannot answer yet: its webhook has no CA bundle, or the istiod
 * Service it calls has no ready endpoint. Undefined once it can.
 */
async function injectorNotAnswering(
  run: StepRun,
  revision: string,
): Promise<string | undefined> {
  const { api } = run.ctx;
  const webhook = await api.readObject(
    'MutatingWebhookConfiguration',
    undefined,
    `istio-sidecar-injector${revision === 'default' ? '' : `-${revision}`}`,
  );
  const config = webhook?.webhooks?.[0]?.clientConfig;
  if (!config) return `the injector webhook of ${revision} is missing`;
  if (config.url) return undefined;
  if (!config.caBundle) {
    return `istiod has not written its CA into the injector webhook of ${revision} yet`;
  }
  const service = config.service;
  if (!service?.name || !service?.namespace) return undefined;
  const slices = await api.listEndpointSlices(service.namespace, service.name);
  const ready = slices.some(s =>
    (s.endpoints ?? []).some(e => e.conditions?.ready !== false),
  );
  return ready
    ? undefined
    : `Service ${service.namespace}/${service.name}, which the injector webhook calls, has no ready endpoint`;
}

/** No LoadBalancer Service may select a standby gateway about to be deleted. */
async function checkNoLoadBalancerSelects(
  run: StepRun,
  deployments: PlannedPatch[],
): Promise<void> {
  const { api } = run.ctx;
  const services = (await api.listServices('')).filter(
    s => s.spec?.type === 'LoadBalancer',
  );
  for (const p of deployments) {
    const deployment = await api.readObject('Deployment', p.namespace, p.name);
    const labels: Record<string, string> =
      deployment?.spec?.template?.metadata?.labels ?? {};
    const selecting = services.filter(s => {
      const selector = s.spec?.selector ?? {};
      const keys = Object.keys(selector);
      return (
        s.metadata?.namespace === p.namespace &&
        keys.length > 0 &&
        keys.every(k => labels[k] === selector[k])
      );
    });
    if (selecting.length) {
      throw new StepFailure(
        `LoadBalancer Service ${selecting
          .map(s => `${s.metadata?.namespace}/${s.metadata?.name}`)
          .join(', ')} selects ${p.namespace}/${
          p.name
        } again: it is not deleted; cut the Service over first`,
      );
    }
  }
  await run.ctx.event(
    'info',
    `No LoadBalancer Service selects ${deployments
      .map(d => `${d.namespace}/${d.name}`)
      .join(', ')}`,
  );
}

/**
 * Control-plane installs (`install-control-plane`, `wait-for-control-plane`) and removals
 * (`recheck-revision-unused`, `remove-standby-gateways`, `remove-control-plane`, `verify-removal`),
 * and their rollbacks, which send the plan's rollback writes (re-creating what was deleted from the
 * stored manifests, or restoring the Istio's version).
 */
export const controlPlaneSteps: StepRunner = {
  handles: name => NAMES.has(name),
  async run(run, name) {
    const { request, ctx } = run;
    const { plan } = request;
    const mode = plan.controlPlane?.mode;
    if (UNDO_STEPS.has(name)) {
      // A rollback request carries its writes under its steps' names.
      for (const p of patchesOf(name, plan.patches)) await send(ctx, p);
      return;
    }
    if (
      name.startsWith('rollback-') &&
      name !== `rollback-${CONTROL_PLANE_STEPS.waitReady}`
    ) {
      // A failed request's own rollback finds its writes under the step they undo.
      const undone = name.slice('rollback-'.length);
      for (const p of patchesOf(undone, plan.rollbackPatches)) {
        await send(ctx, p);
      }
      return;
    }
    if (name === CONTROL_PLANE_STEPS.install) {
      if (mode === 'manual') {
        await ctx.event(
          'info',
          `The product does not install on this cluster: run the plan's commands; the request waits for revision ${request.revision}`,
        );
        return;
      }
      for (const p of patchesOf(name, plan.patches)) await send(ctx, p);
      return;
    }
    if (
      name === CONTROL_PLANE_STEPS.waitReady ||
      name === `rollback-${CONTROL_PLANE_STEPS.waitReady}`
    ) {
      const timeout =
        mode === 'manual'
          ? ctx.controlPlaneInstallTimeoutMs
          : ctx.rolloutTimeoutMs;
      await waitUntil(
        ctx,
        timeout,
        async () =>
          notReadyBecause(await ctx.inventory(), request.revision) ??
          (await injectorNotAnswering(run, request.revision)),
        `Revision ${request.revision} becoming Ready`,
      );
      await ctx.event(
        'info',
        `Revision ${request.revision} is Ready and its injector webhook can answer`,
      );
      return;
    }
    if (name === CONTROL_PLANE_STEPS.recheck) {
      const standby = patchesOf(REMOVE_GATEWAYS_STEP, plan.patches)
        .filter(p => p.kind === 'Deployment')
        .map(p => ({ namespace: p.namespace!, name: p.name }));
      const users = await findRevisionUsers(ctx.api, request.revision, standby);
      if (users.length) {
        throw new StepFailure(
          `Revision ${
            request.revision
          } is in use on the live cluster, nothing was deleted: ${users.join(
            '; ',
          )}`,
        );
      }
      await ctx.event(
        'info',
        `The live cluster confirms: no pod, namespace, tag or gateway uses ${request.revision}`,
      );
      return;
    }
    if (name === CONTROL_PLANE_STEPS.removeGateways) {
      const patches = patchesOf(name, plan.patches);
      await checkNoLoadBalancerSelects(
        run,
        patches.filter(p => p.kind === 'Deployment'),
      );
      for (const p of patches) await send(ctx, p);
      return;
    }
    if (name === CONTROL_PLANE_STEPS.remove) {
      if (mode === 'sail-grace-period') {
        const grace = (plan.controlPlane?.gracePeriodSeconds ?? 30) * 1000;
        await waitUntil(
          ctx,
          grace + ctx.rolloutTimeoutMs,
          async () =>
            (await ctx.api.readObject(
              'IstioRevision',
              undefined,
              request.revision,
            ))
              ? `Sail has not pruned IstioRevision ${
                  request.revision
                } yet (grace period ${grace / 1000} s after it went out of use)`
              : undefined,
          `Sail pruning IstioRevision ${request.revision}`,
        );
        await ctx.event(
          'info',
          `Sail pruned IstioRevision ${request.revision}`,
        );
        return;
      }
      for (const p of patchesOf(name, plan.patches)) await send(ctx, p);
      return;
    }
    // verify-removal: nothing labelled with the revision is left, and the inventory agrees.
    await waitUntil(
      ctx,
      ctx.rolloutTimeoutMs,
      async () => {
        const left = await objectsLeftOf(
          ctx.api,
          request.revision,
          plan.patches.filter(p => p.patchType === 'delete'),
        );
        if (left.length) return `still there: ${left.join(', ')}`;
        const inventory = await ctx.inventory();
        return inventory.controlPlanes.some(
          c => c.revision === request.revision,
        )
          ? `the inventory still lists revision ${request.revision}`
          : undefined;
      },
      `Removal of revision ${request.revision}`,
    );
    await ctx.event(
      'info',
      `Nothing labelled istio.io/rev=${request.revision} is left in the cluster`,
    );
  },
};
