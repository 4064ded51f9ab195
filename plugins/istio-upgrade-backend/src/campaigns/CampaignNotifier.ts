import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  campaignLink,
  NamespaceScheduleChange,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { StoredCampaign } from './CampaignStore';
import { CampaignNotice } from './engine/campaignWorld';

/** The channel on which every change of a campaign is signalled to browsers. */
export const CAMPAIGNS_SIGNAL_CHANNEL = 'istio-upgrade:campaigns';

/**
 * Tells people what campaigns do, with Backstage notifications that link to the campaign: approvers
 * when one waits for them, the requester when it is decided, a wave's owners ahead of their wave, and
 * the platform team (the approvers) of every deferral, pause and end. Browsers get a signal on every
 * change. Failing to notify never stops a campaign.
 */
export class CampaignNotifier {
  constructor(
    private readonly options: {
      logger: LoggerService;
      approvers: string[];
      baseUrl: string;
      notifications?: NotificationService;
      signals?: SignalsService;
    },
  ) {}

  private async send(
    campaignId: string,
    recipients: string[],
    payload: {
      title: string;
      description?: string;
      severity: 'low' | 'normal' | 'high';
    },
  ): Promise<void> {
    try {
      await this.options.signals?.publish({
        recipients: { type: 'broadcast' },
        channel: CAMPAIGNS_SIGNAL_CHANNEL,
        message: { id: campaignId },
      });
    } catch (error) {
      this.options.logger.debug(
        `Signal for campaign ${campaignId} not sent: ${error}`,
      );
    }
    if (!this.options.notifications || recipients.length === 0) return;
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...payload,
          link: campaignLink(this.options.baseUrl, campaignId),
          topic: `istio-upgrade-campaign:${campaignId}`,
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Notification for campaign ${campaignId} not sent: ${
          (error as Error).message
        }`,
      );
    }
  }

  async created(campaign: StoredCampaign): Promise<void> {
    await this.send(campaign.id, this.options.approvers, {
      title: `Istio campaign "${campaign.name}" to ${campaign.targetVersion} waits for approval`,
      description: `${campaign.requestedBy} asked for it: ${campaign.plan.requests} requests over ${campaign.clusters.length} clusters in ${campaign.plan.rings.length} rings.`,
      severity: 'high',
    });
  }

  async decided(
    campaign: StoredCampaign,
    action: string,
    actor: string,
  ): Promise<void> {
    const recipients = [
      ...new Set([
        ...(campaign.requestedBy.startsWith('user:')
          ? [campaign.requestedBy]
          : []),
        ...this.options.approvers,
      ]),
    ];
    await this.send(campaign.id, recipients, {
      title: `Istio campaign "${campaign.name}": ${action} by ${actor}`,
      description: campaign.decisionComment,
      severity: action === 'abort' || action === 'reject' ? 'high' : 'normal',
    });
  }

  /** The platform team sees every deferral and opt-in. */
  async scheduleChanged(
    campaign: StoredCampaign,
    action: 'defer' | 'opt-in',
    change: NamespaceScheduleChange,
    actor: string,
  ): Promise<void> {
    await this.send(campaign.id, this.options.approvers, {
      title: `Istio campaign "${campaign.name}": ${actor} ${
        action === 'defer' ? 'deferred' : 'opted in'
      } ${change.cluster}/${change.namespace}`,
      description:
        action === 'defer'
          ? `For ${change.entityRef}, by ${
              change.seconds ?? 'the most allowed'
            } seconds.`
          : `For ${change.entityRef}: into the earliest wave that has not started.`,
      severity: 'normal',
    });
  }

  /** A notice of the engine: owners ahead of their wave, the platform team of a pause or the end. */
  async notice(notice: CampaignNotice): Promise<void> {
    const recipients = [
      ...new Set([
        ...(notice.owners ?? []),
        ...(notice.platform ? this.options.approvers : []),
      ]),
    ];
    await this.send(notice.campaign.id, recipients, {
      title: notice.title,
      description: notice.description,
      severity: notice.platform ? 'high' : 'normal',
    });
  }
}
