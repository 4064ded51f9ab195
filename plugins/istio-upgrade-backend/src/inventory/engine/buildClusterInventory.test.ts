import {
  build,
  lab,
  namespaceNamed,
} from '../../testing/__testUtils__/inventoryTestKit';
import { MeshSnapshot } from '../../testing/__testUtils__/MeshSnapshot';

describe('buildClusterInventory', () => {
  const inventory = build(lab());

  it('adds up the totals', () => {
    expect(inventory.totals).toEqual({
      namespaces: 5,
      pods: 11,
      injectedPods: 10,
      podsNeedingRestart: 3,
    });
  });

  it('sorts warnings most severe first and marks them with the cluster', () => {
    const severities = inventory.warnings.map(w => w.severity);
    expect(severities).toEqual(
      [...severities].sort(
        (a, b) =>
          ['error', 'warning', 'info'].indexOf(a) -
          ['error', 'warning', 'info'].indexOf(b),
      ),
    );
    expect(inventory.warnings.every(w => w.cluster === 'c1')).toBe(true);
    expect(inventory.warnings.map(w => w.code)).toEqual(['drift']);
  });

  it('gives the same output for the same input', () => {
    expect(build(lab())).toEqual(inventory);
  });

  it('counts 10,000 pods in 500 workloads, each pod once', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-9-7');
    for (let n = 0; n < 50; n++) {
      mesh.namespace(
        `ns-${n}`,
        n % 2 ? { 'istio.io/rev': '1-10-4' } : { 'istio-injection': 'enabled' },
      );
      for (let d = 0; d < 10; d++) {
        mesh.deployment(`ns-${n}`, `app-${d}`, { replicas: 20 });
        mesh.pods(`ns-${n}`, `app-${d}`, 10, {
          revision: '1-9-7',
          labels: { app: `app-${d}` },
        });
        mesh.pods(`ns-${n}`, `app-${d}`, 10, {
          revision: '1-10-4',
          labels: { app: `app-${d}` },
        });
      }
    }
    expect(mesh.podRecords).toHaveLength(10_000);
    // Its speed is measured by the inventory benchmark (yarn bench:inventory), not here.
    const result = build(mesh);
    expect(result.totals.pods).toBe(10_000);
    expect(result.totals.podsNeedingRestart).toBe(5_000);
    const apps = result.workloads.filter(w => w.name.startsWith('app-'));
    expect(apps).toHaveLength(500);
    expect(apps.every(w => w.pods === 20)).toBe(true);
    expect(namespaceNamed(result, 'ns-1').podsByRevision).toEqual([
      { revision: '1-10-4', version: '1.10.4', count: 100 },
      { revision: '1-9-7', version: '1.9.7', count: 100 },
    ]);
  });
});
