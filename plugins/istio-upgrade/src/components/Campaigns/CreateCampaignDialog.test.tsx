import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aCampaignPlan } from '../../__testUtils__/campaignFixtures';
import { aFleet } from '../../__testUtils__/fleetFixtures';
import {
  backendError,
  mockIstioUpgradeApi,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { CreateCampaignDialog, fleetVersions } from './CreateCampaignDialog';

async function fillIn() {
  await userEvent.type(
    screen.getByRole('textbox', { name: 'Campaign name' }),
    'Fleet to 1.30',
  );
  await userEvent.click(screen.getByLabelText('Clusters of ring 1'));
  await userEvent.click(await screen.findByRole('option', { name: /seed/ }));
  await userEvent.keyboard('{Escape}');
  await userEvent.click(screen.getByRole('button', { name: 'Add ring' }));
  const ring2 = screen.getByRole('textbox', { name: 'Name of ring 2' });
  await userEvent.clear(ring2);
  await userEvent.type(ring2, 'prod');
  await userEvent.type(
    screen.getByRole('textbox', { name: 'Owner of ring 2' }),
    'group:default/shop',
  );
  const soak = screen.getByRole('textbox', { name: 'Soak seconds' });
  await userEvent.clear(soak);
  await userEvent.type(soak, '30');
  await userEvent.click(
    screen.getByRole('checkbox', { name: 'Remove old revision' }),
  );
}

describe('CreateCampaignDialog', () => {
  it('runs the dry run and shows every request per ring, cluster and wave, then creates the campaign with the same body', async () => {
    const api = mockIstioUpgradeApi();
    const onCreated = jest.fn();
    await renderIstio(
      <CreateCampaignDialog
        open
        fleet={aFleet()}
        onClose={jest.fn()}
        onCreated={onCreated}
      />,
      { api },
    );
    expect(screen.getByRole('textbox', { name: 'Target version' })).toHaveValue(
      '1.30.0',
    );
    expect(
      screen.getByRole('button', { name: 'Create campaign' }),
    ).toBeDisabled();

    await fillIn();
    await userEvent.click(screen.getByRole('button', { name: 'Plan' }));

    const plan = await screen.findByRole('region', { name: 'Campaign plan' });
    expect(
      within(plan).getByText(/3 requests to Istio 1.30.0, about 1 h 30 min/),
    ).toBeInTheDocument();
    expect(
      within(plan).getByText(
        'prod-us has no Prometheus: its waves are not gated',
      ),
    ).toBeInTheDocument();
    const seed = within(plan).getByRole('region', {
      name: 'Planned cluster seed',
    });
    expect(
      within(seed).getByText('seed → 1-30-0 from 1-9-7, 1-10-4'),
    ).toBeInTheDocument();
    expect(
      within(seed).getByText(
        /Windows: Mon, Tue, Wed 09:00–17:00 UTC; next opening/,
      ),
    ).toBeInTheDocument();
    expect(
      within(seed).getByText(/Health gate on Prometheus/),
    ).toBeInTheDocument();
    const wave1 = within(seed).getByRole('list', {
      name: 'Requests of wave 1',
    });
    expect(
      within(wave1).getByText(
        /Namespace migration of namespace bookinfo: Move namespace bookinfo from 1-9-7 to 1-30-0/,
      ),
    ).toBeInTheDocument();
    expect(
      within(seed).getByRole('list', { name: 'Namespaces of wave 2' }),
    ).toHaveTextContent('ratings: 3 pods; owners user:default/erin');
    expect(
      within(seed).getByText(
        /Gateway cutover of Service istio-ingress\/ingressgateway/,
      ),
    ).toBeInTheDocument();
    expect(
      within(plan).getByRole('region', { name: 'Planned cluster prod-us' }),
    ).toHaveTextContent('Not gated');

    const body = {
      name: 'Fleet to 1.30',
      targetVersion: '1.30.0',
      rings: [
        { name: 'staging', clusters: ['seed'] },
        { name: 'prod', owner: 'group:default/shop' },
      ],
      waves: { strategy: 'size', namespacesPerWave: 5 },
      steps: { gatewayCutover: true, tagMove: true, removeOldRevision: true },
      soakSeconds: 30,
    };
    expect(api.planCampaign).toHaveBeenCalledWith(body);

    const create = screen.getByRole('button', { name: 'Create campaign' });
    expect(create).toBeEnabled();
    await userEvent.click(create);
    expect(api.createCampaign).toHaveBeenCalledWith(body);
    expect(onCreated).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'camp-new', name: 'Fleet to 1.30' }),
    );
  });

  it('asks for a new plan when the form changes after one', async () => {
    await renderIstio(
      <CreateCampaignDialog
        open
        fleet={aFleet()}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
    );
    await fillIn();
    await userEvent.click(screen.getByRole('button', { name: 'Plan' }));
    await screen.findByRole('region', { name: 'Campaign plan' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Campaign name' }),
      ' again',
    );
    expect(
      screen.getByText(/The form changed since this plan/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create campaign' }),
    ).toBeDisabled();
  });

  it("shows the backend's reason when it refuses the plan", async () => {
    const api = mockIstioUpgradeApi({
      planCampaign: async () => {
        throw await backendError({
          status: 400,
          name: 'InputError',
          message:
            'Cluster prod-us cannot take 1.30.0: Kubernetes 1.29 is not supported by Istio 1.30',
        });
      },
    });
    await renderIstio(
      <CreateCampaignDialog
        open
        fleet={aFleet()}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
      { api },
    );
    await fillIn();
    await userEvent.click(screen.getByRole('button', { name: 'Plan' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Cluster prod-us cannot take 1.30.0: Kubernetes 1.29 is not supported by Istio 1.30',
    );
    expect(
      screen.getByRole('button', { name: 'Create campaign' }),
    ).toBeDisabled();
  });

  it("shows the backend's reason when it refuses the campaign", async () => {
    const api = mockIstioUpgradeApi({
      planCampaign: async () => aCampaignPlan(),
      createCampaign: async () => {
        throw await backendError({
          status: 409,
          name: 'ConflictError',
          message: 'Cluster seed is already in campaign Fleet to 1.29',
        });
      },
    });
    const onCreated = jest.fn();
    await renderIstio(
      <CreateCampaignDialog
        open
        fleet={aFleet()}
        onClose={jest.fn()}
        onCreated={onCreated}
      />,
      { api },
    );
    await fillIn();
    await userEvent.click(screen.getByRole('button', { name: 'Plan' }));
    await screen.findByRole('region', { name: 'Campaign plan' });
    await userEvent.click(
      screen.getByRole('button', { name: 'Create campaign' }),
    );
    expect(
      await screen.findByText(
        'Cluster seed is already in campaign Fleet to 1.29',
      ),
    ).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('refuses a number that is not one before asking the backend', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(
      <CreateCampaignDialog
        open
        fleet={aFleet()}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
      { api },
    );
    const soak = screen.getByRole('textbox', { name: 'Soak seconds' });
    await userEvent.clear(soak);
    await userEvent.type(soak, 'a day');
    await userEvent.click(screen.getByRole('button', { name: 'Plan' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Soak seconds is not a number',
    );
    expect(api.planCampaign).not.toHaveBeenCalled();
  });
});

describe('fleetVersions', () => {
  it("lists the fleet's Istio versions newest first, once each", () => {
    expect(fleetVersions(aFleet())).toEqual(['1.30.0', '1.10.4', '1.9.7']);
    expect(fleetVersions(undefined)).toEqual([]);
  });
});
