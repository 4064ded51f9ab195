import { createHash } from 'node:crypto';
import { defaultPodSpec } from '../api/defaults';
import { fieldsV1, managedFieldsEntry } from '../api/managedFields';
import { resourceTypeNamed } from '../api/resourceTypes';
import { ApiError } from '../api/statusErrors';
import { mountServiceAccountToken } from '../istio/serviceAccountToken';
import { injectSidecar, resolveInjection } from '../istio/sidecarInjector';
import {
  deployMetaOf,
  nodesSupportNativeSidecars,
} from '../istio/sidecarTemplates';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { markShared } from '../store/sharedJson';
import { ClusterContext, timestamp } from './clusterContext';
import { renderPodStatus } from './podStatus';

const namespaces = resourceTypeNamed('namespaces');
const pods = resourceTypeNamed('pods');
const nodes = resourceTypeNamed('nodes');

/** What Istio's injector finds of the Nodes' native sidecar support for a pod (on `nodeName`, if set). */
function nativeSidecarSupport(ctx: ClusterContext, nodeName?: string): boolean {
  return nodesSupportNativeSidecars(ctx.store.list(nodes), nodeName);
}

interface PreparedPod {
  metadata: JsonObject;
  spec: JsonObject;
  managedFields: JsonObject[];
}

/**
 * Admission for a pod created through the API: service-account token, then Istio's injection
 * webhook. Throws the webhook's error when injection cannot be done.
 */
export function admitPod(ctx: ClusterContext, pod: KubeObject): KubeObject {
  const ns = ctx.store.get(namespaces, undefined, pod.metadata.namespace!);
  const outcome = resolveInjection(
    ctx.controlPlanes,
    pod.metadata.labels,
    ns?.metadata.labels,
  );
  const seed = pod.metadata.name ?? pod.metadata.generateName ?? 'pod';
  const spec = mountServiceAccountToken(pod.spec, seed);
  if (!outcome.inject) {
    return { ...pod, spec };
  }
  const injected = injectSidecar(
    { metadata: pod.metadata, spec },
    outcome.revision,
    outcome.version,
    deployMetaOf(pod.metadata),
    outcome.proxyFailure,
    nativeSidecarSupport(ctx, pod.spec?.nodeName),
  );
  return {
    ...pod,
    metadata: injected.metadata as unknown as KubeObject['metadata'],
    // The webhook changed the pod: the API server reinvokes the ServiceAccount plugin.
    spec: mountServiceAccountToken(injected.spec, seed),
  };
}

/**
 * Creates the pods of workload controllers. Pods of one owner and template share their
 * labels, annotations, spec subtrees and managedFields (stored objects are immutable), which
 * keeps 100,000 pods in a few hundred megabytes.
 *
 * @public
 */
export class PodFactory {
  /**
   * Prepared pod parts per template object: stored objects are immutable, so a template keeps
   * its identity while its owner only scales, and the cache entry goes when the template does.
   */
  private readonly prepared = new WeakMap<object, Map<string, PreparedPod>>();

  constructor(private readonly ctx: ClusterContext) {}

  /**
   * Creates one pod of `owner` from `template`. `name` is fixed (StatefulSet) or generated
   * from `generateName`; `extraLabels` are per-controller labels such as revision hashes.
   * Throws an ApiError when admission (the injection webhook) fails.
   */
  create(
    owner: KubeObject,
    template: JsonObject,
    naming: { name?: string; generateName?: string },
    extraLabels: Record<string, string>,
    nodeName?: string,
  ): KubeObject {
    const { ctx } = this;
    const namespace = owner.metadata.namespace!;
    const ns = ctx.store.get(namespaces, undefined, namespace);
    if (!ns) {
      throw new ApiError(
        404,
        'NotFound',
        `namespaces "${namespace}" not found`,
      );
    }
    const labels = { ...(template.metadata?.labels ?? {}), ...extraLabels };
    const outcome = resolveInjection(
      ctx.controlPlanes,
      labels,
      ns.metadata.labels,
    );
    // The injector sees a controller's pod before it is scheduled (a DaemonSet's too: it is placed
    // by node affinity), so it judges native sidecar support over all Nodes.
    const nativeSupport = outcome.inject && nativeSidecarSupport(ctx);
    const revisionKey = outcome.inject
      ? `${outcome.revision}@${outcome.version}${
          nativeSupport ? '+native' : ''
        }`
      : 'none';
    const cacheKey = `${owner.metadata.uid}|${JSON.stringify(
      extraLabels,
    )}|${revisionKey}|${JSON.stringify(ns.metadata.labels ?? {})}`;
    let byTemplate = this.prepared.get(template);
    if (!byTemplate) {
      byTemplate = new Map();
      this.prepared.set(template, byTemplate);
    }
    let prepared = byTemplate.get(cacheKey);
    if (!prepared) {
      let metadata: JsonObject = {
        labels,
        ...(template.metadata?.annotations
          ? { annotations: template.metadata.annotations }
          : {}),
        ownerReferences: [
          {
            apiVersion: owner.apiVersion,
            kind: owner.kind,
            name: owner.metadata.name,
            uid: owner.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      };
      let spec = mountServiceAccountToken(
        defaultPodSpec(template.spec),
        cacheKey,
      );
      if (outcome.inject) {
        const injected = injectSidecar(
          { metadata, spec },
          outcome.revision,
          outcome.version,
          deployMetaOf({ ...metadata, ...naming, namespace }),
          outcome.proxyFailure,
          nativeSupport,
        );
        metadata = injected.metadata;
        // The webhook changed the pod: the API server reinvokes the ServiceAccount plugin.
        spec = mountServiceAccountToken(injected.spec, cacheKey);
      }
      const time = timestamp(ctx);
      for (const value of [...Object.values(metadata), ...Object.values(spec)])
        markShared(value);
      prepared = {
        metadata,
        spec,
        managedFields: markShared([
          markShared(
            managedFieldsEntry(
              'kube-controller-manager',
              'v1',
              time,
              fieldsV1({
                metadata: {
                  generateName: '',
                  labels: metadata.labels,
                  ownerReferences: metadata.ownerReferences,
                },
                spec: template.spec,
              }),
            ),
          ),
        ]),
      };
      byTemplate.set(cacheKey, prepared);
    }
    const hostname =
      naming.name && owner.kind === 'StatefulSet'
        ? { hostname: naming.name, subdomain: owner.spec?.serviceName }
        : {};
    let pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(naming.name
          ? { name: naming.name }
          : {
              name: `${naming.generateName}${randomSuffix()}`,
              generateName: naming.generateName,
            }),
        namespace,
        ...prepared.metadata,
        managedFields: prepared.managedFields,
      } as unknown as KubeObject['metadata'],
      spec:
        nodeName || naming.name
          ? { ...prepared.spec, ...hostname, ...(nodeName ? { nodeName } : {}) }
          : prepared.spec,
      status: {
        phase: 'Pending',
        qosClass: prepared.spec.containers.some(
          (c: JsonObject) => c.resources?.requests,
        )
          ? 'Burstable'
          : 'BestEffort',
      },
    };
    if (ctx.instant) {
      pod = this.startedAtOnce(pod, nodeName);
    }
    return ctx.store.create(pods, pod);
  }

  /** A pod as it looks once scheduled, running and ready, for pods created while a scenario loads. */
  private startedAtOnce(pod: KubeObject, nodeName?: string): KubeObject {
    const node = nodeName
      ? { name: nodeName, ip: nodeAddress(this.ctx, nodeName) }
      : schedule(this.ctx);
    const time = timestamp(this.ctx);
    const withNode = { ...pod, spec: { ...pod.spec, nodeName: node.name } };
    const status = renderPodStatus(
      withNode,
      'ready',
      { scheduled: time, started: time, ready: time },
      { hostIP: node.ip, podIP: this.ctx.allocatePodIP() },
    );
    return {
      ...withNode,
      metadata: {
        ...withNode.metadata,
        managedFields: this.withKubelet(
          pod.metadata.managedFields ?? [],
          kubeletFields(this.ctx, status),
        ),
      },
      status,
    };
  }

  private readonly withKubeletCache = new WeakMap<
    object,
    WeakMap<object, JsonObject[]>
  >();

  /** The controller's managedFields plus the kubelet's entry, shared between pods. */
  private withKubelet(
    controller: JsonObject[],
    kubelet: JsonObject,
  ): JsonObject[] {
    let byKubelet = this.withKubeletCache.get(controller);
    if (!byKubelet) {
      byKubelet = new WeakMap();
      this.withKubeletCache.set(controller, byKubelet);
    }
    let combined = byKubelet.get(kubelet);
    if (!combined) {
      combined = markShared([...controller, kubelet]);
      byKubelet.set(kubelet, combined);
    }
    return combined;
  }
}

const kubeletFieldsCache = new Map<string, JsonObject>();

/** The kubelet's managedFields entry for a status; shared between pods whose status has the same shape. */
export function kubeletFields(
  ctx: ClusterContext,
  status: JsonObject,
): JsonObject {
  const shape = `${(status.containerStatuses ?? [])
    .map((c: JsonObject) => c.name)
    .join(',')}|${(status.initContainerStatuses ?? []).length}|${timestamp(
    ctx,
  )}`;
  let entry = kubeletFieldsCache.get(shape);
  if (!entry) {
    entry = markShared(
      managedFieldsEntry(
        'kubelet',
        'v1',
        timestamp(ctx),
        fieldsV1({ status }),
        'status',
      ),
    );
    if (kubeletFieldsCache.size > 1000) kubeletFieldsCache.clear();
    kubeletFieldsCache.set(shape, entry);
  }
  return entry;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha1')
    .update(`${Math.random()}${process.hrtime.bigint()}`)
    .digest();
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

let scheduleCursor = 0;

/** A node's InternalIP. */
export function nodeAddress(ctx: ClusterContext, nodeName: string): string {
  const node = ctx.store.get(nodes, undefined, nodeName);
  return (
    (node?.status?.addresses ?? []).find(
      (a: JsonObject) => a.type === 'InternalIP',
    )?.address ?? '10.0.0.1'
  );
}

/** Picks a node for a pod: round robin over the cluster's nodes, as a spreading scheduler would. */
export function schedule(ctx: ClusterContext): { name: string; ip: string } {
  const all = ctx.store.list(nodes);
  if (all.length === 0) {
    return { name: `${ctx.name}-node`, ip: '10.0.0.1' };
  }
  const node = all[scheduleCursor++ % all.length];
  const ip =
    (node.status?.addresses ?? []).find(
      (a: JsonObject) => a.type === 'InternalIP',
    )?.address ?? '10.0.0.1';
  return { name: node.metadata.name, ip };
}
