import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  credentialsOf,
  DAVE,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

const CUTOVER = {
  cluster: 'seed',
  namespace: 'istio-gateways',
  service: 'istio-ingressgateway',
  revision: '1-10-4',
};

describe('request-gateway-cutover', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a destructive, non-idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'request-gateway-cutover',
    );
    expect(action.attributes).toEqual({
      readOnly: false,
      idempotent: false,
      destructive: true,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it('refuses a service principal: cutovers are asked for by people', async () => {
    await expect(
      backend.invoke(
        'request-gateway-cutover',
        CUTOVER,
        credentialsOf(MCP_SERVICE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('must be asked by a person'),
    });
  });

  it('refuses a person without the cutover permission', async () => {
    await expect(
      backend.invoke('request-gateway-cutover', CUTOVER, credentialsOf(DAVE)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('cut gateways over'),
    });
  });

  it("stores a platform engineer's cutover, waiting for another person's approval, with the live colour untouched", async () => {
    const request = await backend.invoke(
      'request-gateway-cutover',
      { ...CUTOVER, comment: 'green is warm' },
      credentialsOf(ALICE),
    );
    expect(request).toMatchObject({
      type: 'gateway-cutover',
      state: 'pending-approval',
      target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
      revision: '1-10-4',
      fromRevision: '1-9-7',
      requestedBy: ALICE,
      approvalRequired: true,
      notAllowedBecause: { approve: expect.stringMatching(/own request/) },
    });
    const service = JSON.parse(
      await backend.simulator.kubectl([
        'get',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '-o',
        'json',
      ]),
    );
    expect(service.spec.selector.version).toBe('1-9-7');
  });

  it('answers NotFoundError for a Service the cluster does not have', async () => {
    await expect(
      backend.invoke(
        'request-gateway-cutover',
        { ...CUTOVER, service: 'no-such-gateway' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('request-gateway-cutover from a service the config trusts', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend({ trustedServices: [MCP_SERVICE] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is stored, and still waits for approval as every cutover does', async () => {
    const request = await backend.invoke(
      'request-gateway-cutover',
      CUTOVER,
      credentialsOf(MCP_SERVICE),
    );
    expect(request).toMatchObject({
      state: 'pending-approval',
      requestedBy: MCP_SERVICE,
      approvalReason: 'every gateway-cutover needs approval',
    });
  });
});
