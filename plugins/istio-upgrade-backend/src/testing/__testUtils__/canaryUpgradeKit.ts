import { mockCredentials } from '@backstage/backend-test-utils';
import { Server } from 'node:http';
import request from 'supertest';
import { eventually } from './inventoryTestBackend';
import { inventoryMatchingKubectl, MatchingInventory } from './kubectlTruth';
import { RealCluster } from './realCluster';
import { kubectlFacts, revisionFacts } from './realClusterFacts';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** A Component mapped to its workloads by label selector, as the Kubernetes plugin maps them. */
export function selectedComponent(
  name: string,
  selector: string,
  owner: string,
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-label-selector': selector },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * What the canary upgrade's steps share: the plugin's API as a user, the inventory, requests waited for
 * to settle, and the inventory checked against kubectl and istioctl.
 */
export function canaryKit(cluster: RealCluster, server: () => Server) {
  const OLD = cluster.oldRevision;
  const NEW = cluster.newRevision;

  const api = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      get: (path: string) =>
        request(server())
          .get(`/api/istio-upgrade${path}`)
          .set('Authorization', auth),
      post: (path: string, body: object = {}) =>
        request(server())
          .post(`/api/istio-upgrade${path}`)
          .set('Authorization', auth)
          .send(body),
    };
  };

  /** The status, with the error message when it is not the one expected (to say why in a failure). */
  const expectStatus = (res: { status: number; body: any }, status: number) =>
    expect({
      status: res.status,
      error: res.status === status ? undefined : res.body?.error?.message,
    }).toEqual({ status, error: undefined });

  const inventory = async () => {
    const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
    expectStatus(res, 200);
    return res.body;
  };

  const settle = (id: string) =>
    eventually(
      async () => {
        const res = await api(ALICE).get(`/requests/${id}`);
        return ['succeeded', 'failed', 'rolled-back', 'cancelled'].includes(
          res.body.state,
        )
          ? res.body
          : undefined;
      },
      300_000,
      500,
    );

  const expectSucceeded = (done: any) =>
    expect({
      state: done.state,
      log: done.state === 'succeeded' ? [] : done.events,
    }).toEqual({ state: 'succeeded', log: [] });

  /** Polls until the inventory equals kubectl (pods, namespaces, webhooks, Deployments) and istioctl (tags). */
  const converged = async (accept?: (state: MatchingInventory) => boolean) => {
    const state = await inventoryMatchingKubectl(
      api(ALICE).get,
      cluster,
      cluster.name,
      { accept, timeoutMs: 120_000 },
    );
    // Past the pod tallies: the whole of what the inventory says, against kubectl and istioctl.
    return eventually(async () => {
      const body = await inventory();
      const facts = await kubectlFacts(cluster);
      expect({
        namespaces: body.namespaces
          .map((n: any) => ({
            name: n.name,
            revisionLabel: n.revisionLabel,
            legacy: n.injectionMode === 'legacy',
          }))
          .sort((a: any, b: any) => a.name.localeCompare(b.name)),
        workloads: body.workloads
          .map((w: any) => ({
            id: `${w.namespace}/${w.kind}/${w.name}`,
            replicas: w.replicas,
            readyReplicas: w.readyReplicas,
          }))
          .sort((a: any, b: any) => a.id.localeCompare(b.id)),
        controlPlanes: body.controlPlanes
          .map((cp: any) => ({
            revision: cp.revision,
            version: cp.version,
            hasInjector: cp.hasInjector,
          }))
          .sort((a: any, b: any) => a.revision.localeCompare(b.revision)),
        tags: body.tags
          .map((t: any) => ({ tag: t.name, revision: t.revision }))
          .sort((a: any, b: any) => a.tag.localeCompare(b.tag)),
      }).toEqual({
        namespaces: facts.namespaces,
        workloads: facts.workloads,
        controlPlanes: facts.controlPlanes,
        tags: facts.istioctlTags,
      });
      return { ...state, body, facts };
    }, 60_000);
  };

  /** The inventory says a revision is safe to remove exactly when kubectl finds nothing that uses it. */
  const removableAgrees = async () => {
    const body = await inventory();
    const facts = await kubectlFacts(cluster);
    for (const revision of [OLD, NEW]) {
      const cp = body.controlPlanes.find((c: any) => c.revision === revision);
      const used = revisionFacts(facts, revision);
      expect({
        revision,
        safeToRemove: cp.safeToRemove,
        because: cp.notRemovableBecause,
      }).toEqual({
        revision,
        safeToRemove: used.length === 0,
        because: used.length === 0 ? [] : expect.any(Array),
      });
    }
  };

  /**
   * Runs a pod in bookinfo and says which revision injected it, with the namespace's labels just
   * before and just after.
   */
  const probe = async (name: string) => {
    const labelsBefore = JSON.parse(
      await cluster.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    ).metadata.labels;
    await cluster.kubectl([
      'run',
      name,
      '-n',
      'bookinfo',
      '--image=docker.io/library/busybox:1.36',
      '--restart=Never',
      '--',
      'sleep',
      '3600',
    ]);
    const pod = JSON.parse(
      await cluster.kubectl([
        'get',
        'pod',
        name,
        '-n',
        'bookinfo',
        '-o',
        'json',
      ]),
    );
    const labelsAfter = JSON.parse(
      await cluster.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    ).metadata.labels;
    await cluster.kubectl([
      'delete',
      'pod',
      name,
      '-n',
      'bookinfo',
      '--wait=false',
    ]);
    const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
    return {
      revision: status ? JSON.parse(status).revision : undefined,
      labelsBefore,
      labelsAfter,
    };
  };

  /**
   * Rolls a request back (approved by another user when it must be) and waits for it.
   *
   * @returns the rollback request as it ended
   */
  const rollBack = async (
    original: any,
    approver?: string,
    by = ALICE,
  ): Promise<any> => {
    const rollback = await api(by).post(`/requests/${original.id}/rollback`);
    expectStatus(rollback, 202);
    if (rollback.body.state === 'pending-approval') {
      const ok = await api(approver ?? BOB).post(
        `/requests/${rollback.body.id}/approve`,
      );
      expectStatus(ok, 200);
    }
    const done = await settle(rollback.body.id);
    expectSucceeded(done);
    return done;
  };

  /** Waits until kubectl sees again what it saw in `snapshot`, as `pick` reads it. */
  const same = async (snapshot: any, pick: (facts: any) => unknown) => {
    await eventually(async () => {
      const now = await kubectlFacts(cluster);
      expect(pick(now)).toEqual(pick(snapshot));
      return true;
    }, 120_000);
  };

  /** Every bookinfo pod runs the new revision's sidecar, as real Istio injected it. */
  const expectBookinfoOnNewProxies = async () => {
    const pods = JSON.parse(
      await cluster.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    ).items.filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods.map((p: any) => p.metadata.labels.app).sort()).toEqual([
      'details',
      'productpage',
      'ratings',
      'reviews',
      'reviews',
      'reviews',
    ]);
    for (const pod of pods) {
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']),
      ).toMatchObject({ revision: NEW });
      const proxy = [
        ...(pod.spec.initContainers ?? []),
        ...pod.spec.containers,
      ].find((c: any) => c.name === 'istio-proxy');
      expect(proxy.image).toBe(`docker.io/istio/proxyv2:${cluster.newVersion}`);
    }
  };

  return {
    api,
    expectStatus,
    inventory,
    settle,
    expectSucceeded,
    converged,
    removableAgrees,
    probe,
    rollBack,
    same,
    expectBookinfoOnNewProxies,
  };
}
