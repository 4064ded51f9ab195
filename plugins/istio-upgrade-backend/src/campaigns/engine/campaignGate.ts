import {
  GateResult,
  GateSubjectResult,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A namespace or a gateway Deployment whose traffic a gate judges. */
export type CampaignGateSubject =
  | { kind: 'namespace'; namespace: string }
  | { kind: 'gateway'; namespace: string; name: string };

/** The figures of one window: requests, 5xx share (0 to 1) and p99. */
export interface CampaignGateFigures {
  requests: number;
  errorRatio: number | null;
  p99Ms: number | null;
}

/** The gate's verdict on one subject. */
export interface CampaignGateVerdict {
  subject: CampaignGateSubject;
  before?: CampaignGateFigures | null;
  after?: CampaignGateFigures | null;
  outcome: 'passed' | 'failed' | 'unknown';
  reason: string;
}

/** The thresholds of a gate. */
export interface CampaignGateThresholds {
  windowSeconds: number;
  max5xxIncreasePoints: number;
  maxP99IncreasePercent: number;
}

/** What the engine asks of the health gate (the Prometheus gate in production). */
export interface CampaignGate {
  /** Whether a Prometheus is configured for the cluster; an ungated cluster's waves pass with a note. */
  configuredFor(cluster: string): boolean;
  /** Compares each subject's window ending at `beforeEnd` with the one ending at `afterEnd`. */
  judge(
    cluster: string,
    subjects: CampaignGateSubject[],
    beforeEnd: Date,
    afterEnd: Date,
    thresholds: CampaignGateThresholds,
  ): Promise<CampaignGateVerdict[]>;
}

function figures(
  f: CampaignGateFigures | null | undefined,
): GateSubjectResult['before'] {
  if (!f) return undefined;
  return {
    requests: f.requests,
    ...(f.errorRatio === null ? {} : { errorRatio: f.errorRatio }),
    ...(f.p99Ms === null ? {} : { p99Ms: f.p99Ms }),
  };
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(2)} %`;
}

function ms(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${Math.round(value)} ms`;
}

/** One subject's figures in words: "namespace shop: 5xx 0.10 % → 12.30 %, p99 21 ms → 412 ms". */
export function describeSubject(s: GateSubjectResult): string {
  const name =
    s.kind === 'gateway'
      ? `gateway ${s.namespace}/${s.name}`
      : `namespace ${s.namespace}`;
  return `${name}: 5xx ${percent(s.before?.errorRatio)} → ${percent(
    s.after?.errorRatio,
  )}, p99 ${ms(s.before?.p99Ms)} → ${ms(s.after?.p99Ms)} (${s.reason})`;
}

/** The verdicts of a wave or ring as the API shows them: failed if one failed, unknown if one is unknown. */
export function gateResult(
  verdicts: CampaignGateVerdict[],
  at: Date,
): GateResult {
  const subjects: GateSubjectResult[] = verdicts.map(v => ({
    kind: v.subject.kind,
    namespace: v.subject.namespace,
    ...(v.subject.kind === 'gateway' ? { name: v.subject.name } : {}),
    ...(v.before ? { before: figures(v.before) } : {}),
    ...(v.after ? { after: figures(v.after) } : {}),
    outcome: v.outcome,
    reason: v.reason,
  }));
  const failed = subjects.filter(s => s.outcome === 'failed');
  const unknown = subjects.filter(s => s.outcome === 'unknown');
  if (failed.length > 0) {
    return {
      outcome: 'failed',
      reason: failed.map(describeSubject).join('; '),
      at: at.toISOString(),
      subjects,
    };
  }
  if (unknown.length > 0) {
    return {
      outcome: 'unknown',
      reason: unknown.map(s => s.reason).join('; '),
      at: at.toISOString(),
      subjects,
    };
  }
  return {
    outcome: 'passed',
    reason:
      subjects.length === 0
        ? 'nothing to judge'
        : `${subjects.length} subject(s) within the thresholds`,
    at: at.toISOString(),
    subjects,
  };
}
