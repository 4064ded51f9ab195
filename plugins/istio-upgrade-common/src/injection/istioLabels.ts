/**
 * The labels and annotations through which Istio decides injection and names revisions.
 *
 * @public
 */
export const ISTIO_LABELS = Object.freeze({
  /** Namespace label of legacy injection: `enabled` or `disabled`. */
  injection: 'istio-injection',
  /** Revision (or tag) label on namespaces, pods, control planes and webhooks. */
  revision: 'istio.io/rev',
  /** Label of a revision tag's webhook naming the tag. */
  tag: 'istio.io/tag',
  /** Pod label opting a pod in (`true`) or out (`false`) of injection. */
  sidecarInject: 'sidecar.istio.io/inject',
  /** Namespace label of ambient mode (`ambient`). */
  dataplaneMode: 'istio.io/dataplane-mode',
  /** Pod annotation written by the injector, JSON with the injecting `revision`. */
  sidecarStatus: 'sidecar.istio.io/status',
  /** Pod annotation naming the injection templates (`gateway` for gateways). */
  injectTemplates: 'inject.istio.io/templates',
  /** The tag that serves `istio-injection=enabled`, and the name of the revisionless install. */
  defaultTag: 'default',
} as const);
