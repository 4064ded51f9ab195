import {
  AdmissionregistrationV1Api,
  ApiException,
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  DiscoveryV1Api,
  PatchStrategy,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  setHeaderOptions,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1MutatingWebhookConfiguration,
  V1Namespace,
  V1ValidatingWebhookConfiguration,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { ClusterConnection } from '../clusters/ClusterDirectory';
import { ClusterHttpClient } from './ClusterHttpClient';
import { KubernetesApiError } from './KubernetesApiError';
import { collectionPath, objectKind, objectPath } from './objectKinds';

/** The workload kinds a migration restarts. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** A workload as read for its rollout. */
export type WorkloadObject = V1Deployment | V1StatefulSet | V1DaemonSet;

function asKubernetesError(error: unknown, what: string): Error {
  if (error instanceof ApiException) {
    let reason: string | undefined;
    let message = String(error.body ?? error.message).slice(0, 500);
    try {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      if (body?.kind === 'Status') {
        reason = body.reason;
        message = body.message ?? message;
      }
    } catch {
      // keep the raw body
    }
    const retryAfter = Number(error.headers?.['retry-after']);
    return new KubernetesApiError(
      `${what}: ${error.code}${reason ? ` ${reason}` : ''}: ${message}`,
      error.code,
      reason,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  if (error instanceof KubernetesApiError) return error;
  return new KubernetesApiError(
    `${what}: ${(error as Error)?.message ?? String(error)}`,
    undefined,
    undefined,
  );
}

/**
 * Typed reads and writes to one cluster through `@kubernetes/client-node`, over the same connection
 * pool, CA, address guard and request budget as the inventory's watches. Errors become
 * {@link KubernetesApiError}s with the server's `Status` reason and never carry the token.
 */
export class ClusterApi {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly admission: AdmissionregistrationV1Api;
  private readonly discovery: DiscoveryV1Api;

  constructor(
    connection: ClusterConnection,
    readonly http: ClusterHttpClient,
    private readonly retry: { attempts: number; baseDelayMs: number } = {
      attempts: 6,
      baseDelayMs: 250,
    },
  ) {
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(
        connection.url.toString().replace(/\/+$/, ''),
        {},
      ),
      authMethods: {
        default: {
          getName: () => 'istio-upgrade-service-account',
          applySecurityAuthentication: (context: RequestContext) => {
            context.setHeaderParam(
              'Authorization',
              `Bearer ${connection.token}`,
            );
            context.setAgent(http.agent);
          },
        },
      },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            await http.limiter.acquire();
            return context;
          },
          post: async (context: ResponseContext) => context,
        },
      ],
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.admission = new AdmissionregistrationV1Api(configuration);
    this.discovery = new DiscoveryV1Api(configuration);
  }

  /**
   * One API call, retried on answers that say "try again" (no answer, 429, 5xx) with jittered backoff
   * that honours `Retry-After`. Every call the engine makes is idempotent (the same patch body, reads),
   * so a retry after a lost answer changes nothing twice.
   */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (caught) {
        const error = asKubernetesError(caught, what);
        if (
          !(error instanceof KubernetesApiError) ||
          !error.retriable ||
          attempt >= this.retry.attempts
        ) {
          throw error;
        }
        const backoff =
          Math.random() * this.retry.baseDelayMs * 2 ** (attempt - 1);
        const retryAfter = Math.min(
          (error.retryAfterSeconds ?? 0) * 1000,
          10_000,
        );
        await new Promise(resolve =>
          setTimeout(resolve, Math.max(backoff, retryAfter)),
        );
      }
    }
  }

  readNamespace(name: string): Promise<V1Namespace> {
    return this.call(`GET namespace ${name}`, () =>
      this.core.readNamespace({ name }),
    );
  }

  /** JSON merge patch of a namespace (labels set to `null` are removed). */
  patchNamespace(name: string, patch: object): Promise<V1Namespace> {
    return this.call(`PATCH namespace ${name}`, () =>
      this.core.patchNamespace(
        { name, body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  readWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
  ): Promise<WorkloadObject> {
    const what = `GET ${kind} ${namespace}/${name}`;
    return this.call(what, async () => {
      if (kind === 'Deployment')
        return this.apps.readNamespacedDeployment({ name, namespace });
      if (kind === 'StatefulSet')
        return this.apps.readNamespacedStatefulSet({ name, namespace });
      return this.apps.readNamespacedDaemonSet({ name, namespace });
    });
  }

  /** Strategic merge patch of a workload, as `kubectl rollout restart` sends it. */
  patchWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    patch: object,
  ): Promise<WorkloadObject> {
    const what = `PATCH ${kind} ${namespace}/${name}`;
    const options = setHeaderOptions(
      'Content-Type',
      PatchStrategy.StrategicMergePatch,
    );
    return this.call(what, async () => {
      if (kind === 'Deployment')
        return this.apps.patchNamespacedDeployment(
          { name, namespace, body: patch },
          options,
        );
      if (kind === 'StatefulSet')
        return this.apps.patchNamespacedStatefulSet(
          { name, namespace, body: patch },
          options,
        );
      return this.apps.patchNamespacedDaemonSet(
        { name, namespace, body: patch },
        options,
      );
    });
  }

  /** The ReplicaSets of a namespace matching a label selector (to read FailedCreate conditions). */
  async listReplicaSets(
    namespace: string,
    labelSelector: string,
  ): Promise<V1ReplicaSet[]> {
    const list = await this.call(`LIST replicasets in ${namespace}`, () =>
      this.apps.listNamespacedReplicaSet({ namespace, labelSelector }),
    );
    return list.items;
  }

  /** The Services of every namespace matching a label selector. */
  async listServices(labelSelector: string): Promise<V1Service[]> {
    const list = await this.call(`LIST services ${labelSelector}`, () =>
      this.core.listServiceForAllNamespaces({ labelSelector }),
    );
    return list.items;
  }

  readService(namespace: string, name: string): Promise<V1Service> {
    return this.call(`GET service ${namespace}/${name}`, () =>
      this.core.readNamespacedService({ name, namespace }),
    );
  }

  /**
   * JSON merge patch of a Service; put `metadata.resourceVersion` in the patch to make it conditional
   * (the server answers 409 Conflict when the Service changed since).
   */
  patchService(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1Service> {
    return this.call(`PATCH service ${namespace}/${name}`, () =>
      this.core.patchNamespacedService(
        { name, namespace, body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  /** The EndpointSlices of a Service. */
  async listEndpointSlices(
    namespace: string,
    service: string,
  ): Promise<V1EndpointSlice[]> {
    const list = await this.call(
      `LIST endpointslices of ${namespace}/${service}`,
      () =>
        this.discovery.listNamespacedEndpointSlice({
          namespace,
          labelSelector: `kubernetes.io/service-name=${service}`,
        }),
    );
    return list.items;
  }

  readMutatingWebhook(name: string): Promise<V1MutatingWebhookConfiguration> {
    return this.call(`GET mutatingwebhookconfiguration ${name}`, () =>
      this.admission.readMutatingWebhookConfiguration({ name }),
    );
  }

  /** The MutatingWebhookConfigurations matching a label selector. */
  async listMutatingWebhooks(
    labelSelector: string,
  ): Promise<V1MutatingWebhookConfiguration[]> {
    const list = await this.call(
      `LIST mutatingwebhookconfigurations ${labelSelector}`,
      () => this.admission.listMutatingWebhookConfiguration({ labelSelector }),
    );
    return list.items;
  }

  readValidatingWebhook(
    name: string,
  ): Promise<V1ValidatingWebhookConfiguration> {
    return this.call(`GET validatingwebhookconfiguration ${name}`, () =>
      this.admission.readValidatingWebhookConfiguration({ name }),
    );
  }

  /** The ValidatingWebhookConfigurations matching a label selector. */
  async listValidatingWebhooks(
    labelSelector: string,
  ): Promise<V1ValidatingWebhookConfiguration[]> {
    const list = await this.call(
      `LIST validatingwebhookconfigurations ${labelSelector}`,
      () =>
        this.admission.listValidatingWebhookConfiguration({ labelSelector }),
    );
    return list.items;
  }

  /** Replaces a validating webhook configuration, conditionally on its `metadata.resourceVersion`. */
  replaceValidatingWebhook(
    body: V1ValidatingWebhookConfiguration,
  ): Promise<V1ValidatingWebhookConfiguration> {
    const name = body.metadata?.name ?? '';
    return this.call(`PUT validatingwebhookconfiguration ${name}`, () =>
      this.admission.replaceValidatingWebhookConfiguration({ name, body }),
    );
  }

  /** Replaces a webhook configuration; its `metadata.resourceVersion` makes the write conditional. */
  replaceMutatingWebhook(
    body: V1MutatingWebhookConfiguration,
  ): Promise<V1MutatingWebhookConfiguration> {
    const name = body.metadata?.name ?? '';
    return this.call(`PUT mutatingwebhookconfiguration ${name}`, () =>
      this.admission.replaceMutatingWebhookConfiguration({ name, body }),
    );
  }

  /**
   * Pod metadata of a namespace (metadata-only, as the inventory reads pods), optionally by label
   * selector.
   */
  async listPodMetadata(
    namespace: string,
    labelSelector?: string,
  ): Promise<
    Array<{
      metadata: {
        name: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        deletionTimestamp?: string;
        ownerReferences?: Array<{ kind: string; name: string }>;
      };
    }>
  > {
    const page = (continueToken?: string) =>
      this.call(`LIST pods in ${namespace}`, () =>
        this.http.request<any>({
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
          accept:
            'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9',
          query: { labelSelector, limit: 500, continue: continueToken },
        }),
      );
    const items = [];
    let next: string | undefined;
    do {
      const current = await page(next);
      items.push(...(current.items ?? []));
      next = current.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  /** The API server's version (`GET /version`): `gitVersion` is e.g. `v1.34.2`. */
  readServerVersion(): Promise<{ gitVersion?: string; minor?: string }> {
    return this.call('GET /version', () =>
      this.http.request<{ gitVersion?: string; minor?: string }>({
        path: '/version',
      }),
    );
  }

  /**
   * The objects of a kind (see `objectKinds.ts`), in one namespace or every one, by label selector.
   * A kind the server does not serve (404) has none.
   */
  async listObjects(
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    const path = collectionPath(objectKind(kind), options.namespace);
    try {
      const list = await this.call(
        `LIST ${kind} ${options.labelSelector ?? ''}`,
        () =>
          this.http.request<{ items?: KubeObject[] }>({
            path,
            query: { labelSelector: options.labelSelector },
          }),
      );
      return (list.items ?? []).map(item => ({
        ...item,
        apiVersion: objectKind(kind).apiVersion,
        kind,
      }));
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) {
        return [];
      }
      throw error;
    }
  }

  /** One object of a kind; undefined when it does not exist. */
  async readObject(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    const path = objectPath(objectKind(kind), namespace, name);
    try {
      return await this.call(`GET ${kind} ${namespace ?? ''}/${name}`, () =>
        this.http.request<KubeObject>({ path }),
      );
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** Creates an object from its manifest (its kind and `metadata.namespace` say where). */
  createObject(object: KubeObject): Promise<KubeObject> {
    const { namespace, name } = object.metadata;
    const path = collectionPath(objectKind(object.kind), namespace);
    return this.call(`POST ${object.kind} ${namespace ?? ''}/${name}`, () =>
      this.http.request<KubeObject>({ method: 'POST', path, body: object }),
    );
  }

  /** A JSON merge patch of an object; put `metadata.resourceVersion` in it to make it conditional. */
  patchObject(
    kind: string,
    namespace: string | undefined,
    name: string,
    patch: object,
  ): Promise<KubeObject> {
    const path = objectPath(objectKind(kind), namespace, name);
    return this.call(`PATCH ${kind} ${namespace ?? ''}/${name}`, () =>
      this.http.request<KubeObject>({
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: patch,
      }),
    );
  }

  /**
   * Deletes an object, with background propagation (the garbage collector then removes what it owns,
   * as `kubectl delete` does) and, when given, a uid precondition (409 when the object was replaced since it was planned). Returns
   * false when it was already gone.
   */
  async deleteObject(
    kind: string,
    namespace: string | undefined,
    name: string,
    uid?: string,
  ): Promise<boolean> {
    const path = objectPath(objectKind(kind), namespace, name);
    try {
      await this.call(`DELETE ${kind} ${namespace ?? ''}/${name}`, () =>
        this.http.request({
          method: 'DELETE',
          path,
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            propagationPolicy: 'Background',
            ...(uid ? { preconditions: { uid } } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) {
        return false;
      }
      throw error;
    }
  }

  /** A Gateway API Gateway (`gateway.networking.k8s.io/v1`; a CRD, read without a typed client). */
  readGateway(namespace: string, name: string): Promise<GatewayObject> {
    return this.call(`GET gateway ${namespace}/${name}`, () =>
      this.http.request<GatewayObject>({
        path: objectPath(objectKind('Gateway'), namespace, name),
      }),
    );
  }

  /** A JSON merge patch of a Gateway API Gateway (CRDs take no strategic merge patch). */
  patchGateway(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<GatewayObject> {
    return this.call(`PATCH gateway ${namespace}/${name}`, () =>
      this.http.request<GatewayObject>({
        method: 'PATCH',
        path: objectPath(objectKind('Gateway'), namespace, name),
        contentType: 'application/merge-patch+json',
        body: patch,
      }),
    );
  }
}

/** Any Kubernetes object, as the generic reads and writes carry it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: any;
}

/** A Gateway API Gateway, with the fields a gateway move reads. */
export interface GatewayObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: { gatewayClassName?: string };
}
