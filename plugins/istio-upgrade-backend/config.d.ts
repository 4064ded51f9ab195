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
    /** How the inventory engine syncs each cluster. */
    inventory?: {
      /** At most this many API-server requests per second per cluster, watches included. Default 20. */
      maxRequestsPerSecond?: number;
      /** Requests allowed in a burst. Default max(10, maxRequestsPerSecond). */
      burst?: number;
      /** Page size of list calls. Default 500. */
      pageSize?: number;
      /** Server-side timeout of each watch, in seconds. Default 300. */
      watchTimeoutSeconds?: number;
      /** A cluster whose watches have been down this long is reported stale. Default 60 seconds. */
      staleAfter?: HumanDuration | string;
      /** Changes are batched for this many milliseconds before a cluster's inventory is recomputed. Default 250. */
      recomputeDelayMs?: number;
    };
    /**
     * Istio minor releases that override or add to the plugin's release table (the release date, and the
     * end of life when it is not six weeks after the release of the minor two above).
     */
    releases?: Array<{
      /** The minor release, e.g. `1.31`. */
      minor: string;
      /** `YYYY-MM-DD`. */
      releaseDate: string;
      /** `YYYY-MM-DD`. */
      endOfLife?: string;
    }>;
  };
}
