import { applyCreateDefaults } from '../api/defaults';
import { resourceTypeNamed } from '../api/resourceTypes';
import { ClusterContext } from '../controllers/clusterContext';
import { KubeObject } from '../store/kubeObject';
import { istioSystem } from './controlPlanes';
import {
  desiredDeployment,
  desiredService,
  desiredServiceAccount,
  gatewayNameLabel,
  gatewayRevision,
  istioGatewayClass,
  managedBy,
  managedLabel,
} from './gatewayApiResources';
import { gatewayStatus } from './gatewayApiStatus';

const gateways = resourceTypeNamed('gateways');

const deployments = resourceTypeNamed('deployments');

const services = resourceTypeNamed('services');

const serviceAccounts = resourceTypeNamed('serviceaccounts');

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
