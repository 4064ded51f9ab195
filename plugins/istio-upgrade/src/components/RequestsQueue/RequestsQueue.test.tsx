import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aRequest } from '../../__testUtils__/requestFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { RequestsQueue } from './RequestsQueue';

const cutover = aRequest({
  id: 'cutover-1',
  type: 'gateway-cutover',
  state: 'pending-approval',
  target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
  requestedBy: 'user:default/alice',
  comment: 'after the bookinfo migration',
  approvalRequired: true,
  approvalReason: 'gateway cutovers need a second person',
  progress: { podsInScope: 0, podsMigrated: 0 },
  allowedActions: ['approve', 'reject'],
  notAllowedBecause: {},
});

describe('RequestsQueue', () => {
  it('lists the requests waiting for approval and the recent ones', async () => {
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state === 'pending-approval'
          ? [cutover]
          : [cutover, aRequest({ state: 'succeeded' })],
    });
    await renderIstio(<RequestsQueue />, { api });
    const pending = await screen.findByRole('listitem', {
      name: 'Gateway cutover of Service istio-gateways/istio-ingressgateway on seed',
    });
    // Who asked, by the catalog's display name, linked to their page.
    const asked = within(pending).getByText(/^Asked by/);
    await waitFor(() =>
      expect(asked).toHaveTextContent(
        /^Asked by Alice \(platform\) at .*: “after the bookinfo migration”$/,
      ),
    );
    expect(
      within(asked).getByRole('link', { name: 'Alice (platform)' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    expect(
      within(pending).getByText(
        /Needs approval because gateway cutovers need a second person/,
      ),
    ).toBeInTheDocument();
    expect(api.listRequests).toHaveBeenCalledWith({
      state: 'pending-approval',
      limit: 100,
    });
    const recent = await screen.findByRole('row', { name: /Succeeded/ });
    expect(
      await within(recent).findByRole('link', { name: 'Carol (bookinfo)' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
  });

  it('approves with a comment and follows the request', async () => {
    const approved = {
      ...cutover,
      state: 'approved' as const,
      allowedActions: [],
    };
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state === 'pending-approval' ? [cutover] : [],
      approveRequest: async () => approved,
      getRequest: async () => approved,
    });
    await renderIstio(<RequestsQueue />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      /Approve: Service istio-gateways\/istio-ingressgateway/,
    );
    await userEvent.type(within(dialog).getByLabelText(/Comment/), 'go ahead');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(api.approveRequest).toHaveBeenCalledWith('cutover-1', {
        comment: 'go ahead',
      }),
    );
    expect(
      await screen.findByRole('region', { name: /Gateway cutover: Service/ }),
    ).toHaveTextContent('Approved');
  });

  it('rejects', async () => {
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state === 'pending-approval' ? [cutover] : [],
    });
    await renderIstio(<RequestsQueue />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    await waitFor(() =>
      expect(api.rejectRequest).toHaveBeenCalledWith('cutover-1', {}),
    );
  });

  it('shows self-approval as not allowed, with the reason from the backend', async () => {
    const own = {
      ...cutover,
      allowedActions: ['cancel' as const],
      notAllowedBecause: {
        approve: 'You asked for this request: someone else must approve it',
        reject: 'You asked for this request: cancel it instead',
      },
    };
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state === 'pending-approval' ? [own] : [],
    });
    await renderIstio(<RequestsQueue />, { api });
    const approve = await screen.findByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    expect(approve).toHaveAccessibleDescription(
      'You asked for this request: someone else must approve it',
    );
    expect(
      screen.getByText(
        'You asked for this request: someone else must approve it',
      ),
    ).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Cancel request' }),
    ).toBeEnabled();
  });

  it('shows a decision that fails in its dialog', async () => {
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state === 'pending-approval' ? [cutover] : [],
      approveRequest: async () => {
        throw new Error('The request changed: it is no longer waiting');
      },
    });
    await renderIstio(<RequestsQueue />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await within(dialog).findByText(/Approve failed: The request changed/),
    ).toBeInTheDocument();
  });

  it('says when nothing waits', async () => {
    await renderIstio(<RequestsQueue />);
    expect(
      await screen.findByText('No request waits for approval.'),
    ).toBeInTheDocument();
  });

  it('says when the requests are unavailable', async () => {
    const api = mockIstioUpgradeApi({
      listRequests: async () => {
        throw new Error('Not Found');
      },
    });
    await renderIstio(<RequestsQueue />, { api });
    expect(
      await screen.findByText('The requests are unavailable: Not Found'),
    ).toBeInTheDocument();
  });
});
