/**
 * A failed call to a cluster's API server, with the Kubernetes `Status` reason when the server sent one.
 * Never carries the request's credentials.
 */
export class KubernetesApiError extends Error {
  readonly name = 'KubernetesApiError';

  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Whether retrying the same call later may succeed. */
  get retriable(): boolean {
    return (
      this.status === undefined ||
      this.status === 429 ||
      this.status >= 500 ||
      this.status === 408
    );
  }
}

/** Reads a Kubernetes `Status` body (or anything else) into a {@link KubernetesApiError}. */
export function toKubernetesApiError(
  status: number,
  body: string,
  retryAfter: string | undefined,
  what: string,
): KubernetesApiError {
  let reason: string | undefined;
  let message = body.slice(0, 500);
  try {
    const parsed = JSON.parse(body);
    if (parsed && parsed.kind === 'Status') {
      reason = parsed.reason;
      message = parsed.message ?? message;
    }
  } catch {
    // not JSON: keep the raw text
  }
  const seconds = retryAfter ? Number(retryAfter) : undefined;
  return new KubernetesApiError(
    `${what}: ${status}${reason ? ` ${reason}` : ''}: ${message}`,
    status,
    reason,
    seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined,
  );
}
