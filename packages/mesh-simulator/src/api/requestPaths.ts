import { findResourceType, ResourceType } from './resourceTypes';
import { ApiError, pathNotFound } from './statusErrors';

/**
 * What a request under `/clusters/<name>` asks for: a discovery document, or a verb on a
 * resource (the same breakdown the API server's RequestInfo makes).
 *
 * @public
 */
export type RequestTarget =
  | { kind: 'discovery'; path: string[] }
  | {
      kind: 'resource';
      rt: ResourceType;
      verb: string;
      namespace?: string;
      name?: string;
      subresource?: string;
    };

const discoveryRoots = new Set([
  'version',
  'api',
  'apis',
  'healthz',
  'livez',
  'readyz',
  'openapi',
  '',
]);

function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource (${method})`,
      );
  }
}

/** Parses the path (after the cluster prefix) and method into a request target. */
export function parseRequestTarget(
  method: string,
  segments: string[],
  query: URLSearchParams,
): RequestTarget {
  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else if (discoveryRoots.has(segments[0] ?? '')) {
    return { kind: 'discovery', path: segments };
  } else {
    throw pathNotFound();
  }
  let watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const candidate = findResourceType(group, version, rest[2]);
    if (candidate?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const rt = findResourceType(group, version, rest[0] ?? '');
  if (!rt || rest.length > 3) {
    throw pathNotFound();
  }
  const name = rest[1];
  const subresource = rest[2];
  if (
    subresource !== undefined &&
    !rt.subresources.includes(subresource as 'status' | 'scale')
  ) {
    throw pathNotFound();
  }
  if (namespace !== undefined && !rt.namespaced) {
    throw pathNotFound();
  }
  if (rt.namespaced && name !== undefined && namespace === undefined) {
    throw pathNotFound();
  }
  if (rt.resource === 'namespaces' && name !== undefined && method !== 'POST') {
    namespace = undefined;
  }
  return {
    kind: 'resource',
    rt,
    verb: verbFor(method, name !== undefined, watch),
    namespace,
    name,
    subresource,
  };
}
