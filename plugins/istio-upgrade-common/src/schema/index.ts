import type { components } from './openapi.generated';

export type { components, paths, operations } from './openapi.generated';

/** @public A catalog-registered cluster, its connection state and how fresh its inventory is. */
export type Cluster = components['schemas']['Cluster'];
/** @public How fresh the backend's copy of a cluster is. */
export type SyncState = components['schemas']['SyncState'];
/** @public Support status of an Istio version according to the release table. */
export type SupportStatus = components['schemas']['SupportStatus'];
/** @public Pods per sidecar revision. */
export type RevisionCount = components['schemas']['RevisionCount'];
/** @public An istiod revision in a cluster. */
export type ControlPlane = components['schemas']['ControlPlane'];
/** @public A revision tag and the revision it points at. */
export type RevisionTag = components['schemas']['RevisionTag'];
/** @public A namespace and name. */
export type ObjectRef = components['schemas']['ObjectRef'];
/** @public A Service port. */
export type ServicePort = components['schemas']['ServicePort'];
/** @public A gateway Deployment. */
export type Gateway = components['schemas']['Gateway'];
/** @public A LoadBalancer Service that selects a gateway. */
export type GatewayService = components['schemas']['GatewayService'];
/** @public A Gateway API gateway of class istio, whose Deployment istiod manages. */
export type GatewayApiGateway = components['schemas']['GatewayApiGateway'];
/** @public A gateway a LoadBalancer Service could be cut over to. */
export type StandbyGateway = components['schemas']['StandbyGateway'];
/** @public A namespace's injection mode and sidecar revisions. */
export type NamespaceInventory = components['schemas']['NamespaceInventory'];
/** @public A Deployment, StatefulSet or DaemonSet and its pods' revisions. */
export type Workload = components['schemas']['Workload'];
/** @public A finding of the inventory's rules, with a stable code. */
export type Warning = components['schemas']['Warning'];
/** @public A cluster's whole Istio inventory. */
export type ClusterInventory = components['schemas']['ClusterInventory'];
/** @public One cluster in the fleet summary. */
export type FleetCluster = components['schemas']['FleetCluster'];
/** @public One revision of a cluster in the fleet summary. */
export type FleetRevision = components['schemas']['FleetRevision'];
/** @public Every cluster's revisions and the fleet's warnings. */
export type FleetSummary = components['schemas']['FleetSummary'];
/** @public A revision a namespace could migrate to, with the verdict. */
export type MigrationTarget = components['schemas']['MigrationTarget'];
/** @public A namespace of an entity's workloads and its migration targets. */
export type EntityNamespace = components['schemas']['EntityNamespace'];
/** @public An entity's workloads in one cluster. */
export type EntityCluster = components['schemas']['EntityCluster'];
/** @public An entity's workloads across clusters. */
export type EntityIstioView = components['schemas']['EntityIstioView'];
/** @public The kinds of change a request makes. */
export type RequestType = components['schemas']['RequestType'];
/** @public The states of a request. */
export type RequestState = components['schemas']['RequestState'];
/** @public What a request changes: a namespace, a gateway Service or a tag. */
export type RequestTarget = components['schemas']['RequestTarget'];
/** @public Options of a request (waves, pauses, scope, rollback policy, watch window). */
export type RequestOptions = components['schemas']['RequestOptions'];
/** @public The body of `POST /requests`. */
export type CreateRequest = components['schemas']['CreateRequest'];
/** @public A decision's body (approve, reject, cancel, rollback). */
export type Decision = components['schemas']['Decision'];
/** @public One precheck and its outcome. */
export type Precheck = components['schemas']['Precheck'];
/** @public The prechecks of a planned change. */
export type PrecheckResult = components['schemas']['PrecheckResult'];
/** @public One write a plan makes, exactly as sent. */
export type PlannedPatch = components['schemas']['PlannedPatch'];
/** @public A workload a plan restarts or skips. */
export type PlannedWorkload = components['schemas']['PlannedWorkload'];
/** @public Workloads restarted together. */
export type PlannedWave = components['schemas']['PlannedWave'];
/** @public The exact changes a request makes. */
export type Plan = components['schemas']['Plan'];
/** @public How a control-plane install or removal is carried out on its cluster. */
export type ControlPlanePlan = components['schemas']['ControlPlanePlan'];
/** @public A version a new control plane could run, with its revision name and verdict. */
export type RevisionCandidate = components['schemas']['RevisionCandidate'];
/** @public The versions a new control plane could run on a cluster. */
export type RevisionCandidates = components['schemas']['RevisionCandidates'];
/** @public A plan with its prechecks (a dry run's answer). */
export type RequestPlan = components['schemas']['RequestPlan'];
/** @public One step of a request's execution. */
export type RequestStep = components['schemas']['RequestStep'];
/** @public One entry of a request's append-only event log. */
export type RequestEvent = components['schemas']['RequestEvent'];
/** @public Pods migrated out of pods in scope. */
export type RequestProgress = components['schemas']['RequestProgress'];
/** @public An upgrade request. */
export type UpgradeRequest = components['schemas']['UpgradeRequest'];
/** @public A weekly maintenance window in a time zone. */
export type MaintenanceWindow = components['schemas']['MaintenanceWindow'];
/** @public One ring of a campaign: named clusters, or the catalog's clusters chosen by owner, labels or annotations. */
export type CampaignRingSpec = components['schemas']['CampaignRingSpec'];
/** @public How a campaign groups each cluster's namespaces into waves. */
export type CampaignWaves = components['schemas']['CampaignWaves'];
/** @public What each cluster of a campaign does after its namespace waves. */
export type CampaignSteps = components['schemas']['CampaignSteps'];
/** @public The thresholds of a campaign's health gate. */
export type HealthGateSpec = components['schemas']['HealthGateSpec'];
/** @public The body of `POST /campaigns`. */
export type CreateCampaign = components['schemas']['CreateCampaign'];
/** @public The states of a campaign. */
export type CampaignState = components['schemas']['CampaignState'];
/** @public A request a campaign makes (or would make). */
export type PlannedCampaignRequest =
  components['schemas']['PlannedCampaignRequest'];
/** @public A namespace in a campaign's wave. */
export type CampaignWaveNamespace =
  components['schemas']['CampaignWaveNamespace'];
/** @public The 5xx ratio, p99 and request count of a subject over a window. */
export type GateFigures = components['schemas']['GateFigures'];
/** @public The health gate's verdict on one namespace or gateway. */
export type GateSubjectResult = components['schemas']['GateSubjectResult'];
/** @public The health gate's verdict on a wave or a ring. */
export type GateResult = components['schemas']['GateResult'];
/** @public One wave of a cluster in a campaign. */
export type CampaignWave = components['schemas']['CampaignWave'];
/** @public One cluster of a campaign, its windows and its waves. */
export type CampaignCluster = components['schemas']['CampaignCluster'];
/** @public One ring of a campaign and its clusters. */
export type CampaignRing = components['schemas']['CampaignRing'];
/** @public A campaign's plan (and, once it runs, its progress). */
export type CampaignPlan = components['schemas']['CampaignPlan'];
/** @public One entry of a campaign's event log. */
export type CampaignEvent = components['schemas']['CampaignEvent'];
/** @public A fleet upgrade campaign. */
export type Campaign = components['schemas']['Campaign'];
/** @public The body of a deferral or an opt-in. */
export type NamespaceScheduleChange =
  components['schemas']['NamespaceScheduleChange'];
/** @public A namespace's place in a campaign, with what its owners may do. */
export type ScheduledNamespace = components['schemas']['ScheduledNamespace'];
