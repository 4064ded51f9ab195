import { PlannedPatch } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterApi } from '../../kubernetes/ClusterApi';
import { objectName, readRevisionObjects } from './revisionObjects';

function listed(names: string[], max = 5): string {
  return names.length > max
    ? `${names.slice(0, max).join(', ')} and ${names.length - max} more`
    : names.join(', ');
}

/**
 * What uses a revision on the live cluster, read directly rather than from the inventory: pods whose
 * sidecar it injected (labelled `istio.io/rev`, istiod's own and the standby gateways' left out),
 * namespaces that name it, tags that point at it, Gateway API gateways labelled with it. Empty when
 * nothing does.
 */
export async function findRevisionUsers(
  api: ClusterApi,
  revision: string,
  standbyGateways: Array<{ namespace: string; name: string }>,
): Promise<string[]> {
  const selector = `istio.io/rev=${revision}`;
  const [pods, namespaces, webhooks, gateways, injectionEnabled] =
    await Promise.all([
      api.listObjects('Pod', { labelSelector: selector }),
      api.listObjects('Namespace', { labelSelector: selector }),
      api.listObjects('MutatingWebhookConfiguration', {
        labelSelector: `${selector},istio.io/tag`,
      }),
      api.listObjects('Gateway', { labelSelector: selector }),
      revision === 'default'
        ? api.listObjects('Namespace', {
            labelSelector: 'istio-injection=enabled',
          })
        : Promise.resolve([]),
    ]);
  const ofStandby = (pod: (typeof pods)[number]) =>
    standbyGateways.some(
      g =>
        g.namespace === pod.metadata.namespace &&
        ((pod.metadata.ownerReferences ?? []) as Array<{ name?: string }>).some(
          o => o.name?.startsWith(`${g.name}-`),
        ),
    );
  const running = pods.filter(
    p =>
      p.metadata.labels?.app !== 'istiod' &&
      !p.metadata.deletionTimestamp &&
      !ofStandby(p),
  );
  const users: string[] = [];
  if (running.length) {
    users.push(
      `${running.length} pod${
        running.length === 1 ? '' : 's'
      } run its sidecar (${listed(
        running.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
      )})`,
    );
  }
  const asking = [...namespaces, ...injectionEnabled].map(n => n.metadata.name);
  if (asking.length) users.push(`namespace ${listed(asking)} asks for it`);
  const tags = webhooks.map(
    w => w.metadata.labels?.['istio.io/tag'] ?? w.metadata.name,
  );
  if (tags.length) users.push(`tag ${listed(tags)} points at it`);
  if (gateways.length) {
    users.push(
      `Gateway ${listed(
        gateways.map(g => `${g.metadata.namespace}/${g.metadata.name}`),
      )} is labelled with it`,
    );
  }
  return users;
}

/**
 * What is left of a removed revision: objects still labelled with it, its IstioRevision, and any
 * object the plan deleted that still exists with the uid it had.
 */
export async function objectsLeftOf(
  api: ClusterApi,
  revision: string,
  deleted: PlannedPatch[],
): Promise<string[]> {
  const [objects, istioRevision, planned] = await Promise.all([
    readRevisionObjects(api, revision),
    api.readObject('IstioRevision', undefined, revision),
    Promise.all(
      deleted.map(async p => {
        const uid = (p.patch as { preconditions?: { uid?: string } })
          .preconditions?.uid;
        const object = await api.readObject(p.kind, p.namespace, p.name);
        return object && (!uid || object.metadata.uid === uid)
          ? objectName(object)
          : undefined;
      }),
    ),
  ]);
  return [
    ...new Set([
      ...(istioRevision ? [`IstioRevision/${revision}`] : []),
      ...objects.map(objectName),
      ...planned.filter((n): n is string => n !== undefined),
    ]),
  ];
}
