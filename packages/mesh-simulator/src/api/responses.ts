import { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './statusErrors';

/** Writes a JSON body with the status code. */
export function sendJson(res: ServerResponse, code: number, body: unknown) {
  sendRawJson(res, code, JSON.stringify(body));
}

/** Writes an already serialised JSON body. */
export function sendRawJson(res: ServerResponse, code: number, json: string) {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-cache, private',
  });
  res.end(json);
}

/** Writes an error as a Kubernetes Status; anything not an ApiError becomes a 500 InternalError. */
export function sendError(res: ServerResponse, error: unknown) {
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(
          500,
          'InternalError',
          `Internal error occurred: ${
            (error as Error)?.message ?? String(error)
          }`,
        );
  if (
    apiError.code === 429 &&
    apiError.details?.retryAfterSeconds !== undefined &&
    !res.headersSent
  ) {
    res.setHeader('Retry-After', String(apiError.details.retryAfterSeconds));
  }
  sendJson(res, apiError.code, apiError.toStatus());
}

const maxBodyBytes = 3 * 1024 * 1024;

/** Reads a request body, refusing bodies larger than the real server's 3 MiB limit. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > maxBodyBytes) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        // Answer at once and discard the rest of the body, so the client reads a 413.
        chunks.length = 0;
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            'Request entity too large: limit is 3145728',
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON request body into an object, answering 400 as the real decoder does. */
export function parseJsonBody(body: string): any {
  if (!body.trim()) {
    throw badRequest(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    throw badRequest(
      `the object provided is unrecognized or malformed: ${
        (error as Error).message
      }`,
    );
  }
}
