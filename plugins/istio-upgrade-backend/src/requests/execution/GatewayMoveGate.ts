import {
  ISTIO_LABELS,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  gatewayApiDeploymentName,
  LabelInterner,
  projectPodMetadata,
} from '../../inventory/engine';
import { judgeRollout, RolloutObject } from '../rolloutStatus';
import {
  resolveRevision,
  StepActions,
  StepContext,
  StepFailure,
} from './StepActions';

/** The label istiod puts on a Gateway API gateway's pods, which its Service selects. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** What one look at a moving gateway finds. */
interface GatewayState {
  /** The revision its pods should run (the label's, resolved through a tag). */
  revision?: string;
  /** istiod of that revision has rewritten the Deployment. */
  redeployed: boolean;
  rollout: ReturnType<typeof judgeRollout>;
  replicas: number;
  /** Live (not terminating) pods, and those that do not run the revision. */
  pods: number;
  stray: string[];
  /** Ready endpoints of the revision's pods behind the gateway's Service, and missing ports. */
  readyEndpoints: number;
  missingPorts: string[];
}

/**
 * The readiness gate and watch window of a gateway move, as a cutover has them: the move is done once
 * istiod of the target revision has redeployed the gateway, every live pod runs that revision and the
 * gateway's Service `<name>-istio` has ready endpoints of those pods on every port; during the watch
 * window, endpoints that vanish put the label back at once.
 */
export class GatewayMoveGate {
  private readonly namespace: string;
  private readonly gateway: string;
  private readonly deployment: string;

  constructor(
    private readonly ctx: StepContext,
    private readonly actions: StepActions,
    relabel: PlannedPatch,
  ) {
    this.namespace = relabel.namespace!;
    this.gateway = relabel.name;
    this.deployment = gatewayApiDeploymentName(relabel.name);
  }

  private async look(revisionOrTag: string | undefined): Promise<GatewayState> {
    const inventory = await this.ctx.inventory();
    const revision = resolveRevision(inventory, revisionOrTag);
    const { api } = this.ctx;
    const object = await api.readWorkload(
      'Deployment',
      this.namespace,
      this.deployment,
    );
    // istiod renders a Gateway API gateway's pods itself (they are not injected): the revision that
    // rendered them is the pod template's istio.io/rev annotation. Its label repeats the Gateway's
    // own label, which may name a tag.
    const template = object.spec?.template?.metadata;
    const renderedBy =
      template?.annotations?.[ISTIO_LABELS.revision] ??
      template?.labels?.[ISTIO_LABELS.revision];
    const rollout = judgeRollout({
      ...(object as unknown as RolloutObject),
      kind: 'Deployment',
    });
    const interner = new LabelInterner();
    const pods = (
      await api.listPodMetadata(
        this.namespace,
        `${GATEWAY_NAME_LABEL}=${this.gateway}`,
      )
    ).filter(meta => !meta.metadata.deletionTimestamp);
    const onRevision = new Set<string>();
    const stray: string[] = [];
    for (const meta of pods) {
      const pod = projectPodMetadata(meta, interner);
      if (pod?.revision === revision) onRevision.add(meta.metadata.name);
      else
        stray.push(`${meta.metadata.name} (${pod?.revision ?? 'no sidecar'})`);
    }
    const service = await api.readService(this.namespace, this.deployment);
    const endpoints = await this.actions.readyEndpoints(
      this.namespace,
      this.deployment,
    );
    const missingPorts = (service.spec?.ports ?? [])
      .filter(
        p =>
          !(p.name && endpoints.ports.has(p.name)) &&
          !endpoints.ports.has(String(p.targetPort ?? p.port)),
      )
      .map(p => p.name ?? String(p.port));
    return {
      revision,
      redeployed: renderedBy === revision,
      rollout,
      replicas: (object.spec as { replicas?: number })?.replicas ?? 1,
      pods: pods.length,
      stray,
      readyEndpoints: [...endpoints.pods].filter(p => onRevision.has(p)).length,
      missingPorts,
    };
  }

  private healthy(state: GatewayState): boolean {
    return state.readyEndpoints > 0 && state.missingPorts.length === 0;
  }

  /**
   * Waits, up to the rollout timeout, until the gateway runs `revisionOrTag` and serves. A gateway
   * scaled to zero serves nothing and needs no endpoints; a failed rollout fails at once.
   */
  async verify(revisionOrTag: string | undefined): Promise<void> {
    const deadline = Date.now() + this.ctx.rolloutTimeoutMs;
    for (;;) {
      this.ctx.checkStopped();
      const state = await this.look(revisionOrTag);
      if (state.rollout.state === 'failed') {
        throw new StepFailure(state.rollout.message);
      }
      await this.ctx.progress(state.pods - state.stray.length);
      if (
        state.redeployed &&
        state.rollout.state === 'done' &&
        state.stray.length === 0 &&
        (state.replicas === 0 || this.healthy(state))
      ) {
        await this.ctx.event(
          'step',
          `${this.deployment} runs ${state.revision}: ${state.pods} pods, ${state.readyEndpoints} ready endpoints on every port`,
        );
        return;
      }
      if (Date.now() > deadline) {
        throw new StepFailure(
          `Gateway ${this.namespace}/${this.gateway} does not run ${
            state.revision
          } within ${Math.round(this.ctx.rolloutTimeoutMs / 1000)} s: ${
            !state.redeployed
              ? `istiod of ${state.revision} has not redeployed ${this.deployment}`
              : `${state.rollout.message}; ${
                  state.stray.length
                } pods on another revision${
                  state.stray.length
                    ? ` (${state.stray.slice(0, 5).join(', ')})`
                    : ''
                }, ${state.readyEndpoints} ready endpoints${
                  state.missingPorts.length
                    ? `, missing ports ${state.missingPorts.join(', ')}`
                    : ''
                }`
          }`,
        );
      }
      await this.ctx.sleep(this.ctx.pollIntervalMs);
    }
  }

  /**
   * Watches the gateway's ready endpoints for `windowSeconds`; if they vanish, puts the label back at
   * once (`back`) and fails, so the request rolls back.
   */
  async watch(
    revisionOrTag: string | undefined,
    windowSeconds: number,
    back: PlannedPatch,
  ): Promise<void> {
    const deadline = Date.now() + windowSeconds * 1000;
    for (;;) {
      this.ctx.checkStopped();
      const state = await this.look(revisionOrTag);
      if (!this.healthy(state)) {
        await this.ctx.event(
          'error',
          `${this.deployment} lost its endpoints (${
            state.readyEndpoints
          } ready on ${state.revision}${
            state.missingPorts.length
              ? `, missing ports ${state.missingPorts.join(', ')}`
              : ''
          }): putting the Gateway's label back at once`,
        );
        await this.actions.relabelGateway(back);
        throw new StepFailure(
          `Gateway ${this.namespace}/${this.gateway} lost its ready endpoints during the watch window; its label was put back`,
        );
      }
      if (Date.now() > deadline) {
        await this.ctx.event(
          'step',
          `${this.deployment} kept ready endpoints for ${windowSeconds} s`,
        );
        return;
      }
      await this.ctx.sleep(this.ctx.pollIntervalMs);
    }
  }
}
