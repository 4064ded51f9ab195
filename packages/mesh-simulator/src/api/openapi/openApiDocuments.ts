import { createHash } from 'node:crypto';
import { apiGroups, resourceTypes } from '../resourceTypes';
import { kubernetesSchemas, meta, schemaPrefix } from './kindSchemas';
import { schemasKubernetesVersion } from './kubernetesSchemas.generated';
import {
  gvPath,
  operationGroup,
  resourcePaths,
  responses,
  tagOf,
} from './openApiPaths';
import { OpenApiSchema } from './openApiSchema';

/**
 * The OpenAPI v3 documents the simulator serves (`/openapi/v3` and `/openapi/v3/<group-version>`),
 * generated from its resource registry. Paths and operations are the ones the simulator serves, with
 * the parameters, request media types and response media types it honours; the component schemas are
 * Kubernetes' own for the kinds served (see `kubernetesSchemas.generated.ts`).
 */

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
