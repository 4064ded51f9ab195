import { createHash } from 'node:crypto';
import { ApiError } from '../api/statusErrors';
import { JsonObject, KubeObject } from '../store/kubeObject';
import {
  ControlPlanes,
  istiodName,
  istioSystem,
  revisionOfIstiodService,
} from './controlPlanes';
import { defaultContainer } from '../api/defaults';
import { goContainer, goContainerPort, goJson } from './goJson';
import { decideInjection } from './injectionPolicy';
import { istioAtLeast } from './istioVersions';

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
  // An istiod outside the cluster answers at its URL; the simulator takes it as reachable.
  const external = controlPlanes.externalVersion(revision);
  if (external) {
    return { inject: true, revision, version: external };
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

const proxyName = 'istio-proxy';
const initName = 'istio-init';

/** The resources Istio's templates give the proxy (and istio-init), as a new object each call. */
export const proxyResources = (): JsonObject => ({
  limits: { cpu: '2', memory: '1Gi' },
  requests: { cpu: '100m', memory: '128Mi' },
});

/**
 * The proxy's securityContext in the sidecar template and istiod's kube-gateway template (not the
 * injected gateway template, which sets only the user), as a new object each call.
 */
export const proxySecurityContext = (): JsonObject => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 1337,
  runAsNonRoot: true,
  runAsUser: 1337,
});

/**
 * The workload Istio's injector names a pod after (`DeploymentMeta` and `TypeMeta` of
 * `kube.GetDeployMetaFromPod`).
 *
 * @public
 */
export interface DeployMeta {
  name: string;
  namespace?: string;
  kind: string;
  apiVersion: string;
}

/**
 * Istio's `GetDeployMetaFromPod`: a pod with a generated name is named after its controller (a
 * ReplicaSet whose name ends with the pod's `pod-template-hash` after its Deployment), any other
 * after itself, of kind `Pod`.
 */
export function deployMetaOf(metadata: JsonObject): DeployMeta {
  const meta: DeployMeta = {
    name: metadata.name ?? '',
    namespace: metadata.namespace,
    kind: 'Pod',
    apiVersion: 'v1',
  };
  if (metadata.generateName) {
    const controller = (metadata.ownerReferences ?? []).find(
      (r: JsonObject) => r.controller === true,
    );
    if (controller) {
      meta.apiVersion = controller.apiVersion;
      meta.kind = controller.kind;
      meta.name = controller.name;
      const hash = metadata.labels?.['pod-template-hash'];
      if (
        controller.kind === 'ReplicaSet' &&
        hash &&
        String(controller.name).endsWith(hash)
      ) {
        meta.name = String(controller.name).slice(0, -(hash.length + 1));
        meta.kind = 'Deployment';
      }
    }
  }
  if (!meta.name) meta.name = metadata.name ?? '';
  return meta;
}

/**
 * Whether the pod's Node, or every Node when the pod has none yet (or its Node is unknown), runs a
 * kubelet of Kubernetes 1.33 or later, where native sidecars are stable: Istio's
 * `DetectNativeSidecar` (`pkg/kube/inject/webhook.go`, 1.27+), which reads the minor of each Node's
 * `status.nodeInfo.kubeletVersion`. A cluster without Nodes passes.
 */
export function nodesSupportNativeSidecars(
  nodes: KubeObject[],
  nodeName?: string,
): boolean {
  const supports = (node: KubeObject) => {
    const m = /^v?(\d+)\.(\d+)/.exec(
      String(node.status?.nodeInfo?.kubeletVersion ?? ''),
    );
    return m !== null && Number(m[2]) >= 33;
  };
  if (nodeName) {
    const node = nodes.find(n => n.metadata.name === nodeName);
    if (node) return supports(node);
  }
  return nodes.every(supports);
}

/**
 * Whether Istio `version`'s sidecar template makes the proxy a native sidecar (an init container
 * with `restartPolicy: Always`), with its defaults (`ENABLE_NATIVE_SIDECARS` unset):
 * before 1.24 never (1.19–1.23 only with the variable set to `true`); 1.24–1.26 when the pod is
 * annotated `sidecar.istio.io/nativeSidecar: "true"`; from 1.27 (`ENABLE_NATIVE_SIDECARS=auto`) as
 * that annotation says when set (anything but `false` enables), else when the Nodes support it.
 */
export function nativeSidecarFor(
  version: string,
  annotations: Record<string, string> | undefined,
  nodesSupport: boolean,
): boolean {
  const requested = annotations?.['sidecar.istio.io/nativeSidecar'];
  if (istioAtLeast(version, 27)) {
    return requested ? requested !== 'false' : nodesSupport;
  }
  if (istioAtLeast(version, 24)) return requested === 'true';
  return false;
}

/** Istio's `structToJSON` of container ports for `ISTIO_META_POD_PORTS`. */
function podPortsEnv(ports: JsonObject[]): string {
  return `[\n${ports
    .map(p => `    ${goJson(p, goContainerPort)}`)
    .join('\n    ,')}\n]`;
}

/** The `istio-proxy` container as the sidecar or gateway template of `version` renders it. */
function templateProxy(
  revision: string,
  version: string,
  appContainers: string[],
  workload: DeployMeta,
  ports: JsonObject[],
  gateway: boolean,
  native: boolean,
): JsonObject {
  // Go omits an empty env value.
  const env = (name: string, value: string) =>
    value ? { name, value } : { name };
  const appContainersEnv = env(
    'ISTIO_META_APP_CONTAINERS',
    appContainers.join(','),
  );
  const discovery = `${istiodName(revision)}.${istioSystem}.svc:15012`;
  const probe = {
    failureThreshold: 4,
    httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
    periodSeconds: 15,
    successThreshold: 1,
    timeoutSeconds: 3,
  };
  const crl = !gateway && istioAtLeast(version, 27);
  return {
    name: proxyName,
    image: `docker.io/istio/proxyv2:${version}`,
    ...(native ? { restartPolicy: 'Always' } : {}),
    args: [
      'proxy',
      gateway ? 'router' : 'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    // A native sidecar starts draining when the pod's shutdown begins (the template's preStop).
    ...(native
      ? {
          lifecycle: {
            preStop: {
              exec: {
                command: [
                  'pilot-agent',
                  'request',
                  '--debug-port=15020',
                  'POST',
                  'drain',
                ],
              },
            },
          },
        }
      : {}),
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: discovery },
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
      {
        name: 'PROXY_CONFIG',
        value: `${JSON.stringify({ discoveryAddress: discovery })}\n`,
      },
      { name: 'ISTIO_META_POD_PORTS', value: podPortsEnv(ports) },
      // The gateway template lists the application containers after GOMAXPROCS.
      ...(gateway ? [] : [appContainersEnv]),
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
      ...(gateway ? [appContainersEnv] : []),
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      envFromField('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      ...(workload.name
        ? [{ name: 'ISTIO_META_WORKLOAD_NAME', value: workload.name }]
        : []),
      ...(workload.name && workload.apiVersion
        ? [
            {
              name: 'ISTIO_META_OWNER',
              value: `kubernetes://apis/${workload.apiVersion}/namespaces/${
                workload.namespace || 'default'
              }/${workload.kind.toLowerCase()}s/${workload.name}`,
            },
          ]
        : []),
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: probe,
    // The gateway template sets neither resources nor a startup probe, and only the proxy's user.
    ...(gateway
      ? { securityContext: { runAsGroup: 1337, runAsUser: 1337 } }
      : {
          resources: proxyResources(),
          securityContext: proxySecurityContext(),
          startupProbe: {
            failureThreshold: 600,
            httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
            periodSeconds: 1,
            successThreshold: 1,
            timeoutSeconds: 3,
          },
        }),
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
      ...(crl
        ? [{ mountPath: '/var/run/secrets/istio/crl', name: 'istio-ca-crl' }]
        : []),
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
}

function initContainer(version: string): JsonObject {
  return {
    name: initName,
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
    resources: proxyResources(),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
}

export function sidecarVolumes(
  version: string,
  gateway: boolean,
): JsonObject[] {
  const volumes: JsonObject[] = [
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
  // The CA's certificate revocation list, mounted by the sidecar template since 1.27.
  if (!gateway && istioAtLeast(version, 27)) {
    volumes.push({
      name: 'istio-ca-crl',
      configMap: { defaultMode: 420, name: 'istio-ca-crl', optional: true },
    });
  }
  return volumes;
}

const isPlainObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A strategic merge of two lists of objects by their merge key: merged in place, new ones appended. */
function mergeByKey(
  base: JsonObject[] | undefined,
  patch: JsonObject[],
  key: string,
): JsonObject[] {
  const out = (base ?? []).map(item => {
    const over = patch.find(p => p[key] === item[key]);
    return over ? { ...item, ...over } : item;
  });
  for (const p of patch) {
    if (!out.some(item => item[key] === p[key])) out.push(p);
  }
  return out;
}

/** The strategic merge keys of a container's lists (`k8s.io/api/core/v1`'s patch merge keys). */
const containerMergeKeys: Record<string, string> = {
  ports: 'containerPort',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] =
      isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k], v) : v;
  }
  return out;
}

/**
 * Istio's `reapplyOverwrittenContainers`: the pod's own container of a name the template injects
 * is applied over the rendered one (a strategic merge; its image `auto` is dropped), so what the
 * pod spec sets wins.
 */
function applyContainer(rendered: JsonObject, own: JsonObject): JsonObject {
  const out: JsonObject = { ...rendered };
  for (const [k, v] of Object.entries(own)) {
    if (k === 'image' && (v === 'auto' || v === '')) continue;
    if (containerMergeKeys[k] && Array.isArray(v)) {
      out[k] = mergeByKey(rendered[k], v, containerMergeKeys[k]);
    } else if (isPlainObject(v) && isPlainObject(rendered[k])) {
      out[k] = deepMerge(rendered[k], v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

const goBool: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/**
 * Istio's `applyPrometheusMerge` (mesh config `enablePrometheusMerge`, on by default): unless the pod
 * opts out (`prometheus.io/scrape: "false"`) or already points at the agent's port 15020, the
 * pod's own Prometheus annotations move to the proxy's env `ISTIO_PROMETHEUS_ANNOTATIONS` and
 * the pod is annotated to be scraped at the agent (`/stats/prometheus` on 15020).
 */
function prometheusMerge(annotations: Record<string, string>): {
  annotations: Record<string, string>;
  env?: JsonObject;
} {
  const scrape = goBool[annotations['prometheus.io/scrape'] ?? ''] ?? true;
  if (!scrape || annotations['prometheus.io/port'] === '15020') {
    return { annotations };
  }
  const own = {
    scrape: annotations['prometheus.io/scrape'],
    path: annotations['prometheus.io/path'],
    port: annotations['prometheus.io/port'],
  };
  const set = Object.fromEntries(Object.entries(own).filter(([, v]) => v));
  return {
    annotations: {
      ...annotations,
      'prometheus.io/port': '15020',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/scrape': 'true',
    },
    ...(Object.keys(set).length
      ? {
          env: {
            name: 'ISTIO_PROMETHEUS_ANNOTATIONS',
            value: JSON.stringify(set),
          },
        }
      : {}),
  };
}

/**
 * Where the templates write the injecting revision besides `sidecar.istio.io/status`: the annotation
 * `istio.io/rev` from 1.18; before, the sidecar template of 1.9 and 1.10 and the gateway template up
 * to 1.17 wrote a label `istio.io/rev`, and 1.11–1.17's sidecar template neither.
 */
const revisionKey = 'istio.io/rev';

function revisionMarks(
  version: string,
  gateway: boolean,
  revision: string,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  if (istioAtLeast(version, 18)) {
    return { labels: {}, annotations: { [revisionKey]: revision } };
  }
  const labelled = gateway || !istioAtLeast(version, 11);
  return {
    labels: labelled ? { [revisionKey]: revision } : {},
    annotations: {},
  };
}

/** The first value that is set and not empty, as the templates' sprig `default` chains pick it. */
const firstSet = (...values: Array<string | undefined>) =>
  values.find(v => v !== undefined && v !== '');

/**
 * Applies Istio's injection templates to a pod (metadata and spec), as the injection webhook of
 * `revision` at `version` would (`pkg/kube/inject` and the istio-discovery chart's
 * `files/injection-template.yaml` and `gateway-injection-template.yaml` of that release).
 * `nodesSupportNative` is what `DetectNativeSidecar` found ({@link nodesSupportNativeSidecars}).
 *
 * - The sidecar template adds `istio-init` and the proxy: a native sidecar (init container after
 *   `istio-init`, `restartPolicy: Always`) where {@link nativeSidecarFor} says so, otherwise the last
 *   container, with `istio-init` the last init container. Pods annotated
 *   `inject.istio.io/templates: gateway` get the gateway template: the proxy only, in `containers`.
 * - A container the pod defines itself under the proxy's name (the gateway charts' `istio-proxy`
 *   with image `auto`) is applied over the rendered proxy, and, from 1.12, recorded in the
 *   annotation `proxy.istio.io/overrides`.
 * - Labels: `security.istio.io/tlsMode` (sidecar template only),
 *   `service.istio.io/canonical-name` (the pod's `service.istio.io/canonical-name`,
 *   `app.kubernetes.io/name` or `app`, else the workload's name; cut to 63 characters by the sidecar
 *   template from 1.21) and `-revision` (`service.istio.io/canonical-revision`,
 *   `app.kubernetes.io/version` or `version`, else `latest`).
 * - `istio.io/rev`, as an annotation or a label depending on the release (see {@link revisionMarks});
 *   `kubectl.kubernetes.io/default-logs-container` (and from 1.10 `default-container`) for a pod of
 *   exactly one application container, from 1.18 for any (the first) unless set; Prometheus merge;
 *   `sidecar.istio.io/status`.
 */
export function injectSidecar(
  pod: { metadata: JsonObject; spec: JsonObject },
  revision: string,
  version: string,
  workload: DeployMeta,
  proxyFailure?: string,
  nodesSupportNative = false,
): { metadata: JsonObject; spec: JsonObject } {
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  const annotations: Record<string, string> = pod.metadata.annotations ?? {};
  const gateway = (annotations['inject.istio.io/templates'] ?? '')
    .split(',')
    .some(t => t.trim() === 'gateway');
  const containers: JsonObject[] = pod.spec.containers ?? [];
  const inits: JsonObject[] = pod.spec.initContainers ?? [];
  const own =
    containers.find(c => c.name === proxyName) ??
    inits.find(c => c.name === proxyName);
  const appContainers = containers.filter(c => c.name !== proxyName);
  const userInits = inits.filter(
    c => c.name !== proxyName && c.name !== initName,
  );
  const native =
    !gateway && nativeSidecarFor(version, annotations, nodesSupportNative);
  const rendered = templateProxy(
    revision,
    version,
    appContainers.map(c => c.name),
    workload,
    containers.flatMap(c => c.ports ?? []),
    gateway,
    native,
  );
  const marks = revisionMarks(version, gateway, revision);
  const prometheus = prometheusMerge({ ...annotations, ...marks.annotations });
  const merged = own ? applyContainer(rendered, own) : rendered;
  const proxy = defaultContainer(
    prometheus.env
      ? { ...merged, env: [...(merged.env ?? []), prometheus.env] }
      : merged,
  );
  const overlay = own
    ? Object.fromEntries(
        Object.entries(own).filter(
          ([k, v]) => !(k === 'image' && (v === 'auto' || v === '')),
        ),
      )
    : undefined;
  const overrides =
    overlay && istioAtLeast(version, 12)
      ? JSON.stringify({
          [native ? 'initContainers' : 'containers']: [
            JSON.parse(goJson(overlay, goContainer)),
          ],
        })
      : undefined;

  const volumes = sidecarVolumes(version, gateway);
  const injectedInits = gateway
    ? []
    : [initName, ...(native ? [proxyName] : [])];
  const status = {
    initContainers: injectedInits.length ? injectedInits : null,
    containers: native ? null : [proxyName],
    volumes: volumes.map(v => v.name),
    imagePullSecrets: null,
    revision,
  };

  const canonicalName =
    firstSet(
      labels['service.istio.io/canonical-name'],
      labels['app.kubernetes.io/name'],
      labels.app,
    ) ?? workload.name;
  const defaultContainerAnnotations: Record<string, string> = {};
  const first = appContainers[0]?.name;
  if (istioAtLeast(version, 18)) {
    if (first !== undefined) {
      for (const key of [
        'kubectl.kubernetes.io/default-logs-container',
        'kubectl.kubernetes.io/default-container',
      ]) {
        if (annotations[key] === undefined)
          defaultContainerAnnotations[key] = first;
      }
    }
  } else if (appContainers.length === 1) {
    defaultContainerAnnotations[
      'kubectl.kubernetes.io/default-logs-container'
    ] = first;
    if (istioAtLeast(version, 10)) {
      defaultContainerAnnotations['kubectl.kubernetes.io/default-container'] =
        first;
    }
  }
  return {
    metadata: {
      ...pod.metadata,
      labels: {
        ...labels,
        ...marks.labels,
        ...(gateway
          ? {}
          : {
              'security.istio.io/tlsMode':
                firstSet(labels['security.istio.io/tlsMode']) ?? 'istio',
            }),
        'service.istio.io/canonical-name':
          !gateway && istioAtLeast(version, 21)
            ? canonicalName.slice(0, 63).replace(/-$/, '')
            : canonicalName,
        'service.istio.io/canonical-revision':
          firstSet(
            labels['service.istio.io/canonical-revision'],
            labels['app.kubernetes.io/version'],
            labels.version,
          ) ?? 'latest',
      },
      annotations: {
        ...prometheus.annotations,
        ...defaultContainerAnnotations,
        ...(overrides ? { 'proxy.istio.io/overrides': overrides } : {}),
        'sidecar.istio.io/status': JSON.stringify(status),
        ...(proxyFailure ? { 'mesh-sim.dev/failure': proxyFailure } : {}),
      },
    },
    spec: {
      ...pod.spec,
      ...(gateway && istioAtLeast(version, 21)
        ? {
            securityContext: {
              ...(pod.spec.securityContext ?? {}),
              sysctls: [
                { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
              ],
            },
          }
        : {}),
      ...(gateway
        ? {}
        : {
            initContainers: native
              ? [defaultContainer(initContainer(version)), proxy, ...userInits]
              : [...userInits, defaultContainer(initContainer(version))],
          }),
      containers: native ? appContainers : [...appContainers, proxy],
      // Merged from the template, Istio's volumes come before the pod's own.
      volumes: [...volumes, ...(pod.spec.volumes ?? [])],
    },
  };
}

const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The ServiceAccount admission plugin's `mountServiceAccountToken` (Kubernetes 1.34): every init
 * container and container without a mount at the token path mounts the `kube-api-access-*` volume,
 * which is added once if the pod has none; nothing when the pod sets
 * `automountServiceAccountToken: false`. The API server runs it again after a webhook changed the
 * pod (admission reinvocation), so Istio's injected containers get the mount too. The volume suffix
 * is derived from `seed` so pods of one ReplicaSet share it.
 */
export function mountServiceAccountToken(
  spec: JsonObject,
  seed: string,
): JsonObject {
  if (spec.automountServiceAccountToken === false) return spec;
  const existing = (spec.volumes ?? []).find((v: JsonObject) =>
    String(v.name).startsWith('kube-api-access-'),
  );
  const suffix = createHash('sha1')
    .update(seed)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 5);
  const volume: string = existing?.name ?? `kube-api-access-${suffix}`;
  const mount = { mountPath: tokenMountPath, name: volume, readOnly: true };
  let needsVolume = false;
  const mounted = (list: JsonObject[] | undefined) =>
    list?.map(c => {
      if (
        (c.volumeMounts ?? []).some(
          (m: JsonObject) => m.mountPath === tokenMountPath,
        )
      )
        return c;
      needsVolume = true;
      return { ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] };
    });
  const initContainers = mounted(spec.initContainers);
  const containers = mounted(spec.containers) ?? [];
  return {
    ...spec,
    ...(initContainers ? { initContainers } : {}),
    containers,
    ...(needsVolume && !existing
      ? {
          volumes: [
            ...(spec.volumes ?? []),
            {
              name: volume,
              projected: {
                defaultMode: 420,
                sources: [
                  {
                    serviceAccountToken: {
                      expirationSeconds: 3607,
                      path: 'token',
                    },
                  },
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
        }
      : {}),
  };
}

/**
 * Whether a stored pod carries a proxy, and of which revision and proxy version: from
 * `sidecar.istio.io/status`, else (a Gateway API gateway's pod) its annotation `istio.io/rev`.
 */
export function sidecarOf(
  pod: KubeObject,
): { revision: string; version: string } | undefined {
  const statusText = pod.metadata.annotations?.['sidecar.istio.io/status'];
  let revision: string | undefined;
  if (statusText) {
    try {
      revision = JSON.parse(statusText).revision;
    } catch {
      return undefined;
    }
  } else {
    // A Gateway API gateway's pod is not injected: istiod renders its proxy into the Deployment
    // and annotates the pods with its revision.
    revision = pod.metadata.annotations?.['istio.io/rev'];
  }
  // A native sidecar is an init container.
  const proxy = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ].find((c: JsonObject) => c.name === proxyName);
  const image: string = proxy?.image ?? '';
  const colon = image.lastIndexOf(':');
  return revision && colon > 0
    ? { revision, version: image.slice(colon + 1) }
    : undefined;
}
