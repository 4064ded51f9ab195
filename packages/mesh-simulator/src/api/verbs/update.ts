import { fieldValidationOf } from '../fieldValidation';
import { kindSchema, scaleSchema } from '../openapi/kindSchemas';
import { apiVersionOf } from '../resourceTypes';
import { sendJson } from '../responses';
import { badRequest, conflict } from '../statusErrors';
import { mergeSubresource, writeUpdate } from './objectUpdates';
import {
  ClusterApiBackend,
  currentOrNotFound,
  ResourceRequest,
} from './resourceRequest';
import { scaleOf, scaleReplicas } from './scaleSubresource';
import { decodeWriteBody } from './writeBodies';

/** Serves `update` (PUT) of an object, its status or its scale. */
export function handleUpdate(backend: ClusterApiBackend, r: ResourceRequest) {
  const validation = fieldValidationOf(r.query, 'update');
  const scale = r.subresource === 'scale';
  const body = decodeWriteBody(
    r,
    validation,
    scale ? scaleSchema() : kindSchema(r.rt),
    scale ? 'Scale' : r.rt.kind,
    scale ? 'autoscaling/v1' : apiVersionOf(r.rt),
  );
  const current = currentOrNotFound(backend, r);
  if (scale) {
    const replicas = scaleReplicas(r.name!, body.spec?.replicas);
    const stored = writeUpdate(
      backend,
      r,
      current,
      {
        ...current,
        metadata: {
          ...current.metadata,
          resourceVersion:
            body.metadata?.resourceVersion ?? current.metadata.resourceVersion,
        },
        spec: { ...current.spec, replicas },
      },
      { spec: { replicas } },
    );
    sendJson(r.res, 200, scaleOf(r.rt, stored));
    return;
  }
  if (body.metadata.name && body.metadata.name !== r.name) {
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`,
    );
  }
  if (
    r.rt.namespaced &&
    body.metadata.namespace &&
    body.metadata.namespace !== r.namespace
  ) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  if (body.metadata.uid && body.metadata.uid !== current.metadata.uid) {
    throw conflict(r.rt, r.name!);
  }
  const next = mergeSubresource(r, current, body);
  sendJson(r.res, 200, writeUpdate(backend, r, current, next, body));
}
