import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the Istio inventory: clusters, control planes, gateways, namespaces, sidecars and requests.
 *
 * @public
 */
export const istioInventoryReadPermission = createPermission({
  name: 'istio-upgrade.inventory.read',
  attributes: { action: 'read' },
});

/**
 * Migrate a namespace's sidecars to another revision. A resource permission on the catalog entity the
 * request is made for, so that a policy can allow the entity's owners only.
 *
 * @public
 */
export const istioNamespaceMigratePermission = createPermission({
  name: 'istio-upgrade.namespace.migrate',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Migrate any namespace that is not protected, without a catalog entity (the platform team, from a
 * cluster's page). A basic permission: no entity is there to own it.
 *
 * @public
 */
export const istioNamespaceMigrateAnyPermission = createPermission({
  name: 'istio-upgrade.namespace.migrate-any',
  attributes: { action: 'update' },
});

/**
 * Cut an ingress gateway's LoadBalancer Service over to another revision's gateway, or back.
 *
 * @public
 */
export const istioGatewayCutoverPermission = createPermission({
  name: 'istio-upgrade.gateway.cutover',
  attributes: { action: 'update' },
});

/**
 * Point a revision tag at another revision.
 *
 * @public
 */
export const istioRevisionTagMovePermission = createPermission({
  name: 'istio-upgrade.tag.move',
  attributes: { action: 'update' },
});

/**
 * Install a control plane of a new revision next to the others, or remove one (the platform team).
 * Such requests always wait for an approver.
 *
 * @public
 */
export const istioControlPlaneManagePermission = createPermission({
  name: 'istio-upgrade.control-plane.manage',
  attributes: { action: 'update' },
});

/**
 * Create, approve, pause, resume, abort and skip clusters of fleet upgrade campaigns (the platform
 * team). Nobody approves their own campaign.
 *
 * @public
 */
export const istioCampaignManagePermission = createPermission({
  name: 'istio-upgrade.campaign.manage',
  attributes: { action: 'update' },
});

/**
 * Approve or reject other people's upgrade requests.
 *
 * @public
 */
export const istioRequestApprovePermission = createPermission({
  name: 'istio-upgrade.request.approve',
  attributes: { action: 'update' },
});

/**
 * Every permission of the istio-upgrade plugins.
 *
 * @public
 */
export const istioUpgradePermissions = [
  istioInventoryReadPermission,
  istioNamespaceMigratePermission,
  istioNamespaceMigrateAnyPermission,
  istioGatewayCutoverPermission,
  istioRevisionTagMovePermission,
  istioControlPlaneManagePermission,
  istioCampaignManagePermission,
  istioRequestApprovePermission,
];
