import { z } from 'zod';
import { eventsPathItem } from '../events/events.openapi.js';
import type { Route } from '../routes/routes.js';

type Schema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Schema =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** The request as a caller writes it: the actor is the bearer token's person, never a field. */
function withoutActor(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(copy[key])) copy[key] = (copy[key] as Schema[]).map(withoutActor);
  }
  if (copy['properties'] && typeof copy['properties'] === 'object') {
    const { actor: _actor, ...properties } = copy['properties'] as Schema;
    copy['properties'] = properties;
    if (Array.isArray(copy['required']))
      copy['required'] = (copy['required'] as string[]).filter((name) => name !== 'actor');
  }
  delete copy['$schema'];
  return copy;
}

const PROBLEM: Schema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** OpenAPI 3.1 of `/v1`, made from the routes and their contracts' schemas. */
export function openApiDocument(routes: readonly Route[]): Schema {
  const paths: Record<string, Schema> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name: name!,
      in: 'path',
      required: true,
      schema: route.references?.includes(name!)
        ? { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' }
        : { type: 'string', format: 'uuid' },
    }));
    const request = withoutActor(toSchema(route.definition.request, 'input'));
    const problems = Object.fromEntries(
      [
        '401',
        '403',
        '404',
        '409',
        '422',
        '429',
        // 400: a body that is not JSON, or a path whose escapes decode to nothing (GET too).
        '400',
        // 415: a body in a charset or an encoding the gateway does not read.
        ...(route.method === 'post' ? ['413', '415'] : []),
        ...(route.revisionOf ? ['412'] : []),
      ].map((status) => [
        status,
        {
          description: 'A problem (RFC 9457)',
          content: { 'application/problem+json': { schema: PROBLEM } },
        },
      ]),
    );
    paths[path] = {
      ...(paths[path] ?? {}),
      [route.method]: {
        summary: route.summary,
        description: route.definition.description,
        operationId: route.definition.subject
          .replace(/^rpc\./, '')
          .replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()),
        security: [{ bearer: [] }],
        parameters: [
          ...parameters,
          ...(route.method === 'post'
            ? [
                {
                  name: 'Idempotency-Key',
                  in: 'header',
                  required: false,
                  // As the dispatcher reads it: 1 to 128 visible ASCII characters.
                  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
                },
                ...(route.revisionOf
                  ? [
                      {
                        name: 'If-Match',
                        in: 'header',
                        required: false,
                        description:
                          'The ETag of the good as last read: the change is made only if it has not changed since (else 412).',
                        schema: { type: 'string', pattern: '^("\\d{1,19}"|\\*)$' },
                      },
                    ]
                  : []),
              ]
            : queryParameters(
                route.dottedQuery ? dotted(request) : request,
                parameters.map((p) => p.name),
              )),
        ],
        ...(route.method === 'post'
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: stripPathFields(
                      request,
                      parameters.map((p) => p.name),
                    ),
                  },
                },
              },
            }
          : {}),
        responses: {
          ...(route.awaitsOutcome
            ? {
                '202': {
                  description:
                    'Asked, not yet answered: the reservation as it stands, to read again at `Location`',
                  headers: {
                    Location: { description: 'Where to read it', schema: { type: 'string' } },
                  },
                  content: {
                    'application/json': {
                      schema: withoutActor(toSchema(route.definition.response, 'output')),
                    },
                  },
                },
              }
            : {}),
          [String(route.status)]: {
            description: 'Done',
            ...(route.etag || route.paginated
              ? {
                  headers: {
                    ...(route.etag
                      ? { ETag: { description: 'Its revision', schema: { type: 'string' } } }
                      : {}),
                    ...(route.paginated
                      ? {
                          Link: {
                            description:
                              'The next page, `<url>; rel="next"`, unless this is the last',
                            schema: { type: 'string' },
                          },
                        }
                      : {}),
                  },
                }
              : {}),
            content: {
              'application/json': {
                schema: withoutActor(toSchema(route.definition.response, 'output')),
              },
            },
          },
          ...(route.etag
            ? { '304': { description: 'Unchanged since the If-None-Match revision' } }
            : {}),
          ...problems,
        },
      },
    };
  }
  // The event stream is no request/reply contract: it describes itself.
  Object.assign(paths, eventsPathItem(PROBLEM));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Boucle',
      version: '1',
      description: 'The HTTP API of the Boucle cooperation cluster.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  };
}

function stripPathFields(schema: Schema, names: string[]): Schema {
  if (!schema['properties']) return schema;
  const properties = { ...(schema['properties'] as Schema) };
  for (const name of names) delete properties[name];
  return {
    ...schema,
    properties,
    ...(Array.isArray(schema['required'])
      ? { required: (schema['required'] as string[]).filter((n) => !names.includes(n)) }
      : {}),
  };
}

/**
 * A request's nested fields as the flat query string writes them: `near.latitude`, each
 * leaf its own parameter, required where it and each object around it are.
 */
function dotted(schema: Schema): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  const visit = (node: Schema, prefix: string, needed: boolean) => {
    const inner = (node['properties'] ?? {}) as Record<string, Schema>;
    const innerRequired = (node['required'] ?? []) as string[];
    for (const [name, property] of Object.entries(inner)) {
      const path = `${prefix}${name}`;
      const isRequired = needed && innerRequired.includes(name);
      if (property['type'] === 'object' && property['properties'])
        visit(property, `${path}.`, isRequired);
      else {
        properties[path] = property;
        if (isRequired) required.push(path);
      }
    }
  };
  visit(schema, '', true);
  return { ...schema, properties, required };
}

function queryParameters(schema: Schema, pathNames: string[]): Schema[] {
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  const required = (schema['required'] ?? []) as string[];
  return Object.entries(properties)
    .filter(([name]) => !pathNames.includes(name))
    .map(([name, property]) => ({
      name,
      in: 'query',
      required: required.includes(name),
      schema: property,
    }));
}
