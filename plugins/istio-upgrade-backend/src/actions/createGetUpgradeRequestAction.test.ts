import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  APP_BASE_URL,
  CAROL,
  credentialsOf,
  DAVE,
  MALLORY,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';
import { MAX_EVENTS } from './requestSummary';

jest.setTimeout(120_000);

describe('get-upgrade-request', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;
  let bookinfo: any;

  beforeAll(async () => {
    backend = await startActionsTestBackend();
    const created = await backend.invoke(
      'request-namespace-migration',
      { entityRef: 'productpage', cluster: 'seed', revision: '1-10-4' },
      credentialsOf(CAROL),
    );
    bookinfo = await backend.settle(created.id);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'get-upgrade-request',
    );
    expect(action.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it("reads a request's state, progress, steps and most recent events, with its link", async () => {
    const request = await backend.invoke(
      'get-upgrade-request',
      { id: bookinfo.id },
      credentialsOf(DAVE),
    );
    expect(request).toMatchObject({
      id: bookinfo.id,
      state: 'succeeded',
      target: { namespace: 'bookinfo' },
      progress: { podsInScope: 6, podsMigrated: 6 },
      requestedBy: CAROL,
      link: `${APP_BASE_URL}/istio-upgrade?request=${bookinfo.id}`,
      next: expect.stringMatching(/It is done/),
    });
    expect(request.steps.length).toBeGreaterThan(0);
    expect(request.steps.every((s: any) => s.state === 'succeeded')).toBe(true);
    // Seven cluster writes alone: the log is longer than an answer carries.
    expect(request.events).toHaveLength(MAX_EVENTS);
    expect(request.eventsOmitted).toBeGreaterThan(0);
    const times = request.events.map((e: any) => e.at);
    expect(times).toEqual([...times].sort());
    expect(request.events.some((e: any) => e.type === 'created')).toBe(false);
  });

  it('tells someone else what they may and may not do with it', async () => {
    const request = await backend.invoke(
      'get-upgrade-request',
      { id: bookinfo.id },
      credentialsOf(DAVE),
    );
    expect(request.allowedActions).toEqual([]);
    expect(request.notAllowedBecause.rollback).toMatch(/may not migrate/);
  });

  it('answers NotFoundError for an unknown id and InputError for something that is not an id', async () => {
    await expect(
      backend.invoke(
        'get-upgrade-request',
        { id: '00000000-0000-4000-8000-000000000000' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      backend.invoke(
        'get-upgrade-request',
        { id: '../../etc/passwd' },
        credentialsOf(CAROL),
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('refuses a caller who may not read the inventory', async () => {
    await expect(
      backend.invoke(
        'get-upgrade-request',
        { id: bookinfo.id },
        credentialsOf(MALLORY),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
