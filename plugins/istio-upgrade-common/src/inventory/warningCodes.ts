import type { Warning } from '../schema';
import { compareText } from './compareText';

/**
 * The stable codes of the inventory's warnings.
 *
 * @public
 */
export const INVENTORY_WARNING_CODES = Object.freeze({
  endOfLife: 'end-of-life',
  endOfLifeSoon: 'end-of-life-soon',
  unsupportedSkew: 'unsupported-skew',
  proxyDetached: 'proxy-detached',
  controlPlaneExternal: 'control-plane-external',
  drift: 'drift',
  conflictingInjectionLabels: 'conflicting-injection-labels',
  tagMissingRevision: 'tag-missing-revision',
  namespaceRevisionMissing: 'namespace-revision-missing',
  gatewayServiceNoReadyPod: 'gateway-service-no-ready-pod',
  controlPlaneNotReady: 'control-plane-not-ready',
  injectorMissing: 'injector-missing',
  revisionRemovable: 'revision-removable',
  ambientNamespace: 'ambient-namespace',
  uninjectedPods: 'uninjected-pods',
} as const);

/**
 * A code of {@link INVENTORY_WARNING_CODES}.
 *
 * @public
 */
export type InventoryWarningCode =
  (typeof INVENTORY_WARNING_CODES)[keyof typeof INVENTORY_WARNING_CODES];

const SEVERITY_RANK: Record<Warning['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/**
 * Orders warnings most severe first, then by cluster, code and subject, so that lists are
 * stable from one computation to the next.
 *
 * @public
 */
export function compareWarnings(a: Warning, b: Warning): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.cluster ?? '', b.cluster ?? '') ||
    compareText(a.code, b.code) ||
    compareText(a.subject.namespace ?? '', b.subject.namespace ?? '') ||
    compareText(a.subject.name, b.subject.name) ||
    compareText(a.message, b.message)
  );
}
