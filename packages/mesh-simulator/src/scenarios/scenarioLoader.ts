import { applyCreateDefaults } from '../api/defaults';
import { simulatedKubernetesVersion } from '../api/discovery';
import { apiVersionOf, findResourceTypeByKind } from '../api/resourceTypes';
import { dropUnknownFields } from '../api/fieldValidation';
import { kindSchema } from '../api/openapi/kindSchemas';
import { validateObject } from '../api/validation';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { behaviourAnnotations } from '../controllers/podStatus';
import { istioSystem } from '../istio/controlPlanes';
import { installedByHelm, istiodRelease } from '../istio/chartMetadata';
import { egressGatewayObjects } from '../istio/egressGateway';
import {
  gatewayLoadBalancer,
  gatewayObjects,
  gatewayServicePorts,
  helmGatewayObjects,
  helmGatewayServicePorts,
} from '../istio/ingressGateways';
import {
  injectorWebhook,
  servedFromOutside,
  tagService,
  tagWebhook,
} from '../istio/injectionWebhooks';
import { istiodAccessObjects } from '../istio/istiodAccess';
import { istioConfigMaps, istiodObjects } from '../istio/istiodObjects';
import { controlPlaneValidators } from '../istio/validationWebhooks';
import { loadSailControlPlanes } from '../sail/sailScenario';
import { KubeObject } from '../store/kubeObject';
import { FlowSpec } from '../traffic/trafficProbe';
import { ScenarioCluster, ScenarioWorkload } from './scenarioFormat';

/** Creates an object as the API server would (validation, defaults), skipping HTTP. */
export function createObject(
  cluster: SimulatedCluster,
  object: KubeObject,
): KubeObject {
  const rt = findResourceTypeByKind(object.apiVersion, object.kind);
  if (!rt) {
    throw new Error(
      `scenario object of unknown kind ${object.apiVersion} ${object.kind}`,
    );
  }
  // Unknown fields would be dropped by the API server; in a scenario they are mistakes: refuse them.
  const decoded = dropUnknownFields(object, kindSchema(rt));
  if (decoded.errors.length > 0) {
    throw new Error(
      `scenario object ${object.kind} ${object.metadata?.namespace ?? ''}/${
        object.metadata?.name
      }: ${decoded.errors.join(', ')}`,
    );
  }
  const metadata = { ...(object.metadata ?? {}) };
  const withType = { ...object, apiVersion: apiVersionOf(rt), metadata };
  validateObject(rt, withType);
  return cluster.store.create(
    rt,
    applyCreateDefaults(rt, withType, () => cluster.allocateClusterIP()),
  );
}

function namespaceObject(
  name: string,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(labels ? { labels } : {}),
    } as unknown as KubeObject['metadata'],
  };
}

function nodeObject(cluster: string, index: number): KubeObject {
  const name = `${cluster}-node-${index + 1}`;
  const capacity = {
    cpu: '8',
    memory: '32Gi',
    pods: '250',
    'ephemeral-storage': '100Gi',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `zone-${String.fromCharCode(
          97 + (index % 3),
        )}`,
        ...(index === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    } as unknown as KubeObject['metadata'],
    spec: { podCIDR: `10.244.${index}.0/24` },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${index + 10}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: simulatedKubernetesVersion.gitVersion,
        containerRuntimeVersion: 'containerd://1.7.27',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        architecture: 'amd64',
        operatingSystem: 'linux',
        kernelVersion: '6.1.0-35-amd64',
      },
    },
  };
}

function workloadObjects(namespace: string, w: ScenarioWorkload): KubeObject[] {
  const kind = w.kind ?? 'Deployment';
  const app = w.app ?? w.name;
  const selector: Record<string, string> = {
    app,
    ...(w.version ? { version: w.version } : {}),
  };
  const labels: Record<string, string> = {
    ...selector,
    ...(w.component ? { 'backstage.io/kubernetes-id': w.component } : {}),
    ...(w.labels ?? {}),
  };
  const port = w.port ?? 8080;
  const annotations: Record<string, string> = { ...(w.annotations ?? {}) };
  if (w.startSeconds !== undefined)
    annotations[behaviourAnnotations.startSeconds] = String(w.startSeconds);
  if (w.readySeconds !== undefined)
    annotations[behaviourAnnotations.readySeconds] = String(w.readySeconds);
  if (w.failure) annotations[behaviourAnnotations.failure] = w.failure;
  const template = {
    metadata: {
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      serviceAccountName: app,
      containers: [
        {
          name: app,
          image:
            w.image ??
            `docker.io/istio/examples-bookinfo-${app}-${
              w.version ?? 'v1'
            }:1.20.2`,
          ports: [{ containerPort: port, name: 'http', protocol: 'TCP' }],
          resources: {
            requests: { cpu: '50m', memory: '64Mi' },
            limits: { cpu: '500m', memory: '256Mi' },
          },
          readinessProbe: {
            httpGet: { path: '/health', port, scheme: 'HTTP' },
            periodSeconds: 10,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
  const workloadLabels = {
    app,
    ...(w.version ? { version: w.version } : {}),
    ...(w.component ? { 'backstage.io/kubernetes-id': w.component } : {}),
  };
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind,
      metadata: {
        name: w.name,
        namespace,
        labels: workloadLabels,
      } as unknown as KubeObject['metadata'],
      spec: {
        ...(kind === 'DaemonSet' ? {} : { replicas: w.replicas ?? 1 }),
        ...(kind === 'StatefulSet' ? { serviceName: app } : {}),
        selector: { matchLabels: selector },
        template,
      },
    },
  ];
  if (w.service) {
    const svc = typeof w.service === 'object' ? w.service : {};
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: svc.name ?? app,
        namespace,
        labels: {
          app,
          service: app,
          ...(w.component ? { 'backstage.io/kubernetes-id': w.component } : {}),
        },
      } as unknown as KubeObject['metadata'],
      spec: {
        selector: { app },
        ports: [
          {
            name: 'http',
            port: svc.port ?? port,
            targetPort: port,
            protocol: 'TCP',
          },
        ],
      },
    });
  }
  return objects;
}

/** The traffic flows a scenario cluster declares. */
export function scenarioFlows(spec: ScenarioCluster): FlowSpec[] {
  return (spec.flows ?? []).map(f => ({
    name: f.name,
    hops: f.hops.map((h, i) => {
      if (typeof h === 'string') {
        const [service, port] = h.split(':');
        return {
          service,
          ...(port ? { port: Number(port) } : {}),
          gateway:
            i === 0 &&
            spec.gateways !== undefined &&
            service.startsWith(
              `${spec.gateways.namespace ?? 'istio-gateways'}/`,
            ),
        };
      }
      return h;
    }),
  }));
}

/**
 * Loads a scenario cluster: nodes, namespaces, control planes, tags, gateways, workloads and
 * raw objects, settled so every pod starts running and ready, then the drift relabels.
 */
export function loadScenarioCluster(
  cluster: SimulatedCluster,
  spec: ScenarioCluster,
) {
  for (let i = 0; i < (spec.nodes ?? 3); i++)
    createObject(cluster, nodeObject(spec.name, i));
  const gatewayNamespace = spec.gateways?.namespace ?? 'istio-gateways';
  const egressNamespace = spec.egressGateway?.namespace ?? istioSystem;
  const base = [
    ...new Set([
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      istioSystem,
      ...(spec.gateways ? [gatewayNamespace] : []),
      ...(spec.egressGateway ? [egressNamespace] : []),
    ]),
  ];
  for (const ns of base) createObject(cluster, namespaceObject(ns));
  for (const ns of spec.namespaces ?? []) {
    if (!cluster.hasNamespace(ns.name))
      createObject(cluster, namespaceObject(ns.name, ns.labels));
  }
  const revisions = spec.istio?.revisions ?? [];
  const tags = spec.istio?.tags ?? {};
  const chartVersion = spec.istio?.chartVersion;
  const istioByHelm = spec.istio?.installedWith === 'helm';
  if (
    spec.istio?.installedWith !== undefined &&
    !['istioctl', 'helm', 'sail'].includes(spec.istio.installedWith)
  ) {
    throw new Error(
      `scenario cluster ${spec.name}: istio.installedWith is istioctl, helm or sail, not ${spec.istio.installedWith}`,
    );
  }
  // A revision's chart objects as its Helm release (`istiod-<revision>`) leaves them; the webhooks
  // of a control plane outside the cluster call its URL.
  const ofRelease = (revision: string | undefined) => (o: KubeObject) => {
    const r = revisions.find(candidate => candidate.name === revision);
    const installed =
      istioByHelm && r
        ? installedByHelm(o, istiodRelease(r.name), istioSystem)
        : o;
    return r?.externalUrl
      ? servedFromOutside(installed, r.externalUrl, r.version)
      : installed;
  };
  const versionOf = (revision: string) => {
    const version = revisions.find(r => r.name === revision)?.version;
    if (!version) {
      throw new Error(
        `scenario cluster ${spec.name}: ${revision} is not one of its revisions`,
      );
    }
    return version;
  };
  // With Sail, the operator makes the control planes from the Istio and tags the scenario creates.
  const istioBySail = spec.istio?.installedWith === 'sail';
  if (istioBySail) loadSailControlPlanes(cluster, spec, createObject);
  for (const r of istioBySail ? [] : revisions) {
    if (r.externalUrl) {
      createObject(
        cluster,
        ofRelease(r.name)(injectorWebhook(r.name, r.version, chartVersion)),
      );
      continue;
    }
    istiodObjects(r.name, r.version, r.replicas ?? 1, chartVersion).forEach(o =>
      createObject(cluster, ofRelease(r.name)(o)),
    );
    istioConfigMaps(r.name, r.version, chartVersion).forEach(o =>
      createObject(cluster, ofRelease(r.name)(o)),
    );
    istiodAccessObjects(r.name, r.version, {
      replicas: r.replicas ?? 1,
      chartVersion,
      byIstioctl: !istioByHelm,
    }).forEach(o => createObject(cluster, ofRelease(r.name)(o)));
    createObject(
      cluster,
      ofRelease(r.name)(injectorWebhook(r.name, r.version, chartVersion)),
    );
  }
  for (const [tag, revision] of Object.entries(istioBySail ? {} : tags)) {
    const version = versionOf(revision);
    createObject(
      cluster,
      ofRelease(revision)(tagWebhook(tag, revision, version, chartVersion)),
    );
    const service = tagService(tag, revision, version, chartVersion);
    const external = revisions.some(r => r.name === revision && r.externalUrl);
    if (service && !external) createObject(cluster, service);
  }
  // Each validator as its revision's release (or, for `istiod-default-validator`, `istioctl tag
  // set` copying the tag's revision's injector annotations) leaves it.
  (istioBySail
    ? []
    : controlPlaneValidators(revisions, tags.default, chartVersion)
  ).forEach(o =>
    createObject(cluster, ofRelease(o.metadata.labels?.['istio.io/rev'])(o)),
  );
  cluster.settle();
  if (spec.egressGateway) {
    const egress = spec.egressGateway;
    const version = revisions.find(
      r => r.name === (tags[egress.revision] ?? egress.revision),
    )?.version;
    if (!version) {
      throw new Error(
        `scenario cluster ${spec.name}: the egress gateway's revision ${egress.revision} is neither a revision nor a tag`,
      );
    }
    egressGatewayObjects(
      egress.name ?? 'istio-egressgateway',
      egressNamespace,
      egress.revision,
      version,
      egress.replicas ?? 1,
      chartVersion,
    ).forEach(o => createObject(cluster, o));
  }
  if (spec.gateways) {
    const name = spec.gateways.name ?? 'istio-ingressgateway';
    const helm = spec.gateways.installedWith === 'helm';
    if (
      spec.gateways.installedWith !== undefined &&
      !['istioctl', 'helm'].includes(spec.gateways.installedWith)
    ) {
      throw new Error(
        `scenario cluster ${spec.name}: gateways.installedWith is istioctl or helm, not ${spec.gateways.installedWith}`,
      );
    }
    for (const g of spec.gateways.revisions) {
      (helm
        ? helmGatewayObjects(
            name,
            gatewayNamespace,
            g.revision,
            versionOf(g.revision),
            g.replicas ?? 2,
            chartVersion,
          )
        : gatewayObjects(name, gatewayNamespace, g.revision, g.replicas ?? 2)
      ).forEach(o => createObject(cluster, o));
    }
    createObject(
      cluster,
      gatewayLoadBalancer(
        name,
        gatewayNamespace,
        spec.gateways.live,
        helm ? helmGatewayServicePorts : gatewayServicePorts,
      ),
    );
  }
  for (const ns of spec.namespaces ?? []) {
    for (const w of ns.workloads ?? []) {
      workloadObjects(ns.name, w).forEach(o => createObject(cluster, o));
    }
  }
  for (const o of spec.objects ?? []) createObject(cluster, o);
  cluster.settle();
  const namespaces = findResourceTypeByKind('v1', 'Namespace')!;
  for (const ns of spec.namespaces ?? []) {
    if (!ns.labelsAfterStart) continue;
    const current = cluster.store.get(namespaces, undefined, ns.name)!;
    const labels: Record<string, string> = {
      ...(current.metadata.labels ?? {}),
    };
    for (const [k, v] of Object.entries(ns.labelsAfterStart)) {
      if (v === null) delete labels[k];
      else labels[k] = v;
    }
    cluster.store.replace(namespaces, {
      ...current,
      metadata: { ...current.metadata, labels },
    });
  }
  cluster.settle();
}
