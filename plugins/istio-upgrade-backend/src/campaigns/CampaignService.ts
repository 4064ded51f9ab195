import {
  AuditorService,
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import {
  Campaign,
  CampaignPlan,
  CampaignState,
  CampaignWave,
  CreateCampaign,
  NamespaceScheduleChange,
  ScheduledNamespace,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { randomUUID } from 'node:crypto';
import { Request } from 'express';
import { auditedCall } from '../permissions/auditedCall';
import { Actor, RequestAuthorizer } from '../permissions/RequestAuthorizer';
import { CampaignSettings } from './campaignConfig';
import {
  ACTIVE_CAMPAIGN_STATES,
  CampaignChange,
  CampaignFilter,
  CampaignStore,
  NamespaceSchedule,
  StoredCampaign,
} from './CampaignStore';
import { CampaignNotifier } from './CampaignNotifier';
import { CampaignPlanningContext, planCampaign } from './planning/planCampaign';
import {
  normalizeCampaignSpec,
  validateCampaign,
} from './spec/validateCampaign';
import {
  annotatedWindows,
  windowOpenAt,
  windowsFor,
} from './windows/maintenanceWindows';

/** The decisions on a campaign. */
export type CampaignAction =
  | 'approve'
  | 'reject'
  | 'pause'
  | 'resume'
  | 'abort';

/** Which states each decision applies to, and where it leads. */
const DECISIONS: Record<
  CampaignAction,
  { from: CampaignState[]; to?: CampaignState; verb: string }
> = {
  approve: { from: ['pending-approval'], to: 'approved', verb: 'Approved' },
  reject: { from: ['pending-approval'], to: 'rejected', verb: 'Rejected' },
  pause: { from: ['approved', 'running'], verb: 'Pause asked' },
  resume: { from: ['paused'], to: 'running', verb: 'Resumed' },
  abort: {
    from: ['approved', 'running', 'paused'],
    to: 'aborting',
    verb: 'Abort asked',
  },
};

/** What reads the inventory for campaigns: a cluster's inventory, and an entity's namespaces. */
export interface CampaignInventory {
  clusterInventory: CampaignPlanningContext['inventory'];
  entityNamespaces(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Array<{ cluster: string; namespace: string }>>;
}

/**
 * What the REST API and actions do with campaigns: plan (dry run), create, list, read, decide (approve,
 * reject, pause, resume, abort), skip a cluster, and owners' deferrals and opt-ins, with permissions,
 * the plugin's floor (people decide; nobody approves their own campaign) and audit.
 */
export class CampaignService {
  constructor(
    private readonly options: {
      store: CampaignStore;
      catalog: CatalogService;
      auth: AuthService;
      inventory: CampaignInventory;
      authorizer: RequestAuthorizer;
      auditor: AuditorService;
      notifier: CampaignNotifier;
      settings: CampaignSettings;
      gated(cluster: string): boolean;
      /** The request planner's prechecks of a planned request (see {@link CampaignPlanningContext.precheck}). */
      precheck?: CampaignPlanningContext['precheck'];
      /** Called when a campaign may have work for the engine (approved, resumed, aborted). */
      poke(id: string): void;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async reader(credentials: BackstageCredentials): Promise<Actor> {
    const { authorizer } = this.options;
    const actor = authorizer.actor(credentials);
    await authorizer.authorizeRead(actor);
    return actor;
  }

  private async manager(credentials: BackstageCredentials): Promise<Actor> {
    const actor = await this.reader(credentials);
    const reason = await this.options.authorizer.whyNotManageCampaigns(actor);
    if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
    return actor;
  }

  private audit<T>(
    eventId: string,
    req: Request | undefined,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    return auditedCall(this.options.auditor, eventId, req, meta, fn);
  }

  private async clusterEntities(): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': 'kubernetes-cluster' } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items;
  }

  /**
   * Checks a campaign's body and plans it against the fleet as it is now.
   *
   * @throws InputError for bad input, or naming each cluster the target is not allowed on, with why
   */
  private async planned(
    body: CreateCampaign,
  ): Promise<{ plan: CampaignPlan; clusters: string[] }> {
    const { settings } = this.options;
    const entities = await this.clusterEntities();
    const rings = validateCampaign(body, { clusterEntities: entities });
    const spec = normalizeCampaignSpec(body, settings);
    const byName = new Map(entities.map(e => [e.metadata.name, e]));
    const { plan, problems } = await planCampaign(spec, rings, {
      inventory: cluster => this.options.inventory.clusterInventory(cluster),
      windowsFor: cluster => {
        const entity = byName.get(cluster);
        // The request's windows win whole: a cluster's annotation is read only when it has none.
        const requested =
          spec.windows !== undefined &&
          (cluster in spec.windows || '*' in spec.windows);
        return windowsFor(cluster, {
          config: settings.maintenanceWindows,
          annotation:
            entity && !requested ? annotatedWindows(entity) : undefined,
          request: spec.windows,
        });
      },
      windowState: windowOpenAt,
      gated: cluster => this.options.gated(cluster),
      precheck: this.options.precheck,
      now: this.now(),
    });
    if (problems.length > 0) {
      throw new InputError(
        `The campaign cannot go to ${problems
          .map(p => `${p.cluster}: ${p.reason}`)
          .join('; ')}`,
      );
    }
    const clusters = rings.flatMap(r => r.clusters);
    return { plan, clusters };
  }

  /** The dry run: every request the campaign would make, per ring, cluster and wave. */
  async plan(
    body: CreateCampaign,
    credentials: BackstageCredentials,
  ): Promise<CampaignPlan> {
    await this.manager(credentials);
    return (await this.planned(body)).plan;
  }

  /**
   * Stores a campaign, waiting for a platform approver. Its clusters are held: a second active campaign
   * on one of them is refused.
   *
   * @throws ConflictError when a cluster is held by another active campaign
   */
  async create(
    body: CreateCampaign,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<Campaign> {
    const actor = await this.manager(credentials);
    return this.audit(
      'campaign-create',
      req,
      {
        actor: actor.ref,
        name: body.name,
        targetVersion: body.targetVersion,
      },
      async () => {
        const { plan, clusters } = await this.planned(body);
        const spec = normalizeCampaignSpec(body, this.options.settings);
        for (const cluster of clusters) {
          const holder = await this.options.store.activeFor(cluster);
          if (holder) {
            throw new ConflictError(
              `Cluster ${cluster} is already in campaign ${holder.name} (${holder.id}, ${holder.state}): one active campaign per cluster`,
            );
          }
        }
        const stored = await this.options.store.insert(
          {
            id: randomUUID(),
            name: body.name,
            state: 'pending-approval',
            targetVersion: body.targetVersion,
            spec,
            plan,
            clusters,
            requestedBy: actor.ref,
            requestedAt: this.now().toISOString(),
            comment: body.comment,
          },
          {
            type: 'created',
            message: `Asked by ${actor.ref}: ${plan.requests} requests over ${clusters.length} clusters in ${plan.rings.length} rings; waits for a platform approver`,
            actor: actor.ref,
          },
        );
        await this.options.notifier.created(stored);
        return this.present(stored, actor, false);
      },
    );
  }

  async list(
    filter: CampaignFilter,
    credentials: BackstageCredentials,
  ): Promise<Campaign[]> {
    const actor = await this.reader(credentials);
    const campaigns = await this.options.store.list(filter);
    const whyNot = await this.options.authorizer.whyNotManageCampaigns(actor);
    return Promise.all(
      campaigns.map(c => this.present(c, actor, false, { whyNot })),
    );
  }

  async get(id: string, credentials: BackstageCredentials): Promise<Campaign> {
    const actor = await this.reader(credentials);
    return this.present(await this.load(id), actor, true);
  }

  private async load(id: string): Promise<StoredCampaign> {
    const campaign = await this.options.store.get(id);
    if (!campaign) throw new NotFoundError(`No campaign ${id}`);
    return campaign;
  }

  /** A campaign as the API shows it, with the decisions open to the caller (who may manage campaigns unless `manage` says why not). */
  private async present(
    c: StoredCampaign,
    actor: Actor,
    withEvents: boolean,
    manage?: { whyNot: string | undefined },
  ): Promise<Campaign> {
    const { whyNot } = manage ?? {
      whyNot: await this.options.authorizer.whyNotManageCampaigns(actor),
    };
    const allowed: Campaign['allowedActions'] = [];
    if (!whyNot) {
      for (const action of Object.keys(DECISIONS) as CampaignAction[]) {
        if (!DECISIONS[action].from.includes(c.state)) continue;
        if (
          (action === 'approve' || action === 'reject') &&
          actor.ref === c.requestedBy
        )
          continue;
        if (action === 'pause' && c.pauseRequested) continue;
        allowed.push(action);
      }
      if (['approved', 'running', 'paused'].includes(c.state))
        allowed.push('skip');
    }
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      targetVersion: c.targetVersion,
      requestedBy: c.requestedBy,
      requestedAt: c.requestedAt,
      updatedAt: c.updatedAt,
      ...(c.startedAt ? { startedAt: c.startedAt } : {}),
      ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}),
      ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}),
      ...(c.decidedAt ? { decidedAt: c.decidedAt } : {}),
      ...(c.comment ? { comment: c.comment } : {}),
      ...(c.pausedReason ? { pausedReason: c.pausedReason } : {}),
      ...(c.error ? { error: c.error } : {}),
      ...(c.currentRing !== undefined ? { currentRing: c.currentRing } : {}),
      spec: c.spec,
      plan: c.plan,
      ...(withEvents
        ? {
            events: (await this.options.store.events(c.id))
              .map(e => ({
                id: e.id,
                at: e.at,
                type: e.type,
                message: e.message,
                ...(e.actor ? { actor: e.actor } : {}),
                ...(e.cluster ? { cluster: e.cluster } : {}),
              }))
              .reverse(),
          }
        : {}),
      allowedActions: allowed,
    };
  }

  /** Approves, rejects, pauses, resumes or aborts a campaign. */
  async decide(
    action: CampaignAction,
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<Campaign> {
    const actor = await this.manager(credentials);
    return this.audit(
      `campaign-${action}`,
      req,
      { actor: actor.ref, campaignId: id },
      async () => {
        const { store, notifier } = this.options;
        const campaign = await this.load(id);
        const decision = DECISIONS[action];
        if (!decision.from.includes(campaign.state)) {
          throw new ConflictError(
            `Campaign ${id} is ${campaign.state}: it cannot be ${
              action === 'abort' ? 'aborted' : `${action}d`
            } (only when ${decision.from.join(' or ')})`,
          );
        }
        if (
          (action === 'approve' || action === 'reject') &&
          (actor.ref === campaign.requestedBy || !actor.isUser)
        ) {
          throw new NotAllowedError(
            `Not allowed: ${
              actor.isUser
                ? 'nobody approves or rejects their own campaign'
                : 'campaigns are approved by people'
            }`,
          );
        }
        const note = comment ? `: ${comment}` : '';
        const event = {
          type: action === 'pause' ? 'paused' : `${action}d`,
          message: `${decision.verb} by ${actor.ref}${note}`,
          actor: actor.ref,
        };
        let moved: boolean;
        if (action === 'pause') {
          moved = await store.requestPause(id);
          if (moved) await store.appendEvent(id, event);
        } else {
          moved = await store.transition(
            id,
            decision.from,
            decision.to!,
            changeOf(action, actor.ref, comment, this.now().toISOString()),
            event,
          );
        }
        if (!moved) {
          throw new ConflictError(
            `Campaign ${id} changed meanwhile; it is no longer ${campaign.state}`,
          );
        }
        const updated = await this.load(id);
        await notifier.decided(updated, action, actor.ref);
        this.options.poke(id);
        return this.present(updated, actor, true);
      },
    );
  }

  /** Leaves a cluster out of the rest of a campaign. */
  async skipCluster(
    id: string,
    cluster: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<Campaign> {
    const actor = await this.manager(credentials);
    return this.audit(
      'campaign-skip-cluster',
      req,
      { actor: actor.ref, campaignId: id, cluster },
      async () => {
        const campaign = await this.load(id);
        if (!campaign.clusters.includes(cluster)) {
          throw new NotFoundError(`Campaign ${id} has no cluster ${cluster}`);
        }
        if (!['approved', 'running', 'paused'].includes(campaign.state)) {
          throw new ConflictError(
            `Campaign ${id} is ${campaign.state}: its clusters cannot be skipped`,
          );
        }
        await this.options.store.requestSkip(id, cluster);
        await this.options.store.appendEvent(id, {
          type: 'cluster',
          message: `Skip of ${cluster} asked by ${actor.ref}${
            comment ? `: ${comment}` : ''
          }`,
          actor: actor.ref,
          cluster,
        });
        this.options.poke(id);
        return this.present(await this.load(id), actor, true);
      },
    );
  }

  /** Where each namespace of an entity stands in the active campaigns. */
  async entityWaves(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ScheduledNamespace[]> {
    const actor = await this.reader(credentials);
    const namespaces = await this.options.inventory.entityNamespaces(
      entityRef,
      credentials,
    );
    if (namespaces.length === 0) return [];
    const mayChange = !(await this.options.authorizer.whyNotMigrateFor(
      actor,
      entityRef,
    ));
    const wanted = new Set(namespaces.map(n => `${n.cluster}/${n.namespace}`));
    const schedules = new Map(
      (await this.options.store.schedulesFor(namespaces)).map(s => [
        `${s.campaignId}/${s.cluster}/${s.namespace}`,
        s,
      ]),
    );
    const campaigns = await this.options.store.list({
      states: ACTIVE_CAMPAIGN_STATES,
      limit: 200,
    });
    const found: ScheduledNamespace[] = [];
    for (const c of campaigns) {
      for (const ring of c.plan.rings) {
        for (const cluster of ring.clusters) {
          const pending = cluster.waves.filter(
            w => w.kind === 'namespaces' && w.state === 'pending',
          );
          for (const wave of cluster.waves) {
            for (const ns of wave.namespaces) {
              if (!wanted.has(`${cluster.cluster}/${ns.namespace}`)) continue;
              const s = schedules.get(
                `${c.id}/${cluster.cluster}/${ns.namespace}`,
              );
              found.push(
                scheduled(c, ring.name, cluster.cluster, wave, ns.namespace, {
                  schedule: s,
                  canDefer:
                    mayChange && wave.state === 'pending' && !s?.deferredUntil,
                  canOptIn:
                    mayChange &&
                    wave.state === 'pending' &&
                    !s?.optedInBy &&
                    pending[0] !== wave,
                  maxDeferSeconds:
                    c.spec.maxDeferSeconds ??
                    this.options.settings.maxDeferSeconds,
                }),
              );
            }
          }
        }
      }
    }
    return found;
  }

  /** An owner defers their namespace once, or opts it into the earliest wave. */
  async changeSchedule(
    action: 'defer' | 'opt-in',
    id: string,
    change: NamespaceScheduleChange,
    credentials: BackstageCredentials,
    req?: Request,
  ): Promise<ScheduledNamespace> {
    const actor = await this.reader(credentials);
    return this.audit(
      `campaign-namespace-${action}`,
      req,
      {
        actor: actor.ref,
        campaignId: id,
        cluster: change.cluster,
        namespace: change.namespace,
        entityRef: change.entityRef,
      },
      async () => {
        const reason = await this.options.authorizer.whyNotMigrateFor(
          actor,
          change.entityRef,
        );
        if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
        const owned = await this.options.inventory.entityNamespaces(
          change.entityRef,
          credentials,
        );
        if (
          !owned.some(
            n =>
              n.cluster === change.cluster && n.namespace === change.namespace,
          )
        ) {
          throw new NotAllowedError(
            `Not allowed: ${change.entityRef} has no workloads in ${change.cluster}/${change.namespace}`,
          );
        }
        const campaign = await this.load(id);
        if (!ACTIVE_CAMPAIGN_STATES.includes(campaign.state)) {
          throw new ConflictError(`Campaign ${id} is ${campaign.state}`);
        }
        const place = findNamespace(campaign, change.cluster, change.namespace);
        if (!place) {
          throw new NotFoundError(
            `Campaign ${id} does not migrate ${change.cluster}/${change.namespace}`,
          );
        }
        if (place.wave.state !== 'pending') {
          throw new ConflictError(
            `The wave of ${change.namespace} is ${place.wave.state}: only a wave that has not started can change`,
          );
        }
        const { store, notifier } = this.options;
        const at = this.now();
        const max =
          campaign.spec.maxDeferSeconds ??
          this.options.settings.maxDeferSeconds;
        if (action === 'defer') {
          const seconds = change.seconds ?? max;
          if (seconds > max) {
            throw new InputError(
              `A deferral of ${seconds} s is longer than this campaign allows (${max} s)`,
            );
          }
          const until = new Date(at.getTime() + seconds * 1000).toISOString();
          const done = await store.defer(
            id,
            change.cluster,
            change.namespace,
            until,
            actor.ref,
          );
          if (!done) {
            throw new ConflictError(
              `${change.cluster}/${change.namespace} was already deferred once in this campaign`,
            );
          }
          await store.appendEvent(id, {
            type: 'deferred',
            message: `${actor.ref} deferred ${change.namespace} until ${until}`,
            actor: actor.ref,
            cluster: change.cluster,
          });
        } else {
          const earlier = (await store.schedules(id)).find(
            x =>
              x.cluster === change.cluster && x.namespace === change.namespace,
          );
          if (
            earlier?.deferredUntil &&
            Date.parse(earlier.deferredUntil) > at.getTime()
          ) {
            throw new ConflictError(
              `${change.cluster}/${change.namespace} is deferred until ${earlier.deferredUntil}: the deferral holds until then`,
            );
          }
          const done = await store.optIn(
            id,
            change.cluster,
            change.namespace,
            actor.ref,
            at.toISOString(),
          );
          if (!done) {
            throw new ConflictError(
              `${change.cluster}/${change.namespace} already opted in`,
            );
          }
          await store.appendEvent(id, {
            type: 'opt-in',
            message: `${actor.ref} opted ${change.namespace} into the earliest wave`,
            actor: actor.ref,
            cluster: change.cluster,
          });
        }
        await notifier.scheduleChanged(campaign, action, change, actor.ref);
        this.options.poke(id);
        const schedules = await store.schedules(id);
        const s = schedules.find(
          x => x.cluster === change.cluster && x.namespace === change.namespace,
        );
        return scheduled(
          campaign,
          place.ring,
          change.cluster,
          place.wave,
          change.namespace,
          {
            schedule: s,
            canDefer: action !== 'defer' && !s?.deferredUntil,
            canOptIn: false,
            maxDeferSeconds: max,
          },
        );
      },
    );
  }
}

/** The columns a decision sets on a campaign. */
function changeOf(
  action: Exclude<CampaignAction, 'pause'>,
  actor: string,
  comment: string | undefined,
  at: string,
): CampaignChange {
  const decided = {
    decidedBy: actor,
    decidedAt: at,
    ...(comment ? { decisionComment: comment } : {}),
  };
  switch (action) {
    case 'approve':
      return decided;
    case 'reject':
      return { ...decided, finishedAt: at };
    case 'resume':
      return { pausedReason: null, pauseRequested: false };
    default:
      return {};
  }
}

function findNamespace(
  campaign: StoredCampaign,
  cluster: string,
  namespace: string,
): { ring: string; wave: CampaignWave } | undefined {
  for (const ring of campaign.plan.rings) {
    for (const c of ring.clusters) {
      if (c.cluster !== cluster) continue;
      for (const wave of c.waves) {
        if (wave.namespaces.some(ns => ns.namespace === namespace)) {
          return { ring: ring.name, wave };
        }
      }
    }
  }
  return undefined;
}

function scheduled(
  campaign: StoredCampaign,
  ring: string,
  cluster: string,
  wave: CampaignWave,
  namespace: string,
  extra: {
    schedule: NamespaceSchedule | undefined;
    canDefer: boolean;
    canOptIn: boolean;
    maxDeferSeconds: number;
  },
): ScheduledNamespace {
  const s = extra.schedule;
  return {
    campaignId: campaign.id,
    campaignName: campaign.name,
    cluster,
    namespace,
    ring,
    wave: wave.index,
    state: wave.state,
    ...(wave.startedAt ? { estimatedStart: wave.startedAt } : {}),
    ...(s?.notifiedAt ? { notifiedAt: s.notifiedAt } : {}),
    ...(s?.deferredUntil ? { deferredUntil: s.deferredUntil } : {}),
    ...(s?.deferredBy ? { deferredBy: s.deferredBy } : {}),
    ...(s?.optedInBy ? { optedInBy: s.optedInBy } : {}),
    canDefer: extra.canDefer,
    canOptIn: extra.canOptIn,
    maxDeferSeconds: extra.maxDeferSeconds,
  };
}
