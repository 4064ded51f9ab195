import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from '../store/kubeObject';
import { ObjectStore } from '../store/objectStore';
import { imageTag } from './istioVersions';

const deployments = resourceTypeNamed('deployments');
const pods = resourceTypeNamed('pods');
const webhooks = resourceTypeNamed('mutatingwebhookconfigurations');

/** The namespace Istio's control planes live in. */
export const istioSystem = 'istio-system';

/** istiod's Deployment and Service name for a revision ("istiod" for the `default` revision). */
export function istiodName(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
}

/** The revision an istiod Service name belongs to. */
export function revisionOfIstiodService(
  service: string | undefined,
): string | undefined {
  if (service === 'istiod') return 'default';
  return service?.startsWith('istiod-')
    ? service.slice('istiod-'.length)
    : undefined;
}

/** The injector MutatingWebhookConfiguration of a revision. */
export function injectorWebhookName(revision: string): string {
  return revision === 'default'
    ? 'istio-sidecar-injector'
    : `istio-sidecar-injector-${revision}`;
}

/**
 * Annotation (the simulator's own) on the injector webhook of a control plane outside the cluster:
 * the Istio version that istiod runs, which nothing inside the cluster tells.
 */
export const externalVersionAnnotation = 'mesh-sim.dev/external-istio-version';

/** The MutatingWebhookConfiguration of a revision tag. */
export function tagWebhookName(tag: string): string {
  return `istio-revision-tag-${tag}`;
}

function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

/**
 * Reads the control planes of a cluster from its objects at the moment of the question, as
 * Istio's webhooks and proxies would experience them.
 *
 * @public
 */
export class ControlPlanes {
  constructor(private readonly store: ObjectStore) {}

  /** istiod's Deployment for a revision, if installed. */
  istiod(revision: string): KubeObject | undefined {
    return this.store.get(deployments, istioSystem, istiodName(revision));
  }

  /** The Istio version of a revision: its istiod image tag now. */
  version(revision: string): string | undefined {
    const deployment = this.istiod(revision);
    const containers: any[] =
      deployment?.spec?.template?.spec?.containers ?? [];
    const discovery =
      containers.find(c => c.name === 'discovery') ?? containers[0];
    return imageTag(discovery?.image);
  }

  /** Whether at least one istiod pod of the revision is ready to serve. */
  hasReadyPod(revision: string): boolean {
    const deployment = this.istiod(revision);
    if (!deployment) return false;
    return this.store
      .list(pods, istioSystem)
      .some(
        p =>
          p.metadata.labels?.app === 'istiod' &&
          (p.metadata.labels?.['istio.io/rev'] ?? 'default') === revision &&
          isReady(p),
      );
  }

  /** The tag's webhook configuration, if the tag exists. */
  tag(tag: string): KubeObject | undefined {
    return this.store.get(webhooks, undefined, tagWebhookName(tag));
  }

  /** The revision's injector configuration, if installed. */
  injector(revision: string): KubeObject | undefined {
    return this.store.get(webhooks, undefined, injectorWebhookName(revision));
  }

  /**
   * The version of a revision served from outside the cluster (an external or remote istiod): no
   * istiod Deployment here, and an injector webhook that calls a URL. Undefined otherwise.
   */
  externalVersion(revision: string): string | undefined {
    if (this.istiod(revision)) return undefined;
    const injector = this.injector(revision);
    const hooks: any[] = injector?.webhooks ?? [];
    if (!hooks.some(h => typeof h.clientConfig?.url === 'string')) {
      return undefined;
    }
    return injector?.metadata.annotations?.[externalVersionAnnotation];
  }

  /**
   * The istiod Service a webhook configuration calls for a webhook name: that service's
   * istiod performs the injection, so it decides the revision (as `istioctl tag set` rewires it).
   */
  serviceCalledBy(
    configuration: KubeObject,
    webhook: string,
  ): string | undefined {
    const hooks: any[] = configuration.webhooks ?? [];
    const hook = hooks.find(h => h.name === webhook) ?? hooks[0];
    return hook?.clientConfig?.service?.name;
  }
}
