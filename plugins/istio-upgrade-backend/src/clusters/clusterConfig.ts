import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import { readDurationFromConfig } from '@backstage/config';

/**
 * How the plugin reaches the catalog's clusters, read from `istioUpgrade.clusters`.
 */
export interface ClusterConfig {
  /** Service-account bearer tokens, by cluster entity name. Secret: never logged, never served. */
  tokens: ReadonlyMap<string, string>;
  /** Hosts allowed to be loopback/private or plain HTTP (the demo's simulator). */
  allowedPrivateHosts: string[];
  /** Whether the `kubernetes.io/skip-tls-verify` annotation may take effect. */
  allowSkipTlsVerify: boolean;
  /** How often the catalog is read again for added, changed and removed clusters. */
  refreshInterval: HumanDuration;
}

/** Reads {@link ClusterConfig}, with defaults that are safe for production. */
export function readClusterConfig(config: Config): ClusterConfig {
  const clusters = config.getOptionalConfig('istioUpgrade.clusters');
  const tokens = new Map<string, string>();
  const credentials = clusters?.getOptionalConfig('credentials');
  for (const name of credentials?.keys() ?? []) {
    const token = credentials!.getOptionalString(`${name}.serviceAccountToken`);
    if (token) {
      tokens.set(name, token.trim());
    }
  }
  return {
    tokens,
    allowedPrivateHosts:
      clusters?.getOptionalStringArray('allowedPrivateHosts') ?? [],
    allowSkipTlsVerify:
      clusters?.getOptionalBoolean('dangerouslyAllowSkipTlsVerify') ?? false,
    refreshInterval: clusters?.has('refreshInterval')
      ? readDurationFromConfig(clusters, { key: 'refreshInterval' })
      : { seconds: 30 },
  };
}
