import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
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
  options: {
    enabled?: boolean;
    trustedServices?: string[];
    /** What the user info service answers for the caller's ownership. */
    ownership?: string[];
  } = {},
) {
  const p = permissions(allow);
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async () => ({
      userEntityRef: ALICE,
      ownershipEntityRefs: options.ownership ?? [ALICE],
    }),
  });
  return {
    calls: p.calls,
    userInfo,
    authorizer: new RequestAuthorizer({
      auth: mockServices.auth(),
      permissions: p.service,
      userInfo,
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

  it('tells users from services, and refuses anyone unauthenticated', () => {
    const { authorizer: a } = authorizer(() => true, {
      trustedServices: ['plugin:scaffolder'],
    });
    expect(a.actor(mockCredentials.user(ALICE))).toMatchObject({
      ref: ALICE,
      isUser: true,
      trusted: false,
    });
    expect(a.actor(mockCredentials.service('external:mcp'))).toMatchObject({
      ref: 'external:mcp',
      isUser: false,
      trusted: false,
    });
    expect(() => a.actor(mockCredentials.none())).toThrow(NotAllowedError);
  });

  it('allows each kind of change with its own permission, and names the one missing', async () => {
    const granted = new Set<string>();
    const { authorizer: a } = authorizer(name => granted.has(name));
    const alice = a.actor(mockCredentials.user(ALICE));
    const reasons = async () => ({
      migrateAny: await a.whyNotCreate(alice, 'namespace-migration', undefined),
      cutover: await a.whyNotCreate(alice, 'gateway-cutover', undefined),
      move: await a.whyNotCreate(alice, 'gateway-move', undefined),
      tag: await a.whyNotCreate(alice, 'revision-tag-move', undefined),
    });
    expect(await reasons()).toEqual({
      migrateAny:
        'you may not migrate a namespace without a catalog entity (the platform team may)',
      cutover: 'you may not cut gateways over',
      move: 'you may not move gateways',
      tag: 'you may not move revision tags',
    });
    // A gateway move is a cutover's kind of change: the same permission allows both.
    granted.add('istio-upgrade.gateway.cutover');
    granted.add('istio-upgrade.namespace.migrate-any');
    expect(await reasons()).toEqual({
      migrateAny: undefined,
      cutover: undefined,
      move: undefined,
      tag: 'you may not move revision tags',
    });
    await expect(
      a.authorizeCreate(alice, 'revision-tag-move', undefined),
    ).rejects.toThrow(
      new NotAllowedError('Not allowed: you may not move revision tags'),
    );
    granted.add('istio-upgrade.tag.move');
    await expect(
      a.authorizeCreate(alice, 'revision-tag-move', undefined),
    ).resolves.toBeUndefined();
  });

  it("asks about an entity's migration with the entity as the resource, so a conditional policy decides per entity", async () => {
    const mine = 'component:default/mine';
    const theirs = 'component:default/theirs';
    const { authorizer: a, calls } = authorizer(
      (name, resourceRef) =>
        name === 'istio-upgrade.namespace.migrate' && resourceRef === mine,
    );
    const alice = a.actor(mockCredentials.user(ALICE));
    expect(
      await a.whyNotCreate(alice, 'namespace-migration', mine),
    ).toBeUndefined();
    await expect(
      a.authorizeCreate(alice, 'namespace-migration', theirs),
    ).rejects.toThrow(
      `Not allowed: you may not migrate namespaces of ${theirs}`,
    );
    expect(calls).toEqual([
      [{ name: 'istio-upgrade.namespace.migrate', resourceRef: mine }],
      [{ name: 'istio-upgrade.namespace.migrate', resourceRef: theirs }],
    ]);
  });

  it('lets the owners of the other workloads a migration restarts approve it without the approve permission', async () => {
    const shared = {
      ...migration(1),
      plan: { sharedWith: { owners: ['group:default/payments'] } },
    };
    const { authorizer: owner, userInfo } = authorizer(() => false, {
      ownership: [ALICE, 'group:default/payments'],
    });
    const alice = owner.actor(mockCredentials.user(ALICE));
    expect(await owner.whyNot(alice, 'approve', shared)).toBeUndefined();
    expect(await owner.whyNot(alice, 'reject', shared)).toBeUndefined();
    expect(userInfo.getUserInfo).toHaveBeenCalledTimes(2);

    const { authorizer: stranger } = authorizer(() => false);
    const other = stranger.actor(mockCredentials.user(ALICE));
    expect(await stranger.whyNot(other, 'approve', shared)).toBe(
      'you hold neither the approve permission nor the ownership of the other workloads it restarts (group:default/payments)',
    );
    expect(await stranger.whyNot(other, 'approve', migration(1))).toBe(
      'you do not hold the approve permission',
    );
  });

  it('reads ownership only when a decision could depend on it', async () => {
    const { authorizer: a, userInfo } = authorizer(() => true);
    const alice = a.actor(mockCredentials.user(ALICE));
    await a.whyNotEach(alice, [
      { action: 'approve', request: migration(1) },
      { action: 'cancel', request: migration(2) },
    ]);
    expect(userInfo.getUserInfo).not.toHaveBeenCalled();
  });

  it('lets only the requester or an approver cancel, and rolls back with the permission of the change', async () => {
    const { authorizer: a } = authorizer(
      name => name === 'istio-upgrade.tag.move',
    );
    const alice = a.actor(mockCredentials.user(ALICE));
    expect(await a.whyNot(alice, 'cancel', migration(1))).toBe(
      'only the requester or an approver may cancel it',
    );
    const tagMove = { type: 'revision-tag-move' as const, requestedBy: CAROL };
    const cutover = { type: 'gateway-cutover' as const, requestedBy: CAROL };
    expect(await a.whyNot(alice, 'rollback', tagMove)).toBeUndefined();
    await expect(
      a.authorize(alice, 'rollback', tagMove),
    ).resolves.toBeUndefined();
    await expect(a.authorize(alice, 'rollback', cutover)).rejects.toThrow(
      'Not allowed: you may not cut gateways over',
    );
  });
});
