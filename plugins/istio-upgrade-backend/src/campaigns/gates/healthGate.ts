import { Config } from '@backstage/config';
import { InputError, NotFoundError, isError } from '@backstage/errors';
import { PrometheusClient } from './PrometheusClient';
import {
  GateFigures,
  GateThresholds,
  evaluateGate,
  resolveGateThresholds,
} from './evaluateGate';
import {
  PrometheusSettings,
  prometheusTargetFor,
  readPrometheusSettings,
} from './prometheusConfig';

/**
 * What a gate judges: a namespace's workloads as servers (Istio's `reporter="destination"` series), or
 * a gateway as a client of the mesh (`reporter="source"` series of its workload).
 */
export type GateSubject =
  | { kind: 'namespace'; namespace: string }
  | { kind: 'gateway'; namespace: string; name: string };

/** The gate's answer for one subject: both windows' figures, the outcome and why. */
export interface GateVerdict {
  subject: GateSubject;
  /** Figures of the window before the wave; absent when they could not be measured. */
  before?: GateFigures;
  /** Figures of the window after the wave; absent when they could not be measured. */
  after?: GateFigures;
  /**
   * `unknown` when Prometheus did not answer (the campaign pauses on it); `passed` also for a cluster
   * without a configured Prometheus, which is not gated.
   */
  outcome: 'passed' | 'failed' | 'unknown';
  reason: string;
}

/** Describes a subject in words for reasons and logs. */
export function describeGateSubject(subject: GateSubject): string {
  return subject.kind === 'namespace'
    ? `namespace ${subject.namespace}`
    : `gateway ${subject.namespace}/${subject.name}`;
}

function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

/** The label matchers that select a subject's Istio series (and its cluster's, when labelled). */
function subjectMatchers(
  subject: GateSubject,
  cluster: { name: string; value: string } | undefined,
): string[] {
  const matchers =
    subject.kind === 'namespace'
      ? [
          'reporter="destination"',
          `destination_workload_namespace=${quoteLabelValue(
            subject.namespace,
          )}`,
        ]
      : [
          'reporter="source"',
          `source_workload=${quoteLabelValue(subject.name)}`,
          `source_workload_namespace=${quoteLabelValue(subject.namespace)}`,
        ];
  if (cluster) {
    matchers.push(`${cluster.name}=${quoteLabelValue(cluster.value)}`);
  }
  return matchers;
}

/** The three PromQL queries of a subject's figures over a window of `windowSeconds` seconds. */
export function gateQueries(
  subject: GateSubject,
  windowSeconds: number,
  cluster?: { name: string; value: string },
): { requests: string; errors: string; p99: string } {
  const selector = subjectMatchers(subject, cluster).join(',');
  const range = `[${Math.round(windowSeconds)}s]`;
  return {
    requests: `sum(increase(istio_requests_total{${selector}}${range}))`,
    errors: `sum(increase(istio_requests_total{${selector},response_code=~"5.."}${range}))`,
    p99: `histogram_quantile(0.99, sum by (le) (increase(istio_request_duration_milliseconds_bucket{${selector}}${range})))`,
  };
}

function firstValue(samples: Array<{ value: number }>): number {
  const value = samples[0]?.value;
  return value !== undefined && Number.isFinite(value) ? value : 0;
}

/**
 * The health gate of campaign waves: measures Istio's standard metrics of namespaces and gateways in
 * each cluster's Prometheus (`istioUpgrade.campaigns.prometheus`) before and after a wave, and judges
 * them with {@link evaluateGate}.
 */
export class HealthGate {
  private readonly settings: PrometheusSettings;

  /** Reads each cluster's Prometheus from config; throws an `InputError` on a bad entry. */
  static fromConfig(config: Config): HealthGate {
    return new HealthGate({ settings: readPrometheusSettings(config) });
  }

  constructor(options: { settings: PrometheusSettings }) {
    this.settings = options.settings;
  }

  /** Whether a Prometheus serves this cluster (its own entry or `'*'`); if not, its waves are not gated. */
  configuredFor(cluster: string): boolean {
    return prometheusTargetFor(this.settings, cluster) !== undefined;
  }

  private client(cluster: string): PrometheusClient {
    const target = prometheusTargetFor(this.settings, cluster);
    if (!target) {
      throw new NotFoundError(`no Prometheus configured for ${cluster}`);
    }
    return new PrometheusClient({ cluster, target });
  }

  /**
   * A subject's figures over the `windowSeconds` seconds ending at `end`. Throws a
   * `ServiceUnavailableError` when Prometheus does not answer, a `NotFoundError` for a cluster
   * without Prometheus.
   */
  async measure(
    cluster: string,
    subject: GateSubject,
    end: Date,
    windowSeconds: number,
  ): Promise<GateFigures> {
    if (!Number.isFinite(windowSeconds) || windowSeconds < 1) {
      throw new InputError('a gate window is at least 1 second long');
    }
    const client = this.client(cluster);
    const queries = gateQueries(subject, windowSeconds, client.clusterMatcher);
    const [requests, errors, p99] = await Promise.all([
      client.query(queries.requests, end),
      client.query(queries.errors, end),
      client.query(queries.p99, end),
    ]);
    const total = Math.round(firstValue(requests));
    if (total === 0) {
      return { requests: 0, errorRatio: null, p99Ms: null };
    }
    const ratio = firstValue(errors) / firstValue(requests);
    const p99Ms = p99[0]?.value;
    return {
      requests: total,
      errorRatio: Math.min(1, Math.max(0, ratio)),
      p99Ms: p99Ms !== undefined && Number.isFinite(p99Ms) ? p99Ms : null,
    };
  }

  /**
   * Judges each subject of a wave: the window ending at `beforeEnd` (when the wave started) against
   * the window ending at `afterEnd`. A cluster without Prometheus passes, not gated; a Prometheus that
   * does not answer gives `unknown` with the reason. Subjects are measured one after another, each
   * with its six queries at once, to keep the load on Prometheus small.
   */
  async judge(
    cluster: string,
    subjects: GateSubject[],
    beforeEnd: Date,
    afterEnd: Date,
    thresholds?: GateThresholds,
  ): Promise<GateVerdict[]> {
    const limits = resolveGateThresholds(thresholds);
    const gap = (afterEnd.getTime() - beforeEnd.getTime()) / 1000;
    if (!(gap >= 1)) {
      throw new InputError(
        'the after window must end at least 1 second after the before window',
      );
    }
    if (!this.configuredFor(cluster)) {
      return subjects.map(subject => ({
        subject,
        outcome: 'passed',
        reason: `no Prometheus configured for ${cluster}: not gated`,
      }));
    }
    const afterWindow = Math.min(limits.windowSeconds, Math.floor(gap));
    const verdicts: GateVerdict[] = [];
    for (const subject of subjects) {
      const [before, after] = await Promise.allSettled([
        this.measure(cluster, subject, beforeEnd, limits.windowSeconds),
        this.measure(cluster, subject, afterEnd, afterWindow),
      ]);
      if (before.status === 'rejected' || after.status === 'rejected') {
        const failure =
          before.status === 'rejected'
            ? before.reason
            : (after as PromiseRejectedResult).reason;
        verdicts.push({
          subject,
          ...(before.status === 'fulfilled' ? { before: before.value } : {}),
          ...(after.status === 'fulfilled' ? { after: after.value } : {}),
          outcome: 'unknown',
          reason: isError(failure) ? failure.message : String(failure),
        });
        continue;
      }
      verdicts.push({
        subject,
        before: before.value,
        after: after.value,
        ...evaluateGate(before.value, after.value, limits),
      });
    }
    return verdicts;
  }
}
