import { ISTIO_LABELS } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { WebhookRecord, WorkloadRecord } from './records';

const TAG_WEBHOOK_PREFIX = 'istio-revision-tag-';
const INJECTOR_WEBHOOK = 'istio-sidecar-injector';
const ISTIOD = 'istiod';

/**
 * The revision of an istiod Deployment, or undefined when the workload is not one: Deployments
 * `istiod-<rev>` in `istio-system`, or labelled `app=istiod`; the revision comes from their
 * `istio.io/rev` label, else their name, and a plain `istiod` is the revision `default`.
 *
 * @internal
 */
export function controlPlaneRevisionOf(
  workload: WorkloadRecord,
): string | undefined {
  if (workload.kind !== 'Deployment') {
    return undefined;
  }
  const named =
    workload.namespace === 'istio-system' &&
    (workload.name === ISTIOD || workload.name.startsWith(`${ISTIOD}-`));
  if (
    !named &&
    workload.labels.app !== ISTIOD &&
    workload.podLabels.app !== ISTIOD
  ) {
    return undefined;
  }
  return (
    workload.labels[ISTIO_LABELS.revision] ??
    workload.podLabels[ISTIO_LABELS.revision] ??
    (workload.name.startsWith(`${ISTIOD}-`)
      ? workload.name.slice(ISTIOD.length + 1)
      : ISTIO_LABELS.defaultTag)
  );
}

/**
 * The tag a revision-tag webhook (`istio-revision-tag-<tag>`, label `istio.io/tag`) serves, or
 * undefined for other webhooks.
 *
 * @internal
 */
export function revisionTagOf(webhook: WebhookRecord): string | undefined {
  const label = webhook.labels[ISTIO_LABELS.tag];
  if (label) {
    return label;
  }
  return webhook.name.startsWith(TAG_WEBHOOK_PREFIX)
    ? webhook.name.slice(TAG_WEBHOOK_PREFIX.length)
    : undefined;
}

/**
 * The revision whose injector a webhook is (`istio-sidecar-injector[-<rev>]`, or any other
 * non-tag webhook labelled `istio.io/rev`), or undefined.
 *
 * @internal
 */
export function injectorRevisionOf(webhook: WebhookRecord): string | undefined {
  if (revisionTagOf(webhook) !== undefined) {
    return undefined;
  }
  const label = webhook.labels[ISTIO_LABELS.revision];
  if (label) {
    return label;
  }
  if (webhook.name === INJECTOR_WEBHOOK) {
    return ISTIO_LABELS.defaultTag;
  }
  return webhook.name.startsWith(`${INJECTOR_WEBHOOK}-`)
    ? webhook.name.slice(INJECTOR_WEBHOOK.length + 1)
    : undefined;
}

/**
 * Whether a workload is a gateway: a Deployment or DaemonSet whose pods get the `gateway`
 * injection template or carry an `istio` label ending in `gateway` (`ingressgateway`).
 *
 * @internal
 */
export function isGatewayWorkload(workload: WorkloadRecord): boolean {
  if (workload.kind !== 'Deployment' && workload.kind !== 'DaemonSet') {
    return false;
  }
  const templates = workload.podAnnotations[ISTIO_LABELS.injectTemplates];
  if (templates?.split(',').some(t => t.trim() === 'gateway')) {
    return true;
  }
  return workload.podLabels.istio?.endsWith('gateway') ?? false;
}

/**
 * Whether a gateway carries traffic out of the mesh (`egress`: Istio's `istio-egressgateway`, its
 * pods labelled `istio=egressgateway`, or by the gateway chart `istio=egressgateway-<suffix>`) or
 * into it.
 *
 * @internal
 */
export function gatewayDirectionOf(
  workload: WorkloadRecord,
): 'ingress' | 'egress' {
  const { istio, app } = workload.podLabels;
  return istio?.includes('egress') ||
    app?.includes('egressgateway') ||
    workload.name.includes('egressgateway')
    ? 'egress'
    : 'ingress';
}
