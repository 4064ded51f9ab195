import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  isFinalRequestState,
  requestLink,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestObserver } from './execution/RequestExecution';
import { StoredRequest } from './RequestStore';

/** The channel on which every change of a request is signalled to browsers. */
export const REQUESTS_SIGNAL_CHANNEL = 'istio-upgrade:requests';

function targetOf(request: StoredRequest): string {
  const t = request.target;
  if (t.tag) return `tag ${t.tag}`;
  if (t.service) return `${t.namespace}/${t.service}`;
  return `namespace ${t.namespace}`;
}

/**
 * Tells the world what requests do: every cluster write is an auditor event; the requester hears
 * (Backstage notifications) when a request needs attention or ends, approvers when one waits for them;
 * browsers get a signal on every change so open pages update without polling hard. Failing to notify
 * never fails the request.
 */
export class RequestNotifier implements RequestObserver {
  /** The last state seen of each active request, so that a state is announced once. */
  private lastState = new Map<string, string>();
  /** The end state of requests that ended lately (bounded), so a repeated end is not announced again. */
  private ended = new Map<string, string>();
  private static readonly ENDED_KEPT = 1000;

  constructor(
    private readonly options: {
      auditor: AuditorService;
      logger: LoggerService;
      approvers: string[];
      baseUrl: string;
      notifications?: NotificationService;
      signals?: SignalsService;
    },
  ) {}

  private link(request: StoredRequest): string {
    return requestLink(this.options.baseUrl, request.id);
  }

  async clusterWrite(
    request: StoredRequest,
    description: string,
    error?: Error,
  ): Promise<void> {
    const event = await this.options.auditor.createEvent({
      eventId: 'cluster-write',
      severityLevel: 'high',
      meta: {
        requestId: request.id,
        type: request.type,
        cluster: request.cluster,
        write: description,
      },
    });
    if (error) await event.fail({ error });
    else await event.success();
  }

  /** Requests whose state the notifier keeps (active ones; ended ones are dropped). */
  get trackedRequests(): number {
    return this.lastState.size;
  }

  async changed(request: StoredRequest): Promise<void> {
    await this.signal(request);
    const known = this.lastState.get(request.id) ?? this.ended.get(request.id);
    if (known === request.state) return;
    if (isFinalRequestState(request.state)) {
      this.lastState.delete(request.id);
      this.ended.delete(request.id);
      this.ended.set(request.id, request.state);
      if (this.ended.size > RequestNotifier.ENDED_KEPT) {
        this.ended.delete(this.ended.keys().next().value!);
      }
    } else {
      this.ended.delete(request.id);
      this.lastState.set(request.id, request.state);
    }
    if (request.state === 'pending-approval') {
      await this.notify(
        this.options.approvers,
        {
          title: `Istio ${request.type} waits for approval: ${targetOf(
            request,
          )} in ${request.cluster} → ${request.revision}`,
          description: `${request.requestedBy} asked for it.${
            request.approvalReason ? ` ${request.approvalReason}.` : ''
          }`,
          severity: 'high',
        },
        request,
      );
    } else if (isFinalRequestState(request.state)) {
      const severities: Record<string, 'low' | 'normal' | 'high'> = {
        succeeded: 'normal',
        cancelled: 'low',
      };
      const severity = severities[request.state] ?? 'high';
      await this.notify(
        request.requestedBy.startsWith('user:') ? [request.requestedBy] : [],
        {
          title: `Istio ${request.type} ${request.state}: ${targetOf(
            request,
          )} in ${request.cluster} → ${request.revision}`,
          description: request.error ?? request.decisionComment ?? undefined,
          severity,
        },
        request,
      );
    }
  }

  private async signal(request: StoredRequest): Promise<void> {
    try {
      await this.options.signals?.publish({
        recipients: { type: 'broadcast' },
        channel: REQUESTS_SIGNAL_CHANNEL,
        message: {
          id: request.id,
          state: request.state,
          podsMigrated: request.podsMigrated,
          podsInScope: request.podsInScope,
        },
      });
    } catch (error) {
      this.options.logger.debug(
        `Signal for request ${request.id} not sent: ${error}`,
      );
    }
  }

  private async notify(
    recipients: string[],
    payload: {
      title: string;
      description?: string;
      severity: 'low' | 'normal' | 'high';
    },
    request: StoredRequest,
  ): Promise<void> {
    if (!this.options.notifications || recipients.length === 0) return;
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...payload,
          link: this.link(request),
          topic: `istio-upgrade:${request.id}`,
          scope: `istio-upgrade:${request.id}`,
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Notification for request ${request.id} not sent: ${
          (error as Error).message
        }`,
      );
    }
  }
}
