import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The istio-upgrade control-plane entity provider. */
      istioUpgrade?: {
        /**
         * How often the fleet is read and the catalog updated (the bound on the update rate). Default
         * every 30 seconds, with a one-minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
