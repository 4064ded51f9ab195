import { createHash } from 'node:crypto';
import {
  apiGroups,
  ResourceType,
  resourceTypes,
  resourceVerbs,
} from '../resourceTypes';
import { gatewayApiSchemas } from './gatewayApiSchemas';
import {
  kubernetesSchemas as builtInSchemas,
  schemasKubernetesVersion,
} from './kubernetesSchemas.generated';
import { OpenApiSchema } from './openApiSchema';

/** Kubernetes' own schemas and those of the CRDs served (the Gateway API's Gateway). */
const kubernetesSchemas: Record<string, OpenApiSchema> = {
  ...builtInSchemas,
  ...gatewayApiSchemas,
};

/**
 * The OpenAPI v3 documents the simulator serves (`/openapi/v3` and `/openapi/v3/<group-version>`),
 * generated from its resource registry. Paths and operations are the ones the simulator serves, with
 * the parameters, request media types and response media types it honours; the component schemas are
 * Kubernetes' own for the kinds served (see `kubernetesSchemas.generated.ts`).
 */

const schemaPrefix = '#/components/schemas/';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** A group-version the simulator serves, as the OpenAPI discovery names it ("api/v1", "apis/apps/v1"). */
export interface GroupVersionDocument {
  /** "api/v1" or "apis/<group>/<version>". */
  path: string;
  group: string;
  version: string;
  /** The document serialised once, and its hash (the API server's ETag: SHA-512, upper-case hex). */
  json: string;
  hash: string;
}

/** The group-versions the simulator serves, in discovery order. */
function servedGroupVersions(): Array<{ group: string; version: string }> {
  return [
    { group: '', version: 'v1' },
    ...apiGroups.map(g => ({ group: g.name, version: g.version })),
  ];
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Finds the component schema name of a kind from its `x-kubernetes-group-version-kind`. */
const schemaNameByGvk = new Map<string, string>();
for (const [name, schema] of Object.entries(kubernetesSchemas)) {
  const gvks = schema['x-kubernetes-group-version-kind'] as
    | Array<{ group: string; version: string; kind: string }>
    | undefined;
  for (const gvk of gvks ?? []) {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    if (!schemaNameByGvk.has(key)) schemaNameByGvk.set(key, name);
  }
}

/** The component schema name of a kind ("io.k8s.api.apps.v1.Deployment"). */
export function schemaNameOf(
  group: string,
  version: string,
  kind: string,
): string | undefined {
  return schemaNameByGvk.get(`${group}/${version}/${kind}`);
}

/** The schema of a served kind, for server-side field validation. */
export function kindSchema(rt: ResourceType): OpenApiSchema | undefined {
  const name = schemaNameOf(rt.group, rt.version, rt.kind);
  return name ? kubernetesSchemas[name] : undefined;
}

/** The schema of `autoscaling/v1` Scale (the scale subresource). */
export function scaleSchema(): OpenApiSchema {
  return kubernetesSchemas['io.k8s.api.autoscaling.v1.Scale'];
}

/** Resolves `$ref` and the `allOf: [{$ref}]` wrapping Kubernetes' documents use for fields. */
export function resolveSchema(
  schema: OpenApiSchema | undefined,
): OpenApiSchema | undefined {
  let current = schema;
  for (let i = 0; current && i < 10; i++) {
    if (current.allOf && current.allOf.length > 0) {
      current = current.allOf[0];
      continue;
    }
    if (current.$ref) {
      current = kubernetesSchemas[current.$ref.slice(schemaPrefix.length)];
      continue;
    }
    return current;
  }
  return current;
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

function responses(
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
function operationGroup(group: string, version: string): string {
  const name = group ? group.split('.')[0] : 'core';
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${capital(name)}${capital(version)}`;
}

function tagOf(group: string, version: string): string {
  return `${group ? group.split('.')[0] : 'core'}_${version}`;
}

/** The paths (and their operations) of one served resource type. */
function resourcePaths(rt: ResourceType): Record<string, unknown> {
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

/** Every component schema a value reaches through `$ref`s. */
function collectSchemas(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) {
    for (const v of value) collectSchemas(v, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string' && v.startsWith(schemaPrefix)) {
      const name = v.slice(schemaPrefix.length);
      if (!into.has(name)) {
        into.add(name);
        collectSchemas(kubernetesSchemas[name], into);
      }
    } else {
      collectSchemas(v, into);
    }
  }
}

/**
 * A component schema as one group-version's document states it: its group-version-kinds are only
 * those the simulator serves (Kubernetes' shared meta types list every group of a real cluster).
 */
function componentFor(name: string, served: Set<string>): OpenApiSchema {
  const schema = kubernetesSchemas[name];
  const gvks = schema['x-kubernetes-group-version-kind'] as
    | Array<{ group: string; version: string; kind: string }>
    | undefined;
  if (!gvks) return schema;
  return {
    ...schema,
    'x-kubernetes-group-version-kind': gvks.filter(
      g =>
        served.has(`${g.group}/${g.version}`) ||
        (g.group === 'autoscaling' && g.kind === 'Scale'),
    ),
  };
}

function buildDocument(group: string, version: string): object {
  const prefix = `/${gvPath(group, version)}`;
  const types = resourceTypes.filter(
    t => t.group === group && t.version === version,
  );
  const paths: Record<string, unknown> = {
    [`${prefix}/`]: {
      get: {
        tags: [tagOf(group, version)],
        description: 'get available resources',
        operationId: `get${operationGroup(group, version)}APIResources`,
        responses: responses(`${meta}.APIResourceList`, ['200']),
      },
    },
  };
  for (const rt of types) Object.assign(paths, resourcePaths(rt));
  const sortedPaths = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map(p => [p, paths[p]]),
  );
  const names = new Set<string>();
  collectSchemas(sortedPaths, names);
  const served = new Set(
    servedGroupVersions().map(gv => `${gv.group}/${gv.version}`),
  );
  const schemas = Object.fromEntries(
    [...names].sort().map(n => [n, componentFor(n, served)]),
  );
  const [major, minor] = schemasKubernetesVersion.split('.');
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `${major}.${minor}` },
    paths: sortedPaths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

let documents: Map<string, GroupVersionDocument> | undefined;

/** The served group-version documents, keyed by their discovery path ("api/v1"); built once. */
export function openApiV3Documents(): Map<string, GroupVersionDocument> {
  if (!documents) {
    documents = new Map();
    for (const { group, version } of servedGroupVersions()) {
      const json = JSON.stringify(buildDocument(group, version));
      const hash = createHash('sha512')
        .update(json)
        .digest('hex')
        .toUpperCase();
      const path = gvPath(group, version);
      documents.set(path, { path, group, version, json, hash });
    }
  }
  return documents;
}

/**
 * The `/openapi/v3` discovery document: every served group-version and the hashed URL of its
 * document, under the cluster's path prefix (`/clusters/<name>`), as an API server behind a path
 * prefix would answer.
 */
export function openApiV3Discovery(pathPrefix: string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const doc of openApiV3Documents().values()) {
    paths[doc.path] = {
      serverRelativeURL: `${pathPrefix}/openapi/v3/${doc.path}?hash=${doc.hash}`,
    };
  }
  return { paths };
}
