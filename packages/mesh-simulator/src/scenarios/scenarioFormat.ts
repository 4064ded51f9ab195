import { KubeObject } from '../store/kubeObject';

/**
 * One workload of a scenario namespace, expanded by the loader into a Deployment,
 * StatefulSet or DaemonSet (and, with `service`, a Service selecting it).
 *
 * @public
 */
export interface ScenarioWorkload {
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  /** The `app` label; defaults to the name. */
  app?: string;
  /** The `version` label, if any. */
  version?: string;
  /** Catalog component: label `backstage.io/kubernetes-id`. */
  component?: string;
  replicas?: number;
  image?: string;
  port?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startSeconds?: number;
  readySeconds?: number;
  failure?: 'never-ready' | 'crash-loop';
  /** Creates a Service named after `app` (or the given name) on `port`. */
  service?: boolean | { name?: string; port?: number };
}

/**
 * A namespace of a scenario.
 *
 * @public
 */
export interface ScenarioNamespace {
  name: string;
  labels?: Record<string, string>;
  /** Labels applied after the workloads started, so pods keep the old revision: drift. */
  labelsAfterStart?: Record<string, string | null>;
  workloads?: ScenarioWorkload[];
}

/**
 * One simulated cluster of a scenario.
 *
 * @public
 */
export interface ScenarioCluster {
  name: string;
  nodes?: number;
  tokens?: {
    admin?: string;
    readOnly?: string;
    namespaced?: Record<string, string>;
  };
  /**
   * Control planes. A revision named `default` is the revisionless install (Deployment and Service
   * `istiod`, injector `istio-sidecar-injector` with the `istio-injection=enabled` webhooks,
   * ConfigMaps `istio` and `istio-sidecar-injector`).
   */
  istio?: {
    revisions: Array<{
      name: string;
      version: string;
      replicas?: number;
      /**
       * A control plane outside the cluster (an external control plane, or the primary of a
       * remote cluster): no istiod Deployment, Service or ConfigMaps here, only its webhooks,
       * which call this URL (`https://<istiod>:15017/inject/cluster/<cluster>/net/<network>`)
       * instead of a Service. The simulator takes it as reachable.
       */
      externalUrl?: string;
    }>;
    /** tag name → revision */
    tags?: Record<string, string>;
    /**
     * The version Istio's Helm charts carry (labels `helm.sh/chart`, `app.kubernetes.io/version`,
     * from 1.24): by default each revision's Istio version, as in released charts; `1.0.0` for
     * charts taken from Istio's source tree (the real-cluster tier's), which only the release
     * builder stamps. A Helm-installed gateway's pods carry it, so it becomes their
     * `service.istio.io/canonical-revision`.
     */
    chartVersion?: string;
    /**
     * How the control planes were installed: `istioctl` (default) or `helm` (Istio's `base` and
     * `istiod` charts, one release `istiod-<revision>` per revision): Helm annotates what it
     * installs `meta.helm.sh/release-name` and `-namespace`, and `istioctl tag set` copies the
     * revision injector's annotations onto the tag's webhooks. `sail`: the Sail operator owns
     * them (see `sail`): the scenario creates its `Istio` and `IstioRevisionTag` objects, and the
     * simulated operator makes the rest.
     */
    installedWith?: 'istioctl' | 'helm' | 'sail';
    /**
     * With `installedWith: sail`, the `Istio` object: its name (default `default`) and update
     * strategy (default `RevisionBased`, grace period Sail's default 30 s). The `revisions` are the
     * versions the Istio was set to, oldest first, the last one active; each revision's `name` must
     * be the one Sail gives it (`<istio>-v1-30-4` for `RevisionBased`). A tag becomes an
     * `IstioRevisionTag` targeting that IstioRevision, or the Istio itself when the tag names it.
     */
    sail?: {
      istio?: string;
      updateStrategy?: 'InPlace' | 'RevisionBased';
      inactiveRevisionDeletionGracePeriodSeconds?: number;
    };
  };
  /**
   * Istio's egress gateway (Deployment and ClusterIP Service `istio-egressgateway`, injected with
   * the gateway template by `revision`, a revision or tag name; `default` for the revisionless
   * control plane).
   */
  egressGateway?: {
    /** Default `istio-system`. */
    namespace?: string;
    /** Default `istio-egressgateway`. */
    name?: string;
    revision: string;
    /** Default 1. */
    replicas?: number;
  };
  gateways?: {
    namespace?: string;
    name?: string;
    /**
     * How the gateways were installed. `istioctl` (default): IstioOperator-era gateways (the
     * istio-ingress chart's layout: labels `app: <name>`, `istio: ingressgateway`, `version`;
     * container ports 8080, 8443, 31400, 15443, 15021; Service ports 80→8080, 443→8443, 31400,
     * 15443, 15021). `helm`: Istio's `gateway` chart (1.12+) with `name=<name>-<revision>`,
     * `labels.istio=ingressgateway`, `labels.version=<revision>`, `service.type=ClusterIP`: see
     * the README. The LoadBalancer Service takes the gateways' Service ports.
     */
    installedWith?: 'istioctl' | 'helm';
    revisions: Array<{ revision: string; replicas?: number }>;
    /** The revision the LoadBalancer Service selects at start. */
    live: string;
  };
  namespaces?: ScenarioNamespace[];
  /** Raw Kubernetes objects created as they are. */
  objects?: KubeObject[];
  flows?: Array<{
    name: string;
    hops: Array<string | { service: string; port?: number; gateway?: boolean }>;
  }>;
}

/**
 * A scenario file: the clusters one simulator serves.
 *
 * @public
 */
export interface Scenario {
  description?: string;
  clusters: ScenarioCluster[];
}
