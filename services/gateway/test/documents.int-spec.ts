import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ajv, type AnySchema, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import * as contracts from '@boucle/contracts';
import { asyncApiName, type EventDefinition } from '@boucle/contracts';
import { buildEnvelope } from '@boucle/messaging';
import { testEnvironment, testIdentityKeys, uniqueId } from '@boucle/testing';
import { createGatewayApp } from '../src/app.js';
import { loadGatewayConfig } from '../src/config/gateway.config.js';

/*
 * The published documents, checked against the published schemas of their formats
 * (vendored in ./schemas, see its README), and against the contracts they are made of.
 */

type Json = Record<string, unknown>;

// ajv-formats is CommonJS; under NodeNext its default import types as the module, not the plugin.
const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

const SCHEMAS = path.join(import.meta.dirname, 'schemas');
const vendored = (file: string) =>
  JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as AnySchema & Json;

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .slice(0, 20)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');

/** Every event definition the contracts export, whether or not it made it into ALL_EVENTS. */
const EXPORTED_EVENTS = Object.values(contracts as Record<string, unknown>).filter(
  (value): value is EventDefinition =>
    typeof value === 'object' &&
    value !== null &&
    'subject' in value &&
    'schema' in value &&
    'producer' in value &&
    'aggregate' in value &&
    'example' in value,
);

/** Every `$ref` in a document, with where it sits. */
function refsOf(node: unknown, at = ''): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string'
      ? [{ at, ref: value }]
      : refsOf(value, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

/** Follows a local JSON pointer (`#/a/b`), undefined where it leads nowhere. */
function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((token) => decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, token) =>
        typeof node === 'object' && node !== null ? (node as Json)[token] : undefined,
      document,
    );
}

describe('gateway documents', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    const machine = testEnvironment();
    const provider = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    app = await createGatewayApp(
      loadGatewayConfig({
        NATS_URL: machine.natsUrl,
        REDIS_URL: machine.redisUrl,
        SUBJECT_PREFIX: `${uniqueId()}.`,
        AUTH_ISSUER: 'https://id.example/realms/cluster',
        AUTH_AUDIENCE: 'boucle',
        AUTH_PUBLIC_KEYS: provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
        LOG_LEVEL: 'error',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = async (url: string) => {
    const response = await fetch(`${base}${url}`);
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  };
  const getJson = async (url: string) => {
    const answer = await get(url);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/json/);
    return JSON.parse(answer.body.toString('utf8')) as Json;
  };

  describe('/asyncapi.json', () => {
    let document: Json;
    beforeAll(async () => {
      document = await getJson('/asyncapi.json');
    });

    it('should be valid against the published AsyncAPI 3.0.0 schema', () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      const validate = ajv.compile(vendored('asyncapi-3.0.0.json'));
      const valid = validate(document);
      if (!valid) throw new Error(`not AsyncAPI 3.0.0:\n${describeErrors(validate.errors)}`);
      expect(document['asyncapi']).toBe('3.0.0');
    });

    it('should resolve every $ref inside itself, operations pointing at their channel messages', () => {
      const dangling = refsOf(document).filter(({ ref }) => resolve(document, ref) === undefined);
      expect(dangling).toEqual([]);
      for (const [id, operation] of Object.entries(document['operations'] as Json)) {
        const { channel, messages } = operation as {
          channel: { $ref: string };
          messages: { $ref: string }[];
        };
        for (const message of messages) {
          expect([id, message.$ref.startsWith(`${channel.$ref}/messages/`)]).toEqual([id, true]);
        }
      }
    });

    it('should have a channel, a message and a send operation for every event the contracts export', () => {
      expect(EXPORTED_EVENTS.length).toBeGreaterThanOrEqual(contracts.ALL_EVENTS.length);
      const channels = document['channels'] as Record<string, { address: string }>;
      const operations = document['operations'] as Record<
        string,
        { action: string; channel: { $ref: string }; tags: { name: string }[] }
      >;
      const messages = (document['components'] as { messages: Json }).messages;
      const missing: string[] = [];
      for (const def of EXPORTED_EVENTS) {
        const name = asyncApiName(def);
        const channel = Object.entries(channels).find(([, c]) => c.address === def.subject);
        if (!channel) missing.push(`${def.subject}: no channel`);
        if (!messages[name]) missing.push(`${def.subject}: no message ${name}`);
        const sends = Object.values(operations).filter(
          (op) =>
            op.action === 'send' &&
            channel !== undefined &&
            op.channel.$ref === `#/channels/${channel[0]}` &&
            op.tags.some((tag) => tag.name === def.producer),
        );
        if (sends.length !== 1)
          missing.push(`${def.subject}: ${sends.length} send operations by ${def.producer}`);
      }
      expect(missing).toEqual([]);
      // Nothing described that the contracts do not define, besides the dead letters.
      const addresses = Object.values(channels).map((c) => c.address);
      expect(addresses.sort()).toEqual(
        [...EXPORTED_EVENTS.map((def) => def.subject), 'deadletter.{consumer}.{subject}'].sort(),
      );
    });

    it('should describe the envelope the backbone builds, and refuse one of another event', () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(document, 'asyncapi');
      const actor = { userId: 'operator-1', role: 'operator' as const, organisationId: 'org-1' };
      for (const def of EXPORTED_EVENTS) {
        const name = asyncApiName(def);
        const validate = ajv.compile({ $ref: `asyncapi#/components/messages/${name}/payload` });
        const envelope = buildEnvelope(def, def.example, { actor });
        if (!validate(envelope)) {
          throw new Error(
            `${def.subject}: a built envelope is refused:\n${describeErrors(validate.errors)}`,
          );
        }
        const { examples } = (
          document['components'] as {
            messages: Record<string, { examples: { payload: unknown }[] }>;
          }
        ).messages[name]!;
        for (const example of examples) {
          if (!validate(example.payload)) {
            throw new Error(
              `${def.subject}: its example is refused:\n${describeErrors(validate.errors)}`,
            );
          }
        }
        expect(validate({ ...envelope, type: `${def.type}-other` })).toBe(false);
        expect(validate({ ...envelope, data: { ...(envelope.data as Json), unexpected: 1 } })).toBe(
          false,
        );
      }
    });
  });

  describe('/openapi.json', () => {
    it('should be valid against the published OpenAPI 3.1 schema, Schema Objects included', async () => {
      const document = await getJson('/openapi.json');
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      // RFC 9110 media ranges, the keys of `content`; ajv-formats does not know the format.
      ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/);
      ajv.addSchema(vendored('openapi-3.1-meta-2024-11-10.json'));
      ajv.addSchema(vendored('openapi-3.1-dialect-2024-11-10.json'));
      // The published schema reaches Schema Objects through `$dynamicRef: "#meta"`, which ajv
      // resolves only at a schema's root (ajv-validator/ajv#1573, #1745), failing valid
      // documents. Pointing it at the OAS dialect statically is what the published
      // `schema-base` does through the dynamic scope: Schema Objects checked as JSON Schema
      // 2020-12 with the OAS vocabulary.
      const text = readFileSync(path.join(SCHEMAS, 'openapi-3.1-schema-2025-09-15.json'), 'utf8');
      const dialect = (vendored('openapi-3.1-dialect-2024-11-10.json') as { $id: string }).$id;
      const schema = JSON.parse(
        text.replaceAll('"$dynamicRef": "#meta"', `"$ref": "${dialect}"`),
      ) as AnySchema;
      expect(JSON.stringify(schema)).not.toContain('$dynamicRef');
      const validate = ajv.compile(schema);
      const valid = validate(document);
      if (!valid) throw new Error(`not OpenAPI 3.1:\n${describeErrors(validate.errors)}`);
      expect(document['openapi']).toMatch(/^3\.1\./);
      expect(Object.keys(document['paths'] as Json).length).toBeGreaterThan(0);
    });
  });

  describe('/docs', () => {
    it('should answer a page that loads only assets of this origin, each served', async () => {
      const page = await get('/docs');
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-frame-options')).toBe('DENY');

      const html = page.body.toString('utf8');
      // Nothing inline for the policy to have to allow.
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      expect(urls).toEqual(expect.arrayContaining(['/openapi.json', '/asyncapi.json']));
      for (const url of urls) expect(url).toMatch(/^\/(?!\/)/);

      const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]!);
      const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]*)"/g)].map(
        (m) => m[1]!,
      );
      const icons = [...html.matchAll(/<link[^>]*rel="icon"[^>]*href="([^"]*)"/g)].map(
        (m) => m[1]!,
      );
      expect(scripts.length).toBeGreaterThanOrEqual(2);
      expect(styles.length).toBeGreaterThanOrEqual(1);
      const expected: [string[], RegExp][] = [
        [scripts, /^text\/javascript/],
        [styles, /^text\/css/],
        [icons, /^image\/png/],
      ];
      for (const [list, type] of expected) {
        for (const url of list) {
          const asset = await get(url);
          expect([url, asset.status, asset.type]).toEqual([url, 200, expect.stringMatching(type)]);
          expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
          expect(asset.body.length).toBeGreaterThan(0);
        }
      }
      const bundle = await get('/docs/swagger-ui-bundle.js');
      expect(bundle.body.toString('utf8')).toContain('SwaggerUIBundle');
      const initializer = (await get('/docs/swagger-initializer.js')).body.toString('utf8');
      expect(initializer).toContain("url: '/openapi.json'");
      expect(initializer).not.toContain('petstore');
    });

    it('should serve no other file of the package', async () => {
      expect((await get('/docs/index.html')).status).toBe(404);
      expect((await get('/docs/..%2Fpackage.json')).status).toBe(404);
    });
  });
});
