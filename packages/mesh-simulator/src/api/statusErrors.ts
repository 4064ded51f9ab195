import { ResourceType } from './resourceTypes';

/**
 * A cause inside an Invalid Status, naming the offending field.
 *
 * @public
 */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/**
 * An error the API answers with a Kubernetes `Status` object. Everything the request
 * handlers reject is thrown as one of these, so no bad input can become a 500.
 *
 * @public
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: StatusCause[];
      retryAfterSeconds?: number;
    },
  ) {
    super(message);
  }

  /** The Status object as the API server writes it. */
  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) {
      status.details = this.details;
    }
    return status;
  }
}

/** "pods" or "deployments.apps", as the API server names a type in messages. */
export function qualifiedResource(rt: ResourceType): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

/** 404 for an object that does not exist. */
export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(rt)} "${name}" not found`,
    { name, group: rt.group || undefined, kind: rt.resource },
  );
}

/** 409 for a create whose name is taken. */
export function alreadyExists(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(rt)} "${name}" already exists`,
    { name, group: rt.group || undefined, kind: rt.resource },
  );
}

/** 409 for a write based on a stale resourceVersion. */
export function conflict(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      rt,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: rt.group || undefined, kind: rt.resource },
  );
}

/** 422 with the causes found by validation. */
export function invalid(
  kind: string,
  name: string,
  group: string,
  causes: StatusCause[],
): ApiError {
  const summary = causes
    .map(c => (c.field ? `${c.field}: ${c.message}` : c.message))
    .join(', ');
  // The API server names the kind qualified by its group ("Deployment.apps", "Pod").
  return new ApiError(
    422,
    'Invalid',
    `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${
      causes.length > 1 ? `[${summary}]` : summary
    }`,
    { name: name || undefined, group: group || undefined, kind, causes },
  );
}

/** 400 for a request the server cannot make sense of. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 410 for a resourceVersion older than the kept history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 405 for a verb a resource does not support. */
export function methodNotAllowed(method: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** 404 for a path that names nothing the server serves. */
export function pathNotFound(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}
