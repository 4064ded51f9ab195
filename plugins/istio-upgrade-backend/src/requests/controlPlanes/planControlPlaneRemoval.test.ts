import { KubeObject } from '../../kubernetes/ClusterApi';
import { planControlPlaneRemoval } from './planControlPlaneRemoval';
import { manifestOf } from './revisionObjects';

const object = (
  kind: string,
  name: string,
  namespace?: string,
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: {
    name,
    ...(namespace ? { namespace } : {}),
    uid: `uid-${name}`,
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    annotations: {
      'meta.helm.sh/release-name': 'istiod-1-29-1',
      'meta.helm.sh/release-namespace': 'istio-system',
    },
  },
  ...(kind === 'Service'
    ? { spec: { clusterIP: '10.0.0.1', ports: [{ port: 443 }] } }
    : {}),
  status: { anything: true },
});

describe('planControlPlaneRemoval', () => {
  it('deletes exactly the objects read, with uid preconditions, and re-creates them in reverse on rollback', () => {
    const webhook = object(
      'MutatingWebhookConfiguration',
      'istio-sidecar-injector-1-29-1',
    );
    const deployment = object('Deployment', 'istiod-1-29-1', 'istio-system');
    const service = object('Service', 'istiod-1-29-1', 'istio-system');
    const plan = planControlPlaneRemoval({
      revision: '1-29-1',
      version: '1.29.1',
      installedBy: 'helm',
      revisionObjects: [webhook, deployment, service],
      gatewayObjects: [],
    });
    expect(
      plan.patches.map(p => [p.step, p.patchType, p.kind, p.name, p.patch]),
    ).toEqual([
      [
        'remove-control-plane',
        'delete',
        'MutatingWebhookConfiguration',
        'istio-sidecar-injector-1-29-1',
        { preconditions: { uid: 'uid-istio-sidecar-injector-1-29-1' } },
      ],
      [
        'remove-control-plane',
        'delete',
        'Deployment',
        'istiod-1-29-1',
        { preconditions: { uid: 'uid-istiod-1-29-1' } },
      ],
      [
        'remove-control-plane',
        'delete',
        'Service',
        'istiod-1-29-1',
        { preconditions: { uid: 'uid-istiod-1-29-1' } },
      ],
    ]);
    expect(plan.rollbackPatches!.map(p => [p.patchType, p.kind])).toEqual([
      ['create', 'Service'],
      ['create', 'Deployment'],
      ['create', 'MutatingWebhookConfiguration'],
    ]);
    expect(plan.controlPlane).toEqual({
      installedBy: 'helm',
      mode: 'delete-objects',
      version: '1.29.1',
      deletions: [
        'MutatingWebhookConfiguration/istio-sidecar-injector-1-29-1',
        'Deployment/istio-system/istiod-1-29-1',
        'Service/istio-system/istiod-1-29-1',
      ],
    });
    expect(plan.warnings).toEqual([
      'Helm keeps its record of release istiod-1-29-1 (istio-system) (its objects are deleted here): `helm uninstall <release> -n <namespace>` forgets it',
    ]);
  });

  it('stores manifests without what the API server set', () => {
    const manifest = manifestOf(
      object('Service', 'istiod-1-29-1', 'istio-system'),
    );
    expect(manifest.metadata).toEqual({
      name: 'istiod-1-29-1',
      namespace: 'istio-system',
      annotations: expect.any(Object),
    });
    expect(manifest.status).toBeUndefined();
    expect(manifest.spec).toEqual({ ports: [{ port: 443 }] });
  });

  it("with Sail, deletes the IstioRevision or leaves it to Sail's grace period", () => {
    const istioRevision = {
      ...object('IstioRevision', 'default-v1-30-1'),
      apiVersion: 'sailoperator.io/v1',
    };
    const deleted = planControlPlaneRemoval({
      revision: 'default-v1-30-1',
      installedBy: 'sail',
      istioRevision,
      revisionObjects: [],
      gatewayObjects: [],
    });
    expect(deleted.controlPlane).toMatchObject({
      mode: 'sail-delete',
      deletions: ['IstioRevision/default-v1-30-1'],
    });
    const pruned = planControlPlaneRemoval({
      revision: 'default-v1-30-1',
      installedBy: 'sail',
      istioRevision,
      sailGracePeriodSeconds: 30,
      revisionObjects: [],
      gatewayObjects: [],
    });
    expect(pruned.controlPlane).toMatchObject({
      mode: 'sail-grace-period',
      gracePeriodSeconds: 30,
      deletions: [],
    });
    expect(pruned.patches).toEqual([]);
    expect(pruned.rollbackPatches).toEqual([
      expect.objectContaining({ patchType: 'create', kind: 'IstioRevision' }),
    ]);
  });
});
