import { IncomingMessage, ServerResponse } from 'node:http';
import { acceptsPlainJson } from '../mediaTypes';
import { ApiError, pathNotFound } from '../statusErrors';
import { openApiV3Discovery, openApiV3Documents } from './openApiDocuments';

const oneYear = 365 * 24 * 3600 * 1000;
const startedAt = new Date().toUTCString();

/**
 * Serves `/openapi/v3` (the discovery of group-version documents) and `/openapi/v3/<group-version>`
 * as the API server's handler does: the documents are addressed by a content hash; a request with
 * the current `hash` is cacheable for a year, one with a stale hash is redirected (301) to the
 * current one, one without is answered uncached with the hash as ETag. `/openapi/v2` is not served
 * (404): kubectl only falls back to it when v3 fails, and it is protobuf-only for kubectl.
 */
export function handleOpenApi(
  path: string[],
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  clusterPrefix: string,
) {
  if (path[1] !== 'v3') throw pathNotFound();
  if (!acceptsPlainJson(req.headers.accept)) {
    throw new ApiError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json',
    );
  }
  if (path.length === 2) {
    const body = JSON.stringify(openApiV3Discovery(clusterPrefix));
    res.writeHead(200, {
      // The real handler writes the discovery without a Content-Type; Go sniffs it as text.
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-cache, private',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const doc = openApiV3Documents().get(path.slice(2).join('/'));
  if (!doc) throw pathNotFound();
  const etag = `"${doc.hash}"`;
  const hash = query.get('hash');
  if (hash !== null && hash !== doc.hash) {
    res.writeHead(301, {
      Location: `${clusterPrefix}/openapi/v3/${doc.path}?hash=${doc.hash}`,
      ETag: etag,
      'Cache-Control': 'no-cache, private',
      'Content-Type': 'application/json',
      Vary: 'Accept',
      'Content-Length': 0,
    });
    res.end();
    return;
  }
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    ETag: etag,
    Vary: 'Accept',
    'Last-Modified': startedAt,
  };
  if (hash !== null) {
    headers['Cache-Control'] = 'public, immutable';
    headers.Expires = new Date(Date.now() + oneYear).toUTCString();
  } else {
    headers['Cache-Control'] = 'no-cache, private';
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Length'] = Buffer.byteLength(doc.json);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : doc.json);
}
