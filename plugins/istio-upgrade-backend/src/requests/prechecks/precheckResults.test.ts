import { clusterInventory } from '../planning/__testUtils__/inventoryFixtures';
import {
  clusterSyncedCheck,
  fail,
  namespaceProtectedCheck,
  pass,
  warn,
} from './precheckResults';

describe('precheck results', () => {
  it('carry their id, status and message', () => {
    expect(pass('a', 'fine')).toEqual({
      id: 'a',
      status: 'pass',
      message: 'fine',
    });
    expect(warn('b', 'look')).toEqual({
      id: 'b',
      status: 'warn',
      message: 'look',
    });
    expect(fail('c', 'no')).toEqual({ id: 'c', status: 'fail', message: 'no' });
  });

  it('fail for a protected namespace, and pass for any other', () => {
    const protectedNamespaces = ['istio-system', 'kube-system'];
    expect(namespaceProtectedCheck('kube-system', protectedNamespaces)).toEqual(
      {
        id: 'namespace-protected',
        status: 'fail',
        message:
          'Namespace kube-system is protected: requests may not change it',
      },
    );
    expect(namespaceProtectedCheck('bookinfo', protectedNamespaces)).toEqual({
      id: 'namespace-protected',
      status: 'pass',
      message: 'Namespace bookinfo is not protected',
    });
    expect(namespaceProtectedCheck('bookinfo', []).status).toBe('pass');
  });

  it('decide nothing on an inventory whose first list is not complete, whatever its state says', () => {
    const synced = clusterInventory();
    expect(clusterSyncedCheck(synced)).toEqual({
      id: 'cluster-synced',
      status: 'pass',
      message: 'The inventory of c1 is synced',
    });
    const syncing = clusterInventory({
      cluster: {
        ...synced.cluster,
        sync: { state: 'syncing', complete: false },
      },
    });
    expect(clusterSyncedCheck(syncing)).toEqual({
      id: 'cluster-synced',
      status: 'fail',
      message:
        'The inventory of c1 is not complete (syncing); try again when it is synced',
    });
    // A stale inventory was complete once: its state is reported, not refused.
    const stale = clusterInventory({
      cluster: { ...synced.cluster, sync: { state: 'stale', complete: true } },
    });
    expect(clusterSyncedCheck(stale)).toMatchObject({
      status: 'pass',
      message: 'The inventory of c1 is stale',
    });
  });
});
