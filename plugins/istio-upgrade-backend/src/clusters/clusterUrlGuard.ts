import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Options of {@link checkClusterUrl}.
 */
export interface ClusterUrlGuardOptions {
  /**
   * Host names (or `*.suffix` patterns) that may use plain HTTP or loopback and private addresses.
   * Empty by default: only HTTPS URLs whose host resolves to public addresses are accepted.
   */
  allowedPrivateHosts?: string[];
  /** Resolves a host name; replaceable in tests. */
  resolve?: (hostname: string) => Promise<string[]>;
}

function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

function hostMatches(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    return host.endsWith(p.slice(1)) || host === p.slice(2);
  }
  return host === p;
}

async function defaultResolve(hostname: string): Promise<string[]> {
  const addresses = await lookup(hostname, { all: true });
  return addresses.map(a => a.address);
}

/**
 * Refuses API-server URLs that would let a catalog entry point the backend at itself or at an internal
 * service (server-side request forgery): anything but HTTPS, credentials in the URL, and hosts that are or
 * resolve to loopback, private, link-local or otherwise non-public addresses, unless config allows the host.
 *
 * @returns the parsed URL
 * @throws Error with a message fit for the cluster's status
 */
export async function checkClusterUrl(
  rawUrl: string,
  options: ClusterUrlGuardOptions = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error('the API server URL is not a valid URL');
  }
  if (url.username || url.password) {
    throw new Error('the API server URL must not contain credentials');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('the API server URL must use HTTPS');
  }
  if (url.search || url.hash) {
    throw new Error('the API server URL must not have a query or fragment');
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const allowed = (options.allowedPrivateHosts ?? []).some(pattern =>
    hostMatches(hostname, pattern),
  );
  if (allowed) {
    return url;
  }
  if (url.protocol !== 'https:') {
    throw new Error('the API server URL must use HTTPS');
  }
  const addresses = ipaddr.isValid(hostname)
    ? [hostname]
    : await (options.resolve ?? defaultResolve)(hostname).catch(() => {
        throw new Error(`the API server host "${hostname}" does not resolve`);
      });
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new Error(
      `the API server host "${hostname}" is a loopback, private or otherwise non-public address; allow it in istioUpgrade.clusters.allowedPrivateHosts if that is intended`,
    );
  }
  return url;
}
