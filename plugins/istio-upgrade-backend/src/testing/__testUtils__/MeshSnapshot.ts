import type { Cluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { ControlPlaneRollout } from '../../inventory/engine/inventoryInput';
import type {
  ClusterSnapshot,
  PodRecord,
  NamespaceRecord,
  ServiceRecord,
  WebhookRecord,
  WorkloadRecord,
} from '../../inventory/engine/records';

/** A cluster as the backend reports it, for tests. */
export function testCluster(name = 'c1'): Cluster {
  return {
    name,
    entityRef: `resource:default/${name}`,
    status: 'ready',
    sync: { state: 'synced', complete: true },
  };
}

interface DeploymentOptions {
  kind?: WorkloadRecord['kind'];
  labels?: Record<string, string>;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  images?: Record<string, string>;
  replicas?: number;
  readyReplicas?: number;
  paused?: boolean;
  onDelete?: boolean;
}

interface PodOptions {
  revision?: string;
  labels?: Record<string, string>;
  createdAt?: number;
  gateway?: boolean;
  /** The owning workload's kind; Deployment by default. */
  kind?: WorkloadRecord['kind'];
}

/** Builds the records of a cluster snapshot, Istio objects named as Istio names them. */
export class MeshSnapshot {
  readonly namespaces: NamespaceRecord[] = [];
  readonly podRecords: PodRecord[] = [];
  readonly workloads: WorkloadRecord[] = [];
  readonly services: ServiceRecord[] = [];
  readonly webhooks: WebhookRecord[] = [];
  readonly controlPlaneRollouts: ControlPlaneRollout[] = [];

  namespace(name: string, labels: Record<string, string> = {}): this {
    this.namespaces.push({ name, labels });
    return this;
  }

  /** An istiod Deployment `istiod-<rev>` and, unless told otherwise, its injector webhook. */
  controlPlane(
    revision: string,
    version: string | undefined,
    options: {
      readyReplicas?: number;
      replicas?: number;
      injector?: boolean;
      image?: string;
    } = {},
  ): this {
    const image =
      options.image ??
      (version ? `docker.io/istio/pilot:${version}` : undefined);
    this.deployment(
      'istio-system',
      revision === 'default' ? 'istiod' : `istiod-${revision}`,
      {
        labels: { app: 'istiod', 'istio.io/rev': revision },
        podLabels: { app: 'istiod', 'istio.io/rev': revision },
        images: image ? { discovery: image } : {},
        replicas: options.replicas ?? 1,
        readyReplicas: options.readyReplicas ?? options.replicas ?? 1,
      },
    );
    if (options.injector !== false) {
      this.webhooks.push({
        name:
          revision === 'default'
            ? 'istio-sidecar-injector'
            : `istio-sidecar-injector-${revision}`,
        labels: { app: 'sidecar-injector', 'istio.io/rev': revision },
        services: [`istio-system/istiod-${revision}`],
      });
    }
    return this;
  }

  tag(tag: string, revision: string | undefined): this {
    this.webhooks.push({
      name: `istio-revision-tag-${tag}`,
      labels: {
        'istio.io/tag': tag,
        ...(revision !== undefined && { 'istio.io/rev': revision }),
      },
      services: revision ? [`istio-system/istiod-${revision}`] : [],
    });
    return this;
  }

  rollout(revision: string, version: string | undefined, since: number): this {
    this.controlPlaneRollouts.push({ revision, version, since });
    return this;
  }

  deployment(
    namespace: string,
    name: string,
    options: DeploymentOptions = {},
  ): this {
    const replicas = options.replicas ?? 1;
    this.workloads.push({
      kind: options.kind ?? 'Deployment',
      namespace,
      name,
      labels: options.labels ?? { app: name },
      podLabels: options.podLabels ?? { app: name },
      podAnnotations: options.podAnnotations ?? {},
      images: options.images ?? { [name]: `example/${name}:1` },
      replicas,
      readyReplicas: options.readyReplicas ?? replicas,
      updatedReplicas: replicas,
      availableReplicas: options.readyReplicas ?? replicas,
      paused: options.paused ?? false,
      onDelete: options.onDelete ?? false,
      generation: 1,
      observedGeneration: 1,
    });
    return this;
  }

  /** A gateway Deployment injected with the gateway template, pinned to a revision. */
  gateway(
    namespace: string,
    name: string,
    revision: string,
    options: {
      readyReplicas?: number;
      replicas?: number;
      labels?: Record<string, string>;
    } = {},
  ): this {
    const podLabels = {
      app: 'istio-ingressgateway',
      istio: 'ingressgateway',
      version: revision,
      'istio.io/rev': revision,
      ...options.labels,
    };
    this.deployment(namespace, name, {
      labels: { app: 'istio-ingressgateway' },
      podLabels,
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
      replicas: options.replicas ?? 1,
      readyReplicas: options.readyReplicas,
    });
    return this.pods(
      namespace,
      name,
      options.readyReplicas ?? options.replicas ?? 1,
      {
        revision,
        labels: podLabels,
        gateway: true,
      },
    );
  }

  /** A Service of any type (ClusterIP, NodePort, LoadBalancer) selecting pods. */
  service(
    namespace: string,
    name: string,
    type: string,
    selector: Record<string, string>,
    ports: number[] = [80, 443],
  ): this {
    this.services.push({
      namespace,
      name,
      type,
      selector,
      ports: ports.map(port => ({ name: `p${port}`, port, protocol: 'TCP' })),
      resourceVersion: '7',
    });
    return this;
  }

  /**
   * The injector webhook of a control plane outside the cluster (an external or remote istiod):
   * its clientConfig is a URL, and no istiod runs here.
   */
  externalInjector(revision: string, url: string): this {
    this.webhooks.push({
      name:
        revision === 'default'
          ? 'istio-sidecar-injector'
          : `istio-sidecar-injector-${revision}`,
      labels: { app: 'sidecar-injector', 'istio.io/rev': revision },
      services: [],
      urls: [url],
    });
    return this;
  }

  loadBalancer(
    namespace: string,
    name: string,
    selector: Record<string, string>,
    ports: number[] = [80, 443],
  ): this {
    this.services.push({
      namespace,
      name,
      type: 'LoadBalancer',
      selector,
      ports: ports.map(port => ({ name: `p${port}`, port, protocol: 'TCP' })),
      resourceVersion: '42',
      externalAddress: '203.0.113.10',
    });
    return this;
  }

  /** `count` pods of a workload (a Deployment unless told), each with the given sidecar revision (none when absent). */
  pods(
    namespace: string,
    workload: string,
    count: number,
    options: PodOptions = {},
  ): this {
    const labels = options.labels ?? { app: workload };
    for (let i = 0; i < count; i++) {
      this.podRecords.push({
        namespace,
        name: `${workload}-${this.podRecords.length}`,
        labels,
        ...(options.revision !== undefined && { revision: options.revision }),
        workload: `${options.kind ?? 'Deployment'}/${workload}`,
        ...(options.gateway && { gateway: true }),
        ...(options.createdAt !== undefined && {
          createdAt: options.createdAt,
        }),
      });
    }
    return this;
  }

  snapshot(): ClusterSnapshot & {
    controlPlaneRollouts: ControlPlaneRollout[];
  } {
    return {
      namespaces: this.namespaces,
      pods: this.podRecords,
      workloads: this.workloads,
      services: this.services,
      webhooks: this.webhooks,
      controlPlaneRollouts: this.controlPlaneRollouts,
    };
  }
}
