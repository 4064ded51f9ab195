import { PlannedCampaignRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { changeSpec } from '../../requests/changeSpec';
import { RequestSettings } from '../../requests/requestConfig';
import { RequestPlanner } from '../../requests/RequestPlanner';

/**
 * The request planner's prechecks of a request a campaign plans, as the campaign's dry run asks for
 * them: undefined when they pass, else the failed checks (or the planner's refusal) in words. The
 * same prechecks run again when the campaign makes the request, against the cluster as it is then.
 */
export function requestPrechecks(options: {
  planner: Pick<RequestPlanner, 'plan'>;
  defaults: RequestSettings['defaults'];
}): (request: PlannedCampaignRequest) => Promise<string | undefined> {
  const { planner, defaults } = options;
  return async request => {
    try {
      const planned = await planner.plan(
        changeSpec(
          {
            type: request.type,
            cluster: request.cluster,
            revision: request.revision,
            target: request.target,
          },
          defaults,
        ),
      );
      if (planned.passed) return undefined;
      return planned.prechecks
        .filter(c => c.status === 'fail')
        .map(c => c.message)
        .join('; ');
    } catch (error) {
      return (error as Error).message;
    }
  };
}
