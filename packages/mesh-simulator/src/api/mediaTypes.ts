import { ApiError } from './statusErrors';

/**
 * How a response is rendered: the full objects, metadata only (`PartialObjectMetadata`), or a
 * server-side printed `Table` as kubectl asks for.
 *
 * @public
 */
export type Representation = 'json' | 'metadata' | 'table';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
  order: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type, ...rawParams] = part.split(';').map(s => s.trim());
      const params: Record<string, string> = {};
      for (const p of rawParams) {
        const eq = p.indexOf('=');
        if (eq > 0) {
          params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
        }
      }
      const q = params.q !== undefined ? Number(params.q) : 1;
      return {
        type: type.toLowerCase(),
        params,
        q: Number.isNaN(q) ? 0 : q,
        order,
      };
    })
    .filter(r => r.type.length > 0 && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

function notAcceptable(): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  );
}

/**
 * Picks the representation for an Accept header, honouring q-values and order, the way the
 * API server's negotiation does; throws 406 NotAcceptable when nothing offered can be served.
 */
export function negotiateRepresentation(
  accept: string | undefined,
): Representation {
  if (!accept || !accept.trim()) {
    return 'json';
  }
  for (const range of parseAccept(accept)) {
    const jsonLike =
      range.type === 'application/json' ||
      range.type === 'application/*' ||
      range.type === '*/*';
    if (!jsonLike) {
      continue;
    }
    const as = range.params.as;
    if (!as) {
      return 'json';
    }
    const group = range.params.g;
    const version = range.params.v;
    if (
      group !== 'meta.k8s.io' ||
      (version !== 'v1' && version !== 'v1beta1')
    ) {
      continue;
    }
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
      return 'metadata';
    }
    if (as === 'Table') {
      return 'table';
    }
  }
  throw notAcceptable();
}

/** Plain responses (discovery, /sim/v1) only need to know that JSON is acceptable. */
export function acceptsPlainJson(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) {
    return true;
  }
  return parseAccept(accept).some(
    r =>
      (r.type === 'application/json' ||
        r.type === 'application/*' ||
        r.type === '*/*') &&
      !r.params.as,
  );
}
