import { KubeObject } from '../../store/kubeObject';
import { negotiateRepresentation, Representation } from '../mediaTypes';
import { sendJson } from '../responses';
import { renderTable } from '../tables';
import {
  ClusterApiBackend,
  currentOrNotFound,
  ResourceRequest,
} from './resourceRequest';
import { scaleOf } from './scaleSubresource';

function renderOne(
  backend: ClusterApiBackend,
  r: ResourceRequest,
  object: KubeObject,
  representation: Representation,
  code = 200,
) {
  if (representation === 'metadata') {
    sendJson(r.res, code, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: object.metadata,
    });
  } else if (representation === 'table') {
    sendJson(
      r.res,
      code,
      renderTable(
        r.rt,
        [object],
        r.query.get('includeObject') ?? undefined,
        backend.now().getTime(),
        { resourceVersion: object.metadata.resourceVersion },
      ),
    );
  } else {
    sendJson(r.res, code, object);
  }
}

/** Serves `get`: the object (or its metadata or table), or its scale subresource. */
export function handleGet(backend: ClusterApiBackend, r: ResourceRequest) {
  const representation = negotiateRepresentation(r.req.headers.accept);
  const current = currentOrNotFound(backend, r);
  if (r.subresource === 'scale') {
    sendJson(r.res, 200, scaleOf(r.rt, current));
  } else {
    renderOne(backend, r, current, representation);
  }
}
