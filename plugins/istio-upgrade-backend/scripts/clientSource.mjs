/*
 * The typed API client of `generate-openapi.mjs`: one method per operation of the spec, on the pattern
 * of the clients `backstage-repo-tools package schema openapi generate --client-package` writes
 * (`DefaultApiClient`: `discoveryApi` and `fetchApi` passed in, a `{ token }` per call, the `Response`
 * returned with a typed `json()`), typed with the `operations` openapi-typescript generates, so the
 * client and the rest of the code share one set of types.
 */

/** The HTTP methods an OpenAPI path item may hold. */
export const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const camel = id => id.charAt(0).toLowerCase() + id.slice(1);
const pascal = id => id.charAt(0).toUpperCase() + id.slice(1);

/** The operation's parameters, with `$ref`s resolved. */
export function parametersOf(spec, item, operation) {
  const resolve = p =>
    p.$ref
      ? p.$ref
          .split('/')
          .slice(1)
          .reduce((o, k) => o[k], spec)
      : p;
  return [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(
    resolve,
  );
}

/** The request type of one operation: its path parameters, query and body. */
function requestType(name, op, params, operation) {
  const fields = [];
  if (params.some(p => p.in === 'path')) {
    fields.push(`path: ${op}['parameters']['path'];`);
  }
  const query = params.filter(p => p.in === 'query');
  if (query.length) {
    const optional = query.every(p => !p.required) ? '?' : '';
    fields.push(`query${optional}: NonNullable<${op}['parameters']['query']>;`);
  }
  const body = operation.requestBody;
  if (body?.content?.['application/json']) {
    fields.push(
      `body${
        body.required ? '' : '?'
      }: NonNullable<${op}['requestBody']>['content']['application/json'];`,
    );
  }
  const doc = `/**\n * The request of \`${name}\`.\n *\n * @public\n */\n`;
  return fields.length
    ? `${doc}export type ${name}Request = {\n  ${fields.join('\n  ')}\n};`
    : `${doc}export type ${name}Request = Record<string, never>;`;
}

/** The JSON body of the operation's 2xx answers, as one type. */
function responseType(op, operation) {
  const ok = Object.keys(operation.responses ?? {}).filter(
    code =>
      /^2\d\d$/.test(code) &&
      operation.responses[code].content?.['application/json'],
  );
  return ok.length
    ? ok
        .map(
          code =>
            `${op}['responses']['${code}']['content']['application/json']`,
        )
        .join(' | ')
    : 'void';
}

/** One method of the client. */
function method(route, verb, operation, params) {
  const name = operation.operationId;
  const op = `operations['${name}']`;
  const path = route.replace(
    /\{([^}]+)\}/g,
    (_, p) => `\${encodeURIComponent(request.path.${p})}`,
  );
  const hasQuery = params.some(p => p.in === 'query');
  const hasBody = Boolean(operation.requestBody?.content?.['application/json']);
  const uses = hasQuery || hasBody || path !== route;
  const description = (operation.description ?? operation.summary ?? '')
    .replace(/\*\//g, '*\\/')
    .trim();
  return `  /**
   * \`${verb.toUpperCase()} ${route}\`${description ? `: ${description}` : ''}
   */
  async ${camel(name)}(
    ${uses ? '' : '_'}request: ${name}Request,
    options?: RequestOptions,
  ): Promise<TypedResponse<${responseType(op, operation)}>> {
    return this.send('${verb.toUpperCase()}', \`${path}\`, {
      ${[
        hasQuery && 'query: request.query,',
        hasBody && 'body: request.body,',
        'token: options?.token,',
      ]
        .filter(Boolean)
        .join('\n      ')}
    });
  }`;
}

/** The client's source, from the parsed spec; `pluginId` is the backend's plugin id. */
export function clientSource(spec, pluginId) {
  const types = [];
  const methods = [];
  for (const [route, item] of Object.entries(spec.paths ?? {})) {
    for (const verb of METHODS) {
      const operation = item[verb];
      if (!operation) continue;
      if (!operation.operationId) {
        throw new Error(`${verb.toUpperCase()} ${route} has no operationId`);
      }
      const params = parametersOf(spec, item, operation);
      types.push(
        requestType(
          pascal(operation.operationId),
          `operations['${operation.operationId}']`,
          params,
          operation,
        ),
      );
      methods.push(method(route, verb, operation, params));
    }
  }

  return `import type { operations } from '../schema/openapi.generated';

/**
 * The plugin whose API this client calls.
 *
 * @public
 */
export const pluginId = '${pluginId}';

/**
 * A \`Response\` whose \`json()\` is typed as the operation's answer.
 *
 * @public
 */
export type TypedResponse<T> = Omit<Response, 'json'> & {
  json: () => Promise<T>;
};

/**
 * Options of one call: the Backstage token to send, for callers whose \`fetchApi\` adds none.
 *
 * @public
 */
export interface RequestOptions {
  token?: string;
}

${types.join('\n\n')}

/**
 * One method per operation of the spec. Answers are returned as they come, errors included; the
 * caller decides what a failure means.
 *
 * @public
 */
export class DefaultApiClient {
  private readonly discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (input, init) => fetch(input, init) };
  }

${methods.join('\n\n')}

  private async send<T>(
    method: string,
    path: string,
    request: {
      query?: Record<string, string | undefined>;
      body?: unknown;
      token?: string;
    },
  ): Promise<TypedResponse<T>> {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, value);
    }
    const query = search.toString();
    const headers: Record<string, string> = {};
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    if (request.token) headers.Authorization = \`Bearer \${request.token}\`;
    return this.fetchApi.fetch(\`\${baseUrl}\${path}\${query ? \`?\${query}\` : ''}\`, {
      method,
      headers,
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
    });
  }
}
`;
}
