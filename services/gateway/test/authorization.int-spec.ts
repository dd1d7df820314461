import { eventually, parisDay } from '@boucle/testing';
import { nextDay, windowOn } from '../demo/days.js';
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
  recallId: string;
  /** A pickup of member A, on a round of A's vehicle tomorrow. */
  pickupId: string;
  pointId: string;
  roundId: string;
  /** A location of the other member: where its people would take what is not theirs. */
  locationId: string;
  otherOrganisationId: string;
  /** A need of a beneficiary member A's social worker acts for, and its reservation of A's wheelchair. */
  needId: string;
  reservationId: string;
  beneficiaryRef: string;
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
    performedOn: parisDay(),
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
  'post /v1/goods/:goodId/quarantine': () => ({ reason: 'defect' }),
  'post /v1/goods/:goodId/quarantine/refurbishment': () => ({}),
  'post /v1/goods/:goodId/quarantine/scrapping': () => ({
    destination: { route: 'recycling', facility: 'plateforme métaux' },
  }),
  'post /v1/goods/:goodId/corrections': () => ({
    kind: 'lost',
    quantity: '1',
    state: 'available',
  }),
  'post /v1/goods/:goodId/relocation': (owned) => ({
    quantity: '1',
    state: 'available',
    toLocationId: owned.locationId,
  }),
  'post /v1/goods/:goodId/transfer': (owned) => ({
    toOrganisationId: owned.otherOrganisationId,
    toLocationId: owned.locationId,
  }),
  'post /v1/recalls/:recallId/lifting': () => ({}),
  'post /v1/lots/:goodId/window': () => ({
    availableFrom: new Date(Date.now() + 86_400_000).toISOString(),
    mustBeGoneBy: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  }),
  'post /v1/lots/:goodId/withdrawal': () => ({}),
  'get /v1/pickups/:pickupId': () => undefined,
  'post /v1/pickups/:pickupId/cancellation': () => ({}),
  'get /v1/collection-points/:pointId': () => undefined,
  'post /v1/collection-points/:pointId/schedule': () => ({
    schedule: { weekdays: [2], startingOn: parisDay(), windowFrom: '09:00', windowUntil: '12:00' },
  }),
  'post /v1/collection-points/:pointId/fill-reports': () => ({ fullCrates: 4 }),
  'get /v1/rounds/:roundId': () => undefined,
  'post /v1/rounds/:roundId/driver': () => ({ driverId: 'driver-b' }),
  'post /v1/rounds/:roundId/start': () => ({}),
  'post /v1/rounds/:roundId/stops/:pickupId/collection': () => ({
    actual: { kg: 16, m3: 0.4, crates: 0, items: 1 },
    goods: [{ kind: 'item', make: 'Invacare', model: 'Action 3 NG', serialNumber: 'IA3-B-1' }],
  }),
  'post /v1/rounds/:roundId/stops/:pickupId/miss': () => ({ reason: 'nobody-there' }),
  'post /v1/rounds/:roundId/stops/:pickupId/move': () => ({ sequence: 1 }),
  'get /v1/needs/:needId': () => undefined,
  'post /v1/needs/:needId/withdrawal': () => ({}),
  'post /v1/needs/:needId/priority': () => ({ socialPriority: 3 }),
  'get /v1/goods/:goodId/proposals': () => undefined,
  'get /v1/reservations/:reservationId': () => undefined,
  'post /v1/reservations/:reservationId/approval': () => ({}),
  'post /v1/reservations/:reservationId/refusal': () => ({ note: 'ne convient pas' }),
  'post /v1/reservations/:reservationId/cancellation': () => ({}),
  'post /v1/beneficiaries/:beneficiaryRef/erasure': () => ({}),
};

/**
 * Routes that show any member's object to everyone who may read them: the catalogue lists
 * what every member makes available, for the whole cluster to take.
 */
const OPEN_TO_THE_CLUSTER = new Set(['get /v1/catalogue/:goodId']);

const key = (route: Route) => `${route.method} ${route.path}`;
const naming = ROUTES.filter(
  (route) => route.path.includes(':') && !OPEN_TO_THE_CLUSTER.has(key(route)),
);

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
    const recall = await system.call('POST', '/v1/recalls', operatorA, {
      make: 'Invacare',
      model: 'Action 3',
      reason: 'avis du fabricant FSN-2026-04',
    });
    const tomorrow = nextDay(parisDay());
    const pickup = await system.call('POST', '/v1/pickups', operatorA, {
      kind: 'home',
      address: '5 rue Jules Barni, 80000 Amiens',
      position: { latitude: 49.8887, longitude: 2.2975 },
      locality: 'Amiens',
      donorRef: 'donneur-a-1',
      windows: [windowOn(tomorrow, '09:00', '12:00')],
      expectedLoad: { kg: 16, m3: 0.4, crates: 0, items: 1 },
      skills: ['two-person'],
      goods: [{ kind: 'item', make: 'Invacare', model: 'Action 3 NG' }],
      deliverTo: { siteId: a.siteId, locationId: a.locationId },
    });
    const point = await system.call('POST', '/v1/collection-points', operatorA, {
      name: 'Dépôt du quai',
      kind: 'business',
      address: '1 quai Bélu, 80000 Amiens',
      position: { latitude: 49.8965, longitude: 2.3011 },
      locality: 'Amiens',
      expectedLoad: { kg: 200, m3: 2, crates: 0, items: 0 },
      goods: [{ kind: 'bulk', material: 'cardboard' }],
      deliverTo: { siteId: a.siteId, locationId: a.locationId },
      threshold: { fillPercent: 80 },
    });
    await system.call('POST', '/v1/vehicles', operatorA, {
      name: 'Fourgon A',
      capacity: { kg: 1_000, m3: 10, crates: 40, items: 4 },
      skills: ['two-person', 'tail-lift'],
      depot: { latitude: 49.9031, longitude: 2.3278 },
      workFrom: '08:00',
      workUntil: '17:00',
    });
    // A wheelchair of A's workshop, made available and reserved for a beneficiary A acts for.
    const checklist = ['châssis', 'freins'];
    await system.call('POST', '/v1/device-models', coordinator, {
      make: 'Invacare',
      model: 'Action 3 NG',
      isoClass: '12 22 03',
      lifetimeYears: 8,
      checklist,
      instructionsRef: 'doc://manual',
    });
    const aid = await system.call('POST', '/v1/intakes', operatorA, {
      siteId: a.siteId,
      locationId: a.locationId,
      grossWeightKg: 20,
      tareKg: 2,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods: [
        {
          kind: 'item',
          make: 'Invacare',
          model: 'Action 3 NG',
          serialNumber: 'IA3-A-1',
          manufacturedOn: `${Number(parisDay().slice(0, 4)) - 2}-01-01`,
          weightKg: 17,
        },
      ],
    });
    const wheelchairId = (aid.body['goodIds'] as string[])[0]!;
    const refurbisherA = await system.person('refurbisher', a.organisationId);
    for (const [gate, gateBody] of [
      ['triage', { decision: 'repairable' }],
      ['refurbishment', {}],
      ['checklist', { steps: checklist.map((step) => ({ step, done: true })) }],
      ['quality-check', { passed: true }],
      ['disinfection', { performedOn: parisDay(), method: 'steam', operatorId: 'staff-1' }],
      [
        'certification',
        {
          certificateId: certificate.body['certificateId'],
          newUseMonths: 12,
          instructionsRef: 'doc://manual',
        },
      ],
      ['release', {}],
    ] as const)
      expect({
        gate,
        ...(await system.call('POST', `/v1/goods/${wheelchairId}/${gate}`, refurbisherA, gateBody)),
      }).toMatchObject({ gate, status: 200 });
    const need = await system.call('POST', '/v1/needs', operatorA, {
      kind: 'medical-aid',
      isoClass: '12 22',
      beneficiary: { name: 'Bénéficiaire A' },
      urgency: { level: 'soon' },
      location: { position: { latitude: 49.8945, longitude: 2.2957 }, locality: 'Amiens' },
    });
    const needId = need.body['needId'] as string;
    const reservationId = await eventually(
      async () => {
        const { status, body } = await system.call('POST', '/v1/reservations', operatorA, {
          goodId: wheelchairId,
          needId,
        });
        // Until matching's catalogue has heard the wheelchair is available.
        expect(status).toBeLessThan(300);
        return body['reservationId'] as string;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const pickupId = pickup.body['pickupId'] as string;
    await system.call('POST', '/v1/day-plans', coordinator, { day: tomorrow });
    const roundId = await eventually(
      async () => {
        const { body } = await system.call('GET', `/v1/pickups/${pickupId}`, operatorA);
        expect(body['plan']).not.toBeNull();
        return (body['plan'] as { roundId: string }).roundId;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    owned = {
      pickupId,
      pointId: point.body['pointId'] as string,
      roundId,
      goodId,
      holdId: hold.body['holdId'] as string,
      certificateId: certificate.body['certificateId'] as string,
      recallId: recall.body['recallId'] as string,
      locationId: b.locationId,
      otherOrganisationId: b.organisationId,
      needId,
      reservationId,
      beneficiaryRef: need.body['beneficiaryRef'] as string,
    };
    expect(Object.values(owned).every((id) => typeof id === 'string')).toBe(true);
  }, 180_000);

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
