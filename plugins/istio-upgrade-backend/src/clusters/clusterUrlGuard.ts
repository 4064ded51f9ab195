import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Options of {@link checkClusterUrl}.
 */
export interface ClusterUrlGuardOptions {
  /**
   * Host names (or `*.suffix` patterns) that may be or resolve to loopback and private addresses.
   * Empty by default: only hosts that resolve to public addresses are accepted. Plain HTTP is never
   * accepted, for any host: the bearer token would cross the network in clear.
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

/**
 * Whether config allows a host to be (or resolve to) a loopback or private address: a name equal to an
 * entry, or under a `*.suffix` entry (the suffix itself included), compared case-insensitively, IPv6
 * brackets aside. The one rule of both the URL guard and the connection's address check.
 */
export function isAllowedPrivateHost(
  hostname: string,
  allowedPrivateHosts: readonly string[],
): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return allowedPrivateHosts.some(entry => {
    const pattern = entry.trim().toLowerCase();
    if (pattern.startsWith('*.')) {
      return host.endsWith(pattern.slice(1)) || host === pattern.slice(2);
    }
    return host === pattern;
  });
}

async function defaultResolve(hostname: string): Promise<string[]> {
  const addresses = await lookup(hostname, { all: true });
  return addresses.map(a => a.address);
}

/**
 * Refuses API-server URLs that would let a catalog entry point the backend at itself or at an internal
 * service (server-side request forgery), or send its token in clear: anything but HTTPS (for every host),
 * credentials in the URL, and hosts that are or resolve to loopback, private, link-local or otherwise
 * non-public addresses, unless config allows the host.
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
  if (url.protocol !== 'https:') {
    throw new Error(
      'the API server URL must use HTTPS: the token is never sent in clear',
    );
  }
  if (url.search || url.hash) {
    throw new Error('the API server URL must not have a query or fragment');
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isAllowedPrivateHost(hostname, options.allowedPrivateHosts ?? [])) {
    return url;
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
