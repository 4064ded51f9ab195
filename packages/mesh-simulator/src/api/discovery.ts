import { apiGroups, resourceTypes, resourceVerbs } from './resourceTypes';
import { pathNotFound } from './statusErrors';

/**
 * The Kubernetes version the simulator reports: the release its OpenAPI schemas come from, and the
 * one the real-cluster test tier runs.
 */
export const simulatedKubernetesVersion = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.12',
};

function resourceList(group: string, version: string) {
  const resources: Array<Record<string, unknown>> = [];
  for (const t of resourceTypes.filter(
    r => r.group === group && r.version === version,
  )) {
    const entry: Record<string, unknown> = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: resourceVerbs,
    };
    if (t.shortNames.length) entry.shortNames = t.shortNames;
    if (t.categories.length) entry.categories = t.categories;
    resources.push(entry);
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(sub === 'scale'
          ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
          : { kind: t.kind }),
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function groupDocument(name: string, version: string) {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

/**
 * Answers the discovery paths (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>[/<version>]`)
 * in the legacy (unaggregated) format, which kubectl and client libraries fall back to.
 */
export function discoveryDocument(
  path: string[],
  serverAddress: string,
): unknown {
  const [root, group, version] = path;
  if (root === 'version' && path.length === 1) {
    return {
      major: simulatedKubernetesVersion.major,
      minor: simulatedKubernetesVersion.minor,
      emulationMajor: simulatedKubernetesVersion.major,
      emulationMinor: simulatedKubernetesVersion.minor,
      minCompatibilityMajor: simulatedKubernetesVersion.major,
      minCompatibilityMinor: String(
        Number(simulatedKubernetesVersion.minor) - 1,
      ),
      gitVersion: simulatedKubernetesVersion.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.26.8',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (root === 'api' && path.length === 1) {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (root === 'api' && path.length === 2 && group === 'v1') {
    return resourceList('', 'v1');
  }
  if (root === 'apis' && path.length === 1) {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: apiGroups.map(g => groupDocument(g.name, g.version)),
    };
  }
  const known = apiGroups.find(g => g.name === group);
  if (root === 'apis' && known && path.length === 2) {
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...groupDocument(known.name, known.version),
    };
  }
  if (
    root === 'apis' &&
    known &&
    path.length === 3 &&
    version === known.version
  ) {
    return resourceList(known.name, known.version);
  }
  if (path.length === 0) {
    return {
      paths: [
        '/api',
        '/api/v1',
        '/apis',
        ...apiGroups.flatMap(g => [
          `/apis/${g.name}`,
          `/apis/${g.name}/${g.version}`,
        ]),
        '/healthz',
        '/livez',
        '/openapi/v3',
        '/readyz',
        '/version',
      ],
    };
  }
  throw pathNotFound();
}
