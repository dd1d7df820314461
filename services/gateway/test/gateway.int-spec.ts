import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ROUTES } from '../src/routes/routes.js';
import { AUDIENCE, ISSUER, startGatewaySystem, type GatewaySystem } from './harness.js';

describe('gateway /v1', () => {
  let system: GatewaySystem;
  const person = (role: string, org: string | null, sub?: string) => system.person(role, org, sub);
  const token: GatewaySystem['token'] = (claims, key, alg) => system.token(claims, key, alg);
  const call: GatewaySystem['call'] = (...args) => system.call(...args);
  const answered = () => system.answered();

  beforeAll(async () => {
    system = await startGatewaySystem();
  }, 90_000);

  afterAll(async () => {
    await system?.close();
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
            .sign(system.provider.privateKey),
      ],
      [
        'a token for another audience',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(ISSUER)
            .setAudience('someone-else')
            .setExpirationTime('5m')
            .sign(system.provider.privateKey),
      ],
      [
        'an expired token',
        () =>
          new SignJWT({ sub: 'x', boucle_role: 'coordinator' })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime(now() - 3_600)
            .sign(system.provider.privateKey),
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
            .sign(system.provider.privateKey),
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

      expect({ status: again.status, body: again.body }).toEqual({
        status: first.status,
        body: first.body,
      });
      expect(other).toMatchObject({
        status: 422,
        body: { type: expect.stringContaining('idempotency-key-reused') },
      });
    });
  });

  describe('/openapi.json', () => {
    it('should describe every route, with requests that carry no actor', async () => {
      const document = (await call('GET', '/openapi.json')).body as unknown as {
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

    it("should describe collection's routes as they answer, and the events' pickup and round filters", async () => {
      type Operation = {
        operationId: string;
        parameters: { name: string; in: string }[];
        responses: Record<string, unknown>;
      };
      const { paths } = (await call('GET', '/openapi.json')).body as unknown as {
        paths: Record<string, Record<string, Operation>>;
      };
      const operation = (path: string, method: string) => paths[path]![method]!;

      expect(Object.keys(operation('/v1/day-plans', 'post').responses)).toContain('202');
      expect(Object.keys(operation('/v1/pickups', 'post').responses)).toContain('201');
      expect(
        operation('/v1/rounds/{roundId}/stops/{pickupId}/collection', 'post').parameters.filter(
          (p) => p.in === 'path',
        ),
      ).toEqual([
        expect.objectContaining({ name: 'roundId' }),
        expect.objectContaining({ name: 'pickupId' }),
      ]);
      expect(operation('/v1/pickups', 'get').parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['status', 'day', 'limit']),
      );
      // No collection object carries a revision the service compares: no If-Match there.
      for (const [path, item] of Object.entries(paths))
        for (const op of Object.values(item))
          if (op.operationId.startsWith('collection'))
            expect({ path, ifMatch: op.parameters.some((p) => p.name === 'If-Match') }).toEqual({
              path,
              ifMatch: false,
            });
      expect(operation('/v1/events', 'get').parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['good', 'hold', 'pickup', 'round']),
      );
    });
  });
});
