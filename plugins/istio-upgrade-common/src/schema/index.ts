import type { components } from './openapi.generated';

export type { components, paths, operations } from './openapi.generated';

type Schemas = components['schemas'];

/** @public A catalog-registered cluster, its connection state and how fresh its inventory is. */
export type Cluster = Schemas['Cluster'];
/** @public How fresh the backend's copy of a cluster is. */
export type SyncState = Schemas['SyncState'];
/** @public Support status of an Istio version according to the release table. */
export type SupportStatus = Schemas['SupportStatus'];
/** @public Pods per sidecar revision. */
export type RevisionCount = Schemas['RevisionCount'];
/** @public An istiod revision in a cluster. */
export type ControlPlane = Schemas['ControlPlane'];
/** @public A revision tag and the revision it points at. */
export type RevisionTag = Schemas['RevisionTag'];
/** @public A namespace and name. */
export type ObjectRef = Schemas['ObjectRef'];
/** @public A Service port. */
export type ServicePort = Schemas['ServicePort'];
/** @public A gateway Deployment. */
export type Gateway = Schemas['Gateway'];
/** @public A LoadBalancer Service that selects a gateway. */
export type GatewayService = Schemas['GatewayService'];
/** @public A gateway a LoadBalancer Service could be cut over to. */
export type StandbyGateway = Schemas['StandbyGateway'];
/** @public A namespace's injection mode and sidecar revisions. */
export type NamespaceInventory = Schemas['NamespaceInventory'];
/** @public A Deployment, StatefulSet or DaemonSet and its pods' revisions. */
export type Workload = Schemas['Workload'];
/** @public A finding of the inventory's rules, with a stable code. */
export type Warning = Schemas['Warning'];
/** @public A cluster's whole Istio inventory. */
export type ClusterInventory = Schemas['ClusterInventory'];
/** @public One cluster in the fleet summary. */
export type FleetCluster = Schemas['FleetCluster'];
/** @public One revision of a cluster in the fleet summary. */
export type FleetRevision = Schemas['FleetRevision'];
/** @public Every cluster's revisions and the fleet's warnings. */
export type FleetSummary = Schemas['FleetSummary'];
/** @public A revision a namespace could migrate to, with the verdict. */
export type MigrationTarget = Schemas['MigrationTarget'];
/** @public A namespace of an entity's workloads and its migration targets. */
export type EntityNamespace = Schemas['EntityNamespace'];
/** @public An entity's workloads in one cluster. */
export type EntityCluster = Schemas['EntityCluster'];
/** @public An entity's workloads across clusters. */
export type EntityIstioView = Schemas['EntityIstioView'];
/** @public The kinds of change a request makes. */
export type RequestType = Schemas['RequestType'];
/** @public The states of a request. */
export type RequestState = Schemas['RequestState'];
/** @public What a request changes: a namespace, a gateway Service or a tag. */
export type RequestTarget = Schemas['RequestTarget'];
/** @public Options of a request (waves, pauses, scope, rollback policy, watch window). */
export type RequestOptions = Schemas['RequestOptions'];
/** @public The body of `POST /requests`. */
export type CreateRequest = Schemas['CreateRequest'];
/** @public A decision's body (approve, reject, cancel, rollback). */
export type Decision = Schemas['Decision'];
/** @public One precheck and its outcome. */
export type Precheck = Schemas['Precheck'];
/** @public The prechecks of a planned change. */
export type PrecheckResult = Schemas['PrecheckResult'];
/** @public One write a plan makes, exactly as sent. */
export type PlannedPatch = Schemas['PlannedPatch'];
/** @public A workload a plan restarts or skips. */
export type PlannedWorkload = Schemas['PlannedWorkload'];
/** @public Workloads restarted together. */
export type PlannedWave = Schemas['PlannedWave'];
/** @public The exact changes a request makes. */
export type Plan = Schemas['Plan'];
/** @public A plan with its prechecks (a dry run's answer). */
export type RequestPlan = Schemas['RequestPlan'];
/** @public One step of a request's execution. */
export type RequestStep = Schemas['RequestStep'];
/** @public One entry of a request's append-only event log. */
export type RequestEvent = Schemas['RequestEvent'];
/** @public Pods migrated out of pods in scope. */
export type RequestProgress = Schemas['RequestProgress'];
/** @public An upgrade request. */
export type UpgradeRequest = Schemas['UpgradeRequest'];
