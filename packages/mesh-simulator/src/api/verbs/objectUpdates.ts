import { KubeObject } from '../../store/kubeObject';
import { nextGeneration } from '../../store/objectStore';
import { applyUpdateDefaults } from '../defaults';
import { conflict } from '../statusErrors';
import { validateObject, validateUpdate } from '../validation';
import {
  ClusterApiBackend,
  hasStatusSubresource,
  isDryRun,
  ResourceRequest,
} from './resourceRequest';
import { stampManaged } from './writeBodies';

/** The object an update or patch of the main resource or its status subresource writes. */
export function mergeSubresource(
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

/** Validates and stores an update (or, for a dry run, returns what would be stored). */
export function writeUpdate(
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
