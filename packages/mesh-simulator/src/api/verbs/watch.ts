import { KubeObject } from '../../store/kubeObject';
import { negotiateRepresentation } from '../mediaTypes';
import { badRequest } from '../statusErrors';
import {
  ClusterApiBackend,
  objectMatcher,
  ResourceRequest,
} from './resourceRequest';

/** Serves `watch`: starts a watch stream of the matching objects (one object when the request names it). */
export function handleWatch(backend: ClusterApiBackend, r: ResourceRequest) {
  const representation = negotiateRepresentation(r.req.headers.accept);
  const timeoutText = r.query.get('timeoutSeconds');
  const timeout = timeoutText ? Number(timeoutText) : 1800;
  if (!Number.isFinite(timeout) || timeout < 0) {
    throw badRequest(`invalid timeoutSeconds: ${timeoutText}`);
  }
  const rv = r.query.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
    throw badRequest(`invalid resource version: ${rv}`);
  }
  const byName =
    r.name !== undefined
      ? (o: KubeObject) => o.metadata.name === r.name
      : () => true;
  const matches = objectMatcher(r.rt, r.query);
  backend.watches.start(
    {
      rt: r.rt,
      namespace: r.namespace,
      matches: o => byName(o) && matches(o),
      representation,
      includeObject: r.query.get('includeObject') ?? undefined,
      resourceVersion: rv,
      allowBookmarks: r.query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: r.query.get('sendInitialEvents') === 'true',
      timeoutSeconds: timeout === 0 ? 1800 : timeout,
    },
    r.res,
  );
}
