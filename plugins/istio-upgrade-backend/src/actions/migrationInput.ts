import {
  CreateRequest,
  migrationNamespace,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { entityIstioView } from '../catalog/entityIstioView';
import type { IstioUpgradeActionsOptions } from './index';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  clusterNameSchema,
  entityRefSchema,
  kubernetesNameSchema,
  normalizeEntityRef,
  revisionNameSchema,
  Zod,
  ZodOptionalNumberSchema,
  ZodOptionalStringSchema,
  ZodStringSchema,
} from './schemaFragments';

/** The fields that name a namespace migration, for its dry run and its request. */
export const migrationInputShape = (
  z: Zod,
): {
  entityRef: ZodStringSchema;
  cluster: ZodStringSchema;
  revision: ZodStringSchema;
  namespace: ZodOptionalStringSchema;
  waveSize: ZodOptionalNumberSchema;
} => ({
  entityRef: entityRefSchema(z),
  cluster: clusterNameSchema(z),
  revision: revisionNameSchema(z),
  namespace: kubernetesNameSchema(
    z,
    "The namespace to migrate; needed only when the entity's workloads run in several namespaces of the cluster (get-sidecar-revisions lists them).",
  ).optional(),
  waveSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "Workloads restarted together in one wave; the plugin's default when omitted.",
    ),
});

/**
 * What the engine is asked, once the entity's namespace in the cluster is known.
 *
 * @throws InputError when the entity does not run in the cluster (or in the named namespace)
 */
export async function migrationRequest(
  options: Pick<IstioUpgradeActionsOptions, 'catalog' | 'inventory'>,
  credentials: BackstageCredentials,
  input: {
    entityRef: string;
    cluster: string;
    revision: string;
    namespace?: string;
    waveSize?: number;
  },
): Promise<CreateRequest & { entityRef: string }> {
  const entityRef = normalizeEntityRef(input.entityRef);
  // The namespace is always one the entity runs in: the migrate permission is the entity's.
  const namespace = migrationNamespace(
    await entityIstioView({ ...options, credentials, entityRef }),
    entityRef,
    input.cluster,
    input.namespace,
  );
  return {
    type: 'namespace-migration',
    cluster: input.cluster,
    revision: input.revision,
    target: { namespace },
    entityRef,
    ...(input.waveSize !== undefined && {
      options: { waveSize: input.waveSize },
    }),
  };
}
