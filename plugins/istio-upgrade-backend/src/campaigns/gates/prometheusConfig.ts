import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonObject, durationToMilliseconds } from '@backstage/types';

const CONFIG_KEY = 'istioUpgrade.campaigns.prometheus';

/** The key whose Prometheus serves every cluster not listed. */
export const ANY_CLUSTER = '*';

/** The default time one query may take. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 10_000;

/**
 * Where one cluster's Istio metrics are read. Holds credentials: never log, serve or put it in an error;
 * {@link describePrometheusTarget} says which Prometheus without them.
 */
export interface PrometheusTarget {
  /** Base URL of the HTTP API, http or https, without credentials. */
  url: string;
  /** Every query selects `{<clusterLabel>="<cluster>"}` when set. */
  clusterLabel?: string;
  /** Request headers, the bearer token's `Authorization` included. Secret. */
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

/** Each cluster's Prometheus, read from `istioUpgrade.campaigns.prometheus`. */
export interface PrometheusSettings {
  /** Keyed by cluster entity name; {@link ANY_CLUSTER} for every other cluster. */
  targets: ReadonlyMap<string, PrometheusTarget>;
}

/** The Prometheus that serves a cluster, or undefined when none does (the cluster is not gated). */
export function prometheusTargetFor(
  settings: PrometheusSettings,
  cluster: string,
): PrometheusTarget | undefined {
  return settings.targets.get(cluster) ?? settings.targets.get(ANY_CLUSTER);
}

/** Names a target in words safe for errors and logs: its URL (which never holds credentials). */
export function describePrometheusTarget(target: PrometheusTarget): string {
  return `Prometheus at ${target.url}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Label names as Prometheus defines them.
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Header names as HTTP defines them (tokens).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readUrl(entry: Config, where: string): string {
  const raw = entry.getString('url').trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value itself is left out: a mistyped URL may hold a password.
    throw new InputError(`${where}.url is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${where}.url must be an http or https URL`);
  }
  if (url.username || url.password) {
    throw new InputError(
      `${where}.url must not carry credentials; set ${where}.token or ${where}.headers instead`,
    );
  }
  if (url.search || url.hash) {
    throw new InputError(`${where}.url must not have a query or fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

function readHeaders(
  entry: Config,
  where: string,
  token: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = entry.getOptional('headers');
  if (raw !== undefined && !isObject(raw)) {
    throw new InputError(
      `${where}.headers must be an object of header names and values`,
    );
  }
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw new InputError(`${where}.headers has an invalid header name`);
    }
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      // The value is secret: the error names the header only.
      throw new InputError(
        `${where}.headers.${name} must be a one-line string`,
      );
    }
    if (name.toLowerCase() === 'authorization' && token) {
      throw new InputError(
        `${where} sets both token and an Authorization header; keep one`,
      );
    }
    headers[name] = value;
  }
  if (token) {
    if (/[\s]/.test(token)) {
      throw new InputError(`${where}.token must not contain whitespace`);
    }
    headers.Authorization = `Bearer ${token}`;
  }
  return headers;
}

function readTarget(entry: Config, where: string): PrometheusTarget {
  const clusterLabel = entry.getOptionalString('clusterLabel')?.trim();
  if (clusterLabel !== undefined && !LABEL_NAME.test(clusterLabel)) {
    throw new InputError(
      `${where}.clusterLabel must be a Prometheus label name`,
    );
  }
  const token = entry.getOptionalString('token')?.trim();
  const timeoutMs = entry.has('timeout')
    ? durationToMilliseconds(readDurationFromConfig(entry, { key: 'timeout' }))
    : DEFAULT_PROMETHEUS_TIMEOUT_MS;
  if (!(timeoutMs > 0)) {
    throw new InputError(`${where}.timeout must be longer than zero`);
  }
  return {
    url: readUrl(entry, where),
    clusterLabel: clusterLabel || undefined,
    headers: readHeaders(entry, where, token || undefined),
    timeoutMs,
  };
}

/**
 * Reads {@link PrometheusSettings}. Throws an `InputError` naming the key at fault, never a token, a
 * header value or the URL as written.
 */
export function readPrometheusSettings(config: Config): PrometheusSettings {
  // Read as a whole: `'*'` is not a key Config's dotted getters accept.
  const raw = config.getOptional(CONFIG_KEY);
  const targets = new Map<string, PrometheusTarget>();
  if (raw === undefined) {
    return { targets };
  }
  if (!isObject(raw)) {
    throw new InputError(
      `${CONFIG_KEY} must be an object keyed by cluster name or '*'`,
    );
  }
  for (const [cluster, value] of Object.entries(raw)) {
    const where = `${CONFIG_KEY}[${JSON.stringify(cluster)}]`;
    if (!isObject(value)) {
      throw new InputError(`${where} must be an object with a url`);
    }
    if (!value.url) {
      throw new InputError(`${where}.url is missing`);
    }
    targets.set(cluster, readTarget(new ConfigReader(value, where), where));
  }
  return { targets };
}
