import { applyPatch, Operation } from 'fast-json-patch';
import { JsonObject } from '../store/kubeObject';
import { ApiError, badRequest } from './statusErrors';

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch: maps merge, `null` removes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return patch;
  }
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * Merge keys of the lists that strategic merge patch merges by key, following the
 * `patchMergeKey` tags of the Kubernetes types. `ports` depends on where it sits: container
 * ports merge by containerPort, Service ports by port.
 */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'webhooks':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'ports':
      return items.some(i => isPlainObject(i) && 'containerPort' in i)
        ? 'containerPort'
        : 'port';
    default:
      return undefined;
  }
}

/** Lists of scalars that strategic merge patch treats as sets (patchStrategy merge). */
const mergedScalarLists = new Set(['finalizers']);

function mergeKeyedList(
  field: string,
  original: unknown[],
  patch: unknown[],
  key: string,
): unknown[] {
  const result = [...original];
  for (const item of patch) {
    if (!isPlainObject(item)) {
      throw badRequest(
        `unable to find api field in struct ${field} for the json field "${String(
          item,
        )}"`,
      );
    }
    const directive = item.$patch;
    const index = result.findIndex(
      r => isPlainObject(r) && r[key] === item[key],
    );
    if (directive === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (directive === 'replace') {
      const { $patch: _ignored, ...rest } = item;
      if (index >= 0) result[index] = rest;
      else result.push(rest);
      continue;
    }
    if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item);
    } else {
      result.push(applyStrategicMergePatch({}, item));
    }
  }
  return result;
}

/**
 * Strategic merge patch for the fields kubectl and the product patch: maps merge, lists of
 * containers, volumes, env, ports, conditions… merge by their key, `$patch: delete|replace`,
 * `$retainKeys`, `$deleteFromPrimitiveList/…` and `$setElementOrder/…` directives.
 */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
): unknown {
  if (!isPlainObject(patch)) {
    return patch;
  }
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') {
    return undefined;
  }
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  const retainKeys: string[] | undefined = patch.$retainKeys;
  for (const [field, value] of Object.entries(patch)) {
    if (field === '$patch' || field === '$retainKeys') {
      continue;
    }
    if (field.startsWith('$setElementOrder/')) {
      continue;
    }
    if (field.startsWith('$deleteFromPrimitiveList/')) {
      const listField = field.slice('$deleteFromPrimitiveList/'.length);
      const toDelete = Array.isArray(value) ? value : [];
      if (Array.isArray(result[listField])) {
        result[listField] = result[listField].filter(
          (v: unknown) => !toDelete.includes(v),
        );
      }
      continue;
    }
    if (value === null) {
      delete result[field];
      continue;
    }
    if (Array.isArray(value)) {
      const original = Array.isArray(result[field]) ? result[field] : [];
      const key = mergeKeyFor(field, [...original, ...value]);
      if (key && value.every(isPlainObject)) {
        result[field] = mergeKeyedList(field, original, value, key);
      } else if (mergedScalarLists.has(field)) {
        result[field] = [...new Set([...original, ...value])];
      } else {
        result[field] = value;
      }
      continue;
    }
    const merged = applyStrategicMergePatch(result[field], value);
    if (merged === undefined) {
      delete result[field];
    } else {
      result[field] = merged;
    }
  }
  if (retainKeys) {
    for (const field of Object.keys(result)) {
      if (!retainKeys.includes(field)) {
        delete result[field];
      }
    }
  }
  return result;
}

/** RFC 6902 JSON patch; a failed `test` or a path that does not exist answers 422. */
export function applyJsonPatch(target: JsonObject, patch: unknown): JsonObject {
  if (!Array.isArray(patch)) {
    throw badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  }
  try {
    return applyPatch(structuredClone(target), patch as Operation[], true, true)
      .newDocument as JsonObject;
  } catch (error) {
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
}
