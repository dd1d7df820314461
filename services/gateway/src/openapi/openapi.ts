import { z } from 'zod';
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
      schema: { type: 'string', format: 'uuid' },
    }));
    const request = withoutActor(toSchema(route.definition.request, 'input'));
    const problems = Object.fromEntries(
      ['401', '403', '404', '409', '422'].map((status) => [
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
                  schema: { type: 'string', maxLength: 128 },
                },
              ]
            : queryParameters(
                request,
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
          [String(route.status)]: {
            description: 'Done',
            content: {
              'application/json': {
                schema: withoutActor(toSchema(route.definition.response, 'output')),
              },
            },
          },
          ...problems,
        },
      },
    };
  }
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
