import type { ResourceType } from '../api/resourceTypes';

/**
 * The Sail operator's API (`sailoperator.io/v1`) as its CRDs serve it: `Istio`, `IstioRevision`
 * and `IstioRevisionTag`, cluster-scoped, with a status subresource, in the `istio-io` category
 * (`bundle/manifests/sailoperator.io_*.yaml`). IstioCNI and ZTunnel are not simulated.
 */

/** The API group of Sail's CRDs. */
export const sailGroup = 'sailoperator.io';

/** The served (and stored) version of Sail's CRDs. */
export const sailVersion = 'v1';

/** `apiVersion` of Sail's objects. */
export const sailApiVersion = `${sailGroup}/${sailVersion}`;

function sailType(
  resource: string,
  kind: string,
  shortNames: string[],
): ResourceType {
  return {
    group: sailGroup,
    version: sailVersion,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced: false,
    shortNames,
    subresources: ['status'],
    categories: ['istio-io'],
    fieldSelectors: [],
  };
}

/** `istios.sailoperator.io`. */
export const istioType = sailType('istios', 'Istio', []);

/** `istiorevisions.sailoperator.io` (short name `istiorev`). */
export const istioRevisionType = sailType('istiorevisions', 'IstioRevision', [
  'istiorev',
]);

/** `istiorevisiontags.sailoperator.io` (short name `istiorevtag`). */
export const istioRevisionTagType = sailType(
  'istiorevisiontags',
  'IstioRevisionTag',
  ['istiorevtag'],
);

/** Sail's resource types, in the order its CRDs list them in discovery. */
export const sailResourceTypes: ResourceType[] = [
  istioType,
  istioRevisionType,
  istioRevisionTagType,
];

/** Store keys of Sail's types ("istios.sailoperator.io"). */
export const sailTypeKeys = {
  istio: `istios.${sailGroup}`,
  revision: `istiorevisions.${sailGroup}`,
  tag: `istiorevisiontags.${sailGroup}`,
};
