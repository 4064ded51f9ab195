import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterInventory,
  CreateRequest,
  Workload,
  matchesLabelSelector,
  parseLabelSelector,
  RequestPlan,
  RequestState,
  RequestType,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import {
  Actor,
  DecisionAction,
  RequestAuthorizer,
} from '../permissions/RequestAuthorizer';
import {
  ANNOTATION_KUBERNETES_ID,
  entitySelection,
} from '../service/entitySelection';
import { RequestRunner } from './execution/RequestRunner';
import { planRollback } from './planning/planRollback';
import { stepsForPlan } from './planning/stepsForPlan';
import { RequestNotifier } from './RequestNotifier';
import {
  ChangeSpec,
  checkTarget,
  RequestPlanner,
  targetKeyOf,
} from './RequestPlanner';
import { RequestSettings } from './requestConfig';
import { IdempotencyKeyReusedError, sameRequest } from './idempotency';
import { DECISION_FROM } from './requestStates';
import { RequestFilter, RequestStore, StoredRequest } from './RequestStore';

const ACTIONS: DecisionAction[] = ['approve', 'reject', 'cancel', 'rollback'];

/** What each decision does to a waiting request. */
const DECIDED: Record<
  'approve' | 'reject' | 'cancel',
  { state: RequestState; event: string; verb: string }
> = {
  approve: { state: 'approved', event: 'approved', verb: 'Approved' },
  reject: { state: 'rejected', event: 'rejected', verb: 'Rejected' },
  cancel: { state: 'cancelled', event: 'cancelled', verb: 'Cancelled' },
};

function apiRequest(
  r: StoredRequest,
  extra: Pick<
    UpgradeRequest,
    'allowedActions' | 'notAllowedBecause' | 'steps' | 'events'
  >,
): UpgradeRequest {
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    id: r.id,
    type: r.type,
    state: r.state,
    cluster: r.cluster,
    target: r.target,
    revision: r.revision,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt,
    updatedAt: r.updatedAt,
    approvalRequired: r.approvalRequired,
    options: r.options,
    plan: r.plan,
    progress: {
      podsInScope: r.podsInScope,
      podsMigrated: Math.min(r.podsMigrated, r.podsInScope),
      ...optional('currentStep', r.currentStep),
    },
    ...optional('entityRef', r.entityRef),
    ...optional('rollbackOf', r.rollbackOf),
    ...optional('rolledBackBy', r.rolledBackBy),
    ...optional('startedAt', r.startedAt),
    ...optional('finishedAt', r.finishedAt),
    ...optional('comment', r.comment),
    ...optional('approvalReason', r.approvalReason),
    ...optional('decidedBy', r.decidedBy),
    ...optional('decidedAt', r.decidedAt),
    ...optional('decisionComment', r.decisionComment),
    ...optional('error', r.error),
    ...extra,
  };
}

/**
 * What the REST API, actions and templates do with requests, with the same authorization, floor,
 * approval policy and audit whichever way they come in: plan (dry run), create, list, read, approve,
 * reject, cancel and roll back.
 */
export class RequestService {
  constructor(
    private readonly options: {
      store: RequestStore;
      planner: RequestPlanner;
      runner: RequestRunner;
      authorizer: RequestAuthorizer;
      notifier: RequestNotifier;
      catalog: CatalogService;
      auditor: AuditorService;
      logger: LoggerService;
      settings: RequestSettings;
    },
  ) {}

  private async entity(
    entityRef: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    if (!entityRef) return undefined;
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  private spec(body: CreateRequest, entity: Entity | undefined): ChangeSpec {
    const d = this.options.settings.defaults;
    const o = body.options ?? {};
    return {
      type: body.type,
      cluster: body.cluster,
      revision: body.revision,
      target: body.target,
      entitySelector: entity ? entitySelection(entity)?.selector : undefined,
      options: {
        waveSize: o.waveSize ?? d.waveSize,
        pauseBetweenWavesSeconds:
          o.pauseBetweenWavesSeconds ?? d.pauseBetweenWavesSeconds,
        restartScope: o.restartScope ?? d.restartScope,
        rollbackOnFailure: o.rollbackOnFailure ?? d.rollbackOnFailure,
        watchWindowSeconds: o.watchWindowSeconds ?? d.watchWindowSeconds,
        migrateNamespaces: o.migrateNamespaces ?? d.migrateNamespaces,
      },
    };
  }

  /**
   * The migrate permission is granted per entity, so a migration may only touch a namespace where that
   * entity runs: one of its workloads (found as the Kubernetes plugin finds them) is in the namespace.
   *
   * @throws NotAllowedError otherwise
   */
  private async checkEntityRunsIn(
    entity: Entity | undefined,
    cluster: string,
    namespace: string | undefined,
  ): Promise<void> {
    const inventory = await this.checkNamespace(cluster, namespace);
    const selection = entity ? entitySelection(entity) : undefined;
    const entityRef = entity ? stringifyEntityRef(entity) : 'the entity';
    if (!selection || !namespace) {
      throw new NotAllowedError(
        `${entityRef} is not mapped to workloads (backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector): it cannot be migrated`,
      );
    }
    if (selection.namespace && selection.namespace !== namespace) {
      throw new NotAllowedError(
        `${entityRef} runs in namespace ${selection.namespace}, not ${namespace}`,
      );
    }
    const selector = parseLabelSelector(selection.selector);
    const runs = inventory.workloads.some(
      w =>
        w.namespace === namespace &&
        (matchesLabelSelector(selector, w.labels) ||
          matchesLabelSelector(selector, w.podLabels)),
    );
    if (!runs) {
      throw new NotAllowedError(
        `${entityRef} has no workload in namespace ${namespace} of cluster ${cluster}`,
      );
    }
  }

  /**
   * A namespace migration needs a complete inventory, and a namespace that exists and is not protected.
   *
   * @returns the cluster's inventory
   */
  private async checkNamespace(
    cluster: string,
    namespace: string | undefined,
  ): Promise<ClusterInventory> {
    const inventory = await this.options.planner.inventory(cluster);
    if (!inventory.cluster.sync.complete) {
      throw new ServiceUnavailableError(
        `The inventory of cluster ${cluster} is not complete yet (${inventory.cluster.sync.state}); try again when it is synced`,
      );
    }
    if (
      namespace &&
      this.options.settings.protectedNamespaces.includes(namespace)
    ) {
      throw new InputError(
        `Namespace ${namespace} is protected: requests may not change it`,
      );
    }
    if (namespace && !inventory.namespaces.some(n => n.name === namespace)) {
      throw new NotFoundError(
        `Namespace ${namespace} does not exist in cluster ${cluster}`,
      );
    }
    return inventory;
  }

  /**
   * For a migration of a namespace asked for an entity, restarting the whole namespace: the namespace's
   * workloads that are neither the entity's nor owned by the one asking (through the catalog entities
   * they belong to; a workload of no entity counts as someone else's), and the owners of those. Those
   * owners, or an approver, approve such a request; restartScope `entity` restarts only the entity's.
   */
  private async sharedWith(
    spec: ChangeSpec,
    actor: Actor,
    credentials: BackstageCredentials,
  ): Promise<{ workloads: string[]; owners: string[] } | undefined> {
    const namespace = spec.target.namespace;
    if (
      spec.type !== 'namespace-migration' ||
      !spec.entitySelector ||
      !namespace ||
      spec.options.restartScope !== 'namespace'
    ) {
      return undefined;
    }
    const selector = parseLabelSelector(spec.entitySelector);
    const inventory = await this.options.planner.inventory(spec.cluster);
    const others = inventory.workloads.filter(
      w =>
        w.namespace === namespace &&
        !matchesLabelSelector(selector, w.labels) &&
        !matchesLabelSelector(selector, w.podLabels),
    );
    if (others.length === 0) return undefined;
    const idOf = (w: Workload) =>
      w.labels[ANNOTATION_KUBERNETES_ID] ??
      w.podLabels[ANNOTATION_KUBERNETES_ID];
    const ids = [...new Set(others.map(idOf).filter(Boolean))] as string[];
    const ownersById = new Map<string, string[]>();
    if (ids.length > 0) {
      const { items } = await this.options.catalog.getEntities(
        {
          filter: ids.map(id => ({
            [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]: id,
          })),
          fields: ['metadata.annotations', 'relations'],
        },
        { credentials },
      );
      for (const entity of items) {
        const id = entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID];
        if (!id) continue;
        const owners = (entity.relations ?? [])
          .filter(r => r.type === RELATION_OWNED_BY)
          .map(r => r.targetRef);
        ownersById.set(id, [...(ownersById.get(id) ?? []), ...owners]);
      }
    }
    const mine = new Set(await this.options.authorizer.ownership(actor));
    const shared = others
      .map(w => ({ w, owners: ownersById.get(idOf(w) ?? '') ?? [] }))
      .filter(({ owners }) => !owners.some(o => mine.has(o)));
    if (shared.length === 0) return undefined;
    return {
      workloads: shared.map(({ w }) => `${w.kind}/${w.name}`).sort(),
      owners: [...new Set(shared.flatMap(({ owners }) => owners))].sort(),
    };
  }

  /** Whether a person must approve, and why (one line). */
  private async approvalFor(
    type: RequestType,
    actor: Actor,
    entity: Entity | undefined,
    shared?: { workloads: string[]; owners: string[] },
  ): Promise<{ required: boolean; reason: string }> {
    if (!actor.isUser && !actor.trusted) {
      return {
        required: true,
        reason: `asked by service ${actor.ref}: a person must approve`,
      };
    }
    const policy = this.options.settings.approval[type];
    if (policy === 'always')
      return { required: true, reason: `every ${type} needs approval` };
    if (policy === 'never')
      return { required: false, reason: `${type}s need no approval` };
    if (type === 'namespace-migration' && !entity) {
      return {
        required: false,
        reason: 'asked with the permission to migrate any namespace',
      };
    }
    if (shared) {
      const listed = shared.workloads.slice(0, 5).join(', ');
      const more =
        shared.workloads.length > 5
          ? ` and ${shared.workloads.length - 5} more`
          : '';
      return {
        required: true,
        reason: `the namespace also runs workloads that are not ${
          entity ? stringifyEntityRef(entity) : 'the entity'
        }'s (${listed}${more}): ${
          shared.owners.length ? `${shared.owners.join(', ')} or ` : ''
        }an approver must approve; restartScope entity restarts only yours`,
      };
    }
    const owners = (entity?.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef);
    const mine = await this.options.authorizer.ownership(actor);
    const entityName = entity ? stringifyEntityRef(entity) : 'the entity';
    return owners.some(o => mine.includes(o))
      ? { required: false, reason: `asked by an owner of ${entityName}` }
      : {
          required: true,
          reason: `asked by someone who does not own ${entityName}`,
        };
  }

  private async audit<T>(
    eventId: string,
    req: Request | undefined,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await this.options.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      ...(req ? { request: req } : {}),
      meta,
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * The plan and prechecks of a change for anyone who may read the inventory (a request needs more), and
   * whether it would need approval.
   */
  async prechecks(
    body: CreateRequest,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const actor = this.options.authorizer.actor(credentials);
    const entity = await this.entity(body.entityRef, credentials);
    return this.planFor(body, actor, entity, credentials);
  }

  /** The plan and prechecks of a change, and whether it would need approval (a dry run). */
  async plan(
    body: CreateRequest,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const { authorizer } = this.options;
    const actor = authorizer.actor(credentials);
    await authorizer.authorizeCreate(actor, body.type, body.entityRef);
    const entity = await this.entity(body.entityRef, credentials);
    await this.checkMigrationTarget(body, entity);
    return this.planFor(body, actor, entity, credentials);
  }

  /** A migration's namespace: where its entity runs, or (without an entity) any unprotected one. */
  private async checkMigrationTarget(
    body: CreateRequest,
    entity: Entity | undefined,
  ): Promise<void> {
    if (body.type !== 'namespace-migration') return;
    if (entity) {
      await this.checkEntityRunsIn(entity, body.cluster, body.target.namespace);
    } else {
      await this.checkNamespace(body.cluster, body.target.namespace);
      if (body.options?.restartScope === 'entity') {
        throw new InputError(
          'restartScope entity restarts the workloads of an entity: name it (entityRef)',
        );
      }
    }
  }

  /** The planner's plan and prechecks for `actor`, with the approval it would need. */
  private async planFor(
    body: CreateRequest,
    actor: Actor,
    entity: Entity | undefined,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const spec = this.spec(body, entity);
    const planned = await this.options.planner.plan(spec);
    const shared = await this.sharedWith(spec, actor, credentials);
    const approval = await this.approvalFor(body.type, actor, entity, shared);
    return {
      plan: { ...planned.plan, ...(shared ? { sharedWith: shared } : {}) },
      prechecks: { passed: planned.passed, checks: planned.prechecks },
      approvalRequired: approval.required,
      approvalReason: approval.reason,
    };
  }

  /**
   * Stores a request after its prechecks pass; nothing touches the cluster before that. An approved
   * request starts at once on this replica.
   *
   * @throws ConflictError when the target has an active request, InputError when prechecks fail
   */
  async create(
    body: CreateRequest,
    credentials: BackstageCredentials,
    req?: Request,
    rollbackOf?: StoredRequest,
  ): Promise<UpgradeRequest> {
    const { authorizer, planner, store, notifier, runner } = this.options;
    const actor = authorizer.actor(credentials);
    return this.audit(
      rollbackOf ? 'request-rollback' : 'request-create',
      req,
      {
        actor: actor.ref,
        type: body.type,
        cluster: body.cluster,
        revision: body.revision,
        target: body.target as JsonObject,
        ...(body.entityRef ? { entityRef: body.entityRef } : {}),
        ...(rollbackOf ? { rollbackOf: rollbackOf.id } : {}),
      },
      async () => {
        // A reused key is answered before anything else is checked: the same body gets the request it
        // made, a different one a 422, whatever has happened since.
        if (body.idempotencyKey) {
          const earlier = await store.byIdempotencyKey(
            actor.ref,
            body.idempotencyKey,
          );
          if (earlier) {
            if (!sameRequest(earlier, body, rollbackOf?.id)) {
              throw new IdempotencyKeyReusedError(
                `idempotencyKey ${body.idempotencyKey} was already used for request ${earlier.id}, which asked for something else`,
              );
            }
            return this.present(earlier, actor, false);
          }
        }
        await authorizer.authorizeCreate(actor, body.type, body.entityRef);
        const entity = await this.entity(body.entityRef, credentials);
        await this.checkMigrationTarget(body, entity);
        const spec = this.spec(body, entity);
        // A busy target is a conflict whatever the prechecks would say about it.
        checkTarget(body.type, body.target);
        const busy = await store.activeFor(
          body.cluster,
          targetKeyOf(body.type, body.target),
        );
        if (
          busy &&
          !(
            body.idempotencyKey &&
            busy.idempotencyKey === body.idempotencyKey &&
            busy.requestedBy === actor.ref
          )
        ) {
          throw new ConflictError(
            `${busy.targetKey} in cluster ${busy.cluster} already has an active request (${busy.id}, ${busy.state})`,
          );
        }
        const planned = await planner.plan(spec, {
          rollback: Boolean(rollbackOf),
        });
        const shared = rollbackOf
          ? undefined
          : await this.sharedWith(spec, actor, credentials);
        const plan = rollbackOf
          ? planRollback(rollbackOf.plan).plan
          : { ...planned.plan, ...(shared ? { sharedWith: shared } : {}) };
        if (!planned.passed) {
          throw new InputError(
            `Prechecks failed, nothing was requested: ${planned.prechecks
              .filter(c => c.status === 'fail')
              .map(c => c.message)
              .join('; ')}`,
          );
        }
        const approval = await this.approvalFor(
          body.type,
          actor,
          entity,
          shared,
        );
        const state: RequestState = approval.required
          ? 'pending-approval'
          : 'approved';
        const { request, created } = await store.insert(
          {
            id: randomUUID(),
            type: body.type,
            state,
            cluster: body.cluster,
            targetKey: planned.targetKey,
            target: body.target,
            revision: body.revision,
            entityRef: body.entityRef,
            requestedBy: actor.ref,
            idempotencyKey: body.idempotencyKey,
            rollbackOf: rollbackOf?.id,
            approvalRequired: approval.required,
            approvalReason: approval.reason,
            comment: body.comment,
            options: body.options ?? {},
            plan,
            podsInScope: plan.podsInScope,
          },
          stepsForPlan(body.type, plan),
          {
            type: 'created',
            message: `${
              rollbackOf ? `Rollback of ${rollbackOf.id} asked` : 'Asked'
            } by ${actor.ref}; ${
              approval.required
                ? `waits for approval (${approval.reason})`
                : `approved (${approval.reason})`
            }`,
            actor: actor.ref,
          },
        );
        if (created) {
          if (rollbackOf)
            await store.setRolledBackBy(rollbackOf.id, request.id);
          await notifier.changed(request);
          if (request.state === 'approved') runner.poke(request.id);
        }
        return this.present(request, actor, false);
      },
    );
  }

  /** The decisions open to `actor` on each request, from one batch of permission questions. */
  private async decisionsOn(
    requests: StoredRequest[],
    actor: Actor,
  ): Promise<
    Array<
      Pick<UpgradeRequest, 'allowedActions'> &
        Partial<Pick<UpgradeRequest, 'notAllowedBecause'>>
    >
  > {
    const asked = requests.flatMap((request, index) =>
      ACTIONS.filter(
        action =>
          DECISION_FROM[action].includes(request.state) &&
          !(action === 'rollback' && request.rolledBackBy),
      ).map(action => ({ index, action, request })),
    );
    const reasons = await this.options.authorizer.whyNotEach(actor, asked);
    const result = requests.map(() => ({
      allowedActions: [] as DecisionAction[],
      notAllowedBecause: {} as Record<string, string>,
    }));
    asked.forEach(({ index, action }, i) => {
      const reason = reasons[i];
      if (reason) result[index].notAllowedBecause[action] = reason;
      else result[index].allowedActions.push(action);
    });
    return result.map(({ allowedActions, notAllowedBecause }) => ({
      allowedActions,
      ...(Object.keys(notAllowedBecause).length ? { notAllowedBecause } : {}),
    }));
  }

  private async present(
    request: StoredRequest,
    actor: Actor,
    withLog: boolean,
  ): Promise<UpgradeRequest> {
    const [decisions] = await this.decisionsOn([request], actor);
    const { store } = this.options;
    return apiRequest(request, {
      ...decisions,
      ...(withLog
        ? {
            steps: (await store.steps(request.id)).map(s => ({
              index: s.index,
              name: s.name,
              state: s.state,
              ...(s.description ? { description: s.description } : {}),
              ...(s.startedAt ? { startedAt: s.startedAt } : {}),
              ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
              ...(s.message ? { message: s.message } : {}),
            })),
            events: (await store.events(request.id)).map(e => ({
              id: e.id,
              at: e.at,
              type: e.type,
              message: e.message,
              ...(e.actor ? { actor: e.actor } : {}),
            })),
          }
        : {}),
    });
  }

  /** A page of requests, with the decisions open to the caller on each (one permission batch). */
  async list(
    filter: RequestFilter,
    credentials: BackstageCredentials,
  ): Promise<UpgradeRequest[]> {
    const actor = this.options.authorizer.actor(credentials);
    const requests = await this.options.store.list(filter);
    const decisions = await this.decisionsOn(requests, actor);
    return requests.map((r, i) => apiRequest(r, decisions[i]));
  }

  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<UpgradeRequest> {
    const actor = this.options.authorizer.actor(credentials);
    return this.present(await this.load(id), actor, true);
  }

  private async load(id: string): Promise<StoredRequest> {
    const request = await this.options.store.get(id);
    if (!request) throw new NotFoundError(`No request ${id}`);
    return request;
  }

  /** Approves, rejects or cancels a request. */
  async decide(
    action: 'approve' | 'reject' | 'cancel',
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<UpgradeRequest> {
    const { authorizer, store, notifier, runner } = this.options;
    const actor = authorizer.actor(credentials);
    return this.audit(
      `request-${action}`,
      req,
      { actor: actor.ref, requestId: id },
      async () => {
        const request = await this.load(id);
        await authorizer.authorize(actor, action, request);
        if (!DECISION_FROM[action].includes(request.state)) {
          throw new ConflictError(
            `Request ${id} is ${request.state}: it cannot be ${
              action === 'cancel' ? 'cancelled' : `${action}d`
            }`,
          );
        }
        const decided = {
          decidedBy: actor.ref,
          decidedAt: new Date().toISOString(),
          ...(comment !== undefined ? { decisionComment: comment } : {}),
        };
        const note = comment ? `: ${comment}` : '';
        let moved: boolean;
        if (action === 'cancel' && request.state === 'running') {
          moved = await store.requestCancel(id);
          if (moved) {
            await store.appendEvent(id, {
              type: 'cancelled',
              message: `Cancel asked by ${actor.ref}${note}; stops at the next step`,
              actor: actor.ref,
            });
          }
        } else {
          const outcome = DECIDED[action];
          moved = await store.transition(
            id,
            DECISION_FROM[action].filter(s => s !== 'running'),
            outcome.state,
            action === 'approve'
              ? decided
              : { finishedAt: new Date().toISOString(), ...decided },
            {
              type: outcome.event,
              message: `${outcome.verb} by ${actor.ref}${note}`,
              actor: actor.ref,
            },
          );
        }
        if (!moved) {
          throw new ConflictError(
            `Request ${id} changed meanwhile; it is no longer ${request.state}`,
          );
        }
        const updated = await this.load(id);
        await notifier.changed(updated);
        if (updated.state === 'approved') runner.poke(id);
        return this.present(updated, actor, true);
      },
    );
  }

  /** Asks for the rollback of a succeeded or failed request, as a request of its own. */
  async rollback(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<UpgradeRequest> {
    const original = await this.load(id);
    if (!DECISION_FROM.rollback.includes(original.state)) {
      throw new ConflictError(
        `Request ${id} is ${original.state}: only succeeded or failed requests are rolled back`,
      );
    }
    if (original.rolledBackBy) {
      throw new ConflictError(
        `Request ${id} is already rolled back by ${original.rolledBackBy}`,
      );
    }
    const { revision } = planRollback(original.plan);
    return this.create(
      {
        type: original.type,
        cluster: original.cluster,
        revision,
        target: original.target,
        ...(original.entityRef ? { entityRef: original.entityRef } : {}),
        options: original.options,
        comment: comment ?? `Rollback of ${original.id}`,
      },
      credentials,
      req,
      original,
    );
  }
}
