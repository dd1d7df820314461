import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import pg from 'pg';
import { withDatabase } from '@boucle/database';
import { eventually, freePort, testEnvironment, testIdentityKeys, uniqueId } from '@boucle/testing';
import { createGatewayApp } from '../src/app.js';
import { loadGatewayConfig } from '../src/config/gateway.config.js';
import { ROUTES } from '../src/routes/routes.js';

/*
 * The gateway in front of a real inventory service, started in a process of its own as
 * in production (services never import each other), on a database of its own.
 */
const ROOT = path.join(import.meta.dirname, '..', '..', '..');
const ISSUER = 'https://id.example/realms/cluster';
const AUDIENCE = 'boucle';

describe('gateway /v1', () => {
  const machine = testEnvironment();
  const prefix = `${uniqueId()}.`;
  const database = `test_gw_${uniqueId().replace(/-/g, '_')}`;
  const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let inventory: ChildProcess;
  let inventoryUrl: string;
  let gateway: NestExpressApplication;
  let base: string;

  const token = (
    claims: Record<string, unknown>,
    key: KeyObject = provider.privateKey,
    alg = 'RS256',
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  const person = (role: string, org: string | null, sub = `${role}-1`) =>
    token({ sub, boucle_role: role, boucle_org: org });

  const call = async (
    method: string,
    url: string,
    bearer?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  /** How many requests inventory has answered, from its own metrics. */
  async function answered(): Promise<number> {
    const text = await (await fetch(`${inventoryUrl}/metrics`)).text();
    return [...text.matchAll(/^boucle_rpc_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0);
  }

  beforeAll(async () => {
    const port = await freePort();
    inventoryUrl = `http://127.0.0.1:${port}`;
    inventory = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'services/inventory/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: withDatabase(machine.postgresUrl, database),
          NATS_URL: machine.natsUrl,
          REDIS_URL: machine.redisUrl,
          SUBJECT_PREFIX: prefix,
          QUEUE_PREFIX: `${prefix}inventory`,
          IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
          HTTP_PORT: String(port),
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    await eventually(
      async () =>
        expect((await fetch(`${inventoryUrl}/health/ready`).catch(() => null))?.status).toBe(200),
      { timeoutMs: 60_000 },
    );
    gateway = await createGatewayApp(
      loadGatewayConfig({
        NATS_URL: machine.natsUrl,
        SUBJECT_PREFIX: prefix,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_PUBLIC_KEYS: provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
        LOG_LEVEL: 'error',
      }),
    );
    await gateway.listen(0, '127.0.0.1');
    base = await gateway.getUrl();
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    if (inventory && inventory.exitCode === null) {
      const exited = new Promise((resolve) => inventory.once('exit', resolve));
      inventory.kill('SIGTERM');
      // A stop that hangs must not hold the test run: it is killed after its grace period.
      const grace = setTimeout(() => inventory.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(grace);
    }
    const admin = new pg.Client({ connectionString: machine.postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }, 30_000);

  describe('authentication', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = () => Math.floor(Date.now() / 1000);
    const unsigned = (claims: Record<string, unknown>) =>
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

    it.each([
      ['no token', () => Promise.resolve(undefined)],
      [
        'an unsigned token (alg none)',
        () =>
          Promise.resolve(
            unsigned({
              sub: 'x',
              boucle_role: 'coordinator',
              iss: ISSUER,
              aud: AUDIENCE,
              exp: now() + 60,
            }),
          ),
      ],
      [
        'a token signed by an unknown key',
        () => token({ sub: 'x', boucle_role: 'coordinator' }, other.privateKey),
      ],
      [
        'a token of another issuer',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer('https://evil.example')
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(provider.privateKey),
      ],
      [
        'a token for another audience',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(ISSUER)
            .setAudience('someone-else')
            .setExpirationTime('5m')
            .sign(provider.privateKey),
      ],
      [
        'an expired token',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime(now() - 3_600)
            .sign(provider.privateKey),
      ],
      [
        'a token not valid yet',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setNotBefore(now() + 3_600)
            .setExpirationTime(now() + 7_200)
            .sign(provider.privateKey),
      ],
      ['a token speaking as system', () => person('system', null)],
    ])('should answer 401 to %s, and reach no service', async (_case, bearer) => {
      const before = await answered();

      const response = await call('POST', '/v1/organisations', await bearer(), {
        name: 'Ressourcerie',
        kind: 'reuse-village',
      });

      expect(response.status).toBe(401);
      expect(response.type).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 401, title: 'Not authenticated' });
      expect(await answered()).toBe(before);
    });
  });

  describe('forwarding', () => {
    let organisationId: string;
    let siteId: string;
    let locationId: string;

    beforeAll(async () => {
      const coordinator = await person('coordinator', null);
      const organisation = await call('POST', '/v1/organisations', coordinator, {
        name: 'Ressourcerie du Quai',
        kind: 'reuse-village',
      });
      expect(organisation.status).toBe(201);
      organisationId = organisation.body['organisationId'] as string;
      const site = await call('POST', '/v1/sites', await person('operator', organisationId), {
        organisationId,
        name: 'Village du réemploi',
        kind: 'reuse-village',
        locality: 'Amiens',
        locations: ['quai'],
      });
      expect(site.status).toBe(201);
      siteId = site.body['siteId'] as string;
      locationId = (site.body['locations'] as { id: string }[])[0]!.id;
    });

    const intake = () => ({
      siteId,
      locationId,
      grossWeightKg: 30,
      tareKg: 2,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
    });

    it("should record an intake as the token's person and answer its goods", async () => {
      const operator = await person('operator', organisationId);

      const created = await call('POST', '/v1/intakes', operator, intake());
      const goodId = (created.body['goodIds'] as string[])[0]!;
      const good = await call('GET', `/v1/goods/${goodId}`, operator);

      expect(created.status).toBe(201);
      expect(good).toMatchObject({
        status: 200,
        body: { id: goodId, organisationId, state: 'collected' },
      });
      const passport = await call('GET', `/v1/goods/${goodId}/passport`, operator);
      expect(passport.body['movements']).toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({ userId: 'operator-1', role: 'operator' }),
        }),
      ]);
    });

    it("should answer 404 to another member's person, as for a good that does not exist", async () => {
      const operator = await person('operator', organisationId);
      const { body } = await call('POST', '/v1/intakes', operator, intake());
      const goodId = (body['goodIds'] as string[])[0]!;

      const stranger = await call(
        'GET',
        `/v1/goods/${goodId}`,
        await person('operator', crypto.randomUUID()),
      );

      expect(stranger).toMatchObject({ status: 404, body: { status: 404 } });
      expect(stranger.type).toContain('application/problem+json');
    });

    it('should refuse an actor written in the body, and a role the route does not serve', async () => {
      const forged = await call('POST', '/v1/intakes', await person('operator', organisationId), {
        ...intake(),
        actor: { userId: 'boss', role: 'coordinator', organisationId: null },
      });
      const driver = await call(
        'POST',
        '/v1/intakes',
        await person('driver', organisationId),
        intake(),
      );

      expect(forged).toMatchObject({ status: 422, body: { errors: [{ path: 'actor' }] } });
      expect(driver).toMatchObject({ status: 403 });
    });

    it('should answer 422 naming the field and the rule, and 400 to a body that is not JSON', async () => {
      const operator = await person('operator', organisationId);

      const invalid = await call('POST', '/v1/intakes', operator, { ...intake(), tareKg: 40 });
      const malformed = await call('POST', '/v1/intakes', operator, '{"siteId":');

      expect(invalid).toMatchObject({
        status: 422,
        body: { errors: [{ path: 'tareKg', message: expect.stringContaining('grossWeightKg') }] },
      });
      expect(malformed).toMatchObject({ status: 400 });
    });

    it('should act once for a repeated Idempotency-Key and answer 422 when the key comes with another body', async () => {
      const operator = await person('operator', organisationId);
      const headers = { 'idempotency-key': `intake-${crypto.randomUUID()}` };

      const first = await call('POST', '/v1/intakes', operator, intake(), headers);
      const again = await call('POST', '/v1/intakes', operator, intake(), headers);
      const other = await call(
        'POST',
        '/v1/intakes',
        operator,
        {
          ...intake(),
          grossWeightKg: 31,
          goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 29 }],
        },
        headers,
      );

      expect(again).toEqual(first);
      expect(other).toMatchObject({
        status: 422,
        body: { type: expect.stringContaining('idempotency-key-reused') },
      });
    });
  });

  describe('/openapi.json', () => {
    it('should describe every route, with requests that carry no actor', async () => {
      const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              requestBody?: {
                content: Record<string, { schema: { properties?: Record<string, unknown> } }>;
              };
            }
          >
        >;
      };

      expect(document.openapi).toBe('3.1.0');
      for (const route of ROUTES) {
        const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
        expect({ route: route.path, found: operation !== undefined }).toEqual({
          route: route.path,
          found: true,
        });
        expect(
          operation?.requestBody?.content['application/json']?.schema.properties?.['actor'],
        ).toBeUndefined();
      }
    });
  });
});
