import { createHash } from 'node:crypto';
import { ApiError } from '../api/statusErrors';
import { JsonObject, KubeObject } from '../store/kubeObject';
import {
  ControlPlanes,
  istiodName,
  istioSystem,
  revisionOfIstiodService,
} from './controlPlanes';
import { decideInjection } from './injectionPolicy';

/**
 * The outcome of sending a new pod through Istio's injection webhooks.
 *
 * @public
 */
export type InjectionOutcome =
  | { inject: false }
  | { inject: true; revision: string; version: string; proxyFailure?: string };

/**
 * Annotation on an istiod Deployment that breaks the proxies its revision injects from then on
 * (`never-ready` or `crash-loop`): a bad release or a bad mesh config, for fault tests.
 */
export const proxyFailureAnnotation = 'mesh-sim.dev/proxy-failure';

/** Volumes Istio's sidecar template adds, in the order `sidecar.istio.io/status` lists them. */
const sidecarVolumes = [
  'workload-socket',
  'credential-socket',
  'workload-certs',
  'istio-envoy',
  'istio-data',
  'istio-podinfo',
  'istio-token',
  'istiod-ca-cert',
];

function webhookFailure(
  webhook: string,
  service: string,
  detail: string,
): ApiError {
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: failed calling webhook "${webhook}": failed to call webhook: Post "https://${service}.${istioSystem}.svc:443/inject?timeout=10s": ${detail}`,
    { causes: [{ reason: 'InternalError', message: detail }] },
  );
}

/**
 * Resolves which revision injects a pod, from the labels of the pod and its namespace and the
 * tags and control planes that exist now. A pod no webhook matches (its revision and tag are gone)
 * is admitted without a sidecar. Throws the error a failing webhook produces when the matching
 * webhook's istiod is missing or has no ready pod.
 */
export function resolveInjection(
  controlPlanes: ControlPlanes,
  podLabels: Record<string, string> | undefined,
  namespaceLabels: Record<string, string> | undefined,
): InjectionOutcome {
  const target = decideInjection(
    podLabels,
    namespaceLabels,
    tag => controlPlanes.tag(tag) !== undefined,
  );
  if (!target.inject) {
    return { inject: false };
  }
  let revision: string | undefined;
  if (target.via === 'tag' || target.via === 'default') {
    const tag = controlPlanes.tag(target.name);
    if (tag) {
      const service = controlPlanes.serviceCalledBy(tag, target.webhook);
      revision =
        revisionOfIstiodService(service) ??
        tag.metadata.labels?.['istio.io/rev'];
    }
  }
  if (!revision) {
    // Without a tag webhook, only the revision's own injector webhook can match the pod; when no
    // webhook matches, the API server admits the pod as it is, without a sidecar.
    if (!controlPlanes.injector(target.name)) {
      return { inject: false };
    }
    revision = target.name;
  }
  const service = istiodName(revision);
  if (!controlPlanes.istiod(revision)) {
    throw webhookFailure(
      target.webhook,
      service,
      `service "${service}" not found`,
    );
  }
  const version = controlPlanes.version(revision);
  if (!controlPlanes.hasReadyPod(revision) || !version) {
    throw webhookFailure(
      target.webhook,
      service,
      `no endpoints available for service "${service}"`,
    );
  }
  const proxyFailure =
    controlPlanes.istiod(revision)?.metadata.annotations?.[
      proxyFailureAnnotation
    ];
  return {
    inject: true,
    revision,
    version,
    ...(proxyFailure ? { proxyFailure } : {}),
  };
}

function envFromField(name: string, fieldPath: string): JsonObject {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

function proxyContainer(
  base: JsonObject | undefined,
  revision: string,
  version: string,
  appContainers: string[],
  workloadName: string,
  ports: JsonObject[],
  gateway: boolean,
): JsonObject {
  const image = `docker.io/istio/proxyv2:${version}`;
  return {
    ...(base ?? {}),
    name: 'istio-proxy',
    image,
    args: [
      'proxy',
      gateway ? 'router' : 'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      {
        name: 'CA_ADDR',
        value: `${istiodName(revision)}.${istioSystem}.svc:15012`,
      },
      envFromField('POD_NAME', 'metadata.name'),
      envFromField('POD_NAMESPACE', 'metadata.namespace'),
      envFromField('INSTANCE_IP', 'status.podIP'),
      envFromField('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      envFromField('HOST_IP', 'status.hostIP'),
      {
        name: 'ISTIO_CPU_LIMIT',
        valueFrom: {
          resourceFieldRef: { divisor: '0', resource: 'limits.cpu' },
        },
      },
      { name: 'PROXY_CONFIG', value: '{}\n' },
      {
        name: 'ISTIO_META_POD_PORTS',
        value: `[\n${ports
          .map(p => `    ${JSON.stringify(p)}`)
          .join('\n    ,')}\n]`,
      },
      { name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.join(',') },
      {
        name: 'GOMEMLIMIT',
        valueFrom: {
          resourceFieldRef: { divisor: '0', resource: 'limits.memory' },
        },
      },
      {
        name: 'GOMAXPROCS',
        valueFrom: {
          resourceFieldRef: { divisor: '0', resource: 'limits.cpu' },
        },
      },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      envFromField('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: workloadName },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    imagePullPolicy: 'IfNotPresent',
    ports: gateway
      ? base?.ports ?? [
          { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
        ]
      : [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      successThreshold: 1,
      timeoutSeconds: 3,
    },
    resources: {
      limits: { cpu: '2', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    startupProbe: {
      failureThreshold: 600,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 1,
      successThreshold: 1,
      timeoutSeconds: 3,
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

function initContainer(version: string): JsonObject {
  return {
    name: 'istio-init',
    image: `docker.io/istio/proxyv2:${version}`,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
      '--log_output_level=default:info',
    ],
    imagePullPolicy: 'IfNotPresent',
    resources: {
      limits: { cpu: '2', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

const istioVolumes: JsonObject[] = [
  { name: 'workload-socket', emptyDir: {} },
  { name: 'credential-socket', emptyDir: {} },
  { name: 'workload-certs', emptyDir: {} },
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  {
    name: 'istio-podinfo',
    downwardAPI: {
      defaultMode: 420,
      items: [
        {
          fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' },
          path: 'labels',
        },
        {
          fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' },
          path: 'annotations',
        },
      ],
    },
  },
  {
    name: 'istio-token',
    projected: {
      defaultMode: 420,
      sources: [
        {
          serviceAccountToken: {
            audience: 'istio-ca',
            expirationSeconds: 43200,
            path: 'istio-token',
          },
        },
      ],
    },
  },
  {
    name: 'istiod-ca-cert',
    configMap: { defaultMode: 420, name: 'istio-ca-root-cert' },
  },
];

/**
 * Applies Istio's sidecar template to a pod (metadata and spec), as the injection webhook of
 * `revision` at `version` would. Pods annotated `inject.istio.io/templates: gateway` get the
 * gateway template: their `istio-proxy` container (image `auto`) becomes the proxy, with no
 * init container.
 */
export function injectSidecar(
  pod: { metadata: JsonObject; spec: JsonObject },
  revision: string,
  version: string,
  workloadName: string,
  proxyFailure?: string,
): { metadata: JsonObject; spec: JsonObject } {
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  const gateway =
    pod.metadata.annotations?.['inject.istio.io/templates'] === 'gateway';
  const containers: JsonObject[] = pod.spec.containers ?? [];
  const appContainers = containers.filter(c => c.name !== 'istio-proxy');
  const ports = containers.flatMap(c => c.ports ?? []);
  const proxy = proxyContainer(
    containers.find(c => c.name === 'istio-proxy'),
    revision,
    version,
    appContainers.map(c => c.name),
    workloadName,
    ports,
    gateway,
  );
  const status = {
    initContainers: gateway ? null : ['istio-init'],
    containers: ['istio-proxy'],
    volumes: sidecarVolumes,
    imagePullSecrets: null,
    revision,
  };
  const defaultContainer = appContainers[0]?.name ?? 'istio-proxy';
  return {
    metadata: {
      ...pod.metadata,
      labels: {
        ...labels,
        'security.istio.io/tlsMode': 'istio',
        'service.istio.io/canonical-name':
          labels['service.istio.io/canonical-name'] ??
          labels['app.kubernetes.io/name'] ??
          labels.app ??
          workloadName,
        'service.istio.io/canonical-revision':
          labels['service.istio.io/canonical-revision'] ??
          labels['app.kubernetes.io/version'] ??
          labels.version ??
          'latest',
      },
      annotations: {
        ...(pod.metadata.annotations ?? {}),
        'istio.io/rev': revision,
        ...(gateway
          ? {}
          : {
              'kubectl.kubernetes.io/default-container': defaultContainer,
              'kubectl.kubernetes.io/default-logs-container': defaultContainer,
            }),
        'prometheus.io/path': '/stats/prometheus',
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
        'sidecar.istio.io/status': JSON.stringify(status),
        ...(proxyFailure ? { 'mesh-sim.dev/failure': proxyFailure } : {}),
      },
    },
    spec: {
      ...pod.spec,
      ...(gateway
        ? {}
        : {
            initContainers: [
              ...(pod.spec.initContainers ?? []),
              initContainer(version),
            ],
          }),
      containers: gateway
        ? containers.map(c => (c.name === 'istio-proxy' ? proxy : c))
        : [...appContainers, proxy],
      volumes: [...(pod.spec.volumes ?? []), ...istioVolumes],
    },
  };
}

/**
 * Adds the service-account token volume the ServiceAccount admission plugin mounts in every
 * pod. The volume suffix is derived from the template so pods of one ReplicaSet share it.
 */
export function mountServiceAccountToken(
  spec: JsonObject,
  seed: string,
): JsonObject {
  const suffix = createHash('sha1')
    .update(seed)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 5);
  const volume = `kube-api-access-${suffix}`;
  const mount = {
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    name: volume,
    readOnly: true,
  };
  return {
    ...spec,
    containers: (spec.containers ?? []).map((c: JsonObject) => ({
      ...c,
      volumeMounts: [...(c.volumeMounts ?? []), mount],
    })),
    volumes: [
      ...(spec.volumes ?? []),
      {
        name: volume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            {
              configMap: {
                items: [{ key: 'ca.crt', path: 'ca.crt' }],
                name: 'kube-root-ca.crt',
              },
            },
            {
              downwardAPI: {
                items: [
                  {
                    fieldRef: {
                      apiVersion: 'v1',
                      fieldPath: 'metadata.namespace',
                    },
                    path: 'namespace',
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

/** Whether a stored pod carries a sidecar, and of which revision and proxy version. */
export function sidecarOf(
  pod: KubeObject,
): { revision: string; version: string } | undefined {
  const statusText = pod.metadata.annotations?.['sidecar.istio.io/status'];
  if (!statusText) return undefined;
  let revision: string | undefined;
  try {
    revision = JSON.parse(statusText).revision;
  } catch {
    return undefined;
  }
  const proxy = (pod.spec?.containers ?? []).find(
    (c: JsonObject) => c.name === 'istio-proxy',
  );
  const image: string = proxy?.image ?? '';
  const colon = image.lastIndexOf(':');
  return revision && colon > 0
    ? { revision, version: image.slice(colon + 1) }
    : undefined;
}
