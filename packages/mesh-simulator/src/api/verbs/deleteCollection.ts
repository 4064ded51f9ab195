import { apiVersionOf } from '../resourceTypes';
import { sendJson } from '../responses';
import {
  ClusterApiBackend,
  objectMatcher,
  ResourceRequest,
} from './resourceRequest';

/** Serves `deletecollection`: deletes the matching objects in the background and lists them. */
export function handleDeleteCollection(
  backend: ClusterApiBackend,
  r: ResourceRequest,
) {
  const matches = objectMatcher(r.rt, r.query);
  const items = backend.store
    .list(r.rt, r.namespace)
    .filter(matches)
    .map(o =>
      backend.deleteObject(
        r.rt,
        o.metadata.namespace,
        o.metadata.name,
        'Background',
      ),
    );
  sendJson(r.res, 200, {
    kind: `${r.rt.kind}List`,
    apiVersion: apiVersionOf(r.rt),
    metadata: { resourceVersion: String(backend.store.currentRevision()) },
    items,
  });
}
