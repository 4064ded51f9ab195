import { ResourceType } from '../resourceTypes';
import { gatewayApiSchemas } from './gatewayApiSchemas';
import { kubernetesSchemas as builtInSchemas } from './kubernetesSchemas.generated';
import { OpenApiSchema } from './openApiSchema';
import { sailSchemas } from '../../sail/sailSchemas';

/** Kubernetes' own schemas and those of the CRDs served (the Gateway API's Gateway, Sail's kinds). */
export const kubernetesSchemas: Record<string, OpenApiSchema> = {
  ...builtInSchemas,
  ...gatewayApiSchemas,
  ...sailSchemas,
};

/** Where the component schemas are, as a `$ref` names them. */
export const schemaPrefix = '#/components/schemas/';
/** The package of Kubernetes' shared meta types. */
export const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Finds the component schema name of a kind from its `x-kubernetes-group-version-kind`. */
const schemaNameByGvk = new Map<string, string>();
for (const [name, schema] of Object.entries(kubernetesSchemas)) {
  const gvks = schema['x-kubernetes-group-version-kind'] as
    | Array<{ group: string; version: string; kind: string }>
    | undefined;
  for (const gvk of gvks ?? []) {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    if (!schemaNameByGvk.has(key)) schemaNameByGvk.set(key, name);
  }
}

/** The component schema name of a kind ("io.k8s.api.apps.v1.Deployment"). */
export function schemaNameOf(
  group: string,
  version: string,
  kind: string,
): string | undefined {
  return schemaNameByGvk.get(`${group}/${version}/${kind}`);
}

/** The schema of a served kind, for server-side field validation. */
export function kindSchema(rt: ResourceType): OpenApiSchema | undefined {
  const name = schemaNameOf(rt.group, rt.version, rt.kind);
  return name ? kubernetesSchemas[name] : undefined;
}

/** The schema of `autoscaling/v1` Scale (the scale subresource). */
export function scaleSchema(): OpenApiSchema {
  return kubernetesSchemas['io.k8s.api.autoscaling.v1.Scale'];
}

/** Resolves `$ref` and the `allOf: [{$ref}]` wrapping Kubernetes' documents use for fields. */
export function resolveSchema(
  schema: OpenApiSchema | undefined,
): OpenApiSchema | undefined {
  let current = schema;
  for (let i = 0; current && i < 10; i++) {
    if (current.allOf && current.allOf.length > 0) {
      current = current.allOf[0];
      continue;
    }
    if (current.$ref) {
      current = kubernetesSchemas[current.$ref.slice(schemaPrefix.length)];
      continue;
    }
    return current;
  }
  return current;
}
