import { JsonObject } from '../store/kubeObject';

/** List fields whose items managedFields identifies by a key, as the server-side apply schema does. */
const listKeys: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  conditions: ['type'],
  ports: ['containerPort', 'protocol'],
  ownerReferences: ['uid'],
  webhooks: ['name'],
  podIPs: ['ip'],
  hostIPs: ['ip'],
};

/**
 * Builds the `fieldsV1` set of the fields present in `value`, in the format the API server
 * records in managedFields ("f:" for fields, "k:" for keyed list items, "." for the node itself).
 */
export function fieldsV1(value: unknown, field?: string): JsonObject {
  if (Array.isArray(value)) {
    const keys = field ? listKeys[field] : undefined;
    if (!keys || !value.every(v => typeof v === 'object' && v !== null)) {
      return {};
    }
    const out: JsonObject = {};
    for (const item of value as JsonObject[]) {
      const keyFields = keys.filter(k => item[k] !== undefined);
      const keyObject: JsonObject = {};
      for (const k of keyFields.length ? keyFields : keys.slice(0, 1)) {
        keyObject[k] = item[k] ?? (k === 'protocol' ? 'TCP' : '');
      }
      out[`k:${JSON.stringify(keyObject)}`] = { '.': {}, ...fieldsV1(item) };
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      // Patch directives ($patch, $setElementOrder/…, $retainKeys…) are not fields.
      if (k.startsWith('$')) continue;
      const child = fieldsV1(v, k);
      out[`f:${k}`] =
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        field !== undefined
          ? { '.': {}, ...child }
          : child;
    }
    return out;
  }
  return {};
}

/**
 * One managedFields entry for a manager's write. `subresource` is set for status writes as
 * the real server records them.
 */
export function managedFieldsEntry(
  manager: string,
  apiVersion: string,
  time: string,
  fields: JsonObject,
  subresource?: string,
): JsonObject {
  return {
    manager,
    operation: 'Update',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
}

/** Replaces the entry of `manager` (and subresource) in a managedFields list, keeping the others. */
export function withManagedFields(
  existing: JsonObject[] | undefined,
  entry: JsonObject,
): JsonObject[] {
  const others = (existing ?? []).filter(
    e => !(e.manager === entry.manager && e.subresource === entry.subresource),
  );
  return [...others, entry];
}
