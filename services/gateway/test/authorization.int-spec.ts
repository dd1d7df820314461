import { ROUTES, type Route } from '../src/routes/routes.js';
import { startGatewaySystem, type GatewaySystem } from './harness.js';

/*
 * The authorization matrix, read off the gateway's routes: every route that names an
 * object in its path, called by every person of another member, on one member's object.
 * Each attempt is refused as not found (404), or as not allowed (403) where the refusal
 * is about the person's role and says nothing of the object. A route naming an object
 * without a row here fails the test.
 */
const MEMBER_ROLES = ['operator', 'refurbisher', 'driver', 'firm', 'shop', 'beneficiary'] as const;

/** The objects the routes name, owned by member A. */
interface Owned {
  goodId: string;
  holdId: string;
  certificateId: string;
  locationId: string;
}

/** A body each route accepts as valid, so that only ownership can refuse it. */
const BODIES: Record<string, (owned: Owned) => unknown> = {
  'get /v1/goods/:goodId': () => undefined,
  'get /v1/goods/:goodId/passport': () => undefined,
  'post /v1/goods/:goodId/moves': () => ({
    quantity: '1',
    fromState: 'collected',
    toState: 'available',
    reason: 'sorted',
  }),
  'post /v1/goods/:goodId/triage': () => ({ decision: 'repairable' }),
  'post /v1/goods/:goodId/refurbishment': () => ({}),
  'post /v1/goods/:goodId/checklist': () => ({ steps: [{ step: 'frame', done: true }] }),
  'post /v1/goods/:goodId/quality-check': () => ({ passed: true }),
  'post /v1/goods/:goodId/disinfection': () => ({
    performedOn: new Date().toISOString().slice(0, 10),
    method: 'steam',
    operatorId: 'staff-1',
  }),
  'post /v1/goods/:goodId/certification': (owned) => ({
    certificateId: owned.certificateId,
    newUseMonths: 12,
    instructionsRef: 'doc://manual',
  }),
  'post /v1/goods/:goodId/release': () => ({}),
  'post /v1/goods/:goodId/return': (owned) => ({ locationId: owned.locationId }),
  'post /v1/holds/:holdId/release': () => ({ reason: 'cancelled' }),
  'post /v1/holds/:holdId/hand-over': () => ({ beneficiaryRef: 'ben-1' }),
  'post /v1/lots/:goodId/diversion': () => ({
    destination: { route: 'recycling', facility: 'plateforme bois' },
  }),
  'post /v1/certificates/:certificateId/revocation': () => ({ reason: 'audit' }),
};

const key = (route: Route) => `${route.method} ${route.path}`;
const naming = ROUTES.filter((route) => route.path.includes(':'));

describe('gateway authorization matrix', () => {
  let system: GatewaySystem;
  let owned: Owned;
  let otherOrganisationId: string;

  beforeAll(async () => {
    system = await startGatewaySystem();
    const coordinator = await system.person('coordinator', null);
    const member = async (name: string) => {
      const { body } = await system.call('POST', '/v1/organisations', coordinator, {
        name,
        kind: 'reuse-village',
      });
      const organisationId = body['organisationId'] as string;
      const site = await system.call(
        'POST',
        '/v1/sites',
        await system.person('operator', organisationId),
        {
          organisationId,
          name: `${name}, quai`,
          kind: 'reuse-village',
          locality: 'Amiens',
          locations: ['quai'],
        },
      );
      return {
        organisationId,
        siteId: site.body['siteId'] as string,
        locationId: (site.body['locations'] as { id: string }[])[0]!.id,
      };
    };
    const a = await member('Ressourcerie A');
    const b = await member('Ressourcerie B');
    otherOrganisationId = b.organisationId;
    const operatorA = await system.person('operator', a.organisationId);
    const intake = await system.call('POST', '/v1/intakes', operatorA, {
      siteId: a.siteId,
      locationId: a.locationId,
      grossWeightKg: 30,
      tareKg: 2,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
    });
    const goodId = (intake.body['goodIds'] as string[])[0]!;
    await system.call('POST', `/v1/goods/${goodId}/moves`, operatorA, {
      quantity: '28',
      fromState: 'collected',
      toState: 'available',
      reason: 'sorted',
    });
    const hold = await system.call('POST', '/v1/holds', operatorA, {
      goodId,
      quantity: '5',
      holderId: 'ben-7',
      ttlSeconds: 3_600,
    });
    const certificate = await system.call('POST', '/v1/certificates', coordinator, {
      siteId: a.siteId,
      reference: 'NF S97-414 n° 2026-001',
      validFrom: '2026-01-01',
      validUntil: '2028-12-31',
    });
    owned = {
      goodId,
      holdId: hold.body['holdId'] as string,
      certificateId: certificate.body['certificateId'] as string,
      locationId: b.locationId,
    };
    expect(Object.values(owned).every((id) => typeof id === 'string')).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  }, 30_000);

  it('should have a row for every route that names an object', () => {
    expect(naming.map(key).filter((k) => !(k in BODIES))).toEqual([]);
    expect(Object.keys(BODIES).filter((k) => !naming.some((route) => key(route) === k))).toEqual(
      [],
    );
  });

  it("should refuse every person of another member on every route naming one member's object", async () => {
    const outcomes: string[] = [];
    for (const route of naming) {
      const url = route.path.replace(/:(\w+)/g, (_, name: string) => owned[name as keyof Owned]);
      for (const role of MEMBER_ROLES) {
        const bearer = await system.person(role, otherOrganisationId, `${role}-b`);
        const { status, body } = await system.call(
          route.method.toUpperCase(),
          url,
          bearer,
          BODIES[key(route)]!(owned),
        );
        const refusedForRole = status === 403 && /is for .*; .* is /.test(String(body['detail']));
        outcomes.push(
          `${key(route)} as ${role}: ${status === 404 || refusedForRole ? 'refused' : `${status} ${String(body['detail'])}`}`,
        );
      }
    }

    expect(outcomes.filter((o) => !o.endsWith(': refused'))).toEqual([]);
    // Not only role refusals: the operator, allowed on most routes, meets the owner's rule.
    expect(outcomes.length).toBe(naming.length * MEMBER_ROLES.length);
  });

  it("should answer another member's operator exactly as for an object that does not exist", async () => {
    const bearer = await system.person('operator', otherOrganisationId, 'operator-b');

    const theirs = await system.call('GET', `/v1/goods/${owned.goodId}`, bearer);
    const missing = await system.call('GET', `/v1/goods/${crypto.randomUUID()}`, bearer);

    expect(theirs.status).toBe(404);
    expect(Object.keys(theirs.body).sort()).toEqual(Object.keys(missing.body).sort());
    expect(theirs.body['title']).toBe(missing.body['title']);
  });
});
