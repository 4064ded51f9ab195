import {
  decodeStrict,
  dropUnknownFields,
  fieldValidationOf,
  goJson,
  goValueString,
  jsonPatchOperationSchema,
  strictPatchError,
} from '../fieldValidation';
import { kindSchema, scaleSchema } from '../openapi/kindSchemas';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from '../patches';
import { parseJsonBody, sendJson } from '../responses';
import { ApiError, badRequest, conflict } from '../statusErrors';
import { mergeSubresource, writeUpdate } from './objectUpdates';
import {
  ClusterApiBackend,
  currentOrNotFound,
  ResourceRequest,
} from './resourceRequest';
import { scaleOf, scaleReplicas } from './scaleSubresource';
import { enforceFieldValidation } from './writeBodies';

/** Serves `patch`: JSON, merge and strategic merge patches of an object, its status or its scale. */
export function handlePatch(backend: ClusterApiBackend, r: ResourceRequest) {
  const validation = fieldValidationOf(r.query, 'patch');
  const contentType = String(r.req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const patch = parseJsonBody(r.body);
  // The patch body itself is decoded strictly too: duplicate keys (and, in a JSON patch, fields an
  // operation does not have) are strict errors, listed before those of the patched object.
  let bodyErrors: string[] = [];
  if (validation !== 'Ignore') {
    bodyErrors =
      contentType === 'application/json-patch+json'
        ? decodeStrict(r.body, jsonPatchOperationSchema).errors.map(
            e => `json patch ${e}`,
          )
        : decodeStrict(r.body, undefined).errors;
  }
  const current = currentOrNotFound(backend, r);
  const base = r.subresource === 'scale' ? scaleOf(r.rt, current) : current;
  let patched: any;
  switch (contentType) {
    case 'application/json-patch+json':
      patched = applyJsonPatch(base, patch);
      break;
    case 'application/merge-patch+json':
      patched = applyMergePatch(base, patch);
      break;
    case 'application/strategic-merge-patch+json':
      patched = applyStrategicMergePatch(base, patch);
      break;
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
  if (
    typeof patched !== 'object' ||
    patched === null ||
    Array.isArray(patched) ||
    typeof patched.metadata !== 'object'
  ) {
    throw badRequest('the patch produced an object the server cannot decode');
  }
  // The patched object is decoded into the kind: unknown fields are dropped, and reported per
  // fieldValidation (a strategic merge patch reports them sorted, as the unstructured converter does).
  const pruned = dropUnknownFields(
    patched,
    r.subresource === 'scale' ? scaleSchema() : kindSchema(r.rt),
  );
  const strictErrors = [
    ...bodyErrors,
    ...(contentType === 'application/strategic-merge-patch+json'
      ? [...pruned.errors].sort()
      : pruned.errors),
  ];
  enforceFieldValidation(r, validation, strictErrors, () =>
    strictPatchError(
      contentType === 'application/strategic-merge-patch+json'
        ? goValueString(patch)
        : goJson({
            ...patched,
            metadata: { ...patched.metadata, managedFields: undefined },
          }),
      strictErrors,
    ),
  );
  patched = pruned.value;
  const expected = patched.metadata?.resourceVersion;
  if (expected !== undefined && expected !== current.metadata.resourceVersion) {
    throw conflict(r.rt, r.name!);
  }
  if (r.subresource === 'scale') {
    const replicas = scaleReplicas(
      r.name!,
      patched.spec?.replicas,
      JSON.stringify,
    );
    const stored = writeUpdate(
      backend,
      r,
      current,
      { ...current, spec: { ...current.spec, replicas } },
      { spec: { replicas } },
    );
    sendJson(r.res, 200, scaleOf(r.rt, stored));
    return;
  }
  const next = mergeSubresource(r, current, {
    ...patched,
    metadata: {
      ...patched.metadata,
      resourceVersion: current.metadata.resourceVersion,
    },
  });
  sendJson(
    r.res,
    200,
    writeUpdate(backend, r, current, next, Array.isArray(patch) ? {} : patch),
  );
}
