import type { KubeWebhookConfigurationObject } from './kubernetesObjects';
import type { WebhookRecord } from './records';

/**
 * Reduces a MutatingWebhookConfiguration to its name, labels, the Services its webhooks call
 * (`namespace/name`, sorted, without repeats) and the URLs they call; undefined without a name.
 *
 * @public
 */
export function projectWebhook(
  object: KubeWebhookConfigurationObject,
): WebhookRecord | undefined {
  const name = object.metadata?.name;
  if (!name) {
    return undefined;
  }
  const services = new Set<string>();
  const urls = new Set<string>();
  for (const webhook of object.webhooks ?? []) {
    const service = webhook.clientConfig?.service;
    if (service?.name) {
      services.add(`${service.namespace ?? ''}/${service.name}`);
    }
    const url = webhook.clientConfig?.url;
    if (url) {
      urls.add(url);
    }
  }
  return {
    name,
    labels: Object.freeze({ ...(object.metadata?.labels ?? {}) }),
    services: [...services].sort(),
    ...(urls.size > 0 && { urls: [...urls].sort() }),
  };
}
