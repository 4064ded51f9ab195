import { ApiError, badRequest } from '../api/statusErrors';

/**
 * One injected error rule: requests of these verbs on these resources (optionally in one
 * namespace) fail with `status` at probability `rate`.
 *
 * @public
 */
export interface FaultRule {
  verbs: string[];
  resources: string[];
  namespace?: string;
  rate: number;
  status: 500 | 429 | 409;
  retryAfterSeconds?: number;
}

/**
 * One hold: the first request of these verbs on these resources (optionally in one namespace, of one
 * name) waits `seconds` (wall-clock, not the simulated clock) or until released before it is
 * processed — a request that reaches the API server late, after what its client read has changed.
 *
 * @public
 */
export interface HoldRule {
  verbs: string[];
  resources: string[];
  namespace?: string;
  name?: string;
  seconds: number;
}

/**
 * A bad revision: the sidecars (and gateway proxies) that revision injected answer 503 to
 * `errorRate` of their requests and add `latencyMs` to every request, in the Istio metrics and
 * in the traffic probe.
 *
 * @public
 */
export interface SidecarFault {
  revision: string;
  errorRate: number;
  latencyMs: number;
}

/**
 * The faults of one cluster, as `POST /sim/v1/clusters/<name>/faults` sets them.
 *
 * @public
 */
export interface FaultConfig {
  rules: FaultRule[];
  holds?: HoldRule[];
  sidecars?: SidecarFault[];
  latencyMs?: number;
  dropWatchesAfterSeconds?: number;
  unreachable?: boolean;
}

const knownVerbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  '*',
];

/** The verbs and resources of a rule or hold (both default to `*`), or 400 saying what is wrong. */
function parseMatch(
  r: unknown,
  where: string,
): { verbs: string[]; resources: string[] } {
  if (typeof r !== 'object' || r === null)
    throw badRequest(`${where} must be an object`);
  const verbs = (r as any).verbs ?? ['*'];
  const resources = (r as any).resources ?? ['*'];
  if (
    !Array.isArray(verbs) ||
    verbs.some((v: unknown) => typeof v !== 'string' || !knownVerbs.includes(v))
  ) {
    throw badRequest(
      `${where}.verbs must be a list of ${knownVerbs.join(', ')}`,
    );
  }
  if (
    !Array.isArray(resources) ||
    resources.some((v: unknown) => typeof v !== 'string')
  ) {
    throw badRequest(`${where}.resources must be a list of resource names`);
  }
  return { verbs, resources };
}

/** Checks the `sidecars` of a faults body (one entry per revision), or 400 saying what is wrong. */
function parseSidecarFaults(sidecars: unknown): SidecarFault[] {
  if (!Array.isArray(sidecars)) throw badRequest('sidecars must be a list');
  const seen = new Set<string>();
  return sidecars.map((s: unknown, i: number) => {
    const where = `sidecars[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      throw badRequest(`${where} must be an object`);
    const {
      revision,
      errorRate = 0,
      latencyMs = 0,
    } = s as Record<string, unknown>;
    if (typeof revision !== 'string' || revision.length === 0)
      throw badRequest(`${where}.revision must be a revision name`);
    if (seen.has(revision))
      throw badRequest(`${where}.revision "${revision}" is given twice`);
    seen.add(revision);
    if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1))
      throw badRequest(`${where}.errorRate must be a number between 0 and 1`);
    if (
      typeof latencyMs !== 'number' ||
      !(latencyMs >= 0 && latencyMs <= 600000)
    )
      throw badRequest(
        `${where}.latencyMs must be a number between 0 and 600000`,
      );
    if (errorRate === 0 && latencyMs === 0)
      throw badRequest(`${where} needs an errorRate or a latencyMs above 0`);
    return { revision, errorRate, latencyMs };
  });
}

/** The fault of the sidecars a revision injected, if any. */
export function sidecarFaultOf(
  config: FaultConfig | undefined,
  revision: string,
): SidecarFault | undefined {
  return config?.sidecars?.find(s => s.revision === revision);
}

/** Checks a faults body, answering 400 with what is wrong. */
export function parseFaultConfig(body: unknown): FaultConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('faults must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const rules = b.rules ?? [];
  if (!Array.isArray(rules)) throw badRequest('rules must be a list');
  const parsed: FaultRule[] = rules.map((r: any, i: number) => {
    const where = `rules[${i}]`;
    const { verbs, resources } = parseMatch(r, where);
    if (typeof r.rate !== 'number' || r.rate < 0 || r.rate > 1) {
      throw badRequest(`rules[${i}].rate must be a number between 0 and 1`);
    }
    if (![500, 429, 409].includes(r.status)) {
      throw badRequest(`rules[${i}].status must be 500, 429 or 409`);
    }
    if (
      r.retryAfterSeconds !== undefined &&
      (typeof r.retryAfterSeconds !== 'number' || r.retryAfterSeconds < 0)
    ) {
      throw badRequest(
        `rules[${i}].retryAfterSeconds must be a non-negative number`,
      );
    }
    if (r.namespace !== undefined && typeof r.namespace !== 'string') {
      throw badRequest(`rules[${i}].namespace must be a string`);
    }
    return {
      verbs,
      resources,
      namespace: r.namespace,
      rate: r.rate,
      status: r.status,
      retryAfterSeconds: r.retryAfterSeconds,
    };
  });
  const holds = b.holds ?? [];
  if (!Array.isArray(holds)) throw badRequest('holds must be a list');
  const parsedHolds: HoldRule[] = holds.map((h: any, i: number) => {
    const where = `holds[${i}]`;
    const { verbs, resources } = parseMatch(h, where);
    for (const field of ['namespace', 'name']) {
      if (h[field] !== undefined && typeof h[field] !== 'string') {
        throw badRequest(`${where}.${field} must be a string`);
      }
    }
    if (typeof h.seconds !== 'number' || !(h.seconds > 0) || h.seconds > 600) {
      throw badRequest(
        `${where}.seconds must be a number above 0, at most 600`,
      );
    }
    return {
      verbs,
      resources,
      namespace: h.namespace,
      name: h.name,
      seconds: h.seconds,
    };
  });
  const number = (field: string) => {
    const v = b[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || v < 0)
      throw badRequest(`${field} must be a non-negative number`);
    return v;
  };
  if (b.unreachable !== undefined && typeof b.unreachable !== 'boolean') {
    throw badRequest('unreachable must be a boolean');
  }
  const sidecars =
    b.sidecars === undefined ? [] : parseSidecarFaults(b.sidecars);
  return {
    rules: parsed,
    ...(parsedHolds.length > 0 ? { holds: parsedHolds } : {}),
    ...(sidecars.length > 0 ? { sidecars } : {}),
    latencyMs: number('latencyMs'),
    dropWatchesAfterSeconds: number('dropWatchesAfterSeconds'),
    unreachable: b.unreachable as boolean | undefined,
  };
}

function resourceMatches(patterns: string[], resource: string): boolean {
  return patterns.some(
    p => p === '*' || p === resource || p.split('.')[0] === resource,
  );
}

/** Whether a request of `verb` on `resource` falls under a rule's or a hold's verbs and resources. */
export function verbAndResourceMatch(
  rule: { verbs: string[]; resources: string[] },
  verb: string,
  resource: string,
): boolean {
  return (
    (rule.verbs.includes('*') || rule.verbs.includes(verb)) &&
    resourceMatches(rule.resources, resource)
  );
}

/** The error a request draws from the rules, if any. */
export function drawFault(
  config: FaultConfig | undefined,
  verb: string,
  resource: string,
  namespace: string | undefined,
  name: string | undefined,
  random: () => number = Math.random,
): ApiError | undefined {
  for (const rule of config?.rules ?? []) {
    if (!verbAndResourceMatch(rule, verb, resource)) continue;
    if (rule.namespace !== undefined && rule.namespace !== namespace) continue;
    if (random() >= rule.rate) continue;
    switch (rule.status) {
      case 429:
        return new ApiError(
          429,
          'TooManyRequests',
          'the server has received too many requests and has asked us to try again later',
          {
            retryAfterSeconds: rule.retryAfterSeconds ?? 1,
            ...(name ? { name } : {}),
            kind: resource,
          },
        );
      case 409:
        return new ApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource} "${
            name ?? ''
          }": the object has been modified; please apply your changes to the latest version and try again`,
          {
            ...(name ? { name } : {}),
            kind: resource,
          },
        );
      default:
        return new ApiError(
          500,
          'InternalError',
          'Internal error occurred: injected fault',
          {
            causes: [
              { reason: 'UnexpectedServerResponse', message: 'injected fault' },
            ],
          },
        );
    }
  }
  return undefined;
}
