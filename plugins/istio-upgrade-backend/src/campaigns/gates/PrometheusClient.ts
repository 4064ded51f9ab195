import {
  InputError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { PrometheusTarget, describePrometheusTarget } from './prometheusConfig';

/** One sample of an instant query's result. */
export interface PrometheusSample {
  labels: Record<string, string>;
  /** The sample's value; NaN and infinities as Prometheus gives them. */
  value: number;
}

interface QueryResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: {
    resultType?: string;
    result?: unknown;
  };
}

function sampleValue(pair: unknown): number | undefined {
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    typeof pair[1] !== 'string'
  ) {
    return undefined;
  }
  // Prometheus writes every value as a string; Number() reads "NaN" but not "+Inf" or "-Inf".
  const text = pair[1];
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Instant queries (`GET /api/v1/query` with `time`) against one cluster's Prometheus. The API is a
 * single GET with a JSON answer, so plain `fetch` is enough; no Prometheus client library is used.
 *
 * Errors never carry the target's token or headers: a Prometheus that cannot be reached, times out,
 * refuses the credentials or answers 5xx is a `ServiceUnavailableError` naming the cluster and the
 * Prometheus URL; a query Prometheus rejects is an `InputError` with Prometheus' reason.
 */
export class PrometheusClient {
  private readonly cluster: string;
  private readonly target: PrometheusTarget;

  constructor(options: { cluster: string; target: PrometheusTarget }) {
    this.cluster = options.cluster;
    this.target = options.target;
  }

  /** The label `{<clusterLabel>="<cluster>"}` every query of this cluster selects, if any. */
  get clusterMatcher(): { name: string; value: string } | undefined {
    return this.target.clusterLabel
      ? { name: this.target.clusterLabel, value: this.cluster }
      : undefined;
  }

  /** Evaluates `promql` at `time`: the samples of a vector, or one unlabelled sample of a scalar. */
  async query(promql: string, time: Date): Promise<PrometheusSample[]> {
    const url = new URL(`${this.target.url}/api/v1/query`);
    url.searchParams.set('query', promql);
    url.searchParams.set('time', (time.getTime() / 1000).toFixed(3));
    const where = `${describePrometheusTarget(this.target)} for cluster "${
      this.cluster
    }"`;

    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: 'application/json', ...this.target.headers },
        signal: AbortSignal.timeout(this.target.timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `${where} did not answer: ${describeFetchFailure(
          error,
          this.target.timeoutMs,
        )}`,
      );
    }

    let body: QueryResponse | undefined;
    try {
      body = (await response.json()) as QueryResponse;
    } catch {
      body = undefined;
    }
    if (response.status === 400 || response.status === 422) {
      throw new InputError(
        `${where} rejected the query: ${
          body?.error ?? `HTTP ${response.status}`
        }`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new ServiceUnavailableError(
        `${where} refused the request (HTTP ${response.status}): check its token or headers`,
      );
    }
    if (!response.ok || body?.status !== 'success') {
      const reason = body?.error ? `: ${body.error}` : '';
      throw new ServiceUnavailableError(
        `${where} answered HTTP ${response.status}${reason}`,
      );
    }
    return readResult(body, where);
  }
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  // isError rather than instanceof: fetch's errors may come from another realm (Jest's, for one).
  if (!isError(error)) {
    return String(error);
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return `no answer within ${timeoutMs} ms`;
  }
  // undici's "fetch failed" hides the reason (connection refused, DNS, TLS) in the cause.
  const cause = (error as { cause?: unknown }).cause;
  return isError(cause) && cause.message ? cause.message : error.message;
}

function readResult(body: QueryResponse, where: string): PrometheusSample[] {
  const { resultType, result } = body.data ?? {};
  if (resultType === 'scalar') {
    const value = sampleValue(result);
    if (value !== undefined) return [{ labels: {}, value }];
  } else if (resultType === 'vector' && Array.isArray(result)) {
    const samples: PrometheusSample[] = [];
    for (const item of result) {
      const value = sampleValue(item?.value);
      if (value === undefined) break;
      samples.push({ labels: item.metric ?? {}, value });
    }
    if (samples.length === result.length) return samples;
  }
  throw new ServiceUnavailableError(
    `${where} answered a result that is neither a vector nor a scalar (${
      resultType ?? 'none'
    })`,
  );
}
