import { ResourceType, resourceVerbs } from '../resourceTypes';
import { meta, schemaNameOf, schemaPrefix } from './kindSchemas';

/** The path of a group-version's document ("api/v1", "apis/apps/v1"). */
export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const ref = (name: string) => ({ $ref: `${schemaPrefix}${name}` });

function queryParameter(name: string, type: string, description: string) {
  return {
    name,
    in: 'query',
    description,
    schema: { type, uniqueItems: true },
  };
}

const parameters = {
  dryRun: queryParameter(
    'dryRun',
    'string',
    'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: queryParameter(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  fieldValidation: queryParameter(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: unknown fields are silently dropped from the object, and all but the last duplicate field are ignored. - Warn: a warning is sent in the standard warning response header for each unknown field that is dropped and for each duplicate field (the default). - Strict: the request fails with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present.',
  ),
  allowWatchBookmarks: queryParameter(
    'allowWatchBookmarks',
    'boolean',
    'allowWatchBookmarks requests watch events with type "BOOKMARK".',
  ),
  continue: queryParameter(
    'continue',
    'string',
    'The continue option should be set when retrieving more results from the server.',
  ),
  fieldSelector: queryParameter(
    'fieldSelector',
    'string',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  ),
  labelSelector: queryParameter(
    'labelSelector',
    'string',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  ),
  limit: queryParameter(
    'limit',
    'integer',
    'limit is a maximum number of responses to return for a list call.',
  ),
  resourceVersion: queryParameter(
    'resourceVersion',
    'string',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  resourceVersionMatch: queryParameter(
    'resourceVersionMatch',
    'string',
    'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  ),
  sendInitialEvents: queryParameter(
    'sendInitialEvents',
    'boolean',
    'sendInitialEvents=true may be set together with watch=true.',
  ),
  timeoutSeconds: queryParameter(
    'timeoutSeconds',
    'integer',
    'Timeout for the list/watch call.',
  ),
  watch: queryParameter(
    'watch',
    'boolean',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
  ),
  gracePeriodSeconds: queryParameter(
    'gracePeriodSeconds',
    'integer',
    'The duration in seconds before the object should be deleted.',
  ),
  propagationPolicy: queryParameter(
    'propagationPolicy',
    'string',
    "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
  ),
};

const listParameters = [
  parameters.allowWatchBookmarks,
  parameters.continue,
  parameters.fieldSelector,
  parameters.labelSelector,
  parameters.limit,
  parameters.resourceVersion,
  parameters.resourceVersionMatch,
  parameters.sendInitialEvents,
  parameters.timeoutSeconds,
  parameters.watch,
];
const writeParameters = [
  parameters.dryRun,
  parameters.fieldManager,
  parameters.fieldValidation,
];

function pathParameter(name: string, description: string) {
  return {
    name,
    in: 'path',
    description,
    required: true,
    schema: { type: 'string', uniqueItems: true },
  };
}

function jsonContent(schemaName: string, watch = false) {
  return {
    'application/json': { schema: ref(schemaName) },
    ...(watch
      ? { 'application/json;stream=watch': { schema: ref(schemaName) } }
      : {}),
  };
}

/** An operation's responses: the given codes with the schema's JSON (or watch stream), and 401. */
export function responses(
  schemaName: string,
  codes: string[],
  watch = false,
): Record<string, unknown> {
  const described: Record<string, string> = {
    '200': 'OK',
    '201': 'Created',
    '202': 'Accepted',
  };
  return {
    ...Object.fromEntries(
      codes.map(code => [
        code,
        {
          description: described[code],
          content: jsonContent(schemaName, watch),
        },
      ]),
    ),
    '401': { description: 'Unauthorized' },
  };
}

/** "CoreV1", "AppsV1", "AdmissionregistrationV1", as Kubernetes' operation ids name a group-version. */
export function operationGroup(group: string, version: string): string {
  const name = group ? group.split('.')[0] : 'core';
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${capital(name)}${capital(version)}`;
}

/** The tag of a group-version's operations ("core_v1", "apps_v1"). */
export function tagOf(group: string, version: string): string {
  return `${group ? group.split('.')[0] : 'core'}_${version}`;
}

/** The paths (and their operations) of one served resource type. */
export function resourcePaths(rt: ResourceType): Record<string, unknown> {
  const prefix = `/${gvPath(rt.group, rt.version)}`;
  const opGroup = operationGroup(rt.group, rt.version);
  const tags = [tagOf(rt.group, rt.version)];
  const kindName = schemaNameOf(rt.group, rt.version, rt.kind)!;
  const listName = schemaNameOf(rt.group, rt.version, `${rt.kind}List`)!;
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const scope = rt.namespaced ? `Namespaced${rt.kind}` : rt.kind;
  const verbs = new Set(resourceVerbs);
  const namespaceParameter = pathParameter(
    'namespace',
    'object name and auth scope, such as for teams and projects',
  );
  const nameParameter = pathParameter('name', `name of the ${rt.kind}`);
  const collection = rt.namespaced
    ? `${prefix}/namespaces/{namespace}/${rt.resource}`
    : `${prefix}/${rt.resource}`;
  const item = `${collection}/{name}`;
  const scopeParameters = rt.namespaced ? [namespaceParameter] : [];
  const paths: Record<string, unknown> = {};
  const op = (
    action: string,
    operationId: string,
    description: string,
    extra: Record<string, unknown>,
    opGvk: Record<string, string> = gvk,
  ) => ({
    tags,
    description,
    operationId,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': opGvk,
  });

  const collectionOps: Record<string, unknown> = {};
  if (verbs.has('list')) {
    collectionOps.get = op(
      'list',
      `list${opGroup}${scope}`,
      `list or watch objects of kind ${rt.kind}`,
      {
        parameters: listParameters,
        responses: responses(listName, ['200'], true),
      },
    );
  }
  if (verbs.has('create')) {
    collectionOps.post = op(
      'post',
      `create${opGroup}${scope}`,
      `create a ${rt.kind}`,
      {
        parameters: writeParameters,
        requestBody: {
          content: { 'application/json': { schema: ref(kindName) } },
          required: true,
        },
        responses: responses(kindName, ['200', '201', '202']),
      },
    );
  }
  if (verbs.has('deletecollection')) {
    collectionOps.delete = op(
      'deletecollection',
      `delete${opGroup}Collection${scope}`,
      `delete collection of ${rt.kind}`,
      {
        parameters: [parameters.fieldSelector, parameters.labelSelector],
        // The deleted objects, as a list (what the API server answers too).
        responses: responses(listName, ['200']),
      },
    );
  }
  paths[collection] = { ...collectionOps, parameters: scopeParameters };

  const itemOps: Record<string, unknown> = {};
  if (verbs.has('get')) {
    itemOps.get = op(
      'get',
      `read${opGroup}${scope}`,
      `read the specified ${rt.kind}`,
      {
        responses: responses(kindName, ['200']),
      },
    );
  }
  if (verbs.has('update')) {
    itemOps.put = op(
      'put',
      `replace${opGroup}${scope}`,
      `replace the specified ${rt.kind}`,
      {
        parameters: writeParameters,
        requestBody: {
          content: { 'application/json': { schema: ref(kindName) } },
          required: true,
        },
        responses: responses(kindName, ['200', '201']),
      },
    );
  }
  if (verbs.has('delete')) {
    itemOps.delete = op(
      'delete',
      `delete${opGroup}${scope}`,
      `delete a ${rt.kind}`,
      {
        parameters: [
          parameters.dryRun,
          parameters.gracePeriodSeconds,
          parameters.propagationPolicy,
        ],
        requestBody: {
          content: {
            'application/json': { schema: ref(`${meta}.DeleteOptions`) },
          },
        },
        responses: responses(kindName, ['200', '202']),
      },
    );
  }
  if (verbs.has('patch')) {
    itemOps.patch = op(
      'patch',
      `patch${opGroup}${scope}`,
      `partially update the specified ${rt.kind}`,
      patchOperation(kindName),
    );
  }
  paths[item] = {
    ...itemOps,
    parameters: [nameParameter, ...scopeParameters],
  };

  for (const sub of rt.subresources) {
    const subKind =
      sub === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : kindName;
    const subGvk =
      sub === 'scale'
        ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
        : gvk;
    const suffix = sub === 'scale' ? 'Scale' : 'Status';
    const what = `${sub} of the specified ${rt.kind}`;
    paths[`${item}/${sub}`] = {
      get: op(
        'get',
        `read${opGroup}${scope}${suffix}`,
        `read ${what}`,
        {
          responses: responses(subKind, ['200']),
        },
        subGvk,
      ),
      put: op(
        'put',
        `replace${opGroup}${scope}${suffix}`,
        `replace ${what}`,
        {
          parameters: writeParameters,
          requestBody: {
            content: { 'application/json': { schema: ref(subKind) } },
            required: true,
          },
          responses: responses(subKind, ['200', '201']),
        },
        subGvk,
      ),
      patch: op(
        'patch',
        `patch${opGroup}${scope}${suffix}`,
        `partially update ${what}`,
        patchOperation(subKind),
        subGvk,
      ),
      parameters: [nameParameter, ...scopeParameters],
    };
  }

  if (verbs.has('list') && rt.namespaced) {
    paths[`${prefix}/${rt.resource}`] = {
      get: op(
        'list',
        `list${opGroup}${rt.kind}ForAllNamespaces`,
        `list or watch objects of kind ${rt.kind}`,
        { responses: responses(listName, ['200'], true) },
      ),
      parameters: listParameters,
    };
  }
  if (verbs.has('watch')) {
    const watchCollection = rt.namespaced
      ? `${prefix}/watch/namespaces/{namespace}/${rt.resource}`
      : `${prefix}/watch/${rt.resource}`;
    paths[watchCollection] = {
      get: op(
        'watchlist',
        `watch${opGroup}${scope}List`,
        `watch individual changes to a list of ${rt.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
        { responses: responses(`${meta}.WatchEvent`, ['200'], true) },
      ),
      parameters: [...listParameters, ...scopeParameters],
    };
    paths[`${watchCollection}/{name}`] = {
      get: op(
        'watch',
        `watch${opGroup}${scope}`,
        `watch changes to an object of kind ${rt.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
        { responses: responses(`${meta}.WatchEvent`, ['200'], true) },
      ),
      parameters: [...listParameters, nameParameter, ...scopeParameters],
    };
    if (rt.namespaced) {
      paths[`${prefix}/watch/${rt.resource}`] = {
        get: op(
          'watchlist',
          `watch${opGroup}${rt.kind}ListForAllNamespaces`,
          `watch individual changes to a list of ${rt.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          { responses: responses(`${meta}.WatchEvent`, ['200'], true) },
        ),
        parameters: listParameters,
      };
    }
  }
  return paths;
}

/** A patch operation: the three patch types the simulator applies (no apply-patch: no server-side apply). */
function patchOperation(schemaName: string) {
  const patch = { schema: ref(`${meta}.Patch`) };
  return {
    parameters: writeParameters,
    requestBody: {
      content: {
        'application/json-patch+json': patch,
        'application/merge-patch+json': patch,
        'application/strategic-merge-patch+json': patch,
      },
      required: true,
    },
    responses: responses(schemaName, ['200', '201']),
  };
}
