import {
  ACTIVE_REQUEST_STATES,
  ControlPlanePlan,
  FINAL_REQUEST_STATES,
  requestLink,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import { omittedSchema, Zod, ZodObjectSchema } from './schemaFragments';

/** The most recent events of a request an answer carries. */
export const MAX_EVENTS = 15;

/** The install commands of a control-plane request an answer carries. */
export const MAX_COMMANDS = 20;

/** A request as an assistant needs it: state, progress, what comes next, and a link. */
export const requestSummarySchema = (z: Zod): ZodObjectSchema =>
  z.object({
    id: z
      .string()
      .describe('The request id, for get-upgrade-request and the portal.'),
    type: z
      .enum([
        'namespace-migration',
        'gateway-cutover',
        'revision-tag-move',
        'gateway-move',
        'control-plane-install',
        'control-plane-removal',
      ])
      .describe(
        'What the request changes: a control-plane-install adds a revision, a control-plane-removal takes one away.',
      ),
    state: z
      .enum([...ACTIVE_REQUEST_STATES, ...FINAL_REQUEST_STATES])
      .describe(
        'pending-approval waits for a person; approved and running are on their way; the others are final.',
      ),
    cluster: z.string().describe('The cluster it changes.'),
    target: z
      .object({
        namespace: z.string().optional().describe('The namespace.'),
        service: z
          .string()
          .optional()
          .describe('The LoadBalancer Service (for a cutover).'),
        tag: z
          .string()
          .optional()
          .describe('The revision tag (for a tag move).'),
        gateway: z
          .string()
          .optional()
          .describe('The Gateway API gateway (for a gateway move).'),
        version: z
          .string()
          .optional()
          .describe(
            'The Istio version installed (for a control-plane install).',
          ),
      })
      .describe('What it changes.'),
    revision: z
      .string()
      .describe(
        'The revision it moves to; for a control-plane install, the revision it installs; for a removal, the revision it removes.',
      ),
    fromRevision: z
      .string()
      .optional()
      .describe('The revision it moves away from, when there is one.'),
    entityRef: z
      .string()
      .optional()
      .describe('The catalog entity it was asked for.'),
    summary: z.string().describe("The plan's one-line summary."),
    controlPlane: z
      .object({
        installedBy: z
          .enum(['sail', 'helm', 'istioctl', 'unknown'])
          .describe(
            "Who manages the cluster's control planes: Sail's operator, Helm, istioctl, or unknown.",
          ),
        mode: z
          .string()
          .describe(
            'How the request does it: sail-istio-version (Sail makes the revision from the Istio resource), sail-istio-revision (an IstioRevision is created), manual (people run the commands, the request waits for the revision), delete-objects, sail-delete or sail-grace-period (Sail deletes the inactive revision itself).',
          ),
        version: z
          .string()
          .optional()
          .describe(
            'The Istio version installed, or run by the revision removed.',
          ),
        sailResource: z
          .string()
          .optional()
          .describe('The Sail resource the request writes or waits on.'),
        commands: z
          .array(z.string())
          .optional()
          .describe(
            `For manual mode, the commands people run to install the revision (at most ${MAX_COMMANDS}).`,
          ),
        commandsOmitted: omittedSchema(z, 'commands').optional(),
        deletions: z
          .number()
          .int()
          .optional()
          .describe('For a removal that deletes objects, how many it deletes.'),
      })
      .optional()
      .describe(
        'For a control-plane install or removal, how the control planes of the cluster are managed and what the request does about it.',
      ),
    requestedBy: z
      .string()
      .describe('Who asked: a user entity ref, or a service subject.'),
    requestedAt: z.string().describe('When it was asked (ISO 8601).'),
    updatedAt: z.string().describe('When it last changed (ISO 8601).'),
    approvalRequired: z
      .boolean()
      .describe('Whether a person must approve it before it runs.'),
    approvalReason: z
      .string()
      .optional()
      .describe('Why it needs approval, or why not.'),
    decidedBy: z
      .string()
      .optional()
      .describe('Who approved, rejected or cancelled it.'),
    decisionComment: z.string().optional().describe("The decider's comment."),
    progress: z
      .object({
        podsInScope: z.number().int().describe('Pods the request moves.'),
        podsMigrated: z
          .number()
          .int()
          .describe('Pods already on the target revision.'),
        currentStep: z.string().optional().describe('The step running now.'),
      })
      .describe('How far it is.'),
    error: z.string().optional().describe('Why it failed, when it did.'),
    allowedActions: z
      .array(z.enum(['approve', 'reject', 'cancel', 'rollback']))
      .describe('What the caller may do with it now (in the portal).'),
    notAllowedBecause: z
      .record(z.string())
      .optional()
      .describe(
        'Why a decision its state allows is not allowed to the caller.',
      ),
    steps: z
      .array(
        z.object({
          name: z.string().describe('The step.'),
          state: z
            .enum(['pending', 'running', 'succeeded', 'failed', 'skipped'])
            .describe("The step's state."),
          message: z.string().optional().describe('What the step reported.'),
        }),
      )
      .optional()
      .describe('The steps, in order (get-upgrade-request only).'),
    events: z
      .array(
        z.object({
          at: z.string().describe('When (ISO 8601).'),
          type: z
            .string()
            .describe('created, approved, step, progress, cluster-write, …'),
          message: z.string().describe('What happened.'),
        }),
      )
      .optional()
      .describe(
        `The most recent events, oldest first (at most ${MAX_EVENTS}; get-upgrade-request only).`,
      ),
    eventsOmitted: omittedSchema(z, 'older events').optional(),
    link: z.string().describe("The request's page in the portal."),
    next: z
      .string()
      .describe('What happens next, and what to tell the person asking.'),
  });

function nextStep(request: UpgradeRequest, link: string): string {
  if (request.state === 'pending-approval') {
    return `It waits for a person who holds the approve permission (not the requester) to approve it in the portal (${link}); nothing has changed in the cluster yet. Check on it with get-upgrade-request.`;
  }
  if (request.state === 'approved' || request.state === 'running') {
    if (request.plan.controlPlane?.mode === 'manual') {
      return 'It is on its way: it waits for people to run the install commands (controlPlane.commands) and for the revision to be Ready; follow it with get-upgrade-request.';
    }
    if (
      request.type === 'control-plane-install' ||
      request.type === 'control-plane-removal'
    ) {
      return 'It is on its way; follow it with get-upgrade-request (the steps say how far it is).';
    }
    return 'It is on its way; follow it with get-upgrade-request (progress counts pods on the target revision).';
  }
  if (request.state === 'succeeded') {
    return 'It is done. A rollback, if needed, is asked for in the portal.';
  }
  if (request.state === 'failed') {
    return `It failed${
      request.error ? `: ${request.error}` : ''
    }. The events say what happened; a rollback is asked for in the portal.`;
  }
  return `It ended as ${request.state}; nothing more will happen.`;
}

/** The compact form of a control-plane request's plan, or undefined for other requests. */
function compactControlPlane(plan: ControlPlanePlan | undefined) {
  if (!plan) return undefined;
  const commands = plan.commands
    ? capped(plan.commands, MAX_COMMANDS)
    : undefined;
  return {
    installedBy: plan.installedBy,
    mode: plan.mode,
    ...(plan.version !== undefined && { version: plan.version }),
    ...(plan.sailResource !== undefined && {
      sailResource: plan.sailResource,
    }),
    ...(commands && {
      commands: commands.items,
      commandsOmitted: commands.omitted,
    }),
    ...(plan.deletions !== undefined && { deletions: plan.deletions.length }),
  };
}

/** The compact form of a request, with at most {@link MAX_EVENTS} recent events. */
export function summarizeRequest(request: UpgradeRequest, appBaseUrl: string) {
  const link = requestLink(appBaseUrl, request.id);
  const events = request.events
    ? capped([...request.events].reverse(), MAX_EVENTS)
    : undefined;
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    id: request.id,
    type: request.type,
    state: request.state,
    cluster: request.cluster,
    target: request.target,
    revision: request.revision,
    ...optional('fromRevision', request.plan.fromRevision),
    ...optional('entityRef', request.entityRef),
    summary: request.plan.summary,
    ...optional('controlPlane', compactControlPlane(request.plan.controlPlane)),
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    updatedAt: request.updatedAt,
    approvalRequired: request.approvalRequired,
    ...optional('approvalReason', request.approvalReason),
    ...optional('decidedBy', request.decidedBy),
    ...optional('decisionComment', request.decisionComment),
    progress: request.progress,
    ...optional('error', request.error),
    allowedActions: request.allowedActions,
    ...optional('notAllowedBecause', request.notAllowedBecause),
    ...optional(
      'steps',
      request.steps?.map(s => ({
        name: s.name,
        state: s.state,
        ...optional('message', s.message),
      })),
    ),
    ...(events && {
      events: events.items.reverse().map(e => ({
        at: e.at,
        type: e.type,
        message: e.message,
      })),
      eventsOmitted: events.omitted,
    }),
    link,
    next: nextStep(request, link),
  };
}
