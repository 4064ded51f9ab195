import { objectKey } from '../../store/objectStore';
import { fieldsJson, objectJson } from '../../store/sharedJson';
import { negotiateRepresentation } from '../mediaTypes';
import { apiVersionOf } from '../resourceTypes';
import { sendJson, sendRawJson } from '../responses';
import { ApiError, badRequest, invalid } from '../statusErrors';
import { renderTable } from '../tables';
import {
  ClusterApiBackend,
  objectMatcher,
  ResourceRequest,
} from './resourceRequest';

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` }),
  ).toString('base64');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    const start = String(parsed.start);
    return {
      rv: parsed.rv,
      start: start.endsWith('\u0000') ? start.slice(0, -1) : start,
    };
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function listOptionsInvalid(field: string, message: string): ApiError {
  return invalid('ListOptions', '', 'meta.k8s.io', [
    { reason: 'FieldValueForbidden', message: `Forbidden: ${message}`, field },
  ]);
}

/** Items per written chunk when a list is streamed. */
const streamBatch = 250;
/** Serves `list`: selectors, pages with continue tokens, exact revisions, and large lists streamed. */
export async function handleList(
  backend: ClusterApiBackend,
  r: ResourceRequest,
) {
  const representation = negotiateRepresentation(r.req.headers.accept);
  const { rt, query } = r;
  const matches = objectMatcher(rt, query);
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (limitText && (!Number.isInteger(limit) || limit < 0)) {
    throw badRequest(`invalid limit: ${limitText}`);
  }
  const rvParam = query.get('resourceVersion') ?? undefined;
  const match = query.get('resourceVersionMatch') ?? undefined;
  const continueText = query.get('continue') ?? undefined;
  if (match && !rvParam) {
    throw listOptionsInvalid(
      'resourceVersionMatch',
      'resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  }
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw invalid('ListOptions', '', 'meta.k8s.io', [
      {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
        field: 'resourceVersionMatch',
      },
    ]);
  }
  if (continueText && rvParam && rvParam !== '0') {
    throw listOptionsInvalid(
      'resourceVersion',
      'specifying resource version is not allowed when using continue',
    );
  }
  if (rvParam !== undefined && rvParam !== '' && !/^\d+$/.test(rvParam)) {
    throw badRequest(`invalid resource version: ${rvParam}`);
  }
  const { store } = backend;
  let revision = store.currentRevision();
  let entries;
  if (continueText) {
    const token = decodeContinue(continueText);
    revision = token.rv;
    try {
      entries = store.entriesAt(rt, token.rv, r.namespace, token.start);
    } catch (error) {
      if (error instanceof ApiError && error.code === 410) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      throw error;
    }
  } else if (match === 'Exact') {
    revision = Number(rvParam);
    entries = store.entriesAt(rt, revision, r.namespace);
  } else {
    entries = store.entries(rt, r.namespace);
  }
  const selected: typeof entries = [];
  let nextKey: string | undefined;
  let remaining = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (limit > 0 && selected.length >= limit) {
      nextKey = objectKey(
        selected[selected.length - 1].object.metadata.namespace,
        selected[selected.length - 1].object.metadata.name,
      );
      remaining = entries.length - i;
      break;
    }
    if (matches(entry.object)) selected.push(entry);
  }
  const metadata: Record<string, unknown> = {
    resourceVersion: String(revision),
  };
  if (nextKey !== undefined) {
    metadata.continue = encodeContinue(revision, nextKey);
    if (!query.get('labelSelector') && !query.get('fieldSelector')) {
      metadata.remainingItemCount = remaining;
    }
  }
  if (representation === 'table') {
    sendJson(
      r.res,
      200,
      renderTable(
        rt,
        selected.map(e => e.object),
        query.get('includeObject') ?? undefined,
        backend.now().getTime(),
        metadata,
      ),
    );
    return;
  }
  const head =
    representation === 'metadata'
      ? `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(
          metadata,
        )},"items":[`
      : `{"kind":"${rt.kind}List","apiVersion":"${apiVersionOf(
          rt,
        )}","metadata":${JSON.stringify(metadata)},"items":[`;
  const item = (entry: (typeof selected)[number]) =>
    representation === 'metadata'
      ? `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${fieldsJson(
          entry.object.metadata as unknown as Record<string, unknown>,
        )}}`
      : objectJson(entry.object, false);
  if (selected.length <= streamBatch) {
    sendRawJson(r.res, 200, `${head}${selected.map(item).join(',')}]}`);
    return;
  }
  // Large lists are streamed in batches (chunked), so serialising overlaps with the client
  // reading and no single huge string is built.
  const { res } = r;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.write(head);
  for (let i = 0; i < selected.length; i += streamBatch) {
    if (res.destroyed) return;
    const batch = selected
      .slice(i, i + streamBatch)
      .map(item)
      .join(',');
    if (!res.write(i === 0 ? batch : `,${batch}`)) {
      await new Promise<void>(resolve => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end(']}');
}
