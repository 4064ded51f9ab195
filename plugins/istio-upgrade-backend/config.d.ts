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
       * Host names (or `*.suffix` patterns, the suffix itself included; compared case-insensitively)
       * whose API-server URL may point at a loopback or private address. Empty by default; the demo
       * allows its local simulator. API servers are reached over HTTPS only, these hosts included.
       */
      allowedPrivateHosts?: string[];
      /** Let the `kubernetes.io/skip-tls-verify` annotation take effect. Off by default. */
      dangerouslyAllowSkipTlsVerify?: boolean;
      /** How often the catalog is read for added, changed and removed clusters. Default 30 seconds. */
      refreshInterval?: HumanDuration | string;
    };
    /** How the inventory engine syncs each cluster. */
    inventory?: {
      /** At most this many API-server requests per second per cluster (inventory and requests together, watches included). Default 50. */
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
    /** How upgrade requests are approved, planned and run. */
    requests?: {
      /**
       * Which requests wait for an approver: `always`, `never`, or `non-owners` (unless the requester
       * owns the entity). Defaults: namespace-migration `non-owners`, gateway-cutover and
       * revision-tag-move `always`. A service principal's request always waits unless trusted.
       */
      approval?: {
        'namespace-migration'?: 'always' | 'never' | 'non-owners';
        'gateway-cutover'?: 'always' | 'never' | 'non-owners';
        'revision-tag-move'?: 'always' | 'never' | 'non-owners';
        /** Moving a Gateway API gateway to a revision. Default: as `gateway-cutover`. */
        'gateway-move'?: 'always' | 'never' | 'non-owners';
        /** Control-plane installs always wait for an approver; any other value is refused at startup. */
        'control-plane-install'?: 'always';
        /** Control-plane removals always wait for an approver; any other value is refused at startup. */
        'control-plane-removal'?: 'always';
      };
      /** Who is notified when a request waits for approval (group or user entity refs). */
      approvers?: string[];
      /**
       * Service principals (`plugin:<id>` or `external:<subject>`) trusted like people: they may ask for
       * cutovers and tag moves, and their requests follow the approval policy.
       */
      trustedServices?: string[];
      /** Namespaces no request may touch, besides kube-system, kube-public, kube-node-lease and istio-system. */
      protectedNamespaces?: string[];
      /** Defaults of each request's options. */
      defaults?: {
        /** Workloads restarted together. Default 2. */
        waveSize?: number;
        /** Pause between waves. Default 5. */
        pauseBetweenWavesSeconds?: number;
        /** `namespace` (every workload) or `entity` (only the requesting entity's). Default namespace. */
        restartScope?: 'namespace' | 'entity';
        /** Undo what ran when a step fails. Default true. */
        rollbackOnFailure?: boolean;
        /** How long a cutover watches the Service's endpoints before it is done. Default 30. */
        watchWindowSeconds?: number;
        /** Whether a tag move also restarts the workloads of the namespaces using the tag. Default false. */
        migrateNamespaces?: boolean;
      };
      /** How long one wave's rollouts may take before they count as stalled. Default 10 minutes. */
      rolloutTimeout?: HumanDuration | string;
      /** How often rollouts and endpoints are polled while waiting, in milliseconds. Default 1000. */
      pollIntervalMs?: number;
      /** How long a replica's lease on a running request lasts unless renewed. Default 30 seconds. */
      leaseTtl?: HumanDuration | string;
      /** How often each replica looks for requests nobody runs. Default 10 seconds. */
      sweepInterval?: HumanDuration | string;
      /** Requests one replica runs at once. Default 10. */
      maxConcurrentRequests?: number;
      /** At most this many control-plane revisions per cluster: a control-plane install beyond it is refused. Default 3. */
      maxRevisions?: number;
      /**
       * How long a control-plane install waits for its revision to be Ready in the inventory (where
       * people run the install commands, this is their time to do so). Default 24 hours.
       */
      controlPlaneInstallTimeout?: HumanDuration | string;
    };
    /** Fleet upgrade campaigns. */
    campaigns?: {
      /**
       * Weekly maintenance windows, keyed by the cluster entity's name; the key `'*'` serves every
       * cluster not listed. No campaign step starts outside a window; a cluster with no windows is
       * always open. The cluster entity's annotation `istio-upgrade.io/maintenance-windows`
       * (`Mon-Fri 02:00-06:00 Europe/Berlin; Sat,Sun 00:00-23:59 UTC`) overrides these, and a
       * campaign's own windows override both. Windows of one cluster must not overlap.
       */
      maintenanceWindows?: {
        [clusterName: string]: Array<{
          /** The days the window starts on. */
          days: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
          /** `HH:MM`, local time in `timeZone`. */
          start: string;
          /** `HH:MM`, local time in `timeZone`; before `start`, the window runs past midnight. */
          end: string;
          /** An IANA time zone, e.g. `Europe/Berlin` or `UTC`. */
          timeZone: string;
        }>;
      };
      /** Soak time between rings when a campaign sets none, at most 30 days. Default 24 hours. */
      defaultSoak?: HumanDuration | string;
      /** How often the campaign engine looks at the campaigns it runs, at least 100 ms. Default 5 seconds. */
      engineInterval?: HumanDuration | string;
      /**
       * How long one engine step may hold a campaign's lease before another replica may take the
       * campaign over (a replica that died mid-step), at least 1 second. Default 60 seconds.
       */
      leaseTtl?: HumanDuration | string;
      /** How long before its wave each owner is notified, at most 30 days. Default 24 hours. */
      notifyAhead?: HumanDuration | string;
      /** The most an owner may defer their namespace (once), at most 30 days. Default 7 days. */
      maxDefer?: HumanDuration | string;
      /** How often an unreachable cluster is requeued before it is marked unreachable. Default 5. */
      unreachableRetries?: number;
      /** The health gate's thresholds when a campaign sets none. */
      defaultGate?: {
        /** The window compared before and after each wave, in seconds (5 to 86400). Default 600. */
        windowSeconds?: number;
        /** The most the 5xx ratio may rise, in percentage points. Default 0.5. */
        max5xxIncreasePoints?: number;
        /** The most p99 latency may rise, in percent. Default 20. */
        maxP99IncreasePercent?: number;
      };
      /**
       * The Prometheus each cluster's health gates read Istio's standard metrics from
       * (`istio_requests_total`, `istio_request_duration_milliseconds_bucket`), keyed by the cluster
       * entity's name; the key `'*'` serves every cluster not listed. A cluster with neither is not
       * gated, and the campaign's plan says so.
       */
      prometheus?: {
        [clusterName: string]: {
          /**
           * Base URL of the Prometheus HTTP API, `http` or `https`, without credentials in it
           * (use `token` or `headers`), e.g. `https://prometheus.example` or `http://127.0.0.1:9090`.
           */
          url: string;
          /**
           * When set, every query selects `{<clusterLabel>="<cluster name>"}`: one Prometheus holding
           * several clusters' series, told apart by this label (e.g. `cluster`). Unset by default.
           */
          clusterLabel?: string;
          /**
           * Bearer token sent to this Prometheus. Never shown in errors, logs or results.
           * @visibility secret
           */
          token?: string;
          /**
           * Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant Prometheus. Values are secret.
           * @visibility secret
           * @deepVisibility secret
           */
          headers?: { [name: string]: string };
          /** How long one query may take before the gate's outcome is `unknown`. Default 10 seconds. */
          timeout?: HumanDuration | string;
        };
      };
    };
    /**
     * Istio minor releases that override or add to the plugin's release table (the release date, the
     * end of life when it is not six weeks after the release of the minor two above, and the
     * Kubernetes versions the minor supports). A minor already in the table sets only what it changes.
     */
    releases?: Array<{
      /** The minor release, e.g. `1.31`. */
      minor: string;
      /** `YYYY-MM-DD`. Required for a minor that is not in the plugin's table. */
      releaseDate?: string;
      /** `YYYY-MM-DD`. */
      endOfLife?: string;
      /**
       * The Kubernetes minors this Istio minor supports, both ends included (e.g. `1.32` to `1.36`);
       * the control-plane install precheck compares the cluster's Kubernetes minor with it.
       */
      kubernetes?: {
        /** The oldest supported Kubernetes minor, e.g. `1.32`. */
        oldest: string;
        /** The newest supported Kubernetes minor, e.g. `1.36`. */
        newest: string;
      };
    }>;
  };
}
