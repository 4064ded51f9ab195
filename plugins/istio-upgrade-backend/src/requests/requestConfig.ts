import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { RequestType } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * When a request waits for an approver: `always`, `never`, or `non-owners` (unless the requester owns
 * the entity the request is for).
 */
export type ApprovalPolicy = 'always' | 'never' | 'non-owners';

/** How requests are approved, planned and run, from `istioUpgrade.requests`. */
export interface RequestSettings {
  approval: Record<RequestType, ApprovalPolicy>;
  /** Who is told that a request waits for approval (group or user entity refs). */
  approvers: string[];
  /**
   * Service principals (`plugin:<id>` or `external:<subject>`) trusted like users: they may create
   * cutovers and tag moves, and their requests follow the approval policy instead of always waiting.
   */
  trustedServices: string[];
  /** Namespaces no request may touch. */
  protectedNamespaces: string[];
  defaults: {
    waveSize: number;
    pauseBetweenWavesSeconds: number;
    restartScope: 'namespace' | 'entity';
    rollbackOnFailure: boolean;
    watchWindowSeconds: number;
    migrateNamespaces: boolean;
  };
  /** How long to wait for one wave's rollouts before declaring them stalled. */
  rolloutTimeoutMs: number;
  /** How often rollouts and endpoints are polled while waiting. */
  pollIntervalMs: number;
  leaseTtlMs: number;
  /** How often each replica looks for requests nobody runs. */
  sweepInterval: { seconds: number };
  maxConcurrentRequests: number;
  /** At most this many control-plane revisions per cluster; an install beyond it is refused. */
  maxRevisions: number;
  /** How long a control-plane install waits for its revision to be Ready (people run the commands where the product does not install). */
  controlPlaneInstallTimeoutMs: number;
}

const TYPES: RequestType[] = [
  'namespace-migration',
  'gateway-cutover',
  'revision-tag-move',
  'gateway-move',
  'control-plane-install',
  'control-plane-removal',
];

/** Control-plane installs and removals always wait for an approver; configuration cannot lift that. */
const ALWAYS_APPROVED: RequestType[] = [
  'control-plane-install',
  'control-plane-removal',
];

const ALWAYS_PROTECTED = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
];

function readPolicy(
  value: string | undefined,
  fallback: ApprovalPolicy,
): ApprovalPolicy {
  if (value === undefined) return fallback;
  if (value === 'always' || value === 'never' || value === 'non-owners')
    return value;
  throw new Error(
    `istioUpgrade.requests.approval: "${value}" is not one of always, never, non-owners`,
  );
}

function millis(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  return config?.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
}

function readMaxRevisions(value: number | undefined): number {
  if (value === undefined) return 3;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `istioUpgrade.requests.maxRevisions: ${value} is not a whole number of at least 1`,
    );
  }
  return value;
}

export function readRequestSettings(config: Config): RequestSettings {
  const c = config.getOptionalConfig('istioUpgrade.requests');
  const approval = c?.getOptionalConfig('approval');
  const defaults = c?.getOptionalConfig('defaults');
  // A gateway move is approved as a cutover is, unless configured on its own.
  function policy(type: RequestType): ApprovalPolicy {
    let fallback: ApprovalPolicy = 'always';
    if (type === 'namespace-migration') fallback = 'non-owners';
    if (type === 'gateway-move') fallback = policy('gateway-cutover');
    const read = readPolicy(approval?.getOptionalString(type), fallback);
    if (ALWAYS_APPROVED.includes(type) && read !== 'always') {
      throw new Error(
        `istioUpgrade.requests.approval.${type}: a ${type} always waits for an approver; "${read}" is not allowed`,
      );
    }
    return read;
  }
  return {
    approval: Object.fromEntries(
      TYPES.map(type => [type, policy(type)]),
    ) as Record<RequestType, ApprovalPolicy>,
    approvers: c?.getOptionalStringArray('approvers') ?? [],
    trustedServices: c?.getOptionalStringArray('trustedServices') ?? [],
    protectedNamespaces: [
      ...new Set([
        ...ALWAYS_PROTECTED,
        ...(c?.getOptionalStringArray('protectedNamespaces') ?? []),
      ]),
    ],
    defaults: {
      waveSize: defaults?.getOptionalNumber('waveSize') ?? 2,
      pauseBetweenWavesSeconds:
        defaults?.getOptionalNumber('pauseBetweenWavesSeconds') ?? 5,
      restartScope:
        defaults?.getOptionalString('restartScope') === 'entity'
          ? 'entity'
          : 'namespace',
      rollbackOnFailure:
        defaults?.getOptionalBoolean('rollbackOnFailure') ?? true,
      watchWindowSeconds:
        defaults?.getOptionalNumber('watchWindowSeconds') ?? 30,
      migrateNamespaces:
        defaults?.getOptionalBoolean('migrateNamespaces') ?? false,
    },
    rolloutTimeoutMs: millis(c, 'rolloutTimeout', 10 * 60_000),
    pollIntervalMs: c?.getOptionalNumber('pollIntervalMs') ?? 1000,
    leaseTtlMs: millis(c, 'leaseTtl', 30_000),
    sweepInterval: {
      seconds: Math.max(
        1,
        Math.round(millis(c, 'sweepInterval', 10_000) / 1000),
      ),
    },
    maxConcurrentRequests: c?.getOptionalNumber('maxConcurrentRequests') ?? 10,
    maxRevisions: readMaxRevisions(c?.getOptionalNumber('maxRevisions')),
    controlPlaneInstallTimeoutMs: millis(
      c,
      'controlPlaneInstallTimeout',
      24 * 60 * 60_000,
    ),
  };
}
