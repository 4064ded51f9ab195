import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  Actor,
  DecisionAction,
  RequestAuthorizer,
} from '../permissions/RequestAuthorizer';
import { DECISION_FROM } from './requestStates';
import { RequestStore, StoredRequest } from './RequestStore';

const ACTIONS: DecisionAction[] = ['approve', 'reject', 'cancel', 'rollback'];

type Decisions = Pick<UpgradeRequest, 'allowedActions'> &
  Partial<Pick<UpgradeRequest, 'notAllowedBecause'>>;

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
    ...optional('campaignId', r.campaignId),
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
 * A stored request as the API serves it to one caller: the decisions open to them on it, and (for a
 * single request) its steps and event log.
 */
export class RequestPresenter {
  constructor(
    private readonly options: {
      store: RequestStore;
      authorizer: RequestAuthorizer;
    },
  ) {}

  /** The decisions open to `actor` on each request, from one batch of permission questions. */
  private async decisionsOn(
    requests: StoredRequest[],
    actor: Actor,
  ): Promise<Decisions[]> {
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

  /** Requests as a list shows them, without their steps and events (one permission batch). */
  async presentAll(
    requests: StoredRequest[],
    actor: Actor,
  ): Promise<UpgradeRequest[]> {
    const decisions = await this.decisionsOn(requests, actor);
    return requests.map((r, i) => apiRequest(r, decisions[i]));
  }

  /** One request, with its steps and event log when `withLog`. */
  async present(
    request: StoredRequest,
    actor: Actor,
    withLog: boolean,
  ): Promise<UpgradeRequest> {
    const [decisions] = await this.decisionsOn([request], actor);
    if (!withLog) return apiRequest(request, decisions);
    const { store } = this.options;
    const [steps, events] = await Promise.all([
      store.steps(request.id),
      store.events(request.id),
    ]);
    return apiRequest(request, {
      ...decisions,
      steps: steps.map(s => ({
        index: s.index,
        name: s.name,
        state: s.state,
        ...(s.description ? { description: s.description } : {}),
        ...(s.startedAt ? { startedAt: s.startedAt } : {}),
        ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
        ...(s.message ? { message: s.message } : {}),
      })),
      events: events.map(e => ({
        id: e.id,
        at: e.at,
        type: e.type,
        message: e.message,
        ...(e.actor ? { actor: e.actor } : {}),
      })),
    });
  }
}
