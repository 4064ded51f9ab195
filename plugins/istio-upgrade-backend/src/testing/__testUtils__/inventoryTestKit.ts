import type { ClusterInventory } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { INVENTORY_WARNING_CODES } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { buildClusterInventory } from '../../inventory/engine';
import { MeshSnapshot, testCluster } from './MeshSnapshot';

/** Istio's release table for 1.9–1.12, as published. */
export const releases = [
  { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
  { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2022-01-07' },
  { minor: '1.11', releaseDate: '2021-08-12', endOfLife: '2022-03-25' },
  { minor: '1.12', releaseDate: '2021-11-18', endOfLife: '2022-07-12' },
];
/** The warning codes, short. */
export const W = INVENTORY_WARNING_CODES;
/** The clock of the lab: 1.9 and 1.10 are supported. */
export const JUNE_2021 = Date.parse('2021-06-01T00:00:00Z');

/** The inventory of a mesh snapshot at `now`. */
export function build(mesh: MeshSnapshot, now = JUNE_2021): ClusterInventory {
  return buildClusterInventory(testCluster(), mesh.snapshot(), {
    releases,
    now,
  });
}

/** A namespace of an inventory, by name. */
export function namespaceNamed(inventory: ClusterInventory, name: string) {
  return inventory.namespaces.find(n => n.name === name)!;
}

/** The warnings of an inventory with this code. */
export function warningsOf(inventory: ClusterInventory, code: string) {
  return inventory.warnings.filter(w => w.code === code);
}

/**
 * A canary upgrade half way: two revisions side by side, tags, a namespace part migrated, blue/green
 * ingress gateways behind one LoadBalancer Service.
 */
export function lab(): MeshSnapshot {
  return new MeshSnapshot()
    .namespace('istio-system')
    .namespace('bookinfo', { 'istio.io/rev': '1-10-4', team: 'reviews-team' })
    .namespace('legacy', { 'istio-injection': 'enabled', team: 'old-team' })
    .namespace('istio-ingress')
    .namespace('plain')
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4', { replicas: 2 })
    .tag('default', '1-9-7')
    .tag('prod', '1-10-4')
    .deployment('bookinfo', 'reviews', { replicas: 3 })
    .pods('bookinfo', 'reviews', 3, { revision: '1-9-7' })
    .deployment('bookinfo', 'ratings', { replicas: 2 })
    .pods('bookinfo', 'ratings', 2, { revision: '1-10-4' })
    .deployment('legacy', 'app', { replicas: 2 })
    .pods('legacy', 'app', 2, { revision: '1-9-7' })
    .deployment('plain', 'web')
    .pods('plain', 'web', 1)
    .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7', { replicas: 2 })
    .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4')
    .loadBalancer('istio-ingress', 'ingress', {
      istio: 'ingressgateway',
      version: '1-9-7',
    });
}

/**
 * Gateways a real mesh has besides the lab's blue/green ingress Deployments: Istio's egress gateway
 * (ClusterIP), an ingress gateway exposed by a NodePort Service, a DaemonSet gateway, and a gateway
 * known only by its `inject.istio.io/templates: gateway` annotation.
 */
export function gatewayKinds(): MeshSnapshot {
  const egressLabels = {
    app: 'istio-egressgateway',
    istio: 'egressgateway',
    'sidecar.istio.io/inject': 'true',
  };
  const edgeLabels = {
    app: 'edge-gateway',
    istio: 'edge-gateway',
    'istio.io/rev': '1-9-7',
  };
  return new MeshSnapshot()
    .namespace('istio-system')
    .namespace('istio-ingress')
    .namespace('edge')
    .namespace('partners')
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4')
    .tag('default', '1-10-4')
    .tag('legacy', '1-9-7')
    .deployment('istio-system', 'istio-egressgateway', {
      labels: { app: 'istio-egressgateway' },
      podLabels: { ...egressLabels, 'istio.io/rev': '1-9-7' },
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
    })
    .pods('istio-system', 'istio-egressgateway', 1, {
      revision: '1-9-7',
      labels: { ...egressLabels, 'istio.io/rev': '1-9-7' },
      gateway: true,
    })
    .service('istio-system', 'istio-egressgateway', 'ClusterIP', {
      app: 'istio-egressgateway',
      istio: 'egressgateway',
    })
    .gateway('istio-ingress', 'ingress-nodeport', '1-9-7', {
      labels: { app: 'ingress-nodeport', istio: 'ingressgateway' },
    })
    .service('istio-ingress', 'ingress-nodeport', 'NodePort', {
      app: 'ingress-nodeport',
      istio: 'ingressgateway',
    })
    .deployment('edge', 'edge-gateway', {
      kind: 'DaemonSet',
      labels: { app: 'edge-gateway' },
      podLabels: edgeLabels,
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
      replicas: 2,
    })
    .pods('edge', 'edge-gateway', 2, {
      kind: 'DaemonSet',
      revision: '1-9-7',
      labels: edgeLabels,
      gateway: true,
    })
    .service('edge', 'edge-gateway', 'ClusterIP', { app: 'edge-gateway' })
    .deployment('partners', 'partner-proxy', {
      labels: { app: 'partner-proxy' },
      podLabels: { app: 'partner-proxy', 'istio.io/rev': 'legacy' },
      podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      images: { 'istio-proxy': 'auto' },
      replicas: 0,
    });
}
