import { createHmac, randomBytes } from 'node:crypto';
import { qualifiedResource } from '../api/statusErrors';
import { ApiError } from '../api/statusErrors';
import { ResourceType } from '../api/resourceTypes';

/**
 * The bearer tokens of one cluster, per role.
 *
 * @public
 */
export interface ClusterTokens {
  admin: string;
  readOnly: string;
  namespaced: Record<string, string>;
}

/**
 * Who a token belongs to and what it may do.
 *
 * @public
 */
export interface Identity {
  user: string;
  role: 'simulator-admin' | 'admin' | 'read-only' | 'namespaced';
  namespaces: string[];
}

const readVerbs = new Set(['get', 'list', 'watch']);

/** Makes a token: random, or derived from a seed so repeated starts hand out the same ones. */
export function makeToken(seed: string | undefined, purpose: string): string {
  if (seed === undefined) {
    return randomBytes(30).toString('base64url');
  }
  return createHmac('sha256', seed)
    .update(purpose)
    .digest('base64url')
    .slice(0, 40);
}

/**
 * Maps bearer tokens to identities: the simulator-wide admin token (valid on every cluster
 * and on /sim/v1) and each cluster's own tokens.
 *
 * @public
 */
export class TokenRegistry {
  private readonly byToken = new Map<
    string,
    { cluster?: string; identity: Identity }
  >();

  constructor(readonly simulatorAdminToken: string) {
    this.byToken.set(simulatorAdminToken, {
      identity: {
        user: 'mesh-sim:admin',
        role: 'simulator-admin',
        namespaces: [],
      },
    });
  }

  /** Registers the tokens of a cluster. */
  register(cluster: string, tokens: ClusterTokens) {
    this.byToken.set(tokens.admin, {
      cluster,
      identity: {
        user: 'system:serviceaccount:kube-system:mesh-sim-admin',
        role: 'admin',
        namespaces: [],
      },
    });
    this.byToken.set(tokens.readOnly, {
      cluster,
      identity: {
        user: 'system:serviceaccount:kube-system:mesh-sim-reader',
        role: 'read-only',
        namespaces: [],
      },
    });
    for (const [namespace, token] of Object.entries(tokens.namespaced)) {
      this.byToken.set(token, {
        cluster,
        identity: {
          user: `system:serviceaccount:${namespace}:mesh-sim-editor`,
          role: 'namespaced',
          namespaces: [namespace],
        },
      });
    }
  }

  /** Whether a bearer token is one this simulator handed out (for any cluster). */
  isKnown(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match !== null && this.byToken.has(match[1]);
  }

  /** The identity of a bearer token on a cluster, or undefined (401). */
  identify(
    authorization: string | undefined,
    cluster: string | undefined,
  ): Identity | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const found = this.byToken.get(match[1]);
    if (!found) return undefined;
    if (found.cluster !== undefined && found.cluster !== cluster)
      return undefined;
    return found.identity;
  }
}

/** The 401 the API server answers without valid credentials. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** RBAC as the roles define it; throws 403 Forbidden with the real message format. */
export function authorize(
  identity: Identity,
  verb: string,
  rt: ResourceType,
  namespace: string | undefined,
  subresource?: string,
) {
  if (identity.role === 'simulator-admin' || identity.role === 'admin') return;
  if (identity.role === 'read-only' && readVerbs.has(verb)) return;
  if (
    identity.role === 'namespaced' &&
    rt.namespaced &&
    namespace !== undefined &&
    identity.namespaces.includes(namespace)
  )
    return;
  const resource = subresource ? `${rt.resource}/${subresource}` : rt.resource;
  const scope =
    namespace !== undefined && rt.namespaced
      ? ` in the namespace "${namespace}"`
      : ' at the cluster scope';
  throw new ApiError(
    403,
    'Forbidden',
    `${qualifiedResource(rt)} is forbidden: User "${
      identity.user
    }" cannot ${verb} resource "${resource}" in API group "${
      rt.group
    }"${scope}`,
    { kind: rt.resource, ...(rt.group ? { group: rt.group } : {}) },
  );
}
