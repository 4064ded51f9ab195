import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aFleetToRank } from '../../__testUtils__/fleetRankFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { IstioUpgradePage } from './IstioUpgradePage';

function cellTexts(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      [...row.querySelectorAll('th, td')].map(cell => cell.textContent ?? ''),
    );
}

function sortBy(column: string) {
  return userEvent.click(
    within(screen.getByRole('table', { name: 'Clusters' })).getByRole(
      'button',
      { name: column },
    ),
  );
}

function rowNames(container: HTMLElement = document.body): string[] {
  return within(container)
    .getAllByTestId(/^fleet-cluster-/)
    .map(row => row.getAttribute('data-testid')!.replace('fleet-cluster-', ''));
}

async function renderRankedFleet() {
  const api = mockIstioUpgradeApi({ getFleet: async () => aFleetToRank() });
  await renderIstio(<IstioUpgradePage />, { api });
  await screen.findByTestId('fleet-cluster-eol-e', {}, { timeout: 10_000 });
}

describe('the fleet page at fleet scale', () => {
  it('shows fleet-wide pods and namespaces per Istio version and per revision first', async () => {
    await renderRankedFleet();
    expect(
      screen.getByText(
        '5 clusters, 60 pods (50 with a sidecar), 15 namespaces',
      ),
    ).toBeInTheDocument();
    const perVersion = screen.getByRole('table', {
      name: 'Pods and namespaces per Istio version',
    });
    const rows = cellTexts(perVersion);
    expect(rows).toEqual([
      ['1.30.0', '3', '30', '6'],
      ['1.28.2', '1', '10', '2'],
      ['1.9.7', '1', '10', '2'],
      ['no sidecar', '', '10', ''],
    ]);
    const perRevision = screen.getByRole('table', {
      name: 'Pods and namespaces per revision',
    });
    expect(cellTexts(perRevision)).toEqual([
      ['1-30-0 (1.30.0)', '3', '30', '6'],
      ['1-28-2 (1.28.2)', '1', '10', '2'],
      ['1-9-7 (1.9.7)', '1', '10', '2'],
      ['no sidecar', '', '10', ''],
    ]);
  });

  it('lists the clusters most urgent first: end of life, skew, drift, behind, then up to date', async () => {
    await renderRankedFleet();
    expect(rowNames()).toEqual([
      'eol-e',
      'skew-d',
      'drift-c',
      'behind-b',
      'ok-a',
    ]);
    expect(
      within(screen.getByTestId('fleet-cluster-eol-e')).getByText(
        'End of life, Behind newest',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('fleet-cluster-ok-a')).getByText('Up to date'),
    ).toBeInTheDocument();
  });

  it('sorts by a column, and back the other way on a second click', async () => {
    await renderRankedFleet();
    await sortBy('Cluster');
    expect(rowNames()).toEqual([
      'behind-b',
      'drift-c',
      'eol-e',
      'ok-a',
      'skew-d',
    ]);
    await sortBy('Cluster');
    expect(rowNames()).toEqual([
      'skew-d',
      'ok-a',
      'eol-e',
      'drift-c',
      'behind-b',
    ]);
    await sortBy('Newest version');
    // Equal versions keep the most urgent first.
    expect(rowNames()).toEqual([
      'eol-e',
      'behind-b',
      'skew-d',
      'drift-c',
      'ok-a',
    ]);
  });

  it('filters by name, owner, version and status text', async () => {
    await renderRankedFleet();
    const filter = screen.getByRole('textbox', { name: 'Filter clusters' });
    await userEvent.type(filter, 'team-a');
    await waitFor(() => expect(rowNames()).toEqual(['skew-d', 'behind-b']));
    expect(screen.getByText('2 of 5 clusters')).toBeInTheDocument();
    await userEvent.clear(filter);
    await userEvent.type(filter, 'DRIFT');
    await waitFor(() => expect(rowNames()).toEqual(['drift-c']));
    await userEvent.clear(filter);
    await userEvent.type(filter, '1.28');
    await waitFor(() => expect(rowNames()).toEqual(['behind-b']));
    await userEvent.clear(filter);
    await userEvent.type(filter, 'ok-a');
    await waitFor(() => expect(rowNames()).toEqual(['ok-a']));
    await userEvent.clear(filter);
    await userEvent.type(filter, 'no such cluster');
    expect(
      await screen.findByText('No cluster matches “no such cluster”.'),
    ).toBeInTheDocument();
  });

  it('groups by owner, the owner of the most urgent cluster first', async () => {
    await renderRankedFleet();
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Group by owner' }),
    );
    const groups = screen.getAllByRole('rowgroup', { name: /^Owner / });
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual([
      'Owner No owner',
      'Owner team-a',
      'Owner team-b',
    ]);
    expect(within(groups[1]).getByText('team-a: 2 clusters')).toBeVisible();
    expect(rowNames(groups[1])).toEqual(['skew-d', 'behind-b']);
    expect(rowNames(groups[2])).toEqual(['drift-c', 'ok-a']);
    expect(
      within(groups[1]).getAllByRole('link', { name: 'team-a' })[0],
    ).toHaveAttribute('href', '/catalog/default/group/team-a');
  });

  it("opens a row onto the cluster's bars and support, with a link to its Istio tab", async () => {
    await renderRankedFleet();
    const row = screen.getByTestId('fleet-cluster-eol-e');
    expect(
      within(row).getByRole('link', { name: 'Cluster eol-e' }),
    ).toHaveAttribute('href', '/catalog/default/resource/eol-e/istio');
    const toggle = within(row).getByRole('button', {
      name: 'Details of Cluster eol-e',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(
      screen.getByRole('img', { name: '1-9-7 (1.9.7): 2 namespaces' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'Open the Istio tab of Cluster eol-e',
      }),
    ).toHaveAttribute('href', '/catalog/default/resource/eol-e/istio');
    expect(
      screen.getAllByText('End of life since 2021-10-08').length,
    ).toBeGreaterThan(0);
  });
});
