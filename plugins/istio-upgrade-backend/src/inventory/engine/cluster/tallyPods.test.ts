import { MeshSnapshot } from '../../../testing/__testUtils__/MeshSnapshot';
import { ProxyVersionTimeline } from '../ProxyVersionTimeline';
import { readMeshControl } from './readMeshControl';
import { tallyPods } from './tallyPods';

function tally(mesh: MeshSnapshot) {
  const snapshot = mesh.snapshot();
  const workloads = [...snapshot.workloads];
  const control = readMeshControl(workloads, snapshot.webhooks);
  const versions = new ProxyVersionTimeline(
    [],
    new Map(
      [...control.controlPlanes.values()].map(c => [c.revision, c.version]),
    ),
  );
  const result = tallyPods(
    { namespaces: snapshot.namespaces, workloads, pods: snapshot.pods },
    control,
    versions,
  );
  return { control, ...result };
}

describe('tallyPods', () => {
  it('counts each pod once in its namespace, its workload and its control plane', () => {
    const { control, namespaces, workloads } = tally(
      new MeshSnapshot()
        .namespace('shop', { 'istio.io/rev': '1-10-4' })
        .controlPlane('1-9-7', '1.9.7')
        .controlPlane('1-10-4', '1.10.4')
        .deployment('shop', 'cart', { replicas: 3 })
        .pods('shop', 'cart', 2, { revision: '1-9-7' })
        .pods('shop', 'cart', 1, { revision: '1-10-4' }),
    );
    expect(namespaces.get('shop')).toMatchObject({
      pods: 3,
      injected: 3,
      uninjected: 0,
      needingRestart: 2,
    });
    expect(workloads.get('shop/Deployment/cart')).toMatchObject({
      desiredRevision: '1-10-4',
      pods: 3,
      needingRestart: 2,
    });
    expect(control.controlPlanes.get('1-9-7')?.pods).toBe(2);
    expect(control.controlPlanes.get('1-10-4')?.pods).toBe(1);
  });

  it('adds the namespaces only pods name, and counts pods without a sidecar the namespace would inject', () => {
    const { namespaces } = tally(
      new MeshSnapshot()
        .namespace('legacy', { 'istio-injection': 'enabled' })
        .controlPlane('default', '1.10.4')
        .deployment('legacy', 'app', { replicas: 2 })
        .pods('legacy', 'app', 2)
        .pods('unlisted', 'job', 1),
    );
    expect(namespaces.get('legacy')).toMatchObject({
      uninjected: 2,
      uninjectedWanted: 2,
    });
    expect(namespaces.get('unlisted')).toMatchObject({
      record: { name: 'unlisted', labels: {} },
      pods: 1,
      uninjectedWanted: 0,
    });
  });
});
