import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  aRequest,
  aSharedBookinfoPlan,
} from '../../__testUtils__/requestFixtures';
import {
  mockIstioUpgradeApi,
  never,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { RequestProgressView, progressPercent } from './RequestProgressView';

describe('RequestProgressView', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows progress while the request loads', async () => {
    const api = mockIstioUpgradeApi({ getRequest: () => never() });
    await renderIstio(<RequestProgressView requestId="r1" />, { api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the request cannot be loaded', async () => {
    const api = mockIstioUpgradeApi({
      getRequest: async () => {
        throw new Error('No request r1');
      },
    });
    await renderIstio(<RequestProgressView requestId="r1" />, { api });
    expect(
      (await screen.findAllByText(/No request r1/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows state, pods migrated out of pods in scope, steps and the event log', async () => {
    await renderIstio(<RequestProgressView requestId={aRequest().id} />);
    const bar = await screen.findByRole('progressbar', {
      name: 'Pods migrated',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(
      screen.getByText(/3 of 6 pods on 1-10-4 \(50 %\)/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('request-state')).toHaveTextContent('Running');
    expect(
      screen.getByText('Relabel the namespace for 1-10-4'),
    ).toBeInTheDocument();
    const log = screen.getByRole('log', { name: 'Event log' });
    expect(
      within(log).getByText(/patch Namespace bookinfo/),
    ).toBeInTheDocument();
  });

  it('names who asked, who decided and who acted by their catalog display names, linked to their pages', async () => {
    const rejected = aRequest({
      state: 'rejected',
      decidedBy: 'user:default/alice',
      decisionComment: 'not during the freeze',
      allowedActions: [],
    });
    const api = mockIstioUpgradeApi({ getRequest: async () => rejected });
    await renderIstio(<RequestProgressView requestId={rejected.id} />, {
      api,
    });
    const who = await screen.findByText(/^Requested by/);
    await waitFor(() =>
      expect(who).toHaveTextContent(
        /^Requested by Carol \(bookinfo\) at .* — rejected by Alice \(platform\): “not during the freeze”$/,
      ),
    );
    expect(
      within(who).getByRole('link', { name: 'Carol (bookinfo)' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
    expect(
      within(who).getByRole('link', { name: 'Alice (platform)' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    const created = within(
      screen.getByRole('log', { name: 'Event log' }),
    ).getByText(/Request created/);
    expect(created).toHaveTextContent(
      /Request created \(Carol \(bookinfo\)\)$/,
    );
    expect(
      within(created).getByRole('link', { name: 'Carol (bookinfo)' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
  });

  it('polls an active request every two seconds until it ends, then reports it settled', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const answers = [
      aRequest({ progress: { podsInScope: 6, podsMigrated: 3 } }),
      aRequest({ progress: { podsInScope: 6, podsMigrated: 6 } }),
      aRequest({
        state: 'succeeded',
        progress: { podsInScope: 6, podsMigrated: 6 },
        allowedActions: ['rollback'],
      }),
    ];
    let call = 0;
    const api = mockIstioUpgradeApi({
      getRequest: async () => answers[Math.min(call++, answers.length - 1)],
    });
    const onSettled = jest.fn();
    const onProgress = jest.fn();
    await renderIstio(
      <RequestProgressView
        requestId={aRequest().id}
        onSettled={onSettled}
        onProgress={onProgress}
      />,
      { api },
    );
    const bar = await screen.findByRole('progressbar', {
      name: 'Pods migrated',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    await act(async () => {
      jest.advanceTimersByTime(2000);
    });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '100'));
    expect(onProgress).toHaveBeenCalledTimes(1);
    await act(async () => {
      jest.advanceTimersByTime(2000);
    });
    await waitFor(() =>
      expect(screen.getByTestId('request-state')).toHaveTextContent(
        'Succeeded',
      ),
    );
    expect(onSettled).toHaveBeenCalledTimes(1);
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.getRequest).toHaveBeenCalledTimes(3);
  });

  it('reloads at once when the backend signals a change of this request', async () => {
    const signals = mockSignalApi();
    const done = aRequest({
      state: 'succeeded',
      progress: { podsInScope: 6, podsMigrated: 6 },
    });
    let call = 0;
    const api = mockIstioUpgradeApi({
      getRequest: async () => (call++ === 0 ? aRequest() : done),
    });
    await renderIstio(<RequestProgressView requestId={aRequest().id} />, {
      api,
      signalApi: signals.signalApi,
    });
    const bar = await screen.findByRole('progressbar', {
      name: 'Pods migrated',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(signals.channels()).toContain('istio-upgrade:requests');
    act(() =>
      signals.push('istio-upgrade:requests', { id: 'another-request' }),
    );
    act(() => signals.push('istio-upgrade:requests', { id: aRequest().id }));
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '100'));
    expect(api.getRequest).toHaveBeenCalledTimes(2);
  });

  it('cancels with a comment', async () => {
    // The backend answers polls with the request as it is: cancelled once cancelled.
    let current = aRequest();
    const api = mockIstioUpgradeApi({
      getRequest: async () => current,
      cancelRequest: async () => {
        current = aRequest({ state: 'cancelled' });
        return current;
      },
    });
    await renderIstio(<RequestProgressView requestId={aRequest().id} />, {
      api,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Cancel request' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Comment/),
      'wrong time',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel request' }),
    );
    await waitFor(() =>
      expect(api.cancelRequest).toHaveBeenCalledWith(aRequest().id, {
        comment: 'wrong time',
      }),
    );
    expect(await screen.findByText('Cancelled')).toBeInTheDocument();
  });

  it('rolls back, handing the new request to the page', async () => {
    const done = aRequest({
      state: 'succeeded',
      allowedActions: ['rollback'],
      progress: { podsInScope: 6, podsMigrated: 6 },
    });
    const api = mockIstioUpgradeApi({ getRequest: async () => done });
    const onRollback = jest.fn();
    await renderIstio(
      <RequestProgressView requestId={done.id} onRollback={onRollback} />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Roll back',
      }),
    );
    await waitFor(() =>
      expect(onRollback).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'rollback-1' }),
      ),
    );
  });

  it('shows an action the caller may not take disabled with the reason', async () => {
    const done = aRequest({
      state: 'succeeded',
      allowedActions: [],
      notAllowedBecause: {
        rollback:
          'Only the requester, the owners and the platform team roll back',
      },
      progress: { podsInScope: 6, podsMigrated: 6 },
    });
    const api = mockIstioUpgradeApi({ getRequest: async () => done });
    await renderIstio(<RequestProgressView requestId={done.id} />, { api });
    const button = await screen.findByRole('button', { name: 'Roll back' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Only the requester, the owners and the platform team roll back',
    );
    expect(screen.queryByRole('button', { name: 'Cancel request' })).toBeNull();
  });

  it('names the step a running request is on, and no step once it has ended', async () => {
    const done = aRequest({
      state: 'succeeded',
      progress: { podsInScope: 6, podsMigrated: 6, currentStep: 'verify' },
    });
    const api = mockIstioUpgradeApi({ getRequest: async () => done });
    await renderIstio(<RequestProgressView requestId={done.id} />, { api });
    expect(
      await screen.findByText('6 of 6 pods on 1-10-4 (100 %)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/verify/)).toBeNull();
  });

  it('follows the event log inside the log, without scrolling the page', async () => {
    const scrollIntoView = jest.fn();
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = scrollIntoView;
    try {
      await renderIstio(<RequestProgressView requestId={aRequest().id} />);
      const log = await screen.findByRole('log', { name: 'Event log' });
      expect(log.scrollTop).toBe(log.scrollHeight);
      expect(scrollIntoView).not.toHaveBeenCalled();
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });

  it('shows a request waiting for approval and a failed one with its error', async () => {
    const failed = aRequest({
      state: 'failed',
      error: 'Rollout of reviews-v2 exceeded its progress deadline',
    });
    const api = mockIstioUpgradeApi({ getRequest: async () => failed });
    await renderIstio(<RequestProgressView requestId={failed.id} />, { api });
    expect(
      await screen.findByText(
        'Rollout of reviews-v2 exceeded its progress deadline',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('request-state')).toHaveTextContent('Failed');
  });

  describe('a migration of a shared namespace waiting for its other owners', () => {
    const shared = aSharedBookinfoPlan(['Deployment/details-v1']);
    const waiting = aRequest({
      state: 'pending-approval',
      approvalRequired: true,
      approvalReason: shared.approvalReason,
      plan: shared.plan,
      progress: { podsInScope: 6, podsMigrated: 0 },
    });

    it('lets a co-owner the backend allows approve it here', async () => {
      const forErin = {
        ...waiting,
        allowedActions: ['approve' as const, 'reject' as const],
      };
      let current: UpgradeRequest = forErin;
      const api = mockIstioUpgradeApi({
        getRequest: async () => current,
        approveRequest: async () => {
          current = { ...forErin, state: 'approved' };
          return current;
        },
      });
      await renderIstio(<RequestProgressView requestId={waiting.id} />, {
        api,
      });
      const waitingFor = await screen.findByText(
        /An approver, or an owner of the other workloads it restarts/,
      );
      // The co-owner by her catalog display name, linked to her page.
      await waitFor(() =>
        expect(waitingFor).toHaveTextContent(
          'An approver, or an owner of the other workloads it restarts (Erin (ratings)), decides here',
        ),
      );
      expect(
        within(waitingFor).getByRole('link', { name: 'Erin (ratings)' }),
      ).toHaveAttribute('href', '/catalog/default/user/erin');
      expect(screen.getByRole('button', { name: 'Reject' })).toBeEnabled();
      await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
      const dialog = await screen.findByRole('dialog');
      await userEvent.type(
        within(dialog).getByLabelText(/Comment/),
        'details can move too',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );
      await waitFor(() =>
        expect(api.approveRequest).toHaveBeenCalledWith(waiting.id, {
          comment: 'details can move too',
        }),
      );
      expect(await screen.findByTestId('request-state')).toHaveTextContent(
        'Approved',
      );
    });

    it('offers the requester no Approve on their own request', async () => {
      const forCarol = {
        ...waiting,
        allowedActions: ['cancel' as const],
        notAllowedBecause: {
          approve: 'nobody approves or rejects their own request',
          reject: 'nobody approves or rejects their own request',
        },
      };
      const api = mockIstioUpgradeApi({ getRequest: async () => forCarol });
      await renderIstio(<RequestProgressView requestId={waiting.id} />, {
        api,
      });
      expect(
        await screen.findByRole('button', { name: 'Cancel request' }),
      ).toBeEnabled();
      expect(
        screen.queryByRole('button', { name: 'Approve' }),
      ).not.toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Reject' }),
      ).not.toBeInTheDocument();
    });
  });
});

describe('progressPercent', () => {
  it('is the share of pods in scope on the target, rounded', () => {
    expect(
      progressPercent(
        aRequest({ progress: { podsInScope: 3, podsMigrated: 1 } }),
      ),
    ).toBe(33);
    expect(
      progressPercent(
        aRequest({ progress: { podsInScope: 3, podsMigrated: 5 } }),
      ),
    ).toBe(100);
  });

  it('is complete for a finished request without pods', () => {
    expect(
      progressPercent(
        aRequest({
          state: 'succeeded',
          progress: { podsInScope: 0, podsMigrated: 0 },
        }),
      ),
    ).toBe(100);
    expect(
      progressPercent(
        aRequest({ progress: { podsInScope: 0, podsMigrated: 0 } }),
      ),
    ).toBe(0);
  });
});
