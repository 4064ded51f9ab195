import { methodNotAllowed } from './statusErrors';
import { handleCreate } from './verbs/create';
import { handleDelete } from './verbs/delete';
import { handleDeleteCollection } from './verbs/deleteCollection';
import { handleGet } from './verbs/get';
import { handleList } from './verbs/list';
import { handlePatch } from './verbs/patch';
import { ClusterApiBackend, ResourceRequest } from './verbs/resourceRequest';
import { handleUpdate } from './verbs/update';
import { handleWatch } from './verbs/watch';

/** The handler of each verb the simulator serves. */
const verbHandlers = new Map<
  string,
  (backend: ClusterApiBackend, r: ResourceRequest) => void | Promise<void>
>([
  ['get', handleGet],
  ['list', handleList],
  ['watch', handleWatch],
  ['create', handleCreate],
  ['update', handleUpdate],
  ['patch', handlePatch],
  ['delete', handleDelete],
  ['deletecollection', handleDeleteCollection],
]);

/** Serves one resource request: get, list, watch, create, update, patch, delete, deletecollection. */
export async function handleResourceRequest(
  backend: ClusterApiBackend,
  r: ResourceRequest,
): Promise<void> {
  const handler = verbHandlers.get(r.verb);
  if (!handler) throw methodNotAllowed(r.verb);
  await handler(backend, r);
}
