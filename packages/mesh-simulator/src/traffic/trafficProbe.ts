import { resourceTypeNamed } from '../api/resourceTypes';
import { selectorMapMatches } from '../api/selectors';
import { podIsReady } from '../controllers/podStatus';
import { resolveTargetPort } from '../controllers/endpointsController';
import { ControlPlanes } from '../istio/controlPlanes';
import { gatewayNameLabel } from '../istio/gatewayApiResources';
import { proxyWithinSkew } from '../istio/istioVersions';
import { sidecarOf } from '../istio/sidecarInjector';
import { KubeObject } from '../store/kubeObject';
import { ObjectStore } from '../store/objectStore';

/**
 * A synthetic request path through Services ("namespace/name"); the first hop may be the
 * ingress gateway's LoadBalancer Service, entered on `port`.
 *
 * @public
 */
export interface FlowSpec {
  name: string;
  hops: Array<{ service: string; port?: number; gateway?: boolean }>;
}

/** Why a probe request failed. */
export type FailureReason =
  | 'no-ready-endpoint'
  | 'proxy-detached'
  | 'proxy-skew'
  | 'gateway-port-mismatch'
  | 'gateway-not-selected'
  | 'cluster-unreachable'
  | 'sidecar-error';

/**
 * The probe's counters, as `GET /sim/v1/clusters/<name>/traffic` returns them.
 *
 * @public
 */
export interface TrafficCounters {
  sent: number;
  succeeded: number;
  failed: number;
  failuresByReason: Record<string, number>;
  failuresByHop: Record<string, number>;
  flows: Array<{
    name: string;
    hops: string[];
    sent: number;
    succeeded: number;
    failed: number;
  }>;
}

type HopOutcome =
  | { fail: FailureReason }
  | {
      endpoints: Array<FailureReason | undefined>;
      /** The share of requests each endpoint's proxy answers 503 (a sidecar fault). */
      errorRates: number[];
    };

const services = resourceTypeNamed('services');
const pods = resourceTypeNamed('pods');
const deployments = resourceTypeNamed('deployments');
const gateways = resourceTypeNamed('gateways');

/**
 * Sends synthetic requests through each flow on the simulated clock (at least 20 per
 * simulated second per flow). A request succeeds only when every hop's Service has a ready
 * endpoint whose proxy is attached to a live control plane within Istio's skew, and the
 * gateway hop selects a ready gateway pod listening on the target port. Requests are spread
 * round robin over each hop's ready endpoints, and evaluated in bulk per tick. An endpoint whose
 * proxy's revision has a sidecar fault fails that share of its requests (`sidecar-error`),
 * deterministically: every hop carries the fractions over.
 *
 * @public
 */
export class TrafficProbe {
  private counters: TrafficCounters;
  private carry = 0;
  private lastTick: number;
  private readonly cursors = new Map<string, number>();
  private readonly errorCarry = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly controlPlanes: ControlPlanes,
    private readonly flows: FlowSpec[],
    private readonly now: () => number,
    private readonly unreachable: () => boolean,
    private readonly ratePerSecond = 20,
    /** The share of requests each faulted revision's proxies answer 503, by revision. */
    private readonly sidecarErrorRates: () => Map<string, number> = () =>
      new Map(),
  ) {
    this.lastTick = now();
    this.counters = this.empty();
  }

  /** The counters so far. */
  snapshot(): TrafficCounters {
    return structuredClone(this.counters);
  }

  /** Zeroes the counters. */
  reset() {
    this.counters = this.empty();
  }

  /** Sends the requests due since the last tick. */
  tick() {
    const now = this.now();
    const due =
      ((now - this.lastTick) / 1000) * this.ratePerSecond + this.carry;
    this.lastTick = now;
    const count = Math.floor(due);
    this.carry = due - count;
    if (count <= 0) return;
    this.flows.forEach((flow, index) =>
      this.send(flow, this.counters.flows[index], count),
    );
  }

  private empty(): TrafficCounters {
    return {
      sent: 0,
      succeeded: 0,
      failed: 0,
      failuresByReason: {},
      failuresByHop: {},
      flows: this.flows.map(f => ({
        name: f.name,
        hops: f.hops.map(h => h.service),
        sent: 0,
        succeeded: 0,
        failed: 0,
      })),
    };
  }

  private send(
    flow: FlowSpec,
    counters: TrafficCounters['flows'][number],
    count: number,
  ) {
    const fail = (hop: string, reason: FailureReason, n: number) => {
      this.counters.failed += n;
      counters.failed += n;
      this.counters.failuresByReason[reason] =
        (this.counters.failuresByReason[reason] ?? 0) + n;
      this.counters.failuresByHop[hop] =
        (this.counters.failuresByHop[hop] ?? 0) + n;
    };
    this.counters.sent += count;
    counters.sent += count;
    if (this.unreachable()) {
      fail(flow.hops[0]?.service ?? flow.name, 'cluster-unreachable', count);
      return;
    }
    const attached = new Map<string, FailureReason | undefined>();
    const outcomes = flow.hops.map(hop => this.evaluateHop(hop, attached));
    let succeeded = 0;
    for (let i = 0; i < count; i++) {
      let failedAt: { hop: string; reason: FailureReason } | undefined;
      for (let h = 0; h < flow.hops.length && !failedAt; h++) {
        const outcome = outcomes[h];
        const hop = flow.hops[h].service;
        if ('fail' in outcome) {
          failedAt = { hop, reason: outcome.fail };
        } else {
          const cursorKey = `${flow.name}|${h}`;
          const cursor = this.cursors.get(cursorKey) ?? 0;
          this.cursors.set(cursorKey, cursor + 1);
          const index = cursor % outcome.endpoints.length;
          const reason = outcome.endpoints[index];
          if (reason) failedAt = { hop, reason };
          else if (outcome.errorRates[index] > 0) {
            const carry =
              (this.errorCarry.get(cursorKey) ?? 0) + outcome.errorRates[index];
            this.errorCarry.set(cursorKey, carry >= 1 ? carry - 1 : carry);
            if (carry >= 1) failedAt = { hop, reason: 'sidecar-error' };
          }
        }
      }
      if (failedAt) fail(failedAt.hop, failedAt.reason, 1);
      else succeeded++;
    }
    this.counters.succeeded += succeeded;
    counters.succeeded += succeeded;
  }

  private evaluateHop(
    hop: FlowSpec['hops'][number],
    attached: Map<string, FailureReason | undefined>,
  ): HopOutcome {
    const [namespace, name] = hop.service.split('/');
    const service = this.store.get(services, namespace, name);
    if (!service)
      return {
        fail: hop.gateway ? 'gateway-not-selected' : 'no-ready-endpoint',
      };
    const selector: Record<string, string> | undefined = service.spec?.selector;
    const selected = this.store
      .list(pods, namespace)
      .filter(
        p =>
          selectorMapMatches(selector, p.metadata.labels) &&
          !p.metadata.deletionTimestamp,
      );
    if (hop.gateway && selected.length === 0) {
      // A selector that matches a gateway Deployment's pods (now scaled to zero or not yet
      // started) has no ready endpoint; one that matches no gateway at all selects nothing.
      const matchesGateway = this.store
        .list(deployments, namespace)
        .some(d =>
          selectorMapMatches(selector, d.spec?.template?.metadata?.labels),
        );
      return {
        fail: matchesGateway ? 'no-ready-endpoint' : 'gateway-not-selected',
      };
    }
    let ready = selected.filter(p => podIsReady(p) && p.status?.podIP);
    if (ready.length === 0) return { fail: 'no-ready-endpoint' };
    if (hop.gateway) {
      const ports: any[] = service.spec?.ports ?? [];
      const entry = ports.find(p => p.port === (hop.port ?? 80)) ?? ports[0];
      if (!entry) return { fail: 'gateway-port-mismatch' };
      // Istio's gateway listens where the Services of its install send traffic: on the ports its
      // containers declare (an istioctl-era gateway's 8080, 8443…), on the target ports of the
      // other Services selecting it (a Helm gateway's own Service: 80, 443) and, for a Gateway
      // API gateway that istiod deployed, on its Gateway's listener ports.
      const others = this.store
        .list(services, namespace)
        .filter(
          s =>
            s.metadata.name !== name &&
            s.spec?.selector &&
            Object.keys(s.spec.selector).length > 0,
        );
      ready = ready.filter(p => {
        const target = resolveTargetPort(p, entry.targetPort, entry.port);
        if (target === undefined) return false;
        const declared = (p.spec?.containers ?? []).some((c: any) =>
          (c.ports ?? []).some((cp: any) => cp.containerPort === target),
        );
        return (
          declared ||
          this.listensAsGatewayApiGateway(p, target) ||
          others.some(
            s =>
              selectorMapMatches(s.spec.selector, p.metadata.labels) &&
              (s.spec.ports ?? []).some(
                (sp: any) =>
                  resolveTargetPort(p, sp.targetPort, sp.port) === target,
              ),
          )
        );
      });
      if (ready.length === 0) return { fail: 'gateway-port-mismatch' };
    }
    const rates = this.sidecarErrorRates();
    return {
      endpoints: ready.map(p => this.proxyProblem(p, attached)),
      errorRates: ready.map(p => {
        if (rates.size === 0) return 0;
        return rates.get(sidecarOf(p)?.revision ?? '') ?? 0;
      }),
    };
  }

  /** Whether a pod of a deployed Gateway API gateway listens on `port` (one of its Gateway's listeners). */
  private listensAsGatewayApiGateway(pod: KubeObject, port: number): boolean {
    const name = pod.metadata.labels?.[gatewayNameLabel];
    if (!name) return false;
    const gateway = this.store.get(gateways, pod.metadata.namespace, name);
    return (gateway?.spec?.listeners ?? []).some(
      (l: { port?: number }) => l.port === port,
    );
  }

  /** Why a pod's proxy cannot serve (control plane gone or out of skew); memoised per tick. */
  private proxyProblem(
    pod: KubeObject,
    attached: Map<string, FailureReason | undefined>,
  ): FailureReason | undefined {
    const sidecar = sidecarOf(pod);
    if (!sidecar) return undefined;
    const key = `${sidecar.revision}|${sidecar.version}`;
    if (!attached.has(key)) {
      let problem: FailureReason | undefined;
      if (!this.controlPlanes.hasReadyPod(sidecar.revision)) {
        problem = 'proxy-detached';
      } else {
        const version = this.controlPlanes.version(sidecar.revision);
        if (!version || !proxyWithinSkew(version, sidecar.version))
          problem = 'proxy-skew';
      }
      attached.set(key, problem);
    }
    return attached.get(key);
  }
}
