import { IncomingMessage } from 'node:http';
import { KubeObject } from '../../store/kubeObject';
import {
  decodeStrict,
  FieldValidation,
  strictDecodingError,
  warningHeader,
} from '../fieldValidation';
import {
  fieldsV1,
  managedFieldsEntry,
  withManagedFields,
} from '../managedFields';
import { OpenApiSchema } from '../openapi/openApiSchema';
import { apiVersionOf } from '../resourceTypes';
import { ApiError, badRequest } from '../statusErrors';
import { requireObjectBody, ResourceRequest } from './resourceRequest';

function managerOf(req: IncomingMessage, query: URLSearchParams): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  const agent = String(req.headers['user-agent'] ?? 'unknown');
  return agent.split('/')[0].split(' ')[0] || 'unknown';
}

/**
 * Applies the field validation directive to strict decoding errors: `Strict` refuses with `refusal`,
 * `Warn` adds a `Warning` header per error, `Ignore` lets them pass (the fields are dropped anyway).
 */
export function enforceFieldValidation(
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
export function decodeWriteBody(
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

/** Adds the request's field manager entry to the object's managed fields. */
export function stampManaged(
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
