import { applyCreateDefaults } from '../api/defaults';
import { resourceTypeNamed } from '../api/resourceTypes';
import { ClusterContext, timestamp } from '../controllers/clusterContext';
import { JsonObject, KubeObject } from '../store/kubeObject';
import {
  istiodName,
  istioSystem,
  revisionOfIstiodService,
} from './controlPlanes';
import { istioAtLeast } from './istioVersions';
import {
  proxyResources,
  proxySecurityContext,
  sidecarVolumes,
} from './sidecarInjector';

const gateways = resourceTypeNamed('gateways');
const deployments = resourceTypeNamed('deployments');
const services = resourceTypeNamed('services');
const serviceAccounts = resourceTypeNamed('serviceaccounts');

const revisionLabel = 'istio.io/rev';
const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';
const managedLabel = 'gateway.istio.io/managed';
const managedBy = 'istio.io-gateway-controller';
const gatewayClassLabel = 'gateway.networking.k8s.io/gateway-class-name';
/** The GatewayClass istiod deploys for. */
export const istioGatewayClass = 'istio';

/** The Deployment and Service istiod names for a Gateway API gateway. */
export function gatewayApiDeploymentName(gateway: string): string {
  return `${gateway}-istio`;
}

/**
 * The revision whose istiod deploys a Gateway: the one its `istio.io/rev` label names, through a
 * revision tag when the label names one (istiod watches the tag webhooks that call it); without the
 * label, the revision the `default` tag points at, else the revisionless `default`.
 */
export function gatewayRevision(
  ctx: ClusterContext,
  gateway: KubeObject,
): string {
  const label = gateway.metadata.labels?.[revisionLabel] ?? 'default';
  const tag = ctx.controlPlanes.tag(label);
  if (tag) {
    const service = ctx.controlPlanes.serviceCalledBy(tag, '');
    return revisionOfIstiodService(service) ?? label;
  }
  return label;
}

/**
 * What istiod copies onto the objects it deploys for a Gateway: `spec.infrastructure`'s labels and
 * annotations when the Gateway has `spec.infrastructure`, else the Gateway's own (without kubectl's
 * last-applied configuration). So `istio.io/rev` is on them only as the Gateway's own label says it
 * (a tag's name stays a tag's name), and not at all when `spec.infrastructure` is set.
 */
function copiedMetadata(gateway: KubeObject): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const infrastructure = gateway.spec?.infrastructure;
  if (infrastructure) {
    return {
      labels: { ...(infrastructure.labels ?? {}) },
      annotations: { ...(infrastructure.annotations ?? {}) },
    };
  }
  const annotations: Record<string, string> = {
    ...(gateway.metadata.annotations ?? {}),
  };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return { labels: { ...(gateway.metadata.labels ?? {}) }, annotations };
}

/** The labels of the Deployment, Service and ServiceAccount istiod deploys for a Gateway. */
function objectLabels(gateway: KubeObject): Record<string, string> {
  return {
    ...copiedMetadata(gateway).labels,
    [managedLabel]: managedBy,
    [gatewayClassLabel]: String(gateway.spec?.gatewayClassName ?? ''),
    [gatewayNameLabel]: gateway.metadata.name,
  };
}

/** A listener's name as a Service port name (istiod's `sanitizeListenerNameForPort`). */
const portName = (listener: JsonObject, index: number) =>
  String(listener.name ?? '').replace(/\./g, '-') ||
  `${String(listener.protocol ?? 'TCP').toLowerCase()}-${index}`;

/** The listeners' distinct ports, the first listener of a port naming it. */
function distinctListeners(gateway: KubeObject): JsonObject[] {
  const seen = new Set<number>();
  const out: JsonObject[] = [];
  for (const listener of gateway.spec?.listeners ?? []) {
    const port = Number(listener.port);
    if (!port || seen.has(port)) continue;
    seen.add(port);
    out.push(listener);
  }
  return out;
}

function listenerPorts(gateway: KubeObject) {
  const ports: Array<Record<string, unknown>> = [
    {
      name: 'status-port',
      port: 15021,
      protocol: 'TCP',
      appProtocol: 'tcp',
      targetPort: 15021,
    },
  ];
  distinctListeners(gateway).forEach((listener, index) => {
    const port = Number(listener.port);
    ports.push({
      name: portName(listener, index),
      port,
      protocol: 'TCP',
      appProtocol: String(listener.protocol ?? 'TCP').toLowerCase(),
      targetPort: port,
    });
  });
  return ports;
}

function ownerReference(gateway: KubeObject) {
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      name: gateway.metadata.name,
      uid: gateway.metadata.uid,
    },
  ];
}

function envFromField(name: string, fieldPath: string): JsonObject {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

/**
 * The `istio-proxy` container of the `kube-gateway` template of istiod `revision` at `version`, as
 * 1.28.3 and 1.29.1 render it into the Deployment itself: the pods are not injected (they are
 * labelled `sidecar.istio.io/inject: "false"`). Before 1.29 the resource fields' divisor is Go's zero
 * Quantity, `"0"`; from 1.29 `"1"`.
 */
function gatewayProxy(
  revision: string,
  version: string,
  namespace: string,
  workload: string,
): JsonObject {
  const discovery = `${istiodName(revision)}.${istioSystem}.svc:15012`;
  const divisor = istioAtLeast(version, 29) ? '1' : '0';
  const resourceEnv = (name: string, resource: string) => ({
    name,
    valueFrom: { resourceFieldRef: { divisor, resource } },
  });
  const readyProbe = {
    httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
    successThreshold: 1,
    timeoutSeconds: 1,
  };
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${version}`,
    args: [
      'proxy',
      'router',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel',
      'warning',
      '--proxyComponentLogLevel',
      'misc:error',
      '--log_output_level',
      'default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: discovery },
      envFromField('POD_NAME', 'metadata.name'),
      envFromField('POD_NAMESPACE', 'metadata.namespace'),
      envFromField('INSTANCE_IP', 'status.podIP'),
      envFromField('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      envFromField('HOST_IP', 'status.hostIP'),
      resourceEnv('ISTIO_CPU_LIMIT', 'limits.cpu'),
      {
        name: 'PROXY_CONFIG',
        value: `${JSON.stringify({ discoveryAddress: discovery })}\n`,
      },
      { name: 'ISTIO_META_POD_PORTS', value: '[]' },
      // Go omits the empty value.
      { name: 'ISTIO_META_APP_CONTAINERS' },
      resourceEnv('GOMEMLIMIT', 'limits.memory'),
      resourceEnv('GOMAXPROCS', 'limits.cpu'),
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      envFromField('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: workload },
      {
        name: 'ISTIO_META_OWNER',
        value: `kubernetes://apis/apps/v1/namespaces/${namespace}/deployments/${workload}`,
      },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    imagePullPolicy: 'IfNotPresent',
    ports: [
      { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
      { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
      { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
    ],
    readinessProbe: { failureThreshold: 4, ...readyProbe, periodSeconds: 15 },
    resources: proxyResources(),
    securityContext: proxySecurityContext(),
    startupProbe: {
      failureThreshold: 30,
      ...readyProbe,
      initialDelaySeconds: 1,
      periodSeconds: 1,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [
      {
        mountPath: '/var/run/secrets/workload-spiffe-uds',
        name: 'workload-socket',
      },
      {
        mountPath: '/var/run/secrets/credential-uds',
        name: 'credential-socket',
      },
      {
        mountPath: '/var/run/secrets/workload-spiffe-credentials',
        name: 'workload-certs',
      },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
}

/**
 * The Deployment of Istio's `kube-gateway` template as istiod of `revision` (at `version`) renders
 * it: the whole `istio-proxy` container, pods labelled `sidecar.istio.io/inject: "false"` (the
 * injector leaves them alone: no `sidecar.istio.io/status`) and annotated `istio.io/rev` with the
 * revision that deployed them; `spec.replicas` is left to the user (and to an autoscaler) after
 * creation, as istiod's server-side apply does not own it.
 */
function desiredDeployment(
  gateway: KubeObject,
  revision: string,
  version: string,
): KubeObject {
  const name = gateway.metadata.name;
  const namespace = gateway.metadata.namespace!;
  const workload = gatewayApiDeploymentName(name);
  const copied = copiedMetadata(gateway);
  const labels = objectLabels(gateway);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: workload,
      namespace,
      labels,
      annotations: copied.annotations,
      ownerReferences: ownerReference(gateway),
    } as unknown as KubeObject['metadata'],
    spec: {
      selector: { matchLabels: { [gatewayNameLabel]: name } },
      template: {
        metadata: {
          labels: {
            ...labels,
            'service.istio.io/canonical-name': workload,
            'service.istio.io/canonical-revision': 'latest',
            'sidecar.istio.io/inject': 'false',
          },
          annotations: {
            ...copied.annotations,
            [revisionLabel]: revision,
            'prometheus.io/path': '/stats/prometheus',
            'prometheus.io/port': '15020',
            'prometheus.io/scrape': 'true',
          },
        },
        spec: {
          serviceAccountName: workload,
          securityContext: {
            sysctls: [
              { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
            ],
          },
          containers: [gatewayProxy(revision, version, namespace, workload)],
          volumes: sidecarVolumes(version, true),
        },
      },
    },
  };
}

function desiredService(gateway: KubeObject): KubeObject {
  const name = gateway.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: gatewayApiDeploymentName(name),
      namespace: gateway.metadata.namespace,
      labels: objectLabels(gateway),
      annotations: copiedMetadata(gateway).annotations,
      ownerReferences: ownerReference(gateway),
    } as unknown as KubeObject['metadata'],
    spec: {
      type: 'LoadBalancer',
      // The kube-gateway template asks for both families where the cluster has them.
      ipFamilyPolicy: 'PreferDualStack',
      selector: { [gatewayNameLabel]: name },
      ports: listenerPorts(gateway),
    },
  };
}

/** The ServiceAccount `<name>-istio` istiod creates for the gateway's pods. */
function desiredServiceAccount(gateway: KubeObject): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: gatewayApiDeploymentName(gateway.metadata.name),
      namespace: gateway.metadata.namespace,
      labels: objectLabels(gateway),
      annotations: copiedMetadata(gateway).annotations,
      ownerReferences: ownerReference(gateway),
    } as unknown as KubeObject['metadata'],
  };
}

/** Drops an empty `annotations` map, as the API server stores none. */
function withoutEmptyAnnotations(object: KubeObject): KubeObject {
  if (Object.keys(object.metadata.annotations ?? {}).length) return object;
  const { annotations: _dropped, ...metadata } = object.metadata as any;
  return { ...object, metadata };
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * istiod's gateway deployment controller: for each Gateway of class `istio` whose revision (see
 * {@link gatewayRevision}) has a ready istiod, the Deployment, LoadBalancer Service and
 * ServiceAccount `<name>-istio`, kept as that revision renders them. Relabelling the Gateway, or moving the tag
 * it names, hands it to another istiod, which rewrites the Deployment's pod template: its pods
 * move to the new revision by a rolling update. Gateways no running istiod owns are left as they
 * are, and so is their Deployment.
 */
export function registerGatewayApiDeployer(
  ctx: ClusterContext,
  allocateClusterIP: () => string,
) {
  const { store, loop } = ctx;

  loop.register('gateway-api', key => {
    const [namespace, name] = key.split('/');
    const gateway = store.get(gateways, namespace, name);
    if (!gateway || gateway.spec?.gatewayClassName !== istioGatewayClass) {
      return;
    }
    const revision = gatewayRevision(ctx, gateway);
    if (!ctx.controlPlanes.hasReadyPod(revision)) return;

    const version = ctx.controlPlanes.version(revision);
    if (!version) return;

    const wanted = withoutEmptyAnnotations(
      desiredDeployment(gateway, revision, version),
    );
    const current = store.get(deployments, namespace, wanted.metadata.name);
    if (!current) {
      store.create(
        deployments,
        applyCreateDefaults(
          deployments,
          { ...wanted, spec: { replicas: 1, ...wanted.spec } },
          allocateClusterIP,
        ),
      );
    } else {
      const template = {
        ...current.spec.template,
        metadata: wanted.spec.template.metadata,
        spec: {
          ...current.spec.template.spec,
          ...wanted.spec.template.spec,
          containers: wanted.spec.template.spec.containers.map(
            (c: KubeObject) => ({
              ...(current.spec.template.spec.containers ?? []).find(
                (x: KubeObject) => x.name === c.name,
              ),
              ...c,
            }),
          ),
        },
      };
      const annotations = {
        ...(current.metadata.annotations?.['deployment.kubernetes.io/revision']
          ? {
              'deployment.kubernetes.io/revision':
                current.metadata.annotations[
                  'deployment.kubernetes.io/revision'
                ],
            }
          : {}),
        ...(wanted.metadata.annotations ?? {}),
      };
      if (
        !same(current.metadata.labels, wanted.metadata.labels) ||
        !same(current.metadata.annotations ?? {}, annotations) ||
        !same(current.spec.template, template)
      ) {
        const metadata: any = {
          ...current.metadata,
          labels: wanted.metadata.labels,
          annotations,
        };
        if (!Object.keys(annotations).length) delete metadata.annotations;
        store.replace(deployments, {
          ...current,
          metadata,
          spec: { ...current.spec, template },
        });
      }
    }

    const account = withoutEmptyAnnotations(desiredServiceAccount(gateway));
    const currentAccount = store.get(
      serviceAccounts,
      namespace,
      account.metadata.name,
    );
    if (!currentAccount) {
      store.create(
        serviceAccounts,
        applyCreateDefaults(serviceAccounts, account, allocateClusterIP),
      );
    } else if (
      !same(currentAccount.metadata.labels, account.metadata.labels) ||
      !same(currentAccount.metadata.annotations, account.metadata.annotations)
    ) {
      store.replace(serviceAccounts, {
        ...currentAccount,
        metadata: {
          ...account.metadata,
          ...currentAccount.metadata,
          labels: account.metadata.labels,
          annotations: account.metadata.annotations,
        } as any,
      });
    }

    const service = withoutEmptyAnnotations(desiredService(gateway));
    const currentService = store.get(
      services,
      namespace,
      service.metadata.name,
    );
    const portShape = (ports: KubeObject[]) =>
      ports.map(p => [p.name, p.port, p.appProtocol]);
    if (!currentService) {
      store.create(
        services,
        applyCreateDefaults(services, service, allocateClusterIP),
      );
    } else if (
      !same(currentService.metadata.labels, service.metadata.labels) ||
      !same(
        currentService.metadata.annotations,
        service.metadata.annotations,
      ) ||
      !same(portShape(currentService.spec.ports), portShape(service.spec.ports))
    ) {
      const metadata: any = {
        ...currentService.metadata,
        labels: service.metadata.labels,
        annotations: service.metadata.annotations,
      };
      if (!metadata.annotations) delete metadata.annotations;
      store.replace(
        services,
        applyCreateDefaults(
          services,
          {
            ...currentService,
            metadata,
            spec: {
              ...currentService.spec,
              ports: service.spec.ports.map((p: KubeObject) => ({
                ...p,
                nodePort: currentService.spec.ports.find(
                  (x: KubeObject) => x.port === p.port,
                )?.nodePort,
              })),
            },
          },
          allocateClusterIP,
        ),
      );
    }

    const address = (store.get(services, namespace, service.metadata.name)
      ?.status?.loadBalancer?.ingress ?? [])[0]?.ip;
    const status = gatewayStatus(ctx, gateway, address);
    if (!same(gateway.status, status)) {
      store.replace(gateways, { ...gateway, status });
    }
  });

  const enqueueAll = () => {
    for (const g of store.list(gateways)) {
      loop.enqueue('gateway-api', `${g.metadata.namespace}/${g.metadata.name}`);
    }
  };
  store.subscribe(change => {
    const object = change.object;
    if (change.typeKey === 'gateways.gateway.networking.k8s.io') {
      if (change.type !== 'DELETED') loop.enqueue('gateway-api', change.key);
    } else if (
      change.typeKey ===
        'mutatingwebhookconfigurations.admissionregistration.k8s.io' ||
      (object.metadata.namespace === istioSystem &&
        object.metadata.labels?.app === 'istiod' &&
        (change.typeKey === 'pods' || change.typeKey === 'deployments.apps'))
    ) {
      // A tag moved, or an istiod came or went: the gateways may have another owner now.
      enqueueAll();
    } else if (
      (change.typeKey === 'deployments.apps' ||
        change.typeKey === 'services' ||
        change.typeKey === 'serviceaccounts') &&
      object.metadata.labels?.[managedLabel] === managedBy
    ) {
      const owner = object.metadata.labels?.[gatewayNameLabel];
      if (owner && (change.type === 'DELETED' || change.typeKey === 'services'))
        loop.enqueue('gateway-api', `${object.metadata.namespace}/${owner}`);
    }
  });
}

/** Istio's `humanReadableJoin`: `a`, `a and b`, `a, b, and c`. */
function humanReadableJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

const routeKinds: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

/**
 * A listener's status as istiod 1.28/1.29 write it with their defaults: TLS, TCP and UDP listeners
 * are not accepted (alpha Gateway API off); an HTTPS listener's certificate references must name
 * Secrets, which the simulator does not serve, so they never resolve.
 */
function listenerStatus(
  gateway: KubeObject,
  listener: JsonObject,
  condition: (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => JsonObject,
): JsonObject {
  const protocol = String(listener.protocol ?? '');
  const ok = 'No errors found';
  const accepted = ['TLS', 'TCP', 'UDP'].includes(protocol)
    ? condition(
        'Accepted',
        'False',
        'UnsupportedProtocol',
        `protocol "${protocol}" is supported, but only when PILOT_ENABLE_ALPHA_GATEWAY_API=true is configured`,
      )
    : condition('Accepted', 'True', 'Accepted', ok);
  const ref = (listener.tls?.certificateRefs ?? [])[0];
  const badRef =
    protocol === 'HTTPS' && listener.tls?.mode !== 'Passthrough' && ref
      ? `invalid certificate reference ${ref.group ?? ''}/${
          ref.kind ?? 'Secret'
        }/${ref.name}., secret ${ref.namespace ?? gateway.metadata.namespace}/${
          ref.name
        } not found`
      : undefined;
  return {
    attachedRoutes: 0,
    conditions: [
      accepted,
      condition('Conflicted', 'False', 'NoConflicts', ok),
      badRef
        ? condition('Programmed', 'False', 'Invalid', 'Bad TLS configuration')
        : condition('Programmed', 'True', 'Programmed', ok),
      badRef
        ? condition('ResolvedRefs', 'False', 'InvalidCertificateRef', badRef)
        : condition('ResolvedRefs', 'True', 'ResolvedRefs', ok),
    ],
    name: listener.name,
    supportedKinds: (routeKinds[protocol] ?? []).map(kind => ({
      group: 'gateway.networking.k8s.io',
      kind,
    })),
  };
}

/**
 * The status istiod writes on a Gateway it deployed: Accepted; Programmed, naming the Service's
 * host and the listeners' ports (`<name>-istio.<namespace>.svc.cluster.local:<port>`, sorted as
 * text), True with the load balancer's address once it has one, else False `AddressNotAssigned`;
 * and each listener's conditions.
 */
function gatewayStatus(
  ctx: ClusterContext,
  gateway: KubeObject,
  address: string | undefined,
): JsonObject {
  const previous: JsonObject[] = gateway.status?.conditions ?? [];
  const previousListeners: JsonObject[] = gateway.status?.listeners ?? [];
  const generation = gateway.metadata.generation ?? 1;
  const conditionFrom =
    (before: JsonObject[]) =>
    (type: string, status: string, reason: string, message: string) => {
      const was = before.find(c => c.type === type);
      return {
        lastTransitionTime:
          was?.status === status ? was.lastTransitionTime : timestamp(ctx),
        message,
        observedGeneration: generation,
        reason,
        status,
        type,
      };
    };
  const condition = conditionFrom(previous);
  const host = `${gatewayApiDeploymentName(gateway.metadata.name)}.${
    gateway.metadata.namespace
  }.svc.cluster.local`;
  const assigned = humanReadableJoin(
    distinctListeners(gateway)
      .map(l => `${host}:${Number(l.port)}`)
      .sort(),
  );
  const listeners: JsonObject[] = gateway.spec?.listeners ?? [];
  return {
    ...(address ? { addresses: [{ type: 'IPAddress', value: address }] } : {}),
    conditions: [
      condition('Accepted', 'True', 'Accepted', 'Resource accepted'),
      address
        ? condition(
            'Programmed',
            'True',
            'Programmed',
            `Resource programmed, assigned to service(s) ${assigned}`,
          )
        : condition(
            'Programmed',
            'False',
            'AddressNotAssigned',
            `Assigned to service(s) ${assigned}, but failed to assign to all requested addresses: address pending for hostname "${host}"`,
          ),
    ],
    ...(listeners.length
      ? {
          listeners: listeners.map(l =>
            listenerStatus(
              gateway,
              l,
              conditionFrom(
                previousListeners.find(p => p.name === l.name)?.conditions ??
                  [],
              ),
            ),
          ),
        }
      : {}),
  };
}
