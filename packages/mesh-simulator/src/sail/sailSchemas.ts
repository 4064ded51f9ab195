import type { OpenApiSchema } from '../api/openapi/openApiSchema';
import { sailGroup, sailVersion } from './sailResources';
import {
  defaultIstioVersion,
  istioVersionEnum,
  revisionVersionEnum,
} from './sailVersions';

/**
 * The OpenAPI schemas of Sail's CRDs (`bundle/manifests/sailoperator.io_*.yaml`), named as the API
 * server publishes a CRD's schema (`io.sailoperator.v1.Istio`), with their defaults, enums, bounds,
 * required fields and CEL rules (`x-kubernetes-validations`, checked by `sailValidation.ts`).
 *
 * `spec.values` (Istio's Helm values) keeps whatever it is given: the real CRD spells out every Helm
 * value, which the simulator does not read beyond `revision`, `global.istioNamespace` and
 * `sidecarInjectorWebhook.enableNamespacesByDefault`.
 */

const ref = (name: string) => ({
  allOf: [{ $ref: `#/components/schemas/${name}` }],
});
const objectMeta = ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
const listMeta = ref('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta');
const string = { type: 'string' };
const int64 = { format: 'int64', type: 'integer' };
const int32 = { format: 'int32', type: 'integer' };
const gvk = (kind: string) => [
  { group: sailGroup, kind, version: sailVersion },
];

/** Helm values: kept as sent (see above). */
export const valuesSchema: OpenApiSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

const immutable = [{ message: 'Value is immutable', rule: 'self == oldSelf' }];

const conditions: OpenApiSchema = {
  items: {
    properties: {
      lastTransitionTime: { format: 'date-time', type: 'string' },
      message: string,
      reason: string,
      status: string,
      type: string,
    },
    type: 'object',
  },
  type: 'array',
};

/** What every Sail status has. */
const statusBase = { conditions, observedGeneration: int64, state: string };

/** A kind's schema: its spec and status beside the type and object metadata. */
function kindSchema(
  kind: string,
  spec: OpenApiSchema,
  status: OpenApiSchema,
  extra: OpenApiSchema = {},
): OpenApiSchema {
  return {
    properties: {
      apiVersion: string,
      kind: string,
      metadata: objectMeta,
      spec,
      status,
    },
    type: 'object',
    'x-kubernetes-group-version-kind': gvk(kind),
    ...extra,
  };
}

/** The component name of a Sail kind's schema. */
export const sailSchemaName = (kind: string) =>
  `io.sailoperator.${sailVersion}.${kind}`;

const namespaceRule = (guarded: boolean) => ({
  message: 'spec.values.global.istioNamespace must match spec.namespace',
  rule: guarded
    ? '!has(self.values) || !has(self.values.global) || !has(self.values.global.istioNamespace) || self.values.global.istioNamespace == self.__namespace__'
    : 'self.values.global.istioNamespace == self.__namespace__',
});

/** `Istio`: `spec` defaults to the newest version in `istio-system`, updated in place. */
export const istioSchema: OpenApiSchema = kindSchema(
  'Istio',
  {
    default: {
      namespace: 'istio-system',
      updateStrategy: { type: 'InPlace' },
      version: defaultIstioVersion,
    },
    properties: {
      namespace: {
        default: 'istio-system',
        type: 'string',
        'x-kubernetes-validations': immutable,
      },
      profile: {
        enum: [
          'ambient',
          'default',
          'demo',
          'empty',
          'external',
          'openshift',
          'openshift-ambient',
          'preview',
          'remote',
          'stable',
        ],
        type: 'string',
      },
      updateStrategy: {
        default: { type: 'InPlace' },
        properties: {
          inactiveRevisionDeletionGracePeriodSeconds: {
            ...int64,
            minimum: 0,
          },
          type: {
            default: 'InPlace',
            enum: ['InPlace', 'RevisionBased'],
            type: 'string',
          },
          updateWorkloads: { type: 'boolean' },
        },
        type: 'object',
      },
      values: valuesSchema,
      version: {
        default: defaultIstioVersion,
        enum: istioVersionEnum,
        type: 'string',
      },
    },
    required: ['namespace', 'version'],
    type: 'object',
    'x-kubernetes-validations': [namespaceRule(true)],
  },
  {
    properties: {
      ...statusBase,
      activeRevisionName: string,
      revisions: {
        properties: { inUse: int32, ready: int32, total: int32 },
        required: ['inUse', 'ready', 'total'],
        type: 'object',
      },
    },
    type: 'object',
  },
);

/** `IstioRevision`: one control plane; its Helm values name its revision and namespace. */
export const istioRevisionSchema: OpenApiSchema = kindSchema(
  'IstioRevision',
  {
    properties: {
      namespace: { type: 'string', 'x-kubernetes-validations': immutable },
      values: valuesSchema,
      version: { enum: revisionVersionEnum, type: 'string' },
    },
    required: ['namespace', 'version'],
    type: 'object',
    'x-kubernetes-validations': [namespaceRule(false)],
  },
  { properties: statusBase, type: 'object' },
  {
    'x-kubernetes-validations': [
      {
        message:
          "spec.values.revision must match metadata.name or be empty when the name is 'default'",
        rule: "self.metadata.name == 'default' ? (!has(self.spec.values.revision) || size(self.spec.values.revision) == 0) : self.spec.values.revision == self.metadata.name",
      },
    ],
  },
);

/** `IstioRevisionTag`: a tag pointing at an `Istio` (its active revision) or an `IstioRevision`. */
export const istioRevisionTagSchema: OpenApiSchema = kindSchema(
  'IstioRevisionTag',
  {
    properties: {
      targetRef: {
        properties: {
          kind: { enum: ['Istio', 'IstioRevision'], type: 'string' },
          name: { maxLength: 253, minLength: 1, type: 'string' },
        },
        required: ['kind', 'name'],
        type: 'object',
      },
    },
    required: ['targetRef'],
    type: 'object',
  },
  {
    properties: {
      ...statusBase,
      istioRevision: string,
      istiodNamespace: string,
    },
    required: ['istioRevision', 'istiodNamespace'],
    type: 'object',
  },
);

function listSchema(kind: string): OpenApiSchema {
  return {
    properties: {
      apiVersion: string,
      items: { items: ref(sailSchemaName(kind)), type: 'array' },
      kind: string,
      metadata: listMeta,
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': gvk(`${kind}List`),
  };
}

/** The component schemas of Sail's kinds and their lists. */
export const sailSchemas: Record<string, OpenApiSchema> = {
  [sailSchemaName('Istio')]: istioSchema,
  [sailSchemaName('IstioList')]: listSchema('Istio'),
  [sailSchemaName('IstioRevision')]: istioRevisionSchema,
  [sailSchemaName('IstioRevisionList')]: listSchema('IstioRevision'),
  [sailSchemaName('IstioRevisionTag')]: istioRevisionTagSchema,
  [sailSchemaName('IstioRevisionTagList')]: listSchema('IstioRevisionTag'),
};
