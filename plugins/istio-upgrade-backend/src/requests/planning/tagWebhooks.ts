/**
 * Where a revision tag's webhooks send their calls, and how a tag move rewrites them as
 * `istioctl tag set <tag> --revision <rev> --overwrite` does: the tag's MutatingWebhookConfiguration
 * takes the client config of the revision's own injector (a Service, or a URL for a control plane
 * outside the cluster); for the `default` tag the `istiod-default-validator`
 * ValidatingWebhookConfiguration takes the revision's validation endpoint; and the tag's Service
 * (`istiod-revision-tag-<tag>`, which proxies reach the tag's istiod through) selects the revision's
 * istiod. Nothing here assumes an `istiod-<rev>` Service in `istio-system`.
 */

/** A webhook's client config, as Kubernetes serves it. */
export interface WebhookClientConfig {
  url?: string;
  service?: {
    name?: string;
    namespace?: string;
    path?: string;
    port?: number;
  };
  caBundle?: string;
}

/** A Mutating- or ValidatingWebhookConfiguration as read from the cluster (what a tag move rewrites). */
export interface WebhookConfigurationObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  webhooks?: Array<{
    name?: string;
    clientConfig?: WebhookClientConfig;
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
}

const REVISION = 'istio.io/rev';
const TAG = 'istio.io/tag';

export const tagWebhookName = (tag: string) => `istio-revision-tag-${tag}`;
export const DEFAULT_VALIDATOR = 'istiod-default-validator';

/** The label selector of a revision's own webhook configurations (not its tags'). */
export const revisionWebhookSelector = (revision: string) =>
  `${REVISION}=${revision},!${TAG}`;

/**
 * The client config a revision's injector calls: its first `…sidecar-injector.istio.io` webhook's (the
 * one `istioctl tag` copies), or undefined when the configuration has none.
 */
export function injectorClientConfig(
  injector: WebhookConfigurationObject | undefined,
): WebhookClientConfig | undefined {
  const webhook =
    injector?.webhooks?.find(w =>
      w.name?.endsWith('sidecar-injector.istio.io'),
    ) ?? injector?.webhooks?.[0];
  return webhook?.clientConfig && { ...webhook.clientConfig };
}

/**
 * The client config a revision validates with: its own validating webhook's when it has one, else
 * derived from its injector as `istioctl tag` derives it (the injector's URL with the path `/validate`,
 * or its Service with path `/validate`).
 */
export function validationClientConfig(
  validator: WebhookConfigurationObject | undefined,
  injector: WebhookConfigurationObject | undefined,
): WebhookClientConfig | undefined {
  const own = validator?.webhooks?.[0]?.clientConfig;
  if (own?.url || own?.service) return { ...own };
  const inject = injectorClientConfig(injector);
  if (!inject) return undefined;
  if (inject.url) {
    const url = new URL(inject.url);
    url.pathname = '/validate';
    url.search = '';
    return { url: url.toString(), caBundle: inject.caBundle };
  }
  return {
    service: { ...inject.service, path: '/validate' },
    caBundle: inject.caBundle,
  };
}

/**
 * A webhook configuration pointed at a revision: label `istio.io/rev` set, and every webhook's client
 * config replaced by `clientConfig` (so a Service and a URL never mix). The resourceVersion read is
 * kept, so that the replacement fails with 409 if someone changed it since.
 */
export function repointWebhookConfiguration(
  object: WebhookConfigurationObject,
  revision: string,
  clientConfig: WebhookClientConfig,
): WebhookConfigurationObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata?.labels, [REVISION]: revision },
    },
    webhooks: (object.webhooks ?? []).map(w => ({
      ...w,
      clientConfig: {
        ...clientConfig,
        // A caBundle the revision's webhook does not carry yet (istiod patches it) stays as it was.
        ...(!clientConfig.caBundle && w.clientConfig?.caBundle
          ? { caBundle: w.clientConfig.caBundle }
          : {}),
      },
    })),
  };
}

/** Whether a configuration already points at the revision with that client config. */
export function pointsAt(
  object: WebhookConfigurationObject,
  revision: string,
  clientConfig: WebhookClientConfig,
): boolean {
  const repointed = repointWebhookConfiguration(object, revision, clientConfig);
  return (
    object.metadata?.labels?.[REVISION] === revision &&
    JSON.stringify(repointed.webhooks) === JSON.stringify(object.webhooks)
  );
}

/** Where a client config sends its calls, for messages: a URL or `namespace/service`. */
export function describeClientConfig(config: WebhookClientConfig): string {
  if (config.url) return config.url;
  const service = config.service;
  return `service ${service?.namespace ?? ''}/${service?.name ?? '?'}${
    service?.path ?? ''
  }`;
}

/** A configuration as a plan shows it: without server-managed noise. */
export function shownWebhookConfiguration(
  object: WebhookConfigurationObject,
): Record<string, unknown> {
  const { managedFields, uid, creationTimestamp, generation, ...metadata } =
    object.metadata ?? {};
  return { ...object, metadata };
}

/** A Service as read from the cluster (what a tag move rewrites of the tag's Service). */
export interface ServiceObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: { selector?: Record<string, string> };
}

/** The label selector of a tag's Service, `istiod-revision-tag-<tag>`. */
export const tagServiceSelector = (tag: string) => `${TAG}=${tag}`;

/** The label selector of a revision's own istiod Service. */
export const revisionServiceSelector = (revision: string) =>
  `app=istiod,${REVISION}=${revision},!${TAG}`;

/**
 * The JSON merge patch that points a tag's Service at a revision: its `istio.io/rev` label, and the
 * selector of the revision's own istiod Service (or, without one, the selector with `istio.io/rev`
 * set). Conditional on the resourceVersion read; undefined when it already points there.
 */
export function tagServicePatch(
  service: ServiceObject,
  revision: string,
  revisionService?: ServiceObject,
): Record<string, unknown> | undefined {
  const current = service.spec?.selector ?? {};
  const wanted = revisionService?.spec?.selector ?? {
    ...current,
    [REVISION]: revision,
  };
  const selector: Record<string, string | null> = { ...wanted };
  for (const key of Object.keys(current)) {
    if (!(key in wanted)) selector[key] = null;
  }
  const unchanged =
    service.metadata?.labels?.[REVISION] === revision &&
    JSON.stringify(Object.entries(current).sort()) ===
      JSON.stringify(Object.entries(wanted).sort());
  if (unchanged) return undefined;
  return {
    metadata: {
      resourceVersion: service.metadata?.resourceVersion,
      labels: { [REVISION]: revision },
    },
    spec: { selector },
  };
}

/**
 * The merge patch that puts a tag's Service back as it was read, after `forward` (a
 * {@link tagServicePatch}) was applied: its label and its selector, keys the move added removed.
 */
export function restoreTagServicePatch(
  service: ServiceObject,
  forward: Record<string, unknown>,
): Record<string, unknown> {
  const original = service.spec?.selector ?? {};
  const moved = ((forward.spec as { selector?: Record<string, unknown> })
    ?.selector ?? {}) as Record<string, unknown>;
  const selector: Record<string, string | null> = { ...original };
  for (const [key, value] of Object.entries(moved)) {
    if (value !== null && !(key in original)) selector[key] = null;
  }
  return {
    metadata: {
      labels: { [REVISION]: service.metadata?.labels?.[REVISION] ?? null },
    },
    spec: { selector },
  };
}
