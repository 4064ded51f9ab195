import { ISTIO_LABELS } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { Gateway } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { StringMap } from './records';

/**
 * The selector keys whose value a blue/green cutover changes to pick the other colour of a
 * gateway: `version` (the gateway chart's `labels.version`) and, for older installs, the
 * `istio.io/rev` pod label.
 *
 * @public
 */
export const CUTOVER_COLOUR_KEYS: ReadonlyArray<string> = Object.freeze([
  'version',
  ISTIO_LABELS.revision,
]);

/**
 * Whether a LoadBalancer Service's selector selects a gateway's pods once only the values of its
 * colour keys ({@link CUTOVER_COLOUR_KEYS}) change: the gateway carries every key of the selector,
 * every other key with the selector's very value, and the selector has at least one such other key.
 * An egress gateway is never a candidate: it carries traffic out of the mesh, not in.
 *
 * @public
 */
export function isCutoverCandidate(
  selector: StringMap,
  gateway: Pick<Gateway, 'labels' | 'direction'>,
): boolean {
  if (gateway.direction === 'egress') {
    return false;
  }
  let fixedKeys = 0;
  for (const [key, value] of Object.entries(selector)) {
    const label = gateway.labels[key];
    if (label === undefined) {
      return false;
    }
    if (CUTOVER_COLOUR_KEYS.includes(key)) {
      continue;
    }
    if (label !== value) {
      return false;
    }
    fixedKeys++;
  }
  return fixedKeys > 0;
}

/**
 * Why a gateway is not a cutover candidate for a selector, in one line; undefined when it is one.
 *
 * @public
 */
export function whyNotCutoverCandidate(
  selector: StringMap,
  gateway: Pick<Gateway, 'name' | 'labels' | 'direction'>,
): string | undefined {
  if (gateway.direction === 'egress') {
    return `${gateway.name} is an egress gateway: it carries traffic out of the mesh and never takes a LoadBalancer Service's traffic`;
  }
  const missing = Object.keys(selector).filter(
    key => gateway.labels[key] === undefined,
  );
  if (missing.length > 0) {
    return `${gateway.name}'s pods carry no ${missing.join(', ')} label`;
  }
  const differing = Object.keys(selector).filter(
    key =>
      !CUTOVER_COLOUR_KEYS.includes(key) &&
      gateway.labels[key] !== selector[key],
  );
  if (differing.length > 0) {
    return `${gateway.name}'s pods differ from the selector on ${differing
      .map(key => `${key}=${gateway.labels[key]} (not ${selector[key]})`)
      .join(', ')}; only ${CUTOVER_COLOUR_KEYS.join(' or ')} may change`;
  }
  if (!isCutoverCandidate(selector, gateway)) {
    return `the selector has no key but ${CUTOVER_COLOUR_KEYS.join(
      ' or ',
    )}, so it would select every gateway`;
  }
  return undefined;
}
