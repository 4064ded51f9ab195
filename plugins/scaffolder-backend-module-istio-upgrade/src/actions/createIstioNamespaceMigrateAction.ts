import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  isFinalRequestState,
  IstioUpgradeApiClient,
  migrationNamespace,
  requestLink,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { callsOnBehalfOf } from './callsOnBehalfOf';

/**
 * The action's id in templates.
 *
 * @public
 */
export const ISTIO_NAMESPACE_MIGRATE_ACTION_ID = 'istio:namespace:migrate';

/**
 * Reads a request until it ends, writing each new event and progress to the task log.
 *
 * @throws Error when `signal` aborts or `timeoutMs` passes first
 */
async function followRequest(options: {
  getRequest: () => Promise<UpgradeRequest>;
  id: string;
  logger: LoggerService;
  pollIntervalMs: number;
  timeoutMs: number;
  link: string;
  signal?: AbortSignal;
}): Promise<UpgradeRequest> {
  const { getRequest, id, logger, pollIntervalMs, timeoutMs, link, signal } =
    options;
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<number>();
  let progress = '';
  for (;;) {
    const request = await getRequest();
    for (const event of request.events ?? []) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      logger.info(`${event.type}: ${event.message}`);
    }
    const now = `${request.progress.podsMigrated}/${request.progress.podsInScope}`;
    if (now !== progress && request.progress.podsInScope > 0) {
      progress = now;
      logger.info(
        `Progress: ${now} pods on ${request.revision}${
          request.progress.currentStep
            ? ` (step ${request.progress.currentStep})`
            : ''
        }`,
      );
    }
    if (isFinalRequestState(request.state)) return request;
    if (signal?.aborted) {
      throw new Error(
        `Stopped following request ${id} (${request.state}); it goes on: ${link}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Request ${id} is still ${request.state} after ${Math.round(
          timeoutMs / 60_000,
        )} minutes; follow it at ${link}`,
      );
    }
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done);
    });
  }
}

/**
 * The template action `istio:namespace:migrate`: asks the istio-upgrade plugin to move an entity's
 * namespace in a cluster to another Istio revision, on behalf of the template's initiator, and follows
 * the request to its end in the task log.
 *
 * @public
 */
export function createIstioNamespaceMigrateAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  /** The app's base URL, for the link to the request's page. */
  appBaseUrl: string;
  /** How often the request is read while waiting. Default 3 s. */
  pollIntervalMs?: number;
}) {
  const client = new IstioUpgradeApiClient({ discoveryApi: options.discovery });
  const pollIntervalMs = options.pollIntervalMs ?? 3000;
  return createTemplateAction({
    id: ISTIO_NAMESPACE_MIGRATE_ACTION_ID,
    description:
      "Moves a catalog entity's namespace in a cluster to another Istio revision through the istio-upgrade plugin (relabel, then rolling restarts in waves, rolled back on failure), on behalf of the person running the template, and waits for the request to end. The request waits for approval when the plugin's policy says so.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Move the chosen service to 1-30-4 in prod-eu',
        example: `steps:
  - id: migrate
    name: Move to the new Istio revision
    action: istio:namespace:migrate
    input:
      entityRef: \${{ parameters.entityRef }}
      cluster: prod-eu
      revision: 1-30-4`,
      },
    ],
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity whose namespace moves, e.g. component:default/storefront',
            ),
        cluster: z =>
          z
            .string()
            .describe('The cluster: the name of its kubernetes-cluster entity'),
        revision: z =>
          z.string().describe('The target Istio revision, e.g. 1-30-4'),
        namespace: z =>
          z
            .string()
            .optional()
            .describe(
              "The namespace; needed only when the entity's workloads run in several namespaces of the cluster",
            ),
        comment: z =>
          z
            .string()
            .max(1000)
            .optional()
            .describe('Why the change is asked, shown to approvers'),
        waitForCompletion: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait for the request to end, and fail the step when it does not succeed (default); false ends the step once the request is stored',
            ),
        timeoutMinutes: z =>
          z
            .number()
            .int()
            .min(1)
            .max(24 * 60)
            .optional()
            .describe(
              'How long to wait for the request to end, approval included (default 60)',
            ),
      },
      output: {
        requestId: z =>
          z.string().describe('The istio-upgrade request id').optional(),
        link: z =>
          z.string().describe("The request's page in the portal").optional(),
        state: z =>
          z
            .string()
            .describe('The request state when the step ended')
            .optional(),
        namespace: z =>
          z.string().describe('The namespace that moves').optional(),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      const entity = parseEntityRef(input.entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
      const entityRef = stringifyEntityRef(entity);
      const call = callsOnBehalfOf(options.auth, () =>
        ctx.getInitiatorCredentials(),
      );

      const view = await call(o => client.getEntityView(entity, o));
      const namespace = migrationNamespace(
        view,
        entityRef,
        input.cluster,
        input.namespace,
      );
      ctx.output('namespace', namespace);
      const body = {
        type: 'namespace-migration' as const,
        cluster: input.cluster,
        revision: input.revision,
        target: { namespace },
        entityRef,
        ...(input.comment && { comment: input.comment }),
      };

      const plan = await call(o => client.planRequest(body, o));
      logger.info(plan.plan.summary);
      for (const check of plan.prechecks.checks) {
        if (check.status !== 'pass') {
          logger.warn(`Precheck ${check.id} ${check.status}: ${check.message}`);
        }
      }
      if (!plan.prechecks.passed) {
        throw new InputError(
          `Prechecks failed, nothing was requested: ${plan.prechecks.checks
            .filter(c => c.status === 'fail')
            .map(c => c.message)
            .join('; ')}`,
        );
      }
      logger.info(
        plan.approvalRequired
          ? `The request will wait for approval: ${plan.approvalReason}`
          : `No approval needed: ${plan.approvalReason}`,
      );
      if (ctx.isDryRun) {
        logger.info('Dry run: nothing was requested');
        return;
      }

      // A retried task finds its request again: the checkpoint, and the idempotency key if the
      // checkpoint was not saved.
      const id = await ctx.checkpoint({
        key: 'istio-upgrade-request',
        fn: async () =>
          (
            await call(o =>
              client.createRequest(
                {
                  ...body,
                  idempotencyKey: `scaffolder:${ctx.task.id}:${
                    ctx.step?.id ?? 'migrate'
                  }`,
                },
                o,
              ),
            )
          ).id,
      });
      const link = requestLink(options.appBaseUrl, id);
      ctx.output('requestId', id);
      ctx.output('link', link);
      logger.info(`Request ${id}: ${link}`);

      // The scaffolder validates input against the JSON schema, which applies no defaults.
      if (input.waitForCompletion === false) {
        const created = await call(o => client.getRequest(id, o));
        ctx.output('state', created.state);
        return;
      }
      const ended = await followRequest({
        getRequest: () => call(o => client.getRequest(id, o)),
        id,
        logger,
        pollIntervalMs,
        timeoutMs: (input.timeoutMinutes ?? 60) * 60_000,
        link,
        signal: ctx.signal,
      });
      ctx.output('state', ended.state);
      if (ended.state !== 'succeeded') {
        throw new Error(
          `Request ${id} ended ${ended.state}${
            ended.error ? `: ${ended.error}` : ''
          }${ended.decisionComment ? ` (${ended.decisionComment})` : ''}`,
        );
      }
      logger.info(
        `Namespace ${namespace} of ${input.cluster} runs ${input.revision}: ${ended.progress.podsMigrated}/${ended.progress.podsInScope} pods moved`,
      );
    },
  });
}
