/**
 * The inventory engine: Kubernetes objects projected to compact records, and the records built into
 * the inventory the REST API serves (clusters, fleet, entity views).
 */
export type {
  StringMap,
  PodRecord,
  NamespaceRecord,
  WorkloadRecord,
  ServiceRecord,
  WebhookRecord,
  ClusterSnapshot,
  GatewayApiGatewayRecord,
} from './records';
export type { ControlPlaneRollout, InventoryInput } from './inventoryInput';
export type {
  KubeOwnerReference,
  KubeObjectMeta,
  KubeObject,
  KubeContainer,
  KubeWorkloadObject,
  KubeServiceObject,
  KubeWebhookConfigurationObject,
} from './kubernetesObjects';
export { LabelInterner } from './LabelInterner';
export { PodGroups } from './PodGroups';
export type { PodGroup } from './PodGroups';
export { projectPodMetadata } from './projectPodMetadata';
export { projectWorkload } from './projectWorkload';
export { projectService } from './projectService';
export { projectNamespace } from './projectNamespace';
export { projectWebhook } from './projectWebhook';
export { projectGatewayApiGateway } from './projectGatewayApiGateway';
export type { KubeGatewayApiGatewayObject } from './projectGatewayApiGateway';
export { gatewayApiDeploymentName } from './buildGatewayApiGateways';
export { projectControlPlaneRollout } from './projectControlPlaneRollout';
export { buildClusterInventory } from './buildClusterInventory';
export type { BuildInventoryOptions } from './buildClusterInventory';
export {
  assembleFleetSummary,
  buildFleetSummary,
  summarizeFleetCluster,
} from './buildFleetSummary';
export type { FleetClusterPart } from './buildFleetSummary';
export {
  CUTOVER_COLOUR_KEYS,
  isCutoverCandidate,
  whyNotCutoverCandidate,
} from './isCutoverCandidate';
export { buildEntityView } from './buildEntityView';
export type { EntityViewRequest } from './buildEntityView';
