import { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  RevisionCount,
  SupportStatus,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The zod namespace the actions registry hands to schema factories. */
export type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

// Schema types named through `Zod`: the registry's zod is not this package's, so shared schema
// factories spell out their types (inputs precisely, outputs as any object or schema).
/** A string schema. */
export type ZodStringSchema = ReturnType<Zod['string']>;
/** An optional string schema. */
export type ZodOptionalStringSchema = ReturnType<ZodStringSchema['optional']>;
/** A number schema. */
export type ZodNumberSchema = ReturnType<Zod['number']>;
/** An optional number schema. */
export type ZodOptionalNumberSchema = ReturnType<ZodNumberSchema['optional']>;
/** Any object schema. */
export type ZodObjectSchema = Zod['ZodObject']['prototype'];
/** Any schema. */
export type ZodAnySchema = Zod['ZodType']['prototype'];

// The same rules as the OpenAPI spec (src/schema/openapi.yaml), which actions do not pass through.
const CLUSTER_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ISTIO_VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/;

/** A cluster entity's name, as the REST API accepts it. */
export const clusterNameSchema = (z: Zod): ZodStringSchema =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(CLUSTER_NAME, 'a cluster entity name')
    .describe(
      'The cluster: the name of its kubernetes-cluster entity in the catalog, e.g. "prod-eu" (see get-istio-fleet-status).',
    );

/** A namespace or Service name (a DNS-1123 label). */
export const kubernetesNameSchema = (
  z: Zod,
  description: string,
): ZodStringSchema =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(DNS_LABEL, 'a DNS-1123 label')
    .describe(description);

/** An Istio revision name (never contains dots). */
export const revisionNameSchema = (z: Zod): ZodStringSchema =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(
      DNS_LABEL,
      'an Istio revision name such as 1-30-4 (dashes, never dots)',
    )
    .describe(
      'The target Istio revision, e.g. "1-30-4" (revision names use dashes, never dots; see the control planes of get-istio-cluster-inventory).',
    );

/** An Istio version number, as the REST API accepts it (`1.31.0`, `1.31.0-beta.1`). */
export const istioVersionSchema = (z: Zod): ZodStringSchema =>
  z
    .string()
    .min(5)
    .max(40)
    .regex(ISTIO_VERSION, 'an Istio version such as 1.31.0')
    .describe(
      'The Istio version to install, major.minor.patch, e.g. "1.31.0" (a version of the release table; get-istio-fleet-status shows what runs where).',
    );

/** A catalog entity reference, in full or short form. */
export const entityRefSchema = (z: Zod): ZodStringSchema =>
  z
    .string()
    .min(1)
    .max(255)
    .describe(
      'The catalog entity, as "kind:namespace/name" (e.g. "component:default/storefront"); the kind defaults to component and the namespace to default, so "storefront" works too.',
    );

/**
 * The full, lower-case reference of an entity named in full or short form.
 *
 * @throws InputError when it is not an entity reference
 */
export function normalizeEntityRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `"${ref}" is not an entity reference: ${(error as Error).message}`,
    );
  }
}

/** A revision's support status according to the release table. */
export const supportSchema = (z: Zod): ZodAnySchema =>
  z
    .object({
      status: z
        .enum(['supported', 'ending-soon', 'end-of-life', 'unknown'])
        .describe('Whether the Istio minor release is still supported.'),
      endOfLife: z
        .string()
        .optional()
        .describe('When support ends or ended (date), when known.'),
      daysToEndOfLife: z
        .number()
        .int()
        .optional()
        .describe('Days until the end of life; negative once it has passed.'),
    })
    .describe('Support status of the version, from the Istio release table.');

export function compactSupport(support: SupportStatus) {
  return {
    status: support.status,
    ...(support.endOfLife !== undefined && { endOfLife: support.endOfLife }),
    ...(support.daysToEndOfLife !== undefined && {
      daysToEndOfLife: support.daysToEndOfLife,
    }),
  };
}

/** Pods per sidecar revision. */
export const revisionCountsSchema = (z: Zod): ZodAnySchema =>
  z
    .array(
      z.object({
        revision: z
          .string()
          .optional()
          .describe('The sidecar revision; absent for pods without a sidecar.'),
        version: z
          .string()
          .optional()
          .describe('The proxy version of that revision.'),
        pods: z.number().int().describe('How many pods run it.'),
      }),
    )
    .describe('Pods per sidecar revision.');

/**
 * A workload's revision fields: the revision its new pods get, its pods per revision and how many
 * need a restart (described by `needingRestart`).
 */
export const workloadRevisionFields = (
  z: Zod,
  needingRestart: string,
): {
  desiredRevision: ZodOptionalStringSchema;
  podsByRevision: ZodAnySchema;
  podsNeedingRestart: ZodNumberSchema;
} => ({
  desiredRevision: z
    .string()
    .optional()
    .describe('The revision its new pods get.'),
  podsByRevision: revisionCountsSchema(z),
  podsNeedingRestart: z.number().int().describe(needingRestart),
});

export function compactRevisionCounts(counts: RevisionCount[]) {
  return counts.map(c => ({
    ...(c.revision !== undefined && { revision: c.revision }),
    ...(c.version !== undefined && { version: c.version }),
    pods: c.count,
  }));
}

/** Findings of the inventory's rules. */
export const warningsSchema = (z: Zod): ZodAnySchema =>
  z
    .array(
      z.object({
        code: z
          .string()
          .describe('Stable identifier of the rule, e.g. end-of-life, drift.'),
        severity: z.enum(['info', 'warning', 'error']).describe('Severity.'),
        cluster: z.string().optional().describe('The cluster it is about.'),
        subject: z
          .string()
          .describe('What it is about, as Kind namespace/name.'),
        message: z.string().describe('What is wrong, in one sentence.'),
      }),
    )
    .describe('Warnings, most severe first.');

export function compactWarning(warning: Warning) {
  const { kind, namespace, name } = warning.subject;
  return {
    code: warning.code,
    severity: warning.severity,
    ...(warning.cluster !== undefined && { cluster: warning.cluster }),
    subject: `${kind} ${namespace ? `${namespace}/` : ''}${name}`,
    message: warning.message,
  };
}

/** How many items a list left out. */
export const omittedSchema = (z: Zod, what: string): ZodNumberSchema =>
  z
    .number()
    .int()
    .describe(
      `How many ${what} were left out to keep the answer short (0 when the list is whole).`,
    );

/** A requester's comment on a request. */
export const requestCommentSchema = (z: Zod): ZodOptionalStringSchema =>
  z
    .string()
    .max(1000)
    .optional()
    .describe('Why the change is asked, shown to approvers and in the log.');

/** A key that makes a retried creation return the first request instead of a second one. */
export const idempotencyKeySchema = (z: Zod): ZodOptionalStringSchema =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
    .optional()
    .describe(
      'Any unique string for this change: asking again with the same key returns the same request instead of a conflict.',
    );
