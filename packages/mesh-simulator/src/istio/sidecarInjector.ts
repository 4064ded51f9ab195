import { defaultContainer } from '../api/defaults';
import { ApiError } from '../api/statusErrors';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { applyContainer } from './containerMerge';
import {
  ControlPlanes,
  istiodName,
  istioSystem,
  revisionOfIstiodService,
} from './controlPlanes';
import { goContainer, goJson } from './goJson';
import { decideInjection } from './injectionPolicy';
import { istioAtLeast } from './istioVersions';
import {
  DeployMeta,
  initContainer,
  initName,
  nativeSidecarFor,
  proxyName,
  sidecarVolumes,
  templateProxy,
} from './sidecarTemplates';

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
