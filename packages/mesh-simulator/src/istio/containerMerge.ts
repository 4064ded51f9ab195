import { JsonObject } from '../store/kubeObject';

const isPlainObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A strategic merge of two lists of objects by their merge key: merged in place, new ones appended. */
function mergeByKey(
  base: JsonObject[] | undefined,
  patch: JsonObject[],
  key: string,
): JsonObject[] {
  const out = (base ?? []).map(item => {
    const over = patch.find(p => p[key] === item[key]);
    return over ? { ...item, ...over } : item;
  });
  for (const p of patch) {
    if (!out.some(item => item[key] === p[key])) out.push(p);
  }
  return out;
}

/** The strategic merge keys of a container's lists (`k8s.io/api/core/v1`'s patch merge keys). */
const containerMergeKeys: Record<string, string> = {
  ports: 'containerPort',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] =
      isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k], v) : v;
  }
  return out;
}

/**
 * Istio's `reapplyOverwrittenContainers`: the pod's own container of a name the template injects
 * is applied over the rendered one (a strategic merge; its image `auto` is dropped), so what the
 * pod spec sets wins.
 */
export function applyContainer(
  rendered: JsonObject,
  own: JsonObject,
): JsonObject {
  const out: JsonObject = { ...rendered };
  for (const [k, v] of Object.entries(own)) {
    if (k === 'image' && (v === 'auto' || v === '')) continue;
    if (containerMergeKeys[k] && Array.isArray(v)) {
      out[k] = mergeByKey(rendered[k], v, containerMergeKeys[k]);
    } else if (isPlainObject(v) && isPlainObject(rendered[k])) {
      out[k] = deepMerge(rendered[k], v);
    } else {
      out[k] = v;
    }
  }
  return out;
}
