import { IncomingMessage, ServerResponse } from 'node:http';
import { KubeObject } from '../../store/kubeObject';
import { ObjectStore } from '../../store/objectStore';
import { ResourceType } from '../resourceTypes';
import { parseJsonBody } from '../responses';
import { parseFieldSelector, parseLabelSelector } from '../selectors';
import { badRequest, notFound } from '../statusErrors';
import { WatchHub } from '../watchStreams';

/**
 * What the resource handler needs from a simulated cluster.
 *
 * @public
 */
export interface ClusterApiBackend {
  store: ObjectStore;
  watches: WatchHub;
  /** Simulated now. */
  now(): Date;
  allocateClusterIP(): string;
  /** Mutating admission for new pods (sidecar injection); throws an ApiError as a failing webhook would. */
  admitPod(pod: KubeObject): KubeObject;
  /** Deletes an object and garbage-collects its dependents per the propagation policy. */
  deleteObject(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation: string,
    gracePeriodSeconds?: number,
  ): KubeObject;
}

/** Parameters of a resource request, already parsed from the path. */
export interface ResourceRequest {
  rt: ResourceType;
  verb: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
}

/** Types whose writes to the main resource leave status alone (status subresource semantics). */
export function hasStatusSubresource(rt: ResourceType) {
  return rt.subresources.includes('status');
}

/** Matches objects against the request's `labelSelector` and `fieldSelector`. */
export function objectMatcher(rt: ResourceType, query: URLSearchParams) {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(
    query.get('fieldSelector') ?? undefined,
    rt,
  );
  return (o: KubeObject) =>
    (!labels || labels(o.metadata.labels)) && (!fields || fields(o));
}

/** The request body as a JSON object, or 400. */
export function requireObjectBody(r: ResourceRequest): KubeObject {
  const body = parseJsonBody(r.body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'the object provided is unrecognized or malformed: expected a JSON object',
    );
  }
  return body;
}

/** Whether the request asks for a dry run (`dryRun=All`). */
export function isDryRun(query: URLSearchParams) {
  return query.getAll('dryRun').includes('All');
}

/** The object the request names, or 404. */
export function currentOrNotFound(
  backend: ClusterApiBackend,
  r: ResourceRequest,
): KubeObject {
  const current = backend.store.get(r.rt, r.namespace, r.name!);
  if (!current) throw notFound(r.rt, r.name!);
  return current;
}
