import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the istio-upgrade plugins. */
  istioUpgrade?: {
    /** How the backend reaches the clusters registered in the catalog. */
    clusters?: {
      /**
       * Service-account tokens, keyed by the cluster entity's name (`metadata.name`). Used for clusters
       * whose `kubernetes.io/auth-provider` annotation is `serviceAccount`.
       */
      credentials?: {
        [clusterName: string]: {
          /**
           * Bearer token of a service account with the plugin's RBAC role in that cluster.
           * @visibility secret
           */
          serviceAccountToken: string;
        };
      };
      /**
       * Host names (or `*.suffix` patterns) whose API-server URL may be plain HTTP or point at a loopback
       * or private address. Empty by default; the demo allows its local simulator.
       */
      allowedPrivateHosts?: string[];
      /** Let the `kubernetes.io/skip-tls-verify` annotation take effect. Off by default. */
      dangerouslyAllowSkipTlsVerify?: boolean;
      /** How often the catalog is read for added, changed and removed clusters. Default 30 seconds. */
      refreshInterval?: HumanDuration | string;
    };
  };
}
