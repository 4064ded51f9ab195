import { screen } from '@testing-library/react';
import { EntityCluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  aCluster,
  aNamespace,
  aWorkload,
} from '../../__testUtils__/clusterFixtures';
import { anEntityView } from '../../__testUtils__/entityViewFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { productpage } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioContent } from './EntityIstioContent';

const CLUSTERS = 10;
const NAMESPACES = 5;
const WORKLOADS = 10;

/** 10 clusters × 5 namespaces × 10 workloads of one pod: 500 pods in scope, half of them drifted. */
function largeView() {
  const clusters: EntityCluster[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const name = `cluster-${c}`;
    const namespaces = [];
    const workloads = [];
    for (let n = 0; n < NAMESPACES; n++) {
      const namespace = `team-${n}`;
      namespaces.push({
        namespace: aNamespace({
          name: namespace,
          pods: WORKLOADS,
          injectedPods: WORKLOADS,
          podsNeedingRestart: WORKLOADS / 2,
          podsByRevision: [
            { revision: '1-9-7', version: '1.9.7', count: WORKLOADS / 2 },
            { revision: '1-10-4', version: '1.10.4', count: WORKLOADS / 2 },
          ],
        }),
        targets: [
          {
            revision: '1-10-4',
            version: '1.10.4',
            verdict: 'allowed' as const,
            reason: '1.10.4, +1 minor from 1.9.7',
          },
          {
            revision: '1-8-0',
            version: '1.8.0',
            verdict: 'blocked' as const,
            reason: '1.8.0 is end of life',
          },
        ],
      });
      for (let w = 0; w < WORKLOADS; w++) {
        workloads.push(
          aWorkload({
            namespace,
            name: `svc-${c}-${n}-${w}`,
            podsNeedingRestart: w % 2,
            podsByRevision: [
              w % 2
                ? { revision: '1-9-7', version: '1.9.7', count: 1 }
                : { revision: '1-10-4', version: '1.10.4', count: 1 },
            ],
          }),
        );
      }
    }
    clusters.push({
      cluster: aCluster({ name, title: `Cluster ${c}` }),
      namespaces,
      workloads,
      warnings: [],
    });
  }
  return anEntityView({ clusters });
}

describe('EntityIstioContent with 500 pods in scope', () => {
  it('renders every cluster, namespace and workload of a 500-pod service, and prints how long the first render took', async () => {
    const view = largeView();
    const pods = view.clusters.reduce(
      (sum, c) => sum + c.workloads.reduce((s, w) => s + w.pods, 0),
      0,
    );
    expect(pods).toBe(500);
    const api = mockIstioUpgradeApi({ getEntityView: async () => view });

    // A warm-up render, so that the figure is the tab's own and not module loading or JIT.
    const warm = await renderIstio(<EntityIstioContent />, {
      api,
      entity: productpage,
    });
    await screen.findByText('svc-9-4-9', {}, { timeout: 30_000 });
    warm.unmount();

    const started = performance.now();
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    // First meaningful render: the last cluster's last workload is on the page.
    await screen.findByText('svc-9-4-9', {}, { timeout: 30_000 });
    const elapsed = performance.now() - started;

    expect(
      screen.getAllByRole('button', { name: 'Migrate to 1-10-4' }),
    ).toHaveLength(CLUSTERS * NAMESPACES);
    expect(screen.getAllByText(/^svc-/)).toHaveLength(500);
    // eslint-disable-next-line no-console
    console.log(
      `EntityIstioContent: first meaningful render of ${pods} pods (${CLUSTERS} clusters × ${NAMESPACES} namespaces × ${WORKLOADS} workloads) in ${Math.round(
        elapsed,
      )} ms (jsdom)`,
    );
    // The time is printed, not asserted: a loaded machine must not fail the test.
  }, 90_000);
});
