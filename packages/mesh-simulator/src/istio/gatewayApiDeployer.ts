import { applyCreateDefaults } from '../api/defaults';
import { resourceTypeNamed } from '../api/resourceTypes';
import { ClusterContext, timestamp } from '../controllers/clusterContext';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { istioSystem, revisionOfIstiodService } from './controlPlanes';

const gateways = resourceTypeNamed('gateways');
const deployments = resourceTypeNamed('deployments');
const services = resourceTypeNamed('services');

const revisionLabel = 'istio.io/rev';
const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';
const managedLabel = 'gateway.istio.io/managed';
const managedBy = 'istio.io-gateway-controller';
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

function listenerPorts(gateway: KubeObject) {
  const seen = new Set<number>();
  const ports: Array<Record<string, unknown>> = [
    {
      name: 'status-port',
      port: 15021,
      protocol: 'TCP',
      appProtocol: 'tcp',
      targetPort: 15021,
    },
  ];
  for (const listener of gateway.spec?.listeners ?? []) {
    const port = Number(listener.port);
    if (!port || seen.has(port)) continue;
    seen.add(port);
    const protocol = String(listener.protocol ?? 'TCP').toLowerCase();
    ports.push({
      name: `${protocol}-${port}`,
      port,
      protocol: 'TCP',
      appProtocol:
        protocol === 'https' || protocol === 'tls' ? 'tcp' : protocol,
      targetPort: port,
    });
  }
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

/**
 * The Deployment of Istio's `kube-gateway` template as istiod of `revision` renders it: one
 * `istio-proxy` container (`image: auto`) that the injector fills with the gateway template of
 * that revision's version; `spec.replicas` is left to the user (and to an autoscaler) after
 * creation, as istiod's server-side apply does not own it.
 */
function desiredDeployment(gateway: KubeObject, revision: string): KubeObject {
  const name = gateway.metadata.name;
  const infrastructure = gateway.spec?.infrastructure ?? {};
  const labels = {
    ...(infrastructure.labels ?? {}),
    [gatewayNameLabel]: name,
    [managedLabel]: managedBy,
    [revisionLabel]: revision,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: gatewayApiDeploymentName(name),
      namespace: gateway.metadata.namespace,
      labels,
      annotations: { ...(infrastructure.annotations ?? {}) },
      ownerReferences: ownerReference(gateway),
    } as unknown as KubeObject['metadata'],
    spec: {
      selector: { matchLabels: { [gatewayNameLabel]: name } },
      template: {
        metadata: {
          labels: {
            ...(infrastructure.labels ?? {}),
            'sidecar.istio.io/inject': 'true',
            'service.istio.io/canonical-name': gatewayApiDeploymentName(name),
            'service.istio.io/canonical-revision': 'latest',
            'istio.io/gateway-name': name,
            [gatewayNameLabel]: name,
            [revisionLabel]: revision,
          },
          annotations: {
            ...(infrastructure.annotations ?? {}),
            'inject.istio.io/templates': 'gateway',
            'prometheus.io/path': '/stats/prometheus',
            'prometheus.io/port': '15020',
            'prometheus.io/scrape': 'true',
          },
        },
        spec: {
          serviceAccountName: gatewayApiDeploymentName(name),
          containers: [
            {
              name: 'istio-proxy',
              image: 'auto',
              ports: [
                { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
                {
                  containerPort: 15090,
                  name: 'http-envoy-prom',
                  protocol: 'TCP',
                },
              ],
            },
          ],
        },
      },
    },
  };
}

function desiredService(gateway: KubeObject, revision: string): KubeObject {
  const name = gateway.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: gatewayApiDeploymentName(name),
      namespace: gateway.metadata.namespace,
      labels: {
        [gatewayNameLabel]: name,
        [managedLabel]: managedBy,
        [revisionLabel]: revision,
      },
      ownerReferences: ownerReference(gateway),
    } as unknown as KubeObject['metadata'],
    spec: {
      type: 'LoadBalancer',
      selector: { [gatewayNameLabel]: name },
      ports: listenerPorts(gateway),
    },
  };
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * istiod's gateway deployment controller: for each Gateway of class `istio` whose revision (see
 * {@link gatewayRevision}) has a ready istiod, the Deployment and LoadBalancer Service
 * `<name>-istio`, kept as that revision renders them. Relabelling the Gateway, or moving the tag
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

    const wanted = desiredDeployment(gateway, revision);
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
      if (
        !same(current.metadata.labels, wanted.metadata.labels) ||
        !same(current.spec.template, template)
      ) {
        store.replace(deployments, {
          ...current,
          metadata: { ...current.metadata, labels: wanted.metadata.labels },
          spec: { ...current.spec, template },
        });
      }
    }

    const service = desiredService(gateway, revision);
    const currentService = store.get(
      services,
      namespace,
      service.metadata.name,
    );
    if (!currentService) {
      store.create(
        services,
        applyCreateDefaults(services, service, allocateClusterIP),
      );
    } else if (
      !same(currentService.metadata.labels, service.metadata.labels) ||
      !same(
        currentService.spec.ports.map((p: KubeObject) => p.port),
        service.spec.ports.map((p: KubeObject) => p.port),
      )
    ) {
      store.replace(
        services,
        applyCreateDefaults(
          services,
          {
            ...currentService,
            metadata: {
              ...currentService.metadata,
              labels: service.metadata.labels,
            },
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
        change.typeKey === 'services') &&
      object.metadata.labels?.[managedLabel] === managedBy
    ) {
      const owner = object.metadata.labels?.[gatewayNameLabel];
      if (owner && (change.type === 'DELETED' || change.typeKey === 'services'))
        loop.enqueue('gateway-api', `${object.metadata.namespace}/${owner}`);
    }
  });
}

/**
 * The status istiod writes on a Gateway it deployed: Accepted and Programmed, with the load
 * balancer's address once it has one.
 */
function gatewayStatus(
  ctx: ClusterContext,
  gateway: KubeObject,
  address: string | undefined,
): JsonObject {
  const previous: JsonObject[] = gateway.status?.conditions ?? [];
  const generation = gateway.metadata.generation ?? 1;
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => {
    const before = previous.find(c => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      observedGeneration: generation,
      lastTransitionTime:
        before?.status === status ? before.lastTransitionTime : timestamp(ctx),
    };
  };
  return {
    ...(address ? { addresses: [{ type: 'IPAddress', value: address }] } : {}),
    conditions: [
      condition('Accepted', 'True', 'Accepted', 'Resource accepted'),
      address
        ? condition(
            'Programmed',
            'True',
            'Programmed',
            'Resource programmed, assigned to service(s)',
          )
        : condition(
            'Programmed',
            'False',
            'AddressNotAssigned',
            'Assigned to service(s), but no address is assigned yet',
          ),
    ],
  };
}
