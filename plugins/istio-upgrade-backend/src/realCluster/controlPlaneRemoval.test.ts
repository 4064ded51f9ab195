import { canaryKit } from '../testing/__testUtils__/canaryUpgradeKit';
import {
  allowedByRbac,
  documentedRbac,
} from '../testing/__testUtils__/documentedRbac';
import {
  installHelmRevision,
  ISTIOD_KINDS,
  LiveObject,
  liveObjects,
  releaseObjects,
  removeHelmRevisionLeftovers,
  stillThere,
} from '../testing/__testUtils__/helmRevision';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  AuditEvent,
  BACKEND_USER,
  realCluster,
} from '../testing/__testUtils__/realCluster';

jest.setTimeout(15 * 60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

const cluster = realCluster();
const OLD = cluster.oldRevision;
const NEW = cluster.newRevision;
/** A third revision of this test's own: no revision of the lab is named so. */
const SPARE = 'spare';
const RELEASE = `istiod-${SPARE}`;
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** How many objects of each kind, as `Kind n, …`. */
function countsByKind(ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const kind = id.split('/')[0];
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return Object.fromEntries(
    Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** What an audit event deleted, named as plans name objects (`Kind/namespace/name`). */
function auditId(event: AuditEvent, kindOf: Map<string, string>): string {
  const ref = event.objectRef!;
  const kind = kindOf.get(ref.resource!) ?? ref.resource!;
  return `${kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** What the old and new revisions are made of that a removal of another revision must not touch. */
async function lab() {
  const json = async (args: string[]) =>
    JSON.parse(await cluster.kubectl([...args, '-o', 'json']));
  const [deployments, mutating, validating] = await Promise.all([
    json(['get', 'deployments', '-n', 'istio-system', '-l', 'app=istiod']),
    json(['get', 'mutatingwebhookconfigurations']),
    json(['get', 'validatingwebhookconfigurations']),
  ]);
  const ours = (o: any) =>
    [OLD, NEW].includes(o.metadata.labels?.['istio.io/rev']) ||
    o.metadata.labels?.['istio.io/tag'] ||
    o.metadata.name === 'istiod-default-validator';
  return {
    istiods: deployments.items.filter(ours).map((d: any) => ({
      name: d.metadata.name,
      uid: d.metadata.uid,
      generation: d.metadata.generation,
      readyReplicas: d.status?.readyReplicas,
    })),
    webhooks: [...mutating.items, ...validating.items]
      .filter(ours)
      .map((w: any) => ({
        kind: w.kind,
        name: w.metadata.name,
        uid: w.metadata.uid,
        calls: w.webhooks.map((h: any) => ({
          name: h.name,
          url: h.clientConfig.url,
          service: h.clientConfig.service?.name,
        })),
      }))
      .sort((a: any, b: any) => a.name.localeCompare(b.name)),
  };
}

/**
 * The removal of a control plane on real Kubernetes with real Istio: a third revision installed with
 * Helm as a person would, removed by the product (asked by one user, approved by another) with the
 * backend's documented RBAC, and judged by kubectl against what Helm rendered, by Helm, and by the
 * API server's audit log.
 */
describe('control-plane removal on real Kubernetes and real Istio', () => {
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;
  let auditStart = 0;
  const { api, expectStatus, inventory, settle, expectSucceeded, probe } =
    canaryKit(cluster, () => backend.server);

  /** What Helm rendered for the spare revision, read back live before the removal. */
  let rendered: LiveObject[] = [];
  /** Every object of istiod's kinds in the cluster before the removal. */
  let before: LiveObject[] = [];
  let labBefore: Awaited<ReturnType<typeof lab>>;
  let removal: any;

  beforeAll(async () => {
    // A run that stopped half-way left its revision: start from none.
    await removeHelmRevisionLeftovers(cluster, SPARE);
    await installHelmRevision(cluster, {
      revision: SPARE,
      charts: cluster.env.REAL_CLUSTER_NEW_CHARTS,
      version: cluster.newVersion,
    });
    auditStart = cluster.auditPosition();
    backend = await startInventoryTestBackend(cluster, {
      token: 'admin',
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          clusters: {
            allowedPrivateHosts: ['127.0.0.1'],
            credentials: {
              [cluster.name]: {
                serviceAccountToken: cluster.clusters[0].tokens.admin,
              },
            },
          },
          requests: {
            pollIntervalMs: 200,
            sweepInterval: { seconds: 1 },
            leaseTtl: { seconds: 10 },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    }, 120_000);
  });

  afterAll(async () => {
    await backend?.stop();
    // Leave the cluster as the other tests expect it, whatever happened above.
    await removeHelmRevisionLeftovers(cluster, SPARE);
    await eventually(
      async () =>
        JSON.parse(
          await cluster.kubectl([
            'get',
            'pods',
            '-n',
            'bookinfo',
            '-o',
            'json',
          ]),
        ).items.every((p: any) => !p.metadata.name.startsWith('probe-spare')),
      120_000,
      1000,
    );
  });

  it('sees the revision a person installed with Helm, Ready, beside the lab', async () => {
    rendered = await releaseObjects(cluster, RELEASE, 'istio-system');
    // The chart's HPA and PDB are there for the removal to delete.
    expect(Object.keys(countsByKind(rendered.map(o => o.id)))).toEqual(
      expect.arrayContaining([
        'Deployment',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
        'ServiceAccount',
        'ClusterRole',
      ]),
    );
    const body = await eventually(async () => {
      const b = await inventory();
      const cp = b.controlPlanes.find((c: any) => c.revision === SPARE);
      return cp?.ready ? b : undefined;
    }, 120_000);
    expect(body.controlPlanes.map((c: any) => c.revision).sort()).toEqual(
      [OLD, NEW, SPARE].sort(),
    );
    expect(
      body.controlPlanes.find((c: any) => c.revision === SPARE),
    ).toMatchObject({
      version: cluster.newVersion,
      hasInjector: true,
      safeToRemove: true,
    });
  });

  it('removes it, asked by one user and approved by another: every object Helm rendered, exactly as planned, the lab untouched and injecting throughout', async () => {
    labBefore = await lab();
    const early = await probe('probe-spare-before');
    expect(early.revision).toBeDefined();
    before = await liveObjects(cluster, ISTIOD_KINDS);

    const created = await api(ALICE).post('/requests', {
      type: 'control-plane-removal',
      cluster: cluster.name,
      revision: SPARE,
      target: {},
    });
    expectStatus(created, 202);
    removal = created.body;
    expect(removal.state).toBe('pending-approval');
    const { controlPlane, warnings } = removal.plan;
    expect(controlPlane).toMatchObject({
      installedBy: 'helm',
      mode: 'delete-objects',
    });
    // The product leaves Helm's record of the release, and says so.
    expect((warnings ?? []).join(' ')).toMatch(
      new RegExp(
        `Helm keeps its record of release ${RELEASE} \\(istio-system\\)`,
      ),
    );
    // Its plan is what Helm rendered, object for object.
    expect([...controlPlane.deletions].sort()).toEqual(rendered.map(o => o.id));
    expectStatus(await api(ALICE).post(`/requests/${removal.id}/approve`), 403);

    // Pods created all along are injected by the revision their namespace names, as before.
    const probes: Array<{ name: string; revision?: string; error?: string }> =
      [];
    let probing = true;
    const probeLoop = (async () => {
      for (let i = 0; probing; i++) {
        const name = `probe-spare-${i}`;
        try {
          probes.push({ name, revision: (await probe(name)).revision });
        } catch (error) {
          probes.push({ name, error: (error as Error).message });
        }
      }
    })();
    let done: any;
    try {
      expectStatus(
        await api(BOB).post(`/requests/${removal.id}/approve`, {
          comment: 'nothing uses spare',
        }),
        200,
      );
      done = await settle(removal.id);
    } finally {
      probing = false;
      await probeLoop;
    }
    expectSucceeded(done);
    expect(done.steps.map((s: any) => s.name)).toEqual(
      expect.arrayContaining(['remove-control-plane', 'verify-removal']),
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(
      probes.filter(p => p.error || p.revision !== early.revision),
    ).toEqual([]);

    // Every object Helm rendered is gone, and nothing of istiod's kinds has the revision's label.
    expect(await stillThere(cluster, rendered)).toEqual([]);
    expect(
      await liveObjects(cluster, ISTIOD_KINDS, `istio.io/rev=${SPARE}`),
    ).toEqual([]);
    // What disappeared (by uid) is exactly what the plan said it would delete.
    const after = new Set(
      (await liveObjects(cluster, ISTIOD_KINDS)).map(o => o.uid),
    );
    const disappeared = before.filter(o => !after.has(o.uid)).map(o => o.id);
    expect(disappeared.sort()).toEqual([...controlPlane.deletions].sort());
    // Kubernetes collects istiod's ReplicaSets and pods after its Deployment.
    await eventually(
      async () =>
        (
          await liveObjects(
            cluster,
            ['replicasets.apps', 'pods'],
            `istio.io/rev=${SPARE}`,
          )
        ).length === 0,
      120_000,
      1000,
    );

    // The lab's revisions and tags are as they were.
    expect(await lab()).toEqual(labBefore);
    const body = await eventually(async () => {
      const b = await inventory();
      return b.controlPlanes.some((c: any) => c.revision === SPARE)
        ? undefined
        : b;
    }, 60_000);
    expect(body.controlPlanes.map((c: any) => c.revision).sort()).toEqual(
      [OLD, NEW].sort(),
    );

    // eslint-disable-next-line no-console
    console.log(
      `Removal of revision ${SPARE}: ${
        disappeared.length
      } objects deleted, of the ${
        rendered.length
      } Helm rendered; by kind ${JSON.stringify(
        countsByKind(disappeared),
      )}; steps ${done.steps
        .map((s: any) => s.name)
        .join(', ')}; pods created meanwhile: ${
        probes.length
      }, all injected by ${early.revision}`,
    );
  });

  it("leaves Helm's record of the release, which helm uninstall then forgets", async () => {
    const listed = JSON.parse(
      await cluster.helm(['list', '-n', 'istio-system', '-o', 'json']),
    ) as Array<{ name: string; status: string; revision: string }>;
    const record = listed.find(r => r.name === RELEASE);
    // eslint-disable-next-line no-console
    console.log(
      `helm list -n istio-system after the removal: ${JSON.stringify(
        listed.map(
          r => `${r.name} ${r.status} (release revision ${r.revision})`,
        ),
      )}`,
    );
    expect(record).toMatchObject({ name: RELEASE, status: 'deployed' });

    const uninstalled = await cluster.helm([
      'uninstall',
      RELEASE,
      '-n',
      'istio-system',
    ]);
    expect(uninstalled).toMatch(new RegExp(`release "${RELEASE}" uninstalled`));
    const after = JSON.parse(
      await cluster.helm(['list', '-n', 'istio-system', '-a', '-o', 'json']),
    ) as Array<{ name: string }>;
    expect(after.map(r => r.name)).not.toContain(RELEASE);
    expect(await stillThere(cluster, rendered)).toEqual([]);
  });

  it('deleted as the backend ServiceAccount, each planned object once, within the RBAC its README documents', async () => {
    const planned: string[] = [...removal.plan.controlPlane.deletions].sort();
    const kindOf = new Map(
      planned.map(id => {
        const kind = id.split('/')[0];
        return [`${kind.toLowerCase()}s`, kind];
      }),
    );
    const backendEvents = () =>
      cluster
        .auditEvents(auditStart)
        .filter(e => e.user.username === BACKEND_USER)
        .filter(e => e.stage === 'ResponseComplete');
    const deletedBy = (events: AuditEvent[]) =>
      events
        .filter(e => e.verb === 'delete' && (e.responseStatus?.code ?? 0) < 300)
        .map(e => auditId(e, kindOf))
        .sort();
    // The audit log is written as requests complete: wait for the last deletion to be in it.
    const events = await eventually(async () => {
      const all = backendEvents();
      return deletedBy(all).length >= planned.length ? all : undefined;
    }, 30_000);
    expect(deletedBy(events)).toEqual(planned);

    const rules = documentedRbac();
    const refused = events.filter(e => (e.responseStatus?.code ?? 200) === 403);
    expect(refused.map(e => `${e.verb} ${e.requestURI}`)).toEqual([]);
    const outside = events.filter(
      e => e.objectRef?.resource && !allowedByRbac(e, rules),
    );
    expect(outside.map(e => `${e.verb} ${e.requestURI}`)).toEqual([]);
    // Its only writes are those deletions.
    const writes = events.filter(e => WRITE_VERBS.includes(e.verb));
    expect(writes.length).toBe(planned.length);
    // eslint-disable-next-line no-console
    console.log(
      `The backend's API calls from the revision's install to now: ${
        events.length
      } (${writes.length} writes, all deletions; ${refused.length} refused; ${
        outside.length
      } outside the README's RBAC); deletions by kind ${JSON.stringify(
        countsByKind(deletedBy(events)),
      )}`,
    );
  });
});
