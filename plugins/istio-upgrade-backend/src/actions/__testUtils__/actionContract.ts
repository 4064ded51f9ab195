import { MockActionsRegistry } from '@backstage/backend-test-utils/alpha';

/** JSON-schema paths of properties (at any depth) that carry no description. */
export function undescribedFields(schema: any, path = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const missing: string[] = [];
  for (const [key, property] of Object.entries<any>(schema.properties ?? {})) {
    const here = `${path}.${key}`;
    if (!property.description) missing.push(here);
    missing.push(...undescribedFields(property, here));
  }
  if (schema.items)
    missing.push(...undescribedFields(schema.items, `${path}[]`));
  for (const variant of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    missing.push(...undescribedFields(variant, path));
  }
  if (
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  ) {
    missing.push(
      ...undescribedFields(schema.additionalProperties, `${path}{}`),
    );
  }
  return missing;
}

/** What the registry publishes of an action (what MCP clients see as a tool). */
export async function published(registry: MockActionsRegistry, name: string) {
  const { actions } = await registry.list();
  const action = actions.find(a => a.name === name);
  if (!action) throw new Error(`no action ${name}`);
  return { action, options: registry.actions.get(`test:${name}`)! };
}
