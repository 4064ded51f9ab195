import type { components } from './openapi.generated';

export type { components, paths, operations } from './openapi.generated';

/**
 * A catalog-registered Kubernetes cluster and the state of the plugin's connection to it.
 *
 * @public
 */
export type Cluster = components['schemas']['Cluster'];
