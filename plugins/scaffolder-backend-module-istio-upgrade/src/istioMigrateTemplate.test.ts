import { mockCredentials } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  CAROL,
  eventually,
  startIstioUpgradeTestBackend,
} from './__testUtils__/istioUpgradeTestBackend';
import { scaffolderModuleIstioUpgrade } from './module';

jest.setTimeout(120_000);

const TEMPLATE_FILE = resolve(
  __dirname,
  '../../../examples/template/istio-migrate/template.yaml',
);

/**
 * The example template "Move my service to a newer Istio revision", run by the scaffolder as Carol,
 * who owns nginx: with the target the template's picker stores (`{ cluster, namespace, revision }`),
 * the namespace moves, through the istio-upgrade plugin, to a succeeded request.
 */
describe('the istio-migrate example template', () => {
  let backend: Awaited<ReturnType<typeof startIstioUpgradeTestBackend>>;
  const asCarol = { Authorization: mockCredentials.user.header(CAROL) };

  beforeAll(async () => {
    backend = await startIstioUpgradeTestBackend({
      features: [scaffolderPlugin, scaffolderModuleIstioUpgrade],
      entities: [parse(readFileSync(TEMPLATE_FILE, 'utf8'))],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it("moves the chosen service's namespace to the chosen revision, with the request's progress in the task log", async () => {
    const dispatched = await fetch(
      `${backend.baseUrl}/api/scaffolder/v2/tasks`,
      {
        method: 'POST',
        headers: { ...asCarol, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          templateRef: 'template:default/istio-migrate',
          values: {
            entityRef: 'component:default/nginx',
            target: { cluster: 'seed', namespace: 'nginx', revision: '1-10-4' },
            comment: 'from the template',
          },
        }),
      },
    );
    expect(dispatched.status).toBe(201);
    const { id } = await dispatched.json();

    const task = await eventually(async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/scaffolder/v2/tasks/${id}`,
        {
          headers: asCarol,
        },
      );
      const body = await res.json();
      return ['completed', 'failed', 'cancelled'].includes(body.status)
        ? body
        : undefined;
    });
    const events: Array<{
      type: string;
      body: {
        message?: string;
        stepId?: string;
        output?: {
          links: Array<{ url: string }>;
          text: Array<{ content: string }>;
        };
      };
    }> = await (
      await fetch(`${backend.baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
        headers: asCarol,
      })
    ).json();
    const log = events
      .filter(e => e.type === 'log' && e.body.stepId === 'migrate')
      .map(e => e.body.message ?? '');
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });

    const completion = events.find(e => e.type === 'completion')!;
    const requestLink = completion.body.output!.links[0].url;
    expect(requestLink).toMatch(
      /^http:\/\/portal\.example\.com\/istio-upgrade\?request=[0-9a-f-]{36}$/,
    );
    expect(completion.body.output!.text[0].content).toMatch(
      /Namespace \*\*nginx\*\* of cluster\s+\*\*seed\*\* runs\s+Istio revision \*\*1-10-4\*\*/,
    );
    expect(completion.body.output!.text[0].content).toMatch(/succeeded\)\.$/);
    expect(
      log.some(l => l.includes('cluster-write: patch namespace nginx')),
    ).toBe(true);
    expect(log.some(l => l.includes('Progress: 1/1 pods on 1-10-4'))).toBe(
      true,
    );

    const request = await (
      await fetch(
        `${backend.baseUrl}/api/istio-upgrade/requests/${new URL(
          requestLink,
        ).searchParams.get('request')}`,
        { headers: asCarol },
      )
    ).json();
    expect(request).toMatchObject({
      state: 'succeeded',
      requestedBy: CAROL,
      entityRef: 'component:default/nginx',
      target: { namespace: 'nginx' },
      comment: 'from the template',
    });
    const pods = JSON.parse(
      await backend.simulator.kubectl([
        'get',
        'pods',
        '-n',
        'nginx',
        '-o',
        'json',
      ]),
    ).items;
    for (const pod of pods) {
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
          .revision,
      ).toBe('1-10-4');
    }
  });

  it('refuses a target without its namespace or revision before a task starts', async () => {
    const res = await fetch(`${backend.baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: { ...asCarol, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        templateRef: 'template:default/istio-migrate',
        values: {
          entityRef: 'component:default/nginx',
          target: { cluster: 'seed' },
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/namespace/);
  });
});
