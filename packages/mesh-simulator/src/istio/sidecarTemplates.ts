import { JsonObject, KubeObject } from '../store/kubeObject';
import { istiodName, istioSystem } from './controlPlanes';
import { goContainerPort, goJson } from './goJson';
import { istioAtLeast } from './istioVersions';

function envFromField(name: string, fieldPath: string): JsonObject {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

/** The injected proxy container's name. */
export const proxyName = 'istio-proxy';

/** The injected init container's name (Istio's iptables setup, without the CNI plugin). */
export const initName = 'istio-init';

/** The resources Istio's templates give the proxy (and istio-init), as a new object each call. */
export const proxyResources = (): JsonObject => ({
  limits: { cpu: '2', memory: '1Gi' },
  requests: { cpu: '100m', memory: '128Mi' },
});

/**
 * The proxy's securityContext in the sidecar template and istiod's kube-gateway template (not the
 * injected gateway template, which sets only the user), as a new object each call.
 */
/**
 * The proxy's mounts of its workload identity: the SDS sockets, the workload certificates and
 * istiod's CA, first in every proxy container Istio renders (sidecar, gateway template, Gateway API).
 */
export const identityMounts = (): JsonObject[] => [
  {
    mountPath: '/var/run/secrets/workload-spiffe-uds',
    name: 'workload-socket',
  },
  { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
  {
    mountPath: '/var/run/secrets/workload-spiffe-credentials',
    name: 'workload-certs',
  },
  { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
];

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
export function templateProxy(
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
      ...identityMounts(),
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

/** The `istio-init` container as the sidecar template of `version` renders it. */
export function initContainer(version: string): JsonObject {
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
