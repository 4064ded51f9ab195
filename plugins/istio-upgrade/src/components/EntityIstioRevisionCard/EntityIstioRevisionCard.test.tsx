import { screen, within } from '@testing-library/react';
import { aNamespace, aWorkload } from '../../__testUtils__/clusterFixtures';
import {
  anEntityCluster,
  anEntityView,
} from '../../__testUtils__/entityViewFixtures';
import {
  mockIstioUpgradeApi,
  never,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { productpage } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import {
  EntityIstioRevisionCard,
  summarizeEntityCluster,
} from './EntityIstioRevisionCard';

describe('EntityIstioRevisionCard', () => {
  it('shows progress while loading', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: () => never() });
    await renderIstio(<EntityIstioRevisionCard />, {
      api,
      entity: productpage,
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => {
        throw new Error('backend down');
      },
    });
    await renderIstio(<EntityIstioRevisionCard />, {
      api,
      entity: productpage,
    });
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('says when no workload runs anywhere', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => anEntityView({ clusters: [] }),
    });
    await renderIstio(<EntityIstioRevisionCard />, {
      api,
      entity: productpage,
    });
    expect(
      await screen.findByText(
        'No workload of productpage runs in a synced cluster.',
      ),
    ).toBeInTheDocument();
  });

  it('shows one line per cluster with its revisions, whether outdated, and links to the tab', async () => {
    const upToDate = anEntityCluster({
      cluster: {
        ...anEntityCluster().cluster,
        name: 'prod-us',
        title: 'Production US',
      },
      workloads: [
        aWorkload({
          podsByRevision: [{ revision: '1-30-0', version: '1.30.0', count: 2 }],
        }),
      ],
      namespaces: [
        {
          namespace: aNamespace({
            desiredRevision: '1-30-0',
            desiredVersion: '1.30.0',
          }),
          targets: [],
        },
      ],
      warnings: [],
    });
    const api = mockIstioUpgradeApi({
      getEntityView: async () =>
        anEntityView({ clusters: [anEntityCluster(), upToDate] }),
    });
    await renderIstio(<EntityIstioRevisionCard />, {
      api,
      entity: productpage,
    });
    const seed = await screen.findByTestId('revision-card-seed');
    expect(within(seed).getByText('1-9-7 · 1.9.7 × 1')).toBeInTheDocument();
    expect(seed).toHaveTextContent(
      'Outdated: 1-10-4 is available for bookinfo; 1-9-7 is end of life',
    );
    const us = screen.getByTestId('revision-card-prod-us');
    expect(us).toHaveTextContent('Up to date');
    expect(
      screen.getByRole('link', { name: 'Sidecars, migrations and history' }),
    ).toHaveAttribute('href', '/catalog/default/component/productpage/istio');
  });
});

describe('summarizeEntityCluster', () => {
  it('adds up pods per revision and reports drift', () => {
    const summary = summarizeEntityCluster(
      anEntityCluster({
        workloads: [
          aWorkload({ podsNeedingRestart: 1 }),
          aWorkload({
            name: 'b',
            podsByRevision: [
              { revision: '1-9-7', version: '1.9.7', count: 2 },
              { count: 1 },
            ],
          }),
        ],
        namespaces: [],
        warnings: [],
      }),
    );
    expect(summary.revisions).toEqual([
      { revision: '1-9-7', version: '1.9.7', count: 3 },
      { count: 1 },
    ]);
    expect(summary.outdatedBecause).toEqual([
      '1 pod runs another revision than asked for',
    ]);
  });
});
