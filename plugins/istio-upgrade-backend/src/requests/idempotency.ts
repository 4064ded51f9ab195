import { CustomErrorBase } from '@backstage/errors';
import { isDeepStrictEqual } from 'node:util';
import { CreateRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestStore, StoredRequest } from './RequestStore';

/**
 * An idempotency key reused for a different request: 422 Unprocessable Content, whatever the state of
 * the cluster or of the first request.
 */
export class IdempotencyKeyReusedError extends CustomErrorBase {
  name = 'IdempotencyKeyReusedError' as const;
  statusCode = 422;
}

/** What a request body asks for, in the terms a stored request keeps it. */
function asked(
  body: Pick<
    CreateRequest,
    | 'type'
    | 'cluster'
    | 'revision'
    | 'target'
    | 'entityRef'
    | 'comment'
    | 'options'
  >,
  rollbackOf: string | undefined,
) {
  return {
    type: body.type,
    cluster: body.cluster,
    revision: body.revision,
    target: body.target ?? {},
    entityRef: body.entityRef,
    comment: body.comment,
    options: body.options ?? {},
    rollbackOf,
  };
}

/**
 * Whether a request body asks for exactly what an earlier request with the same idempotency key asked
 * for: then the earlier request is the answer, with the same id.
 */
export function sameRequest(
  earlier: StoredRequest,
  body: CreateRequest,
  rollbackOf?: string,
): boolean {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(asked(earlier, earlier.rollbackOf))),
    JSON.parse(JSON.stringify(asked(body, rollbackOf))),
  );
}

/**
 * The request a requester already made with the body's idempotency key, if any: a reused key is
 * answered before anything else is checked, whatever has happened since.
 *
 * @throws IdempotencyKeyReusedError when that request asked for something else
 */
export async function earlierRequest(
  store: Pick<RequestStore, 'byIdempotencyKey'>,
  requestedBy: string,
  body: CreateRequest,
  rollbackOf: string | undefined,
): Promise<StoredRequest | undefined> {
  if (!body.idempotencyKey) return undefined;
  const earlier = await store.byIdempotencyKey(
    requestedBy,
    body.idempotencyKey,
  );
  if (earlier && !sameRequest(earlier, body, rollbackOf)) {
    throw new IdempotencyKeyReusedError(
      `idempotencyKey ${body.idempotencyKey} was already used for request ${earlier.id}, which asked for something else`,
    );
  }
  return earlier;
}
