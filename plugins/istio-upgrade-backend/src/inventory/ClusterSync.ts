import { LoggerService } from '@backstage/backend-plugin-api';
import { SyncState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  LabelInterner,
  NamespaceRecord,
  PodGroups,
  PodRecord,
  GatewayApiGatewayRecord,
  projectControlPlaneRollout,
  projectGatewayApiGateway,
  projectNamespace,
  projectPodMetadata,
  projectService,
  projectWebhook,
  projectWorkload,
  ServiceRecord,
  WebhookRecord,
  WorkloadRecord,
} from './engine';
import { ClusterConnection } from '../clusters/ClusterDirectory';
import {
  ACCEPT_METADATA,
  ACCEPT_METADATA_LIST,
  ClusterHttpClient,
} from '../kubernetes/ClusterHttpClient';
import { RateLimiter } from '../kubernetes/RateLimiter';
import { ResourceWatcher, WatcherOptions } from '../kubernetes/ResourceWatcher';
import { InventorySettings } from './inventoryConfig';

type ControlPlaneRollout = NonNullable<
  ReturnType<typeof projectControlPlaneRollout>
>;

/**
 * Keeps one cluster's records fresh: a list-then-watch per resource kind (pods metadata-only), each
 * object projected into a small record as it arrives. Says how fresh it is.
 */
export class ClusterSync {
  readonly client: ClusterHttpClient;
  private readonly interner = new LabelInterner();
  private readonly namespaces: ResourceWatcher<NamespaceRecord>;
  private readonly pods: ResourceWatcher<PodRecord, PodGroups>;
  private readonly workloads: ResourceWatcher<WorkloadRecord>[];
  private readonly services: ResourceWatcher<ServiceRecord>;
  private readonly webhooks: ResourceWatcher<WebhookRecord>;
  private readonly rollouts: ResourceWatcher<ControlPlaneRollout>;
  private readonly gatewayApiGateways: ResourceWatcher<GatewayApiGatewayRecord>;
  private readonly all: ResourceWatcher<unknown>[];
  private startedAt?: number;
  /** Increases on every change of any record: the inventory cache's key. */
  version = 0;

  constructor(
    readonly connection: ClusterConnection,
    options: {
      logger: LoggerService;
      settings: InventorySettings;
      allowPrivateAddress: boolean;
      onChange: () => void;
      timing?: Partial<WatcherOptions>;
    },
  ) {
    const { settings } = options;
    this.client = new ClusterHttpClient(
      connection,
      new RateLimiter(settings.maxRequestsPerSecond, settings.burst),
      { allowPrivateAddress: options.allowPrivateAddress },
    );
    const watcherOptions = (name: string) => ({
      logger: options.logger.child({
        cluster: connection.name,
        resource: name,
      }),
      onChange: () => {
        this.version += 1;
        options.onChange();
      },
      timing: {
        watchTimeoutSeconds: settings.watchTimeoutSeconds,
        pageSize: settings.pageSize,
        ...options.timing,
      },
    });
    const watcher = <R>(
      kind: ConstructorParameters<typeof ResourceWatcher<R>>[1],
    ) => new ResourceWatcher<R>(this.client, kind, watcherOptions(kind.name));

    this.namespaces = watcher({
      name: 'namespaces',
      path: '/api/v1/namespaces',
      project: projectNamespace,
    });
    // Pods are also kept in groups as they come and go: the inventory counts groups, not pods.
    this.pods = new ResourceWatcher(
      this.client,
      {
        name: 'pods',
        path: '/api/v1/pods',
        listAccept: ACCEPT_METADATA_LIST,
        watchAccept: ACCEPT_METADATA,
        project: meta => projectPodMetadata(meta, this.interner),
        index: () => new PodGroups(),
      },
      watcherOptions('pods'),
    );
    this.workloads = (
      [
        ['Deployment', '/apis/apps/v1/deployments'],
        ['StatefulSet', '/apis/apps/v1/statefulsets'],
        ['DaemonSet', '/apis/apps/v1/daemonsets'],
      ] as const
    ).map(([kind, path]) =>
      watcher<WorkloadRecord>({
        name: path.split('/').pop()!,
        path,
        project: object => projectWorkload(kind, object),
      }),
    );
    this.services = watcher({
      name: 'services',
      path: '/api/v1/services',
      project: object => {
        const record = projectService(object);
        // Services that select pods: LoadBalancers in front of gateways, and the Services that tell
        // how every other gateway is exposed (NodePort, ClusterIP). Selectorless ones are not kept.
        return record && Object.keys(record.selector).length > 0
          ? record
          : undefined;
      },
    });
    this.webhooks = watcher({
      name: 'mutatingwebhookconfigurations',
      path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      project: projectWebhook,
    });
    this.rollouts = watcher({
      name: 'istiod-replicasets',
      path: '/apis/apps/v1/namespaces/istio-system/replicasets',
      labelSelector: 'app=istiod',
      project: projectControlPlaneRollout,
    });
    // Clusters without the Gateway API's CRDs answer 404: they have no such gateways.
    this.gatewayApiGateways = watcher({
      name: 'gateways',
      path: '/apis/gateway.networking.k8s.io/v1/gateways',
      optional: true,
      project: projectGatewayApiGateway,
    });
    this.all = [
      this.namespaces,
      this.pods,
      ...this.workloads,
      this.services,
      this.webhooks,
      this.rollouts,
      this.gatewayApiGateways,
    ] as ResourceWatcher<unknown>[];
  }

  start(): void {
    this.startedAt = Date.now();
    for (const w of this.all) w.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map(w => w.stop()));
    this.client.close();
  }

  /** The records as they are now; the iterables are live views, to be consumed at once. */
  snapshot() {
    return {
      namespaces: this.namespaces.items.values(),
      pods: this.pods.items.values(),
      podGroups: this.pods.items.index!.values(),
      workloads: this.workloads.flatMap(w => [...w.items.values()]),
      services: this.services.items.values(),
      webhooks: this.webhooks.items.values(),
      controlPlaneRollouts: this.rollouts.items.values(),
      gatewayApiGateways: this.gatewayApiGateways.items.values(),
    };
  }

  /** Number of pod records held (for benchmarks). */
  get podCount(): number {
    return this.pods.items.size;
  }

  /** How fresh the records are, by the least fresh resource kind. */
  syncState(now: number, staleAfterMs: number): SyncState {
    const complete = this.all.every(w => w.state.listed);
    const errors = this.all.filter(w => w.state.error).map(w => w.state.error!);
    const upToDate = this.all.map(w =>
      w.state.connected ? now : w.state.upToDateAt,
    );
    const lastSynced = complete
      ? Math.min(...upToDate.map(t => t ?? 0))
      : undefined;
    const stalenessMs = lastSynced !== undefined ? now - lastSynced : undefined;
    let state: SyncState['state'];
    if (!this.startedAt) state = 'pending';
    else if (!complete) state = errors.length ? 'error' : 'syncing';
    else if (stalenessMs! > staleAfterMs)
      state = errors.length ? 'error' : 'stale';
    else state = 'synced';
    return {
      state,
      complete,
      ...(lastSynced
        ? {
            lastSyncedAt: new Date(lastSynced).toISOString(),
            stalenessSeconds: Math.round(stalenessMs! / 100) / 10,
          }
        : {}),
      ...(errors.length ? { error: errors[0] } : {}),
    };
  }
}
