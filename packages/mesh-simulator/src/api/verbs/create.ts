import { randomBytes } from 'node:crypto';
import { KubeObject } from '../../store/kubeObject';
import { applyCreateDefaults } from '../defaults';
import { fieldValidationOf } from '../fieldValidation';
import { kindSchema } from '../openapi/kindSchemas';
import { apiVersionOf, resourceTypeNamed } from '../resourceTypes';
import { sendJson } from '../responses';
import { badRequest, methodNotAllowed, notFound } from '../statusErrors';
import { validateObject } from '../validation';
import {
  ClusterApiBackend,
  hasStatusSubresource,
  isDryRun,
  ResourceRequest,
} from './resourceRequest';
import { decodeWriteBody, stampManaged } from './writeBodies';

/** Serves `create`: defaults, validation, admission of pods, and `generateName`. */
export function handleCreate(backend: ClusterApiBackend, r: ResourceRequest) {
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
