import { ClusterContext } from '../controllers/clusterContext';
import { JsonObject, KubeObject } from '../store/kubeObject';
import {
  istiodName,
  istioSystem,
  revisionOfIstiodService,
} from './controlPlanes';
import { istioAtLeast } from './istioVersions';
import {
  identityMounts,
  proxyResources,
  proxySecurityContext,
  sidecarVolumes,
} from './sidecarTemplates';

const revisionLabel = 'istio.io/rev';

/** The label istiod puts on a gateway's objects, naming the Gateway. */
export const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';

/** The label marking the objects istiod manages for a gateway. */
export const managedLabel = 'gateway.istio.io/managed';

/** The value of {@link managedLabel}: istiod's gateway controller. */
export const managedBy = 'istio.io-gateway-controller';

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
export function distinctListeners(gateway: KubeObject): JsonObject[] {
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
      ...identityMounts(),
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
export function desiredDeployment(
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

/** The Service `<name>-istio` istiod creates for the gateway, on its listeners' ports. */
export function desiredService(gateway: KubeObject): KubeObject {
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
export function desiredServiceAccount(gateway: KubeObject): KubeObject {
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
