import { createHash } from 'node:crypto';
import { resourceTypeNamed } from '../api/resourceTypes';
import { selectorMapMatches } from '../api/selectors';
import { jsonEqual } from '../store/jsonEqual';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { ClusterContext } from './clusterContext';
import { podIsReady } from './podStatus';

const services = resourceTypeNamed('services');
const pods = resourceTypeNamed('pods');
const endpoints = resourceTypeNamed('endpoints');
const endpointSlices = resourceTypeNamed('endpointslices');

/**
 * Resolves a Service port's targetPort (number or container port name) on a pod, as the
 * EndpointSlice controller's `FindPort` does: a name is looked up in the containers, then in the
 * sidecar containers (init containers with `restartPolicy: Always`).
 */
export function resolveTargetPort(
  pod: KubeObject,
  targetPort: number | string | undefined,
  fallback: number,
): number | undefined {
  if (targetPort === undefined) return fallback;
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter(
      (i: JsonObject) => i.restartPolicy === 'Always',
    ),
  ]) {
    const port = (c.ports ?? []).find((p: JsonObject) => p.name === targetPort);
    if (port) return port.containerPort;
  }
  return undefined;
}

function sliceName(service: KubeObject): string {
  const digest = createHash('sha1').update(service.metadata.uid).digest('hex');
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix +=
      alphabet[parseInt(digest.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return `${service.metadata.name}-${suffix}`;
}

function targetRef(pod: KubeObject) {
  return {
    kind: 'Pod',
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
    uid: pod.metadata.uid,
  };
}

/**
 * The endpoints and EndpointSlice controllers (and a cloud load-balancer allocator): keep
 * each selector Service's Endpoints and EndpointSlice in step with the pods it selects, ready
 * addresses separated from not-ready ones.
 */
export function registerEndpointsController(ctx: ClusterContext) {
  const { store, loop } = ctx;
  let nextLoadBalancerIP = 10;

  const write = (
    rt: typeof endpoints,
    namespace: string,
    name: string,
    object: KubeObject | undefined,
  ) => {
    const existing = store.get(rt, namespace, name);
    if (!object) {
      if (existing) store.remove(rt, namespace, name);
      return;
    }
    if (!existing) {
      store.create(rt, object);
      return;
    }
    const { metadata: _m1, ...a } = existing;
    const { metadata: _m2, ...b } = object;
    if (
      !jsonEqual(a, b) ||
      !jsonEqual(existing.metadata.labels, object.metadata.labels)
    ) {
      store.replace(rt, {
        ...object,
        metadata: { ...existing.metadata, labels: object.metadata.labels },
      });
    }
  };

  loop.register('endpoints', key => {
    const [namespace, name] = key.split('/');
    const service = store.get(services, namespace, name);
    if (
      service?.spec?.type === 'LoadBalancer' &&
      !(service.status?.loadBalancer?.ingress ?? []).length
    ) {
      const ip = `203.0.113.${nextLoadBalancerIP++ % 250}`;
      store.replace(services, {
        ...service,
        status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } },
      });
    }
    if (!service || !service.spec?.selector) {
      if (!service) {
        write(endpoints, namespace, name, undefined);
      }
      return;
    }
    const selected = store
      .list(pods, namespace)
      .filter(
        p =>
          selectorMapMatches(service.spec.selector, p.metadata.labels) &&
          p.status?.podIP,
      );
    const terminating = selected.filter(p => p.metadata.deletionTimestamp);
    const active = selected.filter(p => !p.metadata.deletionTimestamp);
    const servicePorts: JsonObject[] = service.spec.ports ?? [];
    const groups = new Map<
      string,
      { ports: JsonObject[]; ready: KubeObject[]; notReady: KubeObject[] }
    >();
    for (const pod of active) {
      const ports = servicePorts
        .map(p => ({
          name: p.name,
          port: resolveTargetPort(pod, p.targetPort, p.port),
          protocol: p.protocol ?? 'TCP',
          // The controllers copy a Service port's appProtocol onto the endpoint ports.
          ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
        }))
        .filter(p => p.port !== undefined)
        .map(p => {
          if (p.name) return p;
          const { name: _unnamed, ...rest } = p;
          return rest;
        });
      const groupKey = JSON.stringify(ports);
      let group = groups.get(groupKey);
      if (!group) {
        group = { ports, ready: [], notReady: [] };
        groups.set(groupKey, group);
      }
      (podIsReady(pod) ? group.ready : group.notReady).push(pod);
    }
    const address = (pod: KubeObject) => ({
      ip: pod.status.podIP,
      nodeName: pod.spec.nodeName,
      targetRef: targetRef(pod),
    });
    const subsets = [...groups.values()]
      .filter(g => g.ports.length > 0)
      .map(g => ({
        ...(g.ready.length ? { addresses: g.ready.map(address) } : {}),
        ...(g.notReady.length
          ? { notReadyAddresses: g.notReady.map(address) }
          : {}),
        ports: g.ports,
      }));
    const labels = {
      ...(service.metadata.labels ?? {}),
      'endpoints.kubernetes.io/managed-by': 'endpoint-controller',
    };
    write(endpoints, namespace, name, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace,
        labels,
      } as unknown as KubeObject['metadata'],
      ...(subsets.length ? { subsets } : {}),
    });
    const firstPorts =
      [...groups.values()][0]?.ports ??
      servicePorts.map(p => ({
        name: p.name ?? '',
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol ?? 'TCP',
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      }));
    const slice = sliceName(service);
    write(endpointSlices, namespace, slice, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: slice,
        namespace,
        generateName: `${name}-`,
        labels: {
          ...(service.metadata.labels ?? {}),
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by':
            'endpointslice-controller.k8s.io',
        },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name,
            uid: service.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      } as unknown as KubeObject['metadata'],
      addressType: 'IPv4',
      endpoints: [...active, ...terminating].map(pod => ({
        addresses: [pod.status.podIP],
        conditions: {
          ready: podIsReady(pod) && !pod.metadata.deletionTimestamp,
          serving: podIsReady(pod),
          terminating: Boolean(pod.metadata.deletionTimestamp),
        },
        nodeName: pod.spec.nodeName,
        targetRef: targetRef(pod),
      })),
      ports: firstPorts.map((p: JsonObject) => ({
        name: p.name ?? '',
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      })),
    });
  });

  store.subscribe(change => {
    if (change.typeKey === 'services') {
      loop.enqueue('endpoints', change.key);
    } else if (change.typeKey === 'pods') {
      const namespace = change.object.metadata.namespace!;
      const before = change.previous?.metadata.labels;
      const after =
        change.type === 'DELETED' ? undefined : change.object.metadata.labels;
      for (const svc of store.list(services, namespace)) {
        if (
          selectorMapMatches(svc.spec?.selector, after) ||
          selectorMapMatches(svc.spec?.selector, before)
        ) {
          loop.enqueue('endpoints', `${namespace}/${svc.metadata.name}`);
        }
      }
    }
  });
}
