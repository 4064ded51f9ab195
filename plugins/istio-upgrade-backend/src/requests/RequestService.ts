import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CreateRequest,
  RequestPlan,
  RequestState,
  RevisionCandidates,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { auditedCall } from '../permissions/auditedCall';
import { Actor, RequestAuthorizer } from '../permissions/RequestAuthorizer';
import { checkTargetFree } from './creation/checkTargetFree';
import { newRequestRecord } from './creation/newRequestRecord';
import { planRequest } from './creation/plannedRequest';
import { RequestRunner } from './execution/RequestRunner';
import { earlierRequest } from './idempotency';
import { changeSpec } from './changeSpec';
import { checkMigrationTarget } from './migrationTarget';
import { planRollback } from './planning/planRollback';
import { RequestApproval } from './RequestApproval';
import { RequestNotifier } from './RequestNotifier';
import { RequestPlanner } from './RequestPlanner';
import { RequestPresenter } from './RequestPresenter';
import { RequestSettings } from './requestConfig';
import { DECISION_FROM } from './requestStates';
import { RequestFilter, RequestStore, StoredRequest } from './RequestStore';

/** What each decision does to a waiting request. */
const DECIDED: Record<
  'approve' | 'reject' | 'cancel',
  { state: RequestState; event: string; verb: string }
> = {
  approve: { state: 'approved', event: 'approved', verb: 'Approved' },
  reject: { state: 'rejected', event: 'rejected', verb: 'Rejected' },
  cancel: { state: 'cancelled', event: 'cancelled', verb: 'Cancelled' },
};

/**
 * What the REST API, actions and templates do with requests, with the same authorization, floor,
 * approval policy and audit whichever way they come in: plan (dry run), create, list, read, approve,
 * reject, cancel and roll back. Every call checks that the caller may read the inventory first.
 */
export class RequestService {
  private readonly approval: RequestApproval;
  private readonly presenter: RequestPresenter;

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
  ) {
    this.approval = new RequestApproval(options);
    this.presenter = new RequestPresenter(options);
  }

  /**
   * The caller as an actor, once they may read the inventory.
   *
   * @throws NotAllowedError when they may not
   */
  private async reader(credentials: BackstageCredentials): Promise<Actor> {
    const { authorizer } = this.options;
    const actor = authorizer.actor(credentials);
    await authorizer.authorizeRead(actor);
    return actor;
  }

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

  private audit<T>(
    eventId: string,
    req: Request | undefined,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    return auditedCall(this.options.auditor, eventId, req, meta, fn);
  }

  /**
   * The plan and prechecks of a change for anyone who may read the inventory (a request needs more), and
   * whether it would need approval.
   */
  async prechecks(
    body: CreateRequest,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const actor = await this.reader(credentials);
    const entity = await this.entity(body.entityRef, credentials);
    return this.planFor(body, actor, entity, credentials);
  }

  /** The versions a new control plane could run on a cluster (for the portal's version picker). */
  async revisionCandidates(
    cluster: string,
    credentials: BackstageCredentials,
  ): Promise<RevisionCandidates> {
    await this.reader(credentials);
    return this.options.planner.revisionCandidates(cluster);
  }

  /** The plan and prechecks of a change, and whether it would need approval (a dry run). */
  async plan(
    body: CreateRequest,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const actor = await this.reader(credentials);
    await this.options.authorizer.authorizeCreate(
      actor,
      body.type,
      body.entityRef,
    );
    const entity = await this.entity(body.entityRef, credentials);
    await checkMigrationTarget(this.options, body, entity);
    return this.planFor(body, actor, entity, credentials);
  }

  /** The planner's plan and prechecks for `actor`, with the approval it would need. */
  private async planFor(
    body: CreateRequest,
    actor: Actor,
    entity: Entity | undefined,
    credentials: BackstageCredentials,
  ): Promise<RequestPlan> {
    const spec = changeSpec(body, this.options.settings.defaults, entity);
    const planned = await this.options.planner.plan(spec);
    const shared = await this.approval.sharedWith(spec, actor, credentials);
    const approval = await this.approval.approvalFor(
      body.type,
      actor,
      entity,
      shared,
    );
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
  ): Promise<UpgradeRequest> {
    return this.createFor(
      await this.reader(credentials),
      body,
      credentials,
      req,
    );
  }

  private async createFor(
    actor: Actor,
    body: CreateRequest,
    credentials: BackstageCredentials,
    req?: Request,
    rollbackOf?: StoredRequest,
  ): Promise<UpgradeRequest> {
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
        const { store } = this.options;
        // The same body gets the request it made, a different one a 422, whatever has happened since.
        const earlier = await earlierRequest(
          store,
          actor.ref,
          body,
          rollbackOf?.id,
        );
        if (earlier) return this.presenter.present(earlier, actor, false);
        const request = await this.insert(actor, body, credentials, rollbackOf);
        return this.presenter.present(request, actor, false);
      },
    );
  }

  /** Checks, plans and stores a new request, and tells of it (or finds the one a retry made). */
  private async insert(
    actor: Actor,
    body: CreateRequest,
    credentials: BackstageCredentials,
    rollbackOf: StoredRequest | undefined,
  ): Promise<StoredRequest> {
    const { authorizer, store, notifier, runner, settings } = this.options;
    await authorizer.authorizeCreate(actor, body.type, body.entityRef);
    const entity = await this.entity(body.entityRef, credentials);
    await checkMigrationTarget(this.options, body, entity);
    const spec = changeSpec(body, settings.defaults, entity);
    await checkTargetFree(store, body, actor);
    const planned = await planRequest(
      { planner: this.options.planner, approval: this.approval },
      spec,
      { actor, entity, credentials },
      rollbackOf,
    );
    const record = newRequestRecord(body, actor, planned, rollbackOf);
    const { request, created } = await store.insert(
      record.request,
      record.steps,
      record.event,
    );
    if (created) {
      if (rollbackOf) await store.setRolledBackBy(rollbackOf.id, request.id);
      await notifier.changed(request);
      if (request.state === 'approved') runner.poke(request.id);
    }
    return request;
  }

  /** A page of requests, with the decisions open to the caller on each (one permission batch). */
  async list(
    filter: RequestFilter,
    credentials: BackstageCredentials,
  ): Promise<UpgradeRequest[]> {
    const actor = await this.reader(credentials);
    const requests = await this.options.store.list(filter);
    return this.presenter.presentAll(requests, actor);
  }

  /** One request with its steps and event log. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<UpgradeRequest> {
    const actor = await this.reader(credentials);
    return this.presenter.present(await this.load(id), actor, true);
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
    const actor = await this.reader(credentials);
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
        return this.presenter.present(updated, actor, true);
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
    const actor = await this.reader(credentials);
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
    // An install is undone under its own revision's name; every other change goes back to where it came from.
    const revision =
      original.type === 'control-plane-install'
        ? original.revision
        : planRollback(original.plan).revision;
    return this.createFor(
      actor,
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
  /**
   * Makes one request of an approved campaign: planned and prechecked like any request, stored approved
   * under the campaign's approval (the campaign's requester asks, its approver has decided), and started.
   * The idempotency key makes a retried engine step find the request it made.
   *
   * @throws InputError when a precheck fails, ConflictError when the target has an active request
   */
  async createForCampaign(
    campaign: CampaignOrigin,
    body: CreateRequest,
    credentials: BackstageCredentials,
  ): Promise<StoredRequest> {
    const actor = campaignActor(campaign, credentials);
    const { store, settings } = this.options;
    const earlier = await earlierRequest(store, actor.ref, body, undefined);
    if (earlier) return earlier;
    const spec = changeSpec(body, settings.defaults, undefined);
    await checkTargetFree(store, body, actor);
    const planned = await planRequest(
      { planner: this.options.planner, approval: this.approval },
      spec,
      { actor, entity: undefined, credentials },
      undefined,
    );
    return this.insertForCampaign(
      campaign,
      newRequestRecord(body, actor, planned, undefined),
    );
  }

  /**
   * Rolls back a request of a campaign (a wave whose gate failed, or an aborted ring), under the
   * campaign's approval. Returns the rollback request (the one made earlier, when there is one).
   *
   * @throws ConflictError when the request is not succeeded or failed
   */
  async rollbackForCampaign(
    campaign: CampaignOrigin,
    id: string,
    credentials: BackstageCredentials,
  ): Promise<StoredRequest> {
    const { store } = this.options;
    const original = await this.load(id);
    if (original.rolledBackBy) return this.load(original.rolledBackBy);
    if (!DECISION_FROM.rollback.includes(original.state)) {
      throw new ConflictError(
        `Request ${id} is ${original.state}: only succeeded or failed requests are rolled back`,
      );
    }
    const actor = campaignActor(campaign, credentials);
    const revision =
      original.type === 'control-plane-install'
        ? original.revision
        : planRollback(original.plan).revision;
    const body: CreateRequest = {
      type: original.type,
      cluster: original.cluster,
      revision,
      target: original.target,
      options: original.options,
      idempotencyKey: `campaign-${campaign.id}-rollback-${original.id}`,
      comment: `Rollback of ${original.id} by campaign ${campaign.name}`,
    };
    const earlier = await earlierRequest(store, actor.ref, body, original.id);
    if (earlier) return earlier;
    const spec = changeSpec(body, this.options.settings.defaults, undefined);
    const planned = await planRequest(
      { planner: this.options.planner, approval: this.approval },
      spec,
      { actor, entity: undefined, credentials },
      original,
    );
    const request = await this.insertForCampaign(
      campaign,
      newRequestRecord(body, actor, planned, original),
    );
    await store.setRolledBackBy(original.id, request.id);
    return request;
  }

  /** The requests a campaign made. */
  async ofCampaign(ids: string[]): Promise<Map<string, StoredRequest>> {
    if (ids.length === 0) return new Map();
    const found = await this.options.store.getMany(ids);
    return new Map(found.map(r => [r.id, r]));
  }

  private async insertForCampaign(
    campaign: CampaignOrigin,
    record: ReturnType<typeof newRequestRecord>,
  ): Promise<StoredRequest> {
    const { store, notifier, runner } = this.options;
    const decidedAt = new Date().toISOString();
    const { request, created } = await store.insert(
      {
        ...record.request,
        state: 'approved',
        campaignId: campaign.id,
        approvalRequired: true,
        approvalReason: `made by campaign ${campaign.name}, approved by ${campaign.approvedBy}`,
        decidedBy: campaign.approvedBy,
        decidedAt,
        decisionComment: `Approved with campaign ${campaign.name} (${campaign.id})`,
      },
      record.steps,
      {
        ...record.event,
        message: `${record.event.message.split(';')[0]} for campaign ${
          campaign.name
        }; approved with the campaign by ${campaign.approvedBy}`,
      },
    );
    if (created) {
      await notifier.changed(request);
      runner.poke(request.id);
    }
    return request;
  }
}

/** The campaign a request is made for: who asked for the campaign, and who approved it. */
export interface CampaignOrigin {
  id: string;
  name: string;
  requestedBy: string;
  approvedBy: string;
}

/** The campaign's requester as the actor of its requests. */
function campaignActor(
  campaign: CampaignOrigin,
  credentials: BackstageCredentials,
): Actor {
  return {
    ref: campaign.requestedBy,
    isUser: true,
    trusted: false,
    credentials,
  };
}
