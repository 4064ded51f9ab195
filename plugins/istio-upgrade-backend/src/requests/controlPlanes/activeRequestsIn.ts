import { ACTIVE_REQUEST_STATES } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestStore } from '../RequestStore';
import { ActiveRequestOnCluster } from './removalPrechecks';

/** The active requests of a cluster, read from the store, as a control-plane removal weighs them. */
export function activeRequestsIn(
  store: Pick<RequestStore, 'list'>,
): (cluster: string) => Promise<ActiveRequestOnCluster[]> {
  return async cluster =>
    (
      await store.list({
        cluster,
        states: [...ACTIVE_REQUEST_STATES],
        limit: 200,
      })
    ).map(r => ({
      id: r.id,
      type: r.type,
      revision: r.revision,
      fromRevision: r.plan.fromRevision,
    }));
}
