import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import https from 'node:https';
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ClusterConnection } from '../clusters/ClusterDirectory';
import { KubernetesApiError, toKubernetesApiError } from './KubernetesApiError';
import { RateLimiter } from './RateLimiter';

/** `Accept` header of metadata-only lists: pods come back as `PartialObjectMetadataList`. */
export const ACCEPT_METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9';
/** `Accept` header of metadata-only watches: each event's object is a `PartialObjectMetadata`. */
export const ACCEPT_METADATA =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;q=0.9';

/** Options of one request. */
export interface ClusterRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API path below the server URL, e.g. `/api/v1/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  accept?: string;
  contentType?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Milliseconds until the call is given up (not for watches). */
  timeoutMs?: number;
  /** Watches only: called once the server has accepted the watch. */
  onOpen?: () => void;
}

function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/** Resolves a host name as `dns.lookup` does with `all: true`. */
export type HostResolver = (
  hostname: string,
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: HostResolver = (hostname, callback) =>
  dnsLookup(hostname, { all: true }, (error, addresses) =>
    callback(error, (addresses ?? []) as LookupAddress[]),
  );

/**
 * Re-checks every address a connection resolves to, so that a host name that passed the URL guard
 * cannot later resolve to a private address (DNS rebinding).
 */
function guardedLookup(
  allowPrivate: boolean,
  resolver: HostResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const list = addresses as LookupAddress[];
      const refused =
        !allowPrivate && list.some(a => !isPublicAddress(a.address));
      if (refused || list.length === 0) {
        callback(
          new Error(
            `API server host "${hostname}" resolves to a non-public address`,
          ),
          '',
          0,
        );
        return;
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(
          null,
          list,
        );
      } else {
        callback(null, list[0].address, list[0].family);
      }
    });
  };
}

/**
 * Plain HTTPS to one cluster's API server, with its CA and bearer token, paced by a per-cluster rate
 * limit. Used for what `@kubernetes/client-node` cannot do: metadata-only lists and watches with custom
 * `Accept` headers, streamed line by line.
 */
export class ClusterHttpClient {
  /** The connection pool, with the cluster's CA and the address guard; shared with client-node. */
  readonly agent: https.Agent;
  private readonly base: URL;
  private requestCount = 0;

  constructor(
    private readonly connection: ClusterConnection,
    /** The cluster's request budget; shared with client-node. */
    readonly limiter: RateLimiter,
    options: {
      allowPrivateAddress: boolean;
      /** How host names resolve; the system's resolver by default (replaceable in tests). */
      resolver?: HostResolver;
    },
  ) {
    this.base = new URL(connection.url.toString().replace(/\/+$/, ''));
    // The bearer token goes in every request: never over a connection without TLS, whatever the host.
    if (this.base.protocol !== 'https:') {
      throw new Error(
        `cluster ${connection.name}: the API server URL must use HTTPS`,
      );
    }
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      lookup: guardedLookup(
        options.allowPrivateAddress,
        options.resolver ?? systemResolver,
      ),
      ca: connection.caPem,
      rejectUnauthorized: !connection.skipTlsVerify,
    });
  }

  /** Requests sent so far (for benchmarks and diagnostics). */
  get requestsSent(): number {
    return this.requestCount;
  }

  private url(path: string, query?: ClusterRequest['query']): URL {
    // A server URL without a path (`https://host:6443`, as real API servers have) has the pathname
    // `/`: kept as is, `//api/v1/…` would be read as a URL of the host `api`.
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const url = new URL(`${prefix}${path}`, this.base);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async open(
    req: ClusterRequest,
  ): Promise<{ res: http.IncomingMessage; abort: () => void }> {
    await this.limiter.acquire(req.signal);
    this.requestCount += 1;
    const url = this.url(req.path, req.query);
    const payload =
      req.body === undefined
        ? undefined
        : Buffer.from(
            typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
          );
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: req.method ?? 'GET',
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.connection.token}`,
            Accept: req.accept ?? 'application/json',
            'User-Agent': 'backstage-istio-upgrade',
            ...(payload
              ? {
                  'Content-Type': req.contentType ?? 'application/json',
                  'Content-Length': payload.length,
                }
              : {}),
          },
          signal: req.signal,
          timeout: req.timeoutMs,
        },
        res => resolve({ res, abort: () => request.destroy() }),
      );
      request.on('timeout', () =>
        request.destroy(new Error(`no answer within ${req.timeoutMs} ms`)),
      );
      request.on('error', error =>
        reject(
          new KubernetesApiError(
            `${req.method ?? 'GET'} ${req.path}: ${(error as Error).message}`,
            undefined,
            undefined,
          ),
        ),
      );
      request.end(payload);
    });
  }

  /**
   * Reads a whole answer. Its listeners are removed once it ends: a keep-alive socket can hold on to its
   * last response, and listeners left on it would keep the body (megabytes for a page of pods) alive.
   */
  private static readBody(res: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (chunk: Buffer) => chunks.push(chunk);
      const detach = () => {
        res.off('data', onData);
        res.off('end', onEnd);
        res.off('error', onError);
      };
      function onEnd() {
        detach();
        resolve(Buffer.concat(chunks).toString('utf8'));
        chunks.length = 0;
      }
      function onError(error: Error) {
        detach();
        reject(error);
      }
      res.on('data', onData);
      res.on('end', onEnd);
      res.on('error', onError);
    });
  }

  /** Sends a request and parses the JSON answer; non-2xx answers throw a {@link KubernetesApiError}. */
  async request<T = unknown>(req: ClusterRequest): Promise<T> {
    const { res } = await this.open({ timeoutMs: 30_000, ...req });
    let body: string;
    try {
      body = await ClusterHttpClient.readBody(res);
    } catch (error) {
      throw new KubernetesApiError(
        `${req.method ?? 'GET'} ${req.path}: ${(error as Error).message}`,
        undefined,
        undefined,
      );
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      throw toKubernetesApiError(
        status,
        body,
        res.headers['retry-after'] as string | undefined,
        `${req.method ?? 'GET'} ${req.path}`,
      );
    }
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new KubernetesApiError(
        `${req.method ?? 'GET'} ${req.path}: the answer is not JSON`,
        status,
        undefined,
      );
    }
  }

  /**
   * Opens a watch and calls `onEvent` for each line of the stream, in order. Resolves when the server
   * ends the stream (timeoutSeconds) and rejects on a connection error, an HTTP error or a malformed line.
   */
  async watch(
    req: ClusterRequest,
    onEvent: (event: { type: string; object: any }) => void,
  ): Promise<void> {
    const { res, abort } = await this.open(req);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const body = await ClusterHttpClient.readBody(res).catch(() => '');
      throw toKubernetesApiError(
        status,
        body,
        res.headers['retry-after'] as string | undefined,
        `WATCH ${req.path}`,
      );
    }
    req.onOpen?.();
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        abort();
        reject(error);
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0 && !failed) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) {
            let event;
            try {
              event = JSON.parse(line);
            } catch {
              fail(
                new KubernetesApiError(
                  `WATCH ${req.path}: malformed event`,
                  undefined,
                  undefined,
                ),
              );
              return;
            }
            try {
              onEvent(event);
            } catch (error) {
              fail(error as Error);
              return;
            }
          }
          newline = buffered.indexOf('\n');
        }
      });
      res.on('end', () => {
        if (!failed) resolve();
      });
      res.on('aborted', () =>
        fail(
          new KubernetesApiError(
            `WATCH ${req.path}: connection lost`,
            undefined,
            undefined,
          ),
        ),
      );
      res.on('error', error =>
        fail(
          new KubernetesApiError(
            `WATCH ${req.path}: ${error.message}`,
            undefined,
            undefined,
          ),
        ),
      );
      req.signal?.addEventListener('abort', () => fail(new Error('aborted')), {
        once: true,
      });
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }
}
