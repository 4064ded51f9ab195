import { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { KubeObject } from '../store/kubeObject';
import { nextGeneration, ObjectStore, objectKey } from '../store/objectStore';
import { fieldsJson, objectJson } from '../store/sharedJson';
import { applyCreateDefaults, applyUpdateDefaults } from './defaults';
import {
  decodeStrict,
  dropUnknownFields,
  FieldValidation,
  fieldValidationOf,
  goJson,
  goValueString,
  jsonPatchOperationSchema,
  strictDecodingError,
  strictPatchError,
  warningHeader,
} from './fieldValidation';
import {
  fieldsV1,
  managedFieldsEntry,
  withManagedFields,
} from './managedFields';
import { negotiateRepresentation, Representation } from './mediaTypes';
import { kindSchema, scaleSchema } from './openapi/openApiDocuments';
import { OpenApiSchema } from './openapi/openApiSchema';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from './patches';
import { apiVersionOf, ResourceType, resourceTypeNamed } from './resourceTypes';
import { parseJsonBody, sendJson, sendRawJson } from './responses';
import {
  labelSelectorString,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import {
  ApiError,
  badRequest,
  conflict,
  invalid,
  methodNotAllowed,
  notFound,
} from './statusErrors';
import { renderTable } from './tables';
import { validateObject, validateUpdate } from './validation';
import { WatchHub } from './watchStreams';

/**
 * What the resource handler needs from a simulated cluster.
 *
 * @public
 */
export interface ClusterApiBackend {
  store: ObjectStore;
  watches: WatchHub;
  /** Simulated now. */
  now(): Date;
  allocateClusterIP(): string;
  /** Mutating admission for new pods (sidecar injection); throws an ApiError as a failing webhook would. */
  admitPod(pod: KubeObject): KubeObject;
  /** Deletes an object and garbage-collects its dependents per the propagation policy. */
  deleteObject(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation: string,
    gracePeriodSeconds?: number,
  ): KubeObject;
}

/** Parameters of a resource request, already parsed from the path. */
export interface ResourceRequest {
  rt: ResourceType;
  verb: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
}

/** Types whose writes to the main resource leave status alone (status subresource semantics). */
function hasStatusSubresource(rt: ResourceType) {
  return rt.subresources.includes('status');
}

function managerOf(req: IncomingMessage, query: URLSearchParams): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  const agent = String(req.headers['user-agent'] ?? 'unknown');
  return agent.split('/')[0].split(' ')[0] || 'unknown';
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` }),
  ).toString('base64');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    const start = String(parsed.start);
    return {
      rv: parsed.rv,
      start: start.endsWith('\u0000') ? start.slice(0, -1) : start,
    };
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function listOptionsInvalid(field: string, message: string): ApiError {
  return invalid('ListOptions', '', 'meta.k8s.io', [
    { reason: 'FieldValueForbidden', message: `Forbidden: ${message}`, field },
  ]);
}

function objectMatcher(rt: ResourceType, query: URLSearchParams) {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(
    query.get('fieldSelector') ?? undefined,
    rt,
  );
  return (o: KubeObject) =>
    (!labels || labels(o.metadata.labels)) && (!fields || fields(o));
}

/** Items per written chunk when a list is streamed. */
const streamBatch = 250;

async function handleList(
  backend: ClusterApiBackend,
  r: ResourceRequest,
  representation: Representation,
) {
  const { rt, query } = r;
  const matches = objectMatcher(rt, query);
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (limitText && (!Number.isInteger(limit) || limit < 0)) {
    throw badRequest(`invalid limit: ${limitText}`);
  }
  const rvParam = query.get('resourceVersion') ?? undefined;
  const match = query.get('resourceVersionMatch') ?? undefined;
  const continueText = query.get('continue') ?? undefined;
  if (match && !rvParam) {
    throw listOptionsInvalid(
      'resourceVersionMatch',
      'resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  }
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw invalid('ListOptions', '', 'meta.k8s.io', [
      {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
        field: 'resourceVersionMatch',
      },
    ]);
  }
  if (continueText && rvParam && rvParam !== '0') {
    throw listOptionsInvalid(
      'resourceVersion',
      'specifying resource version is not allowed when using continue',
    );
  }
  if (rvParam !== undefined && rvParam !== '' && !/^\d+$/.test(rvParam)) {
    throw badRequest(`invalid resource version: ${rvParam}`);
  }
  const { store } = backend;
  let revision = store.currentRevision();
  let entries;
  if (continueText) {
    const token = decodeContinue(continueText);
    revision = token.rv;
    try {
      entries = store.entriesAt(rt, token.rv, r.namespace, token.start);
    } catch (error) {
      if (error instanceof ApiError && error.code === 410) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      throw error;
    }
  } else if (match === 'Exact') {
    revision = Number(rvParam);
    entries = store.entriesAt(rt, revision, r.namespace);
  } else {
    entries = store.entries(rt, r.namespace);
  }
  const selected: typeof entries = [];
  let nextKey: string | undefined;
  let remaining = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (limit > 0 && selected.length >= limit) {
      nextKey = objectKey(
        selected[selected.length - 1].object.metadata.namespace,
        selected[selected.length - 1].object.metadata.name,
      );
      remaining = entries.length - i;
      break;
    }
    if (matches(entry.object)) selected.push(entry);
  }
  const metadata: Record<string, unknown> = {
    resourceVersion: String(revision),
  };
  if (nextKey !== undefined) {
    metadata.continue = encodeContinue(revision, nextKey);
    if (!query.get('labelSelector') && !query.get('fieldSelector')) {
      metadata.remainingItemCount = remaining;
    }
  }
  if (representation === 'table') {
    sendJson(
      r.res,
      200,
      renderTable(
        rt,
        selected.map(e => e.object),
        query.get('includeObject') ?? undefined,
        backend.now().getTime(),
        metadata,
      ),
    );
    return;
  }
  const head =
    representation === 'metadata'
      ? `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(
          metadata,
        )},"items":[`
      : `{"kind":"${rt.kind}List","apiVersion":"${apiVersionOf(
          rt,
        )}","metadata":${JSON.stringify(metadata)},"items":[`;
  const item = (entry: (typeof selected)[number]) =>
    representation === 'metadata'
      ? `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${fieldsJson(
          entry.object.metadata as unknown as Record<string, unknown>,
        )}}`
      : objectJson(entry.object, false);
  if (selected.length <= streamBatch) {
    sendRawJson(r.res, 200, `${head}${selected.map(item).join(',')}]}`);
    return;
  }
  // Large lists are streamed in batches (chunked), so serialising overlaps with the client
  // reading and no single huge string is built.
  const { res } = r;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.write(head);
  for (let i = 0; i < selected.length; i += streamBatch) {
    if (res.destroyed) return;
    const batch = selected
      .slice(i, i + streamBatch)
      .map(item)
      .join(',');
    if (!res.write(i === 0 ? batch : `,${batch}`)) {
      await new Promise<void>(resolve => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end(']}');
}

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

function scaleOf(rt: ResourceType, object: KubeObject): KubeObject {
  const selector = object.spec?.selector
    ? labelSelectorString(object.spec.selector)
    : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 1 },
    status: {
      replicas: rt.resource === 'daemonsets' ? 0 : object.status?.replicas ?? 0,
      selector,
    },
  };
}

function requireObjectBody(r: ResourceRequest): KubeObject {
  const body = parseJsonBody(r.body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'the object provided is unrecognized or malformed: expected a JSON object',
    );
  }
  return body;
}

/**
 * Applies the field validation directive to strict decoding errors: `Strict` refuses with `refusal`,
 * `Warn` adds a `Warning` header per error, `Ignore` lets them pass (the fields are dropped anyway).
 */
function enforceFieldValidation(
  r: ResourceRequest,
  validation: FieldValidation,
  errors: string[],
  refusal: () => ApiError,
) {
  if (errors.length === 0 || validation === 'Ignore') return;
  if (validation === 'Strict') throw refusal();
  if (!r.res.headersSent) {
    const previous = r.res.getHeader('Warning') ?? [];
    const list = Array.isArray(previous) ? previous : [String(previous)];
    r.res.setHeader('Warning', [...list, ...errors.map(warningHeader)]);
  }
}

/**
 * Reads a create or update body as the API server decodes it: well-formed JSON of the endpoint's kind,
 * decoded against the kind's schema, so unknown fields are dropped and, per `fieldValidation`,
 * refused (400, "cannot be handled as a …: strict decoding error: …") or warned about.
 */
function decodeWriteBody(
  r: ResourceRequest,
  validation: FieldValidation,
  schema: OpenApiSchema | undefined,
  expectedKind = r.rt.kind,
  expectedApiVersion = apiVersionOf(r.rt),
  version = r.rt.version,
): KubeObject {
  const parsed = requireObjectBody(r);
  checkKind(r, parsed, expectedKind, expectedApiVersion);
  const decoded = decodeStrict(r.body, schema);
  enforceFieldValidation(r, validation, decoded.errors, () =>
    strictDecodingError(expectedKind, version, decoded.errors),
  );
  const body = decoded.value as KubeObject;
  checkKind(r, body, expectedKind, expectedApiVersion);
  return body;
}

function checkKind(
  r: ResourceRequest,
  body: KubeObject,
  expectedKind = r.rt.kind,
  expectedApiVersion = apiVersionOf(r.rt),
) {
  // Like the API server's decoder, a body without kind/apiVersion takes the endpoint's.
  if (body.kind !== undefined && typeof body.kind !== 'string') {
    throw badRequest(`Object 'Kind' is missing in '${r.body.slice(0, 200)}'`);
  }
  if (
    (body.kind && body.kind !== expectedKind) ||
    (body.apiVersion && body.apiVersion !== expectedApiVersion)
  ) {
    throw badRequest(
      body.apiVersion && body.apiVersion !== expectedApiVersion
        ? `the API version in the data (${body.apiVersion}) does not match the expected API version (${expectedApiVersion})`
        : `the kind in the data (${body.kind}) does not match the expected kind (${expectedKind})`,
    );
  }
  if (
    typeof body.metadata !== 'object' ||
    body.metadata === null ||
    Array.isArray(body.metadata)
  ) {
    if (body.metadata !== undefined) {
      throw badRequest(
        'the object provided is unrecognized or malformed: metadata must be an object',
      );
    }
    body.metadata = {} as KubeObject['metadata'];
  }
}

function stampManaged(
  r: ResourceRequest,
  object: KubeObject,
  previous: KubeObject | undefined,
  fields: unknown,
  subresource?: string,
): KubeObject {
  const entry = managedFieldsEntry(
    managerOf(r.req, r.query),
    apiVersionOf(r.rt),
    new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsV1(fields),
    subresource,
  );
  return {
    ...object,
    metadata: {
      ...object.metadata,
      managedFields: withManagedFields(previous?.metadata.managedFields, entry),
    },
  };
}

function isDryRun(query: URLSearchParams) {
  return query.getAll('dryRun').includes('All');
}

function handleCreate(backend: ClusterApiBackend, r: ResourceRequest) {
  const { rt } = r;
  if (r.name !== undefined || r.subresource !== undefined) {
    throw methodNotAllowed('POST');
  }
  const validation = fieldValidationOf(r.query, 'create');
  const body = decodeWriteBody(r, validation, kindSchema(rt));
  const namespace = rt.namespaced ? r.namespace : undefined;
  if (rt.namespaced) {
    if (!namespace) {
      throw badRequest(
        'the server could not find the requested resource: a namespace is required',
      );
    }
    if (body.metadata.namespace && body.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (
      !backend.store.get(resourceTypeNamed('namespaces'), undefined, namespace)
    ) {
      throw notFound(resourceTypeNamed('namespaces'), namespace);
    }
  }
  const metadata: Record<string, unknown> = { ...body.metadata };
  delete metadata.uid;
  delete metadata.resourceVersion;
  delete metadata.creationTimestamp;
  delete metadata.deletionTimestamp;
  delete metadata.managedFields;
  delete metadata.generation;
  if (
    !metadata.name &&
    typeof metadata.generateName === 'string' &&
    metadata.generateName
  ) {
    metadata.name = `${metadata.generateName}${randomBytes(4)
      .toString('hex')
      .slice(0, 5)}`;
  }
  let object: KubeObject = {
    ...body,
    apiVersion: apiVersionOf(rt),
    kind: rt.kind,
    metadata: { ...metadata, namespace } as KubeObject['metadata'],
  };
  if (!namespace) delete object.metadata.namespace;
  if (hasStatusSubresource(rt) && rt.resource !== 'nodes') {
    delete object.status;
  }
  validateObject(rt, object);
  object = applyCreateDefaults(rt, object, () => backend.allocateClusterIP());
  if (rt.resource === 'pods') {
    object = backend.admitPod(object);
  }
  object = stampManaged(r, object, undefined, body);
  if (isDryRun(r.query)) {
    sendJson(r.res, 201, object);
    return;
  }
  const stored = backend.store.create(rt, object);
  sendJson(r.res, 201, stored);
}

function currentOrNotFound(
  backend: ClusterApiBackend,
  r: ResourceRequest,
): KubeObject {
  const current = backend.store.get(r.rt, r.namespace, r.name!);
  if (!current) throw notFound(r.rt, r.name!);
  return current;
}

function mergeSubresource(
  r: ResourceRequest,
  current: KubeObject,
  next: KubeObject,
): KubeObject {
  if (r.subresource === 'status') {
    return {
      ...current,
      status: next.status,
      metadata: {
        ...current.metadata,
        resourceVersion:
          next.metadata?.resourceVersion ?? current.metadata.resourceVersion,
      },
    };
  }
  const merged: KubeObject = {
    ...next,
    apiVersion: current.apiVersion,
    kind: current.kind,
    metadata: {
      ...next.metadata,
      name: current.metadata.name,
      namespace: current.metadata.namespace,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
    },
  };
  if (!current.metadata.namespace) delete merged.metadata.namespace;
  if (hasStatusSubresource(r.rt)) {
    merged.status = current.status;
  }
  return merged;
}

function writeUpdate(
  backend: ClusterApiBackend,
  r: ResourceRequest,
  current: KubeObject,
  next: KubeObject,
  fields: unknown,
) {
  const expected = next.metadata.resourceVersion;
  if (
    expected !== undefined &&
    expected !== '' &&
    expected !== current.metadata.resourceVersion
  ) {
    throw conflict(r.rt, r.name!);
  }
  let object = applyUpdateDefaults(r.rt, next);
  validateObject(r.rt, object);
  validateUpdate(r.rt, current, object);
  object = stampManaged(
    r,
    object,
    current,
    fields,
    r.subresource === 'status' ? 'status' : undefined,
  );
  if (isDryRun(r.query)) {
    // What the write would store, generation included.
    const generation = nextGeneration(r.rt, current, object);
    return generation === undefined
      ? object
      : { ...object, metadata: { ...object.metadata, generation } };
  }
  return backend.store.replace(r.rt, object, current.metadata.resourceVersion);
}

function handleUpdate(backend: ClusterApiBackend, r: ResourceRequest) {
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
    const replicas = body.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', r.name!, 'autoscaling', [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ]);
    }
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

function handlePatch(backend: ClusterApiBackend, r: ResourceRequest) {
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
    const replicas = patched.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', r.name!, 'autoscaling', [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(
            replicas,
          )}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ]);
    }
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

function handleDelete(backend: ClusterApiBackend, r: ResourceRequest) {
  const options = r.body.trim() ? requireObjectBody(r) : {};
  const current = currentOrNotFound(backend, r);
  const pre = (options as any).preconditions ?? {};
  if (pre.uid && pre.uid !== current.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${r.rt.resource} "${r.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (
    pre.resourceVersion &&
    pre.resourceVersion !== current.metadata.resourceVersion
  ) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${r.rt.resource} "${r.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
  const propagation =
    (options as any).propagationPolicy ??
    r.query.get('propagationPolicy') ??
    'Background';
  if (!['Orphan', 'Background', 'Foreground'].includes(propagation)) {
    throw badRequest(`unsupported propagationPolicy: ${propagation}`);
  }
  if (isDryRun(r.query) || (options as any).dryRun?.includes?.('All')) {
    sendJson(r.res, 200, current);
    return;
  }
  const graceText =
    (options as any).gracePeriodSeconds ??
    r.query.get('gracePeriodSeconds') ??
    undefined;
  const grace =
    graceText === undefined || graceText === null
      ? undefined
      : Number(graceText);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    throw badRequest(`invalid gracePeriodSeconds: ${graceText}`);
  }
  const deleted = backend.deleteObject(
    r.rt,
    r.namespace,
    r.name!,
    propagation,
    grace,
  );
  sendJson(r.res, 200, deleted);
}

function handleDeleteCollection(
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

/** Serves one resource request: get, list, watch, create, update, patch, delete, deletecollection. */
export async function handleResourceRequest(
  backend: ClusterApiBackend,
  r: ResourceRequest,
): Promise<void> {
  switch (r.verb) {
    case 'list':
      await handleList(
        backend,
        r,
        negotiateRepresentation(r.req.headers.accept),
      );
      return;
    case 'watch': {
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
      return;
    }
    case 'get': {
      const representation = negotiateRepresentation(r.req.headers.accept);
      const current = currentOrNotFound(backend, r);
      if (r.subresource === 'scale') {
        sendJson(r.res, 200, scaleOf(r.rt, current));
      } else {
        renderOne(backend, r, current, representation);
      }
      return;
    }
    case 'create':
      handleCreate(backend, r);
      return;
    case 'update':
      handleUpdate(backend, r);
      return;
    case 'patch':
      handlePatch(backend, r);
      return;
    case 'delete':
      handleDelete(backend, r);
      return;
    case 'deletecollection':
      handleDeleteCollection(backend, r);
      return;
    default:
      throw methodNotAllowed(r.verb);
  }
}
