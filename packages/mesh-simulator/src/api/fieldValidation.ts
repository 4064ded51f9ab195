import { OpenApiSchema } from './openapi/openApiSchema';
import { resolveSchema } from './openapi/kindSchemas';
import { ApiError, invalid } from './statusErrors';

/**
 * Server-side field validation (the `fieldValidation` query parameter), as the API server does it
 * for built-in kinds: the body is decoded strictly against the kind's schema, unknown fields are
 * dropped from the object (they cannot be stored), and, per the directive, each unknown or
 * duplicate field is an error (`Strict`), a `Warning` header (`Warn`, the default) or nothing
 * (`Ignore`).
 *
 * @public
 */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

const supported = '"", "Ignore", "Strict", "Warn"';

/** Reads `fieldValidation` for a write; an unknown value answers 422 as the API server does. */
export function fieldValidationOf(
  query: URLSearchParams,
  verb: string,
): FieldValidation {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') {
    return value;
  }
  const options: Record<string, string> = {
    create: 'CreateOptions',
    update: 'UpdateOptions',
  };
  throw invalid(options[verb] ?? 'PatchOptions', '', 'meta.k8s.io', [
    {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(
        value,
      )}: supported values: ${supported}`,
      field: 'fieldValidation',
    },
  ]);
}

/** A JSON value decoded against a schema: unknown fields dropped, strict errors in document order. */
export interface StrictDecoding {
  value: any;
  errors: string[];
}

const hasOwn = (o: object, k: string) =>
  Object.prototype.hasOwnProperty.call(o, k);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a schema node says about the members of an object: named fields, map values, or anything. */
function membersOf(
  schema: OpenApiSchema | undefined,
):
  | { kind: 'struct'; properties: Record<string, OpenApiSchema> }
  | { kind: 'map'; values: OpenApiSchema | undefined }
  | { kind: 'any' } {
  const s = resolveSchema(schema);
  if (s?.properties) return { kind: 'struct', properties: s.properties };
  if (s && typeof s.additionalProperties === 'object') {
    return { kind: 'map', values: s.additionalProperties };
  }
  return { kind: 'any' };
}

function itemsOf(schema: OpenApiSchema | undefined) {
  return resolveSchema(schema)?.items;
}

/**
 * Whether Go would leave a decoded field out of the stored object: map fields are all `omitempty`
 * in the Kubernetes API types, so an empty map (`annotations: {}`) is not written back.
 */
function omitted(
  schema: OpenApiSchema | undefined,
  value: unknown,
  skip = false,
): boolean {
  return (
    !skip &&
    isPlainObject(value) &&
    Object.keys(value).length === 0 &&
    membersOf(schema).kind === 'map'
  );
}

/**
 * A JSON decoder for already well-formed JSON text that follows a schema like Go's strict decoder
 * (sigs.k8s.io/json): it reports `unknown field "<path>"` for fields the schema does not declare
 * (and drops them with their content) and `duplicate field "<path>"` for repeated keys (the later
 * value decoded into the earlier one), in document order.
 */
class StrictDecoder {
  private i = 0;
  readonly errors: string[] = [];

  constructor(private readonly text: string) {}

  decode(schema: OpenApiSchema | undefined): any {
    return this.value(schema, '', false);
  }

  private ws() {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  private value(
    schema: OpenApiSchema | undefined,
    path: string,
    skip: boolean,
  ): any {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object(schema, path, skip);
    if (c === '[') return this.array(schema, path, skip);
    if (c === '"') return this.string();
    return this.literal();
  }

  private object(
    schema: OpenApiSchema | undefined,
    path: string,
    skip: boolean,
  ): Record<string, unknown> {
    const members = skip ? ({ kind: 'any' } as const) : membersOf(schema);
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.i++; // {
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return result;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      this.i++; // :
      const childPath = path ? `${path}.${key}` : key;
      const duplicate = seen.has(key);
      seen.add(key);
      if (duplicate && !skip) {
        this.errors.push(`duplicate field "${childPath}"`);
      }
      let child: OpenApiSchema | undefined;
      let unknown = false;
      if (members.kind === 'struct') {
        if (hasOwn(members.properties, key)) child = members.properties[key];
        else unknown = true;
      } else if (members.kind === 'map') {
        child = members.values;
      }
      if (unknown) {
        if (!skip) this.errors.push(`unknown field "${childPath}"`);
        this.value(undefined, childPath, true);
      } else {
        const value = this.value(child, childPath, skip);
        const previous = result[key];
        if (members.kind === 'struct' && omitted(child, value, skip)) {
          if (!isPlainObject(previous)) delete result[key];
        } else {
          // Go decodes a repeated field into the value already decoded: objects merge.
          result[key] =
            duplicate &&
            members.kind !== 'any' &&
            isPlainObject(previous) &&
            isPlainObject(value)
              ? { ...previous, ...value }
              : value;
        }
      }
      this.ws();
      const next = this.text[this.i++];
      if (next === '}') return result;
    }
  }

  private array(
    schema: OpenApiSchema | undefined,
    path: string,
    skip: boolean,
  ): unknown[] {
    const items = skip ? undefined : itemsOf(schema);
    const result: unknown[] = [];
    this.i++; // [
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return result;
    }
    for (let index = 0; ; index++) {
      result.push(this.value(items, `${path}[${index}]`, skip));
      this.ws();
      const next = this.text[this.i++];
      if (next === ']') return result;
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.i;
    let escaped = false;
    this.i++; // opening quote
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 92) {
        escaped = true;
        this.i += 2;
      } else if (c === 34) {
        this.i++;
        break;
      } else {
        this.i++;
      }
    }
    return escaped
      ? JSON.parse(t.slice(start, this.i))
      : t.slice(start + 1, this.i - 1);
  }

  private literal(): unknown {
    const t = this.text;
    const start = this.i;
    while (this.i < t.length && !',}] \t\r\n'.includes(t[this.i])) this.i++;
    const token = t.slice(start, this.i);
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    return Number(token);
  }
}

/**
 * Decodes a request body (already known to be well-formed JSON) against a schema: unknown fields
 * dropped, strict errors listed. Without a schema only duplicate fields are reported.
 */
export function decodeStrict(
  text: string,
  schema: OpenApiSchema | undefined,
): StrictDecoding {
  const decoder = new StrictDecoder(text);
  const value = decoder.decode(schema);
  return { value, errors: decoder.errors };
}

/** The schema of a JSON patch operation, as the API server decodes one strictly. */
export const jsonPatchOperationSchema: OpenApiSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { op: {}, path: {}, from: {}, value: {} },
  },
};

/**
 * Finds the fields of a decoded value that its schema does not declare (`unknown field "<path>"`,
 * in the value's key order), and returns the value without them.
 */
export function dropUnknownFields(
  value: unknown,
  schema: OpenApiSchema | undefined,
  errors: string[] = [],
  path = '',
): { value: unknown; errors: string[] } {
  if (Array.isArray(value)) {
    const items = itemsOf(schema);
    return {
      value: value.map(
        (v, i) => dropUnknownFields(v, items, errors, `${path}[${i}]`).value,
      ),
      errors,
    };
  }
  if (!isPlainObject(value)) return { value, errors };
  const members = membersOf(schema);
  if (members.kind === 'any') return { value, errors };
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (members.kind === 'struct') {
      if (!hasOwn(members.properties, key)) {
        errors.push(`unknown field "${childPath}"`);
        continue;
      }
      if (omitted(members.properties[key], child)) continue;
      out[key] = dropUnknownFields(
        child,
        members.properties[key],
        errors,
        childPath,
      ).value;
    } else {
      out[key] = dropUnknownFields(
        child,
        members.values,
        errors,
        childPath,
      ).value;
    }
  }
  return { value: out, errors };
}

/** 400 for a create or update body with strict errors, in the API server's words. */
export function strictDecodingError(
  kind: string,
  version: string,
  errors: string[],
): ApiError {
  return new ApiError(
    400,
    'BadRequest',
    `${kind} in version ${JSON.stringify(
      version,
    )} cannot be handled as a ${kind}: strict decoding error: ${errors.join(
      ', ',
    )}`,
  );
}

/** 422 for a patch whose result (or body) has strict errors, in the API server's words. */
export function strictPatchError(
  patchedValue: string,
  errors: string[],
): ApiError {
  const detail = `Invalid value: ${JSON.stringify(
    patchedValue,
  )}: strict decoding error: ${errors.join(', ')}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${detail}`, {
    causes: [{ reason: 'FieldValueInvalid', message: detail, field: 'patch' }],
  });
}

/** JSON as Go's encoder writes it (`<`, `>` and `&` escaped). */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

/** A decoded JSON value as Go's `%+v` prints it (`map[a:1 b:[x y]]`, keys sorted). */
export function goValueString(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (isPlainObject(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map(k => `${k}:${goValueString(value[k])}`)
      .join(' ')}]`;
  }
  return String(value);
}

/** A `Warning` header value (`299 - "text"`), as the API server writes it. */
export function warningHeader(text: string): string {
  const quoted = JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `299 - ${quoted}`;
}
