import type { KubeWebhookConfigurationObject } from './kubernetesObjects';
import type { WebhookRecord } from './records';

/**
 * Reduces a MutatingWebhookConfiguration to its name, labels and the Services its webhooks call
 * (`namespace/name`, sorted, without repeats); undefined without a name.
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
  for (const webhook of object.webhooks ?? []) {
    const service = webhook.clientConfig?.service;
    if (service?.name) {
      services.add(`${service.namespace ?? ''}/${service.name}`);
    }
  }
  return {
    name,
    labels: Object.freeze({ ...(object.metadata?.labels ?? {}) }),
    services: [...services].sort(),
  };
}
