import type {
  InjectionResolution,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { NamespaceRecord, WorkloadRecord } from '../records';
import type { RevisionCounter } from '../RevisionCounter';

/** Records a warning about the cluster being built. */
export type Warn = (
  code: string,
  severity: Warning['severity'],
  subject: Warning['subject'],
  message: string,
) => void;

/** What the cluster's control planes, tags and injector webhooks say: every later section resolves through it. */
export interface MeshControl {
  /** The istiod Deployments of the cluster, by revision. */
  controlPlanes: Map<string, ControlPlaneTally>;
  /** Revision tags and the revision each points at (undefined: none). */
  tags: Map<string, string | undefined>;
  /** Revisions with a sidecar injector webhook. */
  injectors: Set<string>;
  /**
   * Revisions served by a control plane outside the cluster (an external or remote istiod): no
   * istiod here, and an injector webhook that calls a URL (the value). Their pods are attached,
   * not detached.
   */
  externalInjectors: Map<string, string>;
  /** Revisions a control plane serves, in the cluster or outside it. */
  revisions: ReadonlySet<string>;
}

/** A namespace as its pods are counted. */
export interface NamespaceTally {
  record: NamespaceRecord;
  resolution: InjectionResolution;
  /** Pod-level resolutions, keyed by the two pod labels that can change the outcome. */
  podResolutions: Map<string, InjectionResolution>;
  pods: number;
  injected: number;
  uninjected: number;
  needingRestart: number;
  /** Pods without a sidecar although they would get one if created now. */
  uninjectedWanted: number;
  revisions: RevisionCounter;
}

/** A workload as its pods are counted. */
export interface WorkloadTally {
  record: WorkloadRecord;
  desiredRevision?: string;
  pods: number;
  needingRestart: number;
  revisions: RevisionCounter;
}

/** A control plane as what uses it is counted. */
export interface ControlPlaneTally {
  revision: string;
  workload: WorkloadRecord;
  version?: string;
  pods: number;
  namespaces: string[];
  tags: string[];
  gateways: string[];
}
