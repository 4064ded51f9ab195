import type { OpenApiSchema } from '../api/openapi/openApiSchema';
import type { ResourceType } from '../api/resourceTypes';
import type { StatusCause } from '../api/statusErrors';
import type { KubeObject } from '../store/kubeObject';
import { sailTypeKeys } from './sailResources';
import {
  istioRevisionSchema,
  istioRevisionTagSchema,
  istioSchema,
} from './sailSchemas';

/**
 * What the API server does with a Sail object from its CRD's structural schema: schema defaults
 * (applied when the body is decoded, so before validation, on create and update alike), then the
 * OpenAPI checks (type, enum, bounds, required) and the CEL rules, each failure a cause of one 422,
 * worded as the apiextensions validation words them.
 */

const schemaByKey: Record<string, OpenApiSchema> = {
  [sailTypeKeys.istio]: istioSchema,
  [sailTypeKeys.revision]: istioRevisionSchema,
  [sailTypeKeys.tag]: istioRevisionTagSchema,
};

/** The schema of a Sail type by its store key; undefined for every other type. */
export function sailSchemaOf(typeKey: string): OpenApiSchema | undefined {
  return schemaByKey[typeKey];
}

const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function withDefaults(value: unknown, schema: OpenApiSchema): unknown {
  if (!isObject(value) || !schema.properties) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries(schema.properties)) {
    if (out[key] === undefined && child.default !== undefined) {
      out[key] = copy(child.default);
    }
    if (out[key] !== undefined) out[key] = withDefaults(out[key], child);
  }
  return out;
}

/** A Sail object with its CRD's schema defaults applied (`spec` itself defaults for an Istio). */
export function applySailDefaults(typeKey: string, object: KubeObject) {
  const schema = schemaByKey[typeKey];
  if (!schema) return object;
  const { metadata, ...rest } = object;
  return { ...(withDefaults(rest, schema) as object), metadata } as KubeObject;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

const quote = (v: unknown) => JSON.stringify(v);

function typeMatches(type: string, value: unknown): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** The OpenAPI checks of one value, in schema order, as kube-openapi's validator reports them. */
function checkSchema(
  value: unknown,
  schema: OpenApiSchema,
  path: string,
  causes: StatusCause[],
) {
  if (value === undefined) return;
  if (schema.type && !typeMatches(schema.type, value)) {
    causes.push({
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: ${quote(
        jsonType(value),
      )}: ${path} in body must be of type ${schema.type}: ${quote(
        jsonType(value),
      )}`,
      field: path,
    });
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${quote(
        value,
      )}: supported values: ${schema.enum.map(quote).join(', ')}`,
      field: path,
    });
  }
  const minimum = schema.minimum as number | undefined;
  if (typeof value === 'number' && minimum !== undefined && value < minimum) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${minimum}`,
      field: path,
    });
  }
  const minLength = schema.minLength as number | undefined;
  if (typeof value === 'string' && minLength !== undefined) {
    if (value.length < minLength) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(
          value,
        )}: ${path} in body should be at least ${minLength} chars long`,
        field: path,
      });
    }
  }
  const maxLength = schema.maxLength as number | undefined;
  if (typeof value === 'string' && maxLength !== undefined) {
    if (value.length > maxLength) {
      causes.push({
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${maxLength} bytes`,
        field: path,
      });
    }
  }
  if (!isObject(value) || !schema.properties) return;
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${path}.${key}`,
      });
    }
  }
  for (const [key, child] of Object.entries(schema.properties)) {
    checkSchema(value[key], child, `${path}.${key}`, causes);
  }
}

/** A CEL rule's failure: `Invalid value: "object": <message>` at the rule's field. */
const ruleFailure = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: "object": ${message}`,
  field,
});

/** Reads `a.b.c`; a missing key is CEL's `no such key` error. */
function select(value: any, keys: string[]): { value?: any; missing?: string } {
  let current = value;
  for (const key of keys) {
    if (!isObject(current) || current[key] === undefined) {
      return { missing: key };
    }
    current = current[key];
  }
  return { value: current };
}

/** The CEL rules of Sail's CRDs (`x-kubernetes-validations`), evaluated on the defaulted object. */
function checkRules(
  typeKey: string,
  object: KubeObject,
  causes: StatusCause[],
) {
  const spec = object.spec;
  if (!isObject(spec)) return;
  const namespaceMessage =
    'spec.values.global.istioNamespace must match spec.namespace';
  const istioNamespace = spec.values?.global?.istioNamespace;
  if (typeKey === sailTypeKeys.istio) {
    if (istioNamespace !== undefined && istioNamespace !== spec.namespace) {
      causes.push(ruleFailure('spec', namespaceMessage));
    }
    return;
  }
  if (typeKey !== sailTypeKeys.revision) return;
  // `self.values.global.istioNamespace == self.__namespace__`: no guard, so a missing key fails.
  const ns = select(spec, ['values', 'global', 'istioNamespace']);
  if (ns.missing) {
    causes.push(
      ruleFailure(
        'spec',
        `no such key: ${ns.missing} evaluating rule: ${namespaceMessage}`,
      ),
    );
  } else if (ns.value !== spec.namespace) {
    causes.push(ruleFailure('spec', namespaceMessage));
  }
  const revisionMessage =
    "spec.values.revision must match metadata.name or be empty when the name is 'default'";
  const name = object.metadata?.name;
  const revision = select(spec, ['values', 'revision']);
  // A rule on the object's root has no field path: the API server prints it as `<nil>`.
  if (name === 'default') {
    if (typeof revision.value === 'string' && revision.value.length > 0) {
      causes.push(ruleFailure('<nil>', revisionMessage));
    }
  } else if (revision.missing) {
    causes.push(
      ruleFailure(
        '<nil>',
        `no such key: ${revision.missing} evaluating rule: ${revisionMessage}`,
      ),
    );
  } else if (revision.value !== name) {
    causes.push(ruleFailure('<nil>', revisionMessage));
  }
}

/**
 * The causes of a Sail object's rejection (empty when it is valid), after its defaults; nothing
 * for other types.
 */
export function sailValidationCauses(
  rt: ResourceType,
  object: KubeObject,
): StatusCause[] {
  const typeKey = `${rt.resource}.${rt.group}`;
  const schema = schemaByKey[typeKey];
  if (!schema) return [];
  const defaulted = applySailDefaults(typeKey, object);
  const causes: StatusCause[] = [];
  for (const key of ['spec', 'status']) {
    checkSchema(defaulted[key], schema.properties![key], key, causes);
  }
  if (causes.length === 0) checkRules(typeKey, defaulted, causes);
  return causes;
}

/**
 * The transition rules (`self == oldSelf` on `spec.namespace`): an update may not move a control
 * plane to another namespace.
 */
export function sailUpdateCauses(
  rt: ResourceType,
  previous: KubeObject,
  next: KubeObject,
): StatusCause[] {
  const typeKey = `${rt.resource}.${rt.group}`;
  if (typeKey !== sailTypeKeys.istio && typeKey !== sailTypeKeys.revision) {
    return [];
  }
  const before = previous.spec?.namespace;
  const after = applySailDefaults(typeKey, next).spec?.namespace;
  if (before === undefined || after === undefined || before === after) {
    return [];
  }
  return [
    {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "string": Value is immutable',
      field: 'spec.namespace',
    },
  ];
}
