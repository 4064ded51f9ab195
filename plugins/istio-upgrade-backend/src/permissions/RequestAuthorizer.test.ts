import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RequestAuthorizer } from './RequestAuthorizer';

const ALICE = 'user:default/alice';
const CAROL = 'user:default/carol';

/** A permission framework that allows what `allow` says and counts its calls and questions. */
function permissions(allow: (name: string, resourceRef?: string) => boolean) {
  const calls: Array<Array<{ name: string; resourceRef?: string }>> = [];
  return {
    calls,
    service: mockServices.permissions.mock({
      authorize: async requests => {
        calls.push(
          requests.map(r => ({
            name: r.permission.name,
            resourceRef: r.resourceRef,
          })),
        );
        return requests.map(r => ({
          result: allow(r.permission.name, r.resourceRef)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        }));
      },
    }),
  };
}

function authorizer(
  allow: (name: string, resourceRef?: string) => boolean,
  options: { enabled?: boolean; trustedServices?: string[] } = {},
) {
  const p = permissions(allow);
  return {
    calls: p.calls,
    authorizer: new RequestAuthorizer({
      auth: mockServices.auth(),
      permissions: p.service,
      userInfo: mockServices.userInfo(),
      permissionFrameworkEnabled: options.enabled ?? true,
      trustedServices: options.trustedServices ?? [],
    }),
  };
}

const migration = (n: number, requestedBy = CAROL) => ({
  type: 'namespace-migration' as const,
  entityRef: `component:default/svc-${n % 3}`,
  requestedBy,
});

describe('RequestAuthorizer', () => {
  it('answers every decision of a page of requests with one call, each question asked once', async () => {
    const { authorizer: a, calls } = authorizer(
      name => name === 'istio-upgrade.request.approve',
    );
    const actor = a.actor(mockCredentials.user(ALICE));
    const asked = Array.from({ length: 20 }, (_, n) =>
      (['approve', 'reject', 'cancel', 'rollback'] as const).map(action => ({
        action,
        request: migration(n),
      })),
    ).flat();
    const reasons = await a.whyNotEach(actor, asked);
    expect(calls).toHaveLength(1);
    // The approve permission once, and the migrate permission once per distinct entity.
    expect(calls[0]).toHaveLength(4);
    expect(reasons.slice(0, 4)).toEqual([
      undefined,
      undefined,
      undefined,
      'you may not migrate namespaces of component:default/svc-0',
    ]);
  });

  it('keeps the floor: nobody decides their own request, services do not decide, and a disabled framework fails closed', async () => {
    const { authorizer: a } = authorizer(() => true);
    const alice = a.actor(mockCredentials.user(ALICE));
    expect(await a.whyNot(alice, 'approve', migration(1, ALICE))).toBe(
      'nobody approves or rejects their own request',
    );
    expect(
      await a.whyNot(alice, 'cancel', migration(1, ALICE)),
    ).toBeUndefined();
    const service = a.actor(mockCredentials.service('plugin:mcp-actions'));
    expect(await a.whyNot(service, 'approve', migration(1))).toMatch(
      /decisions are taken by people/,
    );
    expect(await a.whyNotCreate(service, 'gateway-cutover', undefined)).toMatch(
      /must be asked by a person/,
    );

    const { authorizer: off, calls } = authorizer(() => true, {
      enabled: false,
    });
    const offAlice = off.actor(mockCredentials.user(ALICE));
    expect(await off.whyNot(offAlice, 'approve', migration(1))).toMatch(
      /fails closed/,
    );
    await expect(
      off.authorizeCreate(offAlice, 'gateway-cutover', undefined),
    ).rejects.toThrow(/permission framework is disabled/);
    expect(calls).toHaveLength(0);
  });

  it('lets a trusted service ask for a cutover, and asks the framework about it', async () => {
    const { authorizer: a, calls } = authorizer(
      name => name === 'istio-upgrade.gateway.cutover',
      { trustedServices: ['plugin:scaffolder'] },
    );
    const service = a.actor(mockCredentials.service('plugin:scaffolder'));
    expect(service.trusted).toBe(true);
    expect(
      await a.whyNotCreate(service, 'gateway-cutover', undefined),
    ).toBeUndefined();
    expect(calls[0]).toEqual([{ name: 'istio-upgrade.gateway.cutover' }]);
  });
});
