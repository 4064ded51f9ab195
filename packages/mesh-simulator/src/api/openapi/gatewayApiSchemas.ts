import type { OpenApiSchema } from './openApiSchema';

const ref = (name: string) => ({
  allOf: [{ $ref: `#/components/schemas/${name}` }],
});
const stringMap = { additionalProperties: { type: 'string' }, type: 'object' };
/** Parts of the Gateway the simulator does not look into: kept as sent, as a CRD's schema would. */
const opaque = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const gvk = (kind: string) => [
  { group: 'gateway.networking.k8s.io', kind, version: 'v1' },
];

/**
 * The component schemas of the Gateway API's `Gateway` (standard channel, v1), as the API server
 * publishes them from the CRD; the fields Istio's gateway deployment reads are spelled out.
 */
export const gatewayApiSchemas: Record<string, OpenApiSchema> = {
  'io.k8s.networking.gateway.v1.Gateway': {
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: {
        properties: {
          gatewayClassName: { type: 'string' },
          addresses: { items: opaque, type: 'array' },
          infrastructure: {
            properties: {
              annotations: stringMap,
              labels: stringMap,
              parametersRef: opaque,
            },
            type: 'object',
          },
          listeners: {
            items: {
              properties: {
                allowedRoutes: opaque,
                hostname: { type: 'string' },
                name: { type: 'string' },
                port: { format: 'int32', type: 'integer' },
                protocol: { type: 'string' },
                tls: opaque,
              },
              required: ['name', 'port', 'protocol'],
              type: 'object',
            },
            type: 'array',
            'x-kubernetes-list-map-keys': ['name'],
            'x-kubernetes-list-type': 'map',
          },
        },
        required: ['gatewayClassName', 'listeners'],
        type: 'object',
      },
      status: opaque,
    },
    required: ['spec'],
    type: 'object',
    'x-kubernetes-group-version-kind': gvk('Gateway'),
  },
  'io.k8s.networking.gateway.v1.GatewayList': {
    properties: {
      apiVersion: { type: 'string' },
      items: {
        items: ref('io.k8s.networking.gateway.v1.Gateway'),
        type: 'array',
      },
      kind: { type: 'string' },
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'),
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': gvk('GatewayList'),
  },
};
