import { mockServices } from '@backstage/backend-test-utils';
import { RequestNotifier } from './RequestNotifier';
import { StoredRequest } from './RequestStore';

function request(id: string, state: string): StoredRequest {
  return {
    id,
    state,
    type: 'namespace-migration',
    cluster: 'seed',
    target: { namespace: 'bookinfo' },
    revision: '1-10-4',
    requestedBy: 'user:default/carol',
    podsMigrated: 0,
    podsInScope: 6,
  } as unknown as StoredRequest;
}

describe('RequestNotifier', () => {
  it('keeps no state for requests that ended, and announces each state once', async () => {
    const sent: string[] = [];
    const notifier = new RequestNotifier({
      auditor: mockServices.auditor.mock(),
      logger: mockServices.logger.mock(),
      approvers: ['group:default/platform-team'],
      baseUrl: 'http://localhost:3000',
      notifications: {
        send: async options => {
          sent.push(options.payload.title);
        },
      },
    });
    for (let i = 0; i < 100; i++) {
      await notifier.changed(request(`r${i}`, 'pending-approval'));
      await notifier.changed(request(`r${i}`, 'approved'));
      await notifier.changed(request(`r${i}`, 'running'));
    }
    expect(notifier.trackedRequests).toBe(100);
    for (let i = 0; i < 100; i++) {
      await notifier.changed(request(`r${i}`, 'succeeded'));
      // A repeated end (another sweep, another replica's signal) is not announced again.
      await notifier.changed(request(`r${i}`, 'succeeded'));
    }
    expect(notifier.trackedRequests).toBe(0);
    expect(sent.filter(t => /waits for approval/.test(t))).toHaveLength(100);
    expect(sent.filter(t => /succeeded/.test(t))).toHaveLength(100);
    // A later rollback of an ended request is a new state, announced.
    await notifier.changed(request('r0', 'rolled-back'));
    expect(sent.filter(t => /rolled-back/.test(t))).toHaveLength(1);
    expect(notifier.trackedRequests).toBe(0);
  });
});
