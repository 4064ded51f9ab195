/*
 * Generates src/api/openapi/kubernetesSchemas.generated.ts: the component schemas of Kubernetes'
 * published OpenAPI v3 documents (api/openapi-spec/v3 in the Kubernetes source) that the kinds this
 * simulator serves reach, with their descriptions dropped. The simulator builds its /openapi/v3
 * documents and its server-side field validation from them, so both state exactly what the real API
 * server states about those kinds.
 *
 *   yarn workspace @istio-upgrade/mesh-simulator generate:openapi [SPEC_DIR]
 *
 * SPEC_DIR defaults to the Kubernetes module in the Go module cache
 * ($GOMODCACHE/k8s.io/kubernetes@v1.34.12/api/openapi-spec/v3).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resourceTypes } from '../src/api/resourceTypes';

const kubernetesVersion = '1.34.12';
const specDir =
  process.argv[2] ??
  join(
    process.env.GOMODCACHE ?? join(homedir(), 'go', 'pkg', 'mod'),
    `k8s.io/kubernetes@v${kubernetesVersion}/api/openapi-spec/v3`,
  );
const output = resolve(
  __dirname,
  '../src/api/openapi/kubernetesSchemas.generated.ts',
);

type Json = any;

const prefix = '#/components/schemas/';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Drops `description` from a schema and its subschemas (not from defaults, enums or extensions). */
function strip(schema: Json): Json {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return schema;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([k, v]) => [k, strip(v)]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = strip(value);
    } else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') {
      out[key] = (value as Json[]).map(strip);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function refsOf(value: Json, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach(v => refsOf(v, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(prefix)) {
        found.push(v.slice(prefix.length));
      } else {
        refsOf(v, found);
      }
    }
  }
  return found;
}

function main() {
  const documents = new Map<string, Json>();
  const fileOf = (group: string, version: string) =>
    group
      ? `apis__${group}__${version}_openapi.json`
      : `api__${version}_openapi.json`;
  const documentOf = (group: string, version: string) => {
    const file = fileOf(group, version);
    if (!documents.has(file)) {
      documents.set(
        file,
        JSON.parse(readFileSync(join(specDir, file), 'utf8')),
      );
    }
    return documents.get(file);
  };
  const schemas = new Map<string, Json>();
  const roots: Array<{ schemas: Json; name: string }> = [];
  const rootOf = (group: string, version: string, kind: string) => {
    const all = documentOf(group, version).components.schemas;
    const name = Object.keys(all).find(n =>
      (all[n]['x-kubernetes-group-version-kind'] ?? []).some(
        (g: Json) =>
          g.group === group && g.version === version && g.kind === kind,
      ),
    );
    if (!name) throw new Error(`no schema for ${group}/${version} ${kind}`);
    roots.push({ schemas: all, name });
  };
  // The CRDs' kinds (the Gateway API's, Sail's) are described by their own schemas, not Kubernetes'.
  for (const rt of resourceTypes.filter(t =>
    existsSync(join(specDir, fileOf(t.group, t.version))),
  )) {
    rootOf(rt.group, rt.version, rt.kind);
    rootOf(rt.group, rt.version, `${rt.kind}List`);
    for (const name of [
      'Status',
      'DeleteOptions',
      'WatchEvent',
      'Patch',
      'APIResourceList',
    ]) {
      roots.push({
        schemas: documentOf(rt.group, rt.version).components.schemas,
        name: `${meta}.${name}`,
      });
    }
  }
  // The scale subresource's kind, described in apps/v1's document.
  roots.push({
    schemas: documentOf('apps', 'v1').components.schemas,
    name: 'io.k8s.api.autoscaling.v1.Scale',
  });
  const visit = (all: Json, name: string) => {
    const schema = all[name];
    if (!schema) throw new Error(`unresolved schema ${name}`);
    const stripped = strip(schema);
    const known = schemas.get(name);
    if (known) {
      if (JSON.stringify(known) !== JSON.stringify(stripped)) {
        throw new Error(`schema ${name} differs between documents`);
      }
      return;
    }
    schemas.set(name, stripped);
    for (const ref of refsOf(schema)) visit(all, ref);
  };
  for (const root of roots) visit(root.schemas, root.name);

  const lines = [...schemas.keys()]
    .sort()
    .map(
      name =>
        `  ${JSON.stringify(name)}: ${JSON.stringify(schemas.get(name))},`,
    );
  writeFileSync(
    output,
    [
      '// ******************************************************************',
      '// * THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY. *',
      `// * Source: Kubernetes v${kubernetesVersion} api/openapi-spec/v3 (descriptions dropped)`,
      '// * Regenerate: yarn workspace @istio-upgrade/mesh-simulator generate:openapi',
      '// ******************************************************************',
      '/* eslint-disable */',
      "import type { OpenApiSchema } from './openApiSchema';",
      '',
      '/** The Kubernetes release the schemas are taken from. */',
      `export const schemasKubernetesVersion = ${JSON.stringify(
        kubernetesVersion,
      )};`,
      '',
      '/** Component schemas reachable from the kinds the simulator serves, by component name. */',
      'export const kubernetesSchemas: Record<string, OpenApiSchema> = {',
      ...lines,
      '};',
      '',
    ].join('\n'),
  );
  process.stdout.write(
    `wrote ${schemas.size} schemas from ${specDir} to ${output}\n`,
  );
}

main();
