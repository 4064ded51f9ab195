import { resourceTypeNamed } from '../api/resourceTypes';
import { selectorMapMatches } from '../api/selectors';
import { FaultConfig, sidecarFaultOf } from '../faults/faultRules';
import { ObjectStore } from '../store/objectStore';
import { MeshWorkload } from './meshWorkloads';
import { FlowSpec } from './trafficProbe';

/** Requests per second of wall-clock time each ready proxy reports. */
export const requestsPerPodPerSecond = 5;
/** The share of requests answered 503 without any fault, so the 5xx series exist. */
export const baselineErrorRate = 0.001;

/**
 * Requests of one series at one behaviour: `requestsPerSecond` (wall-clock) of which
 * `errorRate` are answered 503, each `latencyMs` slower than the baseline.
 *
 * @public
 */
export interface TrafficComponent {
  requestsPerSecond: number;
  errorRate: number;
  latencyMs: number;
}

/**
 * One label set of Istio's standard metrics (all but `response_code`) and the traffic it
 * counts now, a mix of the behaviours of the proxy revisions behind it.
 *
 * @public
 */
export interface TrafficSeries {
  /** Istio's labels written before `response_code`, in their order. */
  labels: Array<[string, string]>;
  /** Written after `response_code` and `response_flags="-"`. */
  connectionSecurityPolicy: 'mutual_tls' | 'none' | 'unknown';
  components: TrafficComponent[];
}

const services = resourceTypeNamed('services');

interface Behaviour {
  share: number;
  errorRate: number;
  latencyMs: number;
}

/** How the proxies of a workload behave, weighted by their ready pods per revision. */
function behaviours(
  workload: MeshWorkload,
  faults: FaultConfig | undefined,
): Behaviour[] {
  return [...workload.readyByRevision].map(([revision, ready]) => {
    const fault = sidecarFaultOf(faults, revision);
    return {
      share: ready / workload.readyPods,
      errorRate: fault?.errorRate ?? 0,
      latencyMs: fault?.latencyMs ?? 0,
    };
  });
}

/** One in `1 - (1 - a)(1 - b)…` fails when each step fails independently. */
function combinedErrorRate(...rates: number[]): number {
  return 1 - rates.reduce((ok, r) => ok * (1 - r), 1);
}

function destinationLabels(
  workload: MeshWorkload | undefined,
  service: { namespace: string; name: string } | undefined,
): Array<[string, string]> {
  return [
    ['destination_workload', workload?.name ?? 'unknown'],
    ['destination_workload_namespace', workload?.namespace ?? 'unknown'],
    [
      'destination_service',
      service
        ? `${service.name}.${service.namespace}.svc.cluster.local`
        : 'unknown',
    ],
    ['destination_service_name', service?.name ?? 'unknown'],
    ['destination_service_namespace', service?.namespace ?? 'unknown'],
    ['destination_canonical_service', workload?.canonicalService ?? 'unknown'],
    [
      'destination_canonical_revision',
      workload?.canonicalRevision ?? 'unknown',
    ],
    ['request_protocol', 'http'],
  ];
}

/**
 * The series Istio's proxies report now: every workload with ready sidecars as
 * `reporter="destination"` (its callers taken from the flows, else `unknown`), and every gateway a
 * flow enters as `reporter="source"`, towards the workloads behind the flow's next hop. A gateway
 * no flow enters reports nothing, as an idle gateway does; one whose next hop has no ready
 * workload reports all its requests as 503 towards `destination_workload="unknown"`.
 */
export function trafficSeries(
  store: ObjectStore,
  workloads: MeshWorkload[],
  flows: FlowSpec[],
  faults: FaultConfig | undefined,
): TrafficSeries[] {
  const byNamespace = new Map<string, MeshWorkload[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace) ?? [];
    list.push(w);
    byNamespace.set(w.namespace, list);
  }
  const selectedBy = (hop: string): MeshWorkload[] => {
    const [namespace, name] = hop.split('/');
    const selector = store.get(services, namespace, name)?.spec?.selector;
    return (byNamespace.get(namespace) ?? []).filter(w =>
      selectorMapMatches(selector, w.labels),
    );
  };
  const callers = new Map<MeshWorkload, MeshWorkload>();
  const gatewayTargets = new Map<
    MeshWorkload,
    Array<{ service: { namespace: string; name: string }; to: MeshWorkload[] }>
  >();
  for (const flow of flows) {
    let previous: MeshWorkload[] = [];
    for (const hop of flow.hops) {
      const selected = selectedBy(hop.service);
      const [namespace, name] = hop.service.split('/');
      for (const gateway of previous.filter(w => w.gateway)) {
        const targets = gatewayTargets.get(gateway) ?? [];
        const known = targets.some(
          t => t.service.name === name && t.service.namespace === namespace,
        );
        if (!known) {
          targets.push({
            service: { namespace, name },
            to: selected.filter(w => !w.gateway),
          });
        }
        gatewayTargets.set(gateway, targets);
      }
      const caller = previous[0];
      for (const w of selected) {
        if (caller && !callers.has(w)) callers.set(w, caller);
      }
      previous = selected;
    }
  }
  const out: TrafficSeries[] = [];
  for (const w of workloads) {
    const own = behaviours(w, faults);
    if (!w.gateway) {
      const caller = callers.get(w);
      out.push({
        labels: [
          ['reporter', 'destination'],
          ['source_workload', caller?.name ?? 'unknown'],
          ['source_workload_namespace', caller?.namespace ?? 'unknown'],
          ...destinationLabels(w, w.service),
        ],
        connectionSecurityPolicy: caller ? 'mutual_tls' : 'none',
        components: own.map(b => ({
          requestsPerSecond: requestsPerPodPerSecond * w.readyPods * b.share,
          errorRate: combinedErrorRate(baselineErrorRate, b.errorRate),
          latencyMs: b.latencyMs,
        })),
      });
      continue;
    }
    const targets = gatewayTargets.get(w) ?? [];
    const perTarget =
      (requestsPerPodPerSecond * w.readyPods) / (targets.length || 1);
    for (const target of targets) {
      const source: Array<[string, string]> = [
        ['reporter', 'source'],
        ['source_workload', w.name],
        ['source_workload_namespace', w.namespace],
      ];
      if (target.to.length === 0) {
        out.push({
          labels: [...source, ...destinationLabels(undefined, target.service)],
          connectionSecurityPolicy: 'unknown',
          components: own.map(b => ({
            requestsPerSecond: perTarget * b.share,
            errorRate: 1,
            latencyMs: b.latencyMs,
          })),
        });
        continue;
      }
      const ready = target.to.reduce((n, d) => n + d.readyPods, 0);
      for (const d of target.to) {
        const theirs = behaviours(d, faults);
        out.push({
          labels: [...source, ...destinationLabels(d, target.service)],
          connectionSecurityPolicy: 'unknown',
          components: own.flatMap(g =>
            theirs.map(b => ({
              requestsPerSecond:
                perTarget * (d.readyPods / ready) * g.share * b.share,
              errorRate: combinedErrorRate(
                baselineErrorRate,
                g.errorRate,
                b.errorRate,
              ),
              latencyMs: g.latencyMs + b.latencyMs,
            })),
          ),
        });
      }
    }
  }
  return out;
}
