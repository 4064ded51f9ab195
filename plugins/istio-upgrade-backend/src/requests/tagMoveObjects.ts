import { ClusterApi } from '../kubernetes/ClusterApi';
import { KubernetesApiError } from '../kubernetes/KubernetesApiError';
import {
  DEFAULT_VALIDATOR,
  revisionServiceSelector,
  revisionWebhookSelector,
  ServiceObject,
  tagServiceSelector,
  tagWebhookName,
  WebhookConfigurationObject,
} from './planning/tagWebhooks';

/** The webhook configurations a tag move reads and rewrites, as the cluster has them now. */
export interface TagMoveObjects {
  /** `istio-revision-tag-<tag>`; undefined when the tag does not exist. */
  tagWebhook?: WebhookConfigurationObject;
  /** The target revision's own injector configuration, whatever its name. */
  injector?: WebhookConfigurationObject;
  /** The target revision's own validating configuration, when it has one. */
  validator?: WebhookConfigurationObject;
  /** `istiod-default-validator`, read for the `default` tag only. */
  defaultValidator?: WebhookConfigurationObject;
  /** The tag's Service (`istiod-revision-tag-<tag>`), when the tag has one. */
  tagService?: ServiceObject;
  /** The target revision's own istiod Service, when it runs in the cluster. */
  revisionService?: ServiceObject;
}

function absentIfNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.catch(error => {
    if (error instanceof KubernetesApiError && error.status === 404) {
      return undefined;
    }
    throw error;
  });
}

/**
 * Reads the tag's webhook and Service, the target revision's injector, validator and istiod Service
 * (found by their labels, so a revisionless `istio-sidecar-injector` or one in another namespace is
 * found too) and, for the `default` tag, `istiod-default-validator`.
 */
export async function readTagMoveObjects(
  api: ClusterApi,
  tag: string,
  revision: string,
): Promise<TagMoveObjects> {
  const [
    tagWebhook,
    injectors,
    validators,
    defaultValidator,
    tagServices,
    revisionServices,
  ] = await Promise.all([
    absentIfNotFound(api.readMutatingWebhook(tagWebhookName(tag))),
    api.listMutatingWebhooks(revisionWebhookSelector(revision)),
    api.listValidatingWebhooks(revisionWebhookSelector(revision)),
    tag === 'default'
      ? absentIfNotFound(api.readValidatingWebhook(DEFAULT_VALIDATOR))
      : Promise.resolve(undefined),
    api.listServices(tagServiceSelector(tag)),
    api.listServices(revisionServiceSelector(revision)),
  ]);
  const ownInjector = injectors.find(
    w => w.metadata?.name !== tagWebhookName(tag),
  );
  const ownValidator = validators.find(
    w => w.metadata?.name !== DEFAULT_VALIDATOR,
  );
  return {
    tagWebhook: tagWebhook as WebhookConfigurationObject | undefined,
    injector: ownInjector as WebhookConfigurationObject | undefined,
    validator: ownValidator as WebhookConfigurationObject | undefined,
    defaultValidator: defaultValidator as
      | WebhookConfigurationObject
      | undefined,
    tagService: tagServices[0] as ServiceObject | undefined,
    revisionService: revisionServices[0] as ServiceObject | undefined,
  };
}
