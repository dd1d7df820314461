import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { ROLES } from '@boucle/contracts';
import { eventually, parisDay } from '@boucle/testing';
import { nextDay, windowOn } from '../../demo/days.js';
import type { GatewaySystem } from '../harness.js';
import { AUDIENCE, ISSUER } from '../harness.js';
import type { Persona } from './requests.js';
import type { Hints } from './schema-arbitrary.js';

/*
 * A small cluster made through the gateway before the fuzz, so that its requests can
 * name objects that exist: two members, each with a reuse village and a construction
 * site, a certificate, wheelchairs at every step of refurbishment, cardboard, a pool,
 * a lot on offer, holds; a recall of another model; pickups (a donor's, a shop's, the
 * lot's), a shop's collection point, a van, and tomorrow planned into rounds given to
 * the member's driver. Every person of every role of both members, and the coordinator,
 * with a token each.
 */

const MAKE = 'Invacare';
const MODEL = 'Action 3';
const CHECKLIST = ['frame', 'wheels and tyres', 'brakes', 'upholstery', 'footrests'];
const INSTRUCTIONS = 'doc://invacare/action3/manual-fr.pdf';

/** Every state of inventory's lifecycles, for the fields that name one. */
const STATES = [
  'collected',
  'received',
  'triaged',
  'refurbishing',
  'quality-checked',
  'disinfected',
  'certified',
  'available',
  'held',
  'handed-over',
  'returned',
  'quarantined',
  'parts-donor',
  'scrapped',
  'offered',
  'stored',
  'diverted',
  'withdrawn',
  'washing',
  'washed',
  'broken',
  'delivered',
  'transformed',
  'lost',
];

/**
 * The people who do most of the work call most: fewer requests end at a role refusal
 * (every role still calls every route).
 */
const WEIGHTS: Record<string, number> = { operator: 3, refurbisher: 3, firm: 2 };

/** Which kind of object a field names, by the field's name. */
const KIND_OF: Record<string, keyof Ids> = {
  goodId: 'good',
  // The events' filters: `good=<id>&hold=<id>`, each an array of ids.
  'good[]': 'good',
  'hold[]': 'hold',
  donorId: 'good',
  poolId: 'good',
  holdId: 'hold',
  certificateId: 'certificate',
  siteId: 'site',
  locationId: 'location',
  toLocationId: 'location',
  fromLocationId: 'location',
  organisationId: 'organisation',
  toOrganisationId: 'organisation',
  recallId: 'recall',
  pickupId: 'pickup',
  'pickup[]': 'pickup',
  pointId: 'point',
  roundId: 'round',
  'round[]': 'round',
  needId: 'need',
  'need[]': 'need',
  reservationId: 'reservation',
  'reservation[]': 'reservation',
};

interface Ids {
  good: string[];
  hold: string[];
  certificate: string[];
  site: string[];
  location: string[];
  organisation: string[];
  recall: string[];
  pickup: string[];
  point: string[];
  round: string[];
  need: string[];
  reservation: string[];
}

export interface World {
  persons: Persona[];
  forgeries: Persona[];
  hintsFor(organisation: string | null): Hints;
}

/** The sign-in subject of a member's people (a driver's is the one its rounds name). */
const subjectOf = (role: string, organisationId: string) => `${role}-${organisationId}`;
const driverOf = (organisationId: string) => subjectOf('driver', organisationId);

export async function buildWorld(system: GatewaySystem): Promise<World> {
  const coordinator = await system.person('coordinator', null, 'coordinator-1');
  const tomorrow = nextDay(parisDay());
  const lotGoneBy = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const ids = new Map<string | null, Ids>();
  const own = (organisation: string | null) => {
    if (!ids.has(organisation))
      ids.set(organisation, {
        good: [],
        hold: [],
        certificate: [],
        site: [],
        location: [],
        organisation: [],
        recall: [],
        pickup: [],
        point: [],
        round: [],
        need: [],
        reservation: [],
      });
    return ids.get(organisation)!;
  };

  const done = async (
    method: string,
    url: string,
    bearer: string,
    body: unknown,
  ): Promise<Record<string, unknown>> => {
    const answer = await system.call(method, url, bearer, body);
    if (answer.status >= 300)
      throw new Error(
        `the fuzz's world could not be made: ${method} ${url} answered ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  };

  /** Beneficiaries' references as matching gave them. */
  const refs: string[] = [];
  const persons: Persona[] = [
    { label: 'coordinator', organisation: null, authorization: `Bearer ${coordinator}`, weight: 5 },
  ];
  // Another model than the aids' own: their holds and hand-overs are not all stopped.
  const recall = await done('POST', '/v1/recalls', coordinator, {
    make: 'Sunrise',
    model: 'Quickie',
    reason: 'brake cable notice 2026-04',
  });
  own(null).recall.push(recall['recallId'] as string);
  await done('POST', '/v1/device-models', coordinator, {
    make: MAKE,
    model: MODEL,
    isoClass: '12 22 03',
    lifetimeYears: 8,
    checklist: CHECKLIST,
    instructionsRef: INSTRUCTIONS,
  });

  // Both members made at once; what each made is kept in its own place, so that the
  // people and the ids come in the same order every run (a seed replays the same picks).
  const member = async (name: string, kind: string) => {
    const members: Persona[] = [];
    const { organisationId } = (await done('POST', '/v1/organisations', coordinator, {
      name,
      kind,
    })) as { organisationId: string };
    const mine = own(organisationId);
    mine.organisation.push(organisationId);
    const bearer: Record<string, string> = {};
    for (const role of ROLES.filter((r) => r !== 'coordinator' && r !== 'system')) {
      bearer[role] = await system.person(role, organisationId, subjectOf(role, organisationId));
      members.push({
        label: `${role} of ${name}`,
        organisation: organisationId,
        authorization: `Bearer ${bearer[role]}`,
        weight: WEIGHTS[role] ?? 1,
      });
    }
    const operator = bearer['operator']!;
    const refurbisher = bearer['refurbisher']!;
    const site = async (siteKind: string, locations: string[]) => {
      const body = (await done('POST', '/v1/sites', operator, {
        organisationId,
        name: `${name}, ${siteKind}`,
        kind: siteKind,
        locality: 'Amiens',
        locations,
      })) as { siteId: string; locations: { id: string }[] };
      mine.site.push(body.siteId);
      mine.location.push(...body.locations.map((l) => l.id));
      return { siteId: body.siteId, locationId: body.locations[0]!.id };
    };
    const village = await site('reuse-village', ['quai', 'atelier', 'réserve']);
    const works = await site('construction-site', ['zone A']);
    const { certificateId } = (await done('POST', '/v1/certificates', coordinator, {
      siteId: village.siteId,
      reference: `NF S97-414 n° ${organisationId.slice(0, 8)}`,
      validFrom: '2025-01-01',
      validUntil: '2030-12-31',
    })) as { certificateId: string };
    mine.certificate.push(certificateId);

    const serials = Array.from({ length: 6 }, (_, i) => `FZ-${organisationId.slice(0, 4)}-${i}`);
    const { goodIds } = (await done('POST', '/v1/intakes', operator, {
      ...village,
      grossWeightKg: 400,
      tareKg: 5,
      provenance: { locality: 'Amiens', donorRef: 'donor-42' },
      collectionMode: 'drop-off',
      goods: [
        ...serials.map((serialNumber) => ({
          kind: 'item',
          serialNumber,
          make: MAKE,
          model: MODEL,
          manufacturedOn: '2025-06-01',
          weightKg: 20,
        })),
        { kind: 'bulk', material: 'cardboard', weightKg: 100 },
        { kind: 'pool', containerType: 'bouteille 75 cl', count: 200, depositCents: 20 },
        {
          kind: 'lot',
          materialFamily: 'terracotta tiles',
          quantity: '40',
          unit: 'm2',
          conditionGrade: 'A',
          wasteCode: '17 01 03',
        },
      ],
    })) as { goodIds: string[] };
    mine.good.push(...goodIds);
    const [received, triaged, refurbishing, available, held, handedOver] = goodIds as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const cardboard = goodIds[6]!;
    const lot = goodIds[8]!;
    void received;

    // Each aid stops at another gate, so that every refurbishment command meets its state.
    const gates: [string, (goodId: string) => unknown][] = [
      ['triage', () => ({ decision: 'repairable' })],
      ['refurbishment', () => ({})],
      ['checklist', () => ({ steps: CHECKLIST.map((step) => ({ step, done: true })) })],
      ['quality-check', () => ({ passed: true })],
      [
        'disinfection',
        () => ({
          performedOn: parisDay(),
          method: 'steam',
          operatorId: 'staff-1',
        }),
      ],
      ['certification', () => ({ certificateId, newUseMonths: 24, instructionsRef: INSTRUCTIONS })],
      ['release', () => ({})],
    ];
    for (const [goodId, through] of [
      [triaged, 1],
      [refurbishing, 3],
      [available, 7],
      [held, 7],
      [handedOver, 7],
    ] as const) {
      for (const [gate, body] of gates.slice(0, through)) {
        await done('POST', `/v1/goods/${goodId}/${gate}`, refurbisher, body(goodId));
      }
    }
    // Matching: a beneficiary's need, and a reservation of an aid made available for it.
    const { goodIds: reservable } = (await done('POST', '/v1/intakes', operator, {
      ...village,
      grossWeightKg: 30,
      tareKg: 5,
      provenance: { locality: 'Amiens' },
      collectionMode: 'drop-off',
      goods: [
        {
          kind: 'item',
          serialNumber: `FZ-${organisationId.slice(0, 4)}-r`,
          make: MAKE,
          model: MODEL,
          manufacturedOn: '2025-06-01',
          weightKg: 20,
        },
      ],
    })) as { goodIds: string[] };
    mine.good.push(...reservable);
    for (const [gate, body] of gates)
      await done('POST', `/v1/goods/${reservable[0]}/${gate}`, refurbisher, body(reservable[0]!));
    const need = (await done('POST', '/v1/needs', operator, {
      kind: 'medical-aid',
      isoClass: '12 22',
      beneficiary: { name: 'Bénéficiaire du fuzz' },
      urgency: { level: 'soon' },
      location: { position: { latitude: 49.8945, longitude: 2.2957 }, locality: 'Amiens' },
    })) as { needId: string; beneficiaryRef: string };
    mine.need.push(need.needId);
    refs.push(need.beneficiaryRef);
    const reservation = await eventually(
      // Once matching's catalogue has heard the aid is available.
      () =>
        done('POST', '/v1/reservations', operator, { goodId: reservable[0], needId: need.needId }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    mine.reservation.push(reservation['reservationId'] as string);
    const hold = async (goodId: string, quantity: string) => {
      const { holdId } = (await done('POST', '/v1/holds', operator, {
        goodId,
        quantity,
        holderId: 'ben-7',
        ttlSeconds: 86_400,
      })) as { holdId: string };
      mine.hold.push(holdId);
      return holdId;
    };
    await hold(held, '1');
    await done('POST', `/v1/holds/${await hold(handedOver, '1')}/hand-over`, operator, {
      beneficiaryRef: 'ben-7',
    });
    await done('POST', `/v1/goods/${cardboard}/moves`, operator, {
      quantity: '60',
      fromState: 'collected',
      toState: 'available',
      reason: 'sorted',
    });
    await hold(cardboard, '5');
    await done('POST', `/v1/goods/${lot}/moves`, operator, {
      quantity: '40',
      fromState: 'stored',
      toState: 'available',
      reason: 'put-on-sale',
    });
    await hold(lot, '4');
    const { goodId: offered } = (await done('POST', '/v1/lots', bearer['firm']!, {
      ...works,
      materialFamily: 'oak parquet',
      quantity: '84.5',
      unit: 'm2',
      estimated: true,
      conditionGrade: 'B',
      wasteCode: '17 02 01',
      availableFrom: new Date(Date.now() - 3_600_000).toISOString(),
      mustBeGoneBy: lotGoneBy,
      fallback: { route: 'recycling', facility: 'plateforme bois Amiens Est' },
    })) as { goodId: string };
    mine.good.push(offered);
    await hold(offered, '10');

    // Collection: what the members ask to be fetched tomorrow, and a van to fetch it.
    const deliverTo = village;
    const pickup = async (bearerOf: string, body: Record<string, unknown>) => {
      const { pickupId } = (await done('POST', '/v1/pickups', bearer[bearerOf]!, {
        locality: 'Amiens',
        windows: [windowOn(tomorrow, '08:00', '16:00')],
        deliverTo,
        ...body,
      })) as { pickupId: string };
      mine.pickup.push(pickupId);
    };
    await pickup('operator', {
      kind: 'home',
      address: '12 rue des Lilas, 80000 Amiens',
      position: { latitude: 49.8941, longitude: 2.2958 },
      donorRef: 'donor-42',
      expectedLoad: { kg: 22, m3: 0.4, crates: 0, items: 1 },
      skills: ['two-person', 'tail-lift'],
      goods: [{ kind: 'item', make: MAKE, model: MODEL }],
    });
    await pickup('shop', {
      kind: 'shop',
      address: '3 place au Feurre, 80000 Amiens',
      position: { latitude: 49.8949, longitude: 2.2995 },
      expectedLoad: { kg: 90, m3: 0.6, crates: 12, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 144, depositCents: 20 }],
    });
    await pickup('firm', {
      kind: 'construction-site',
      address: 'Chantier Citadelle, 80000 Amiens',
      position: { latitude: 49.9015, longitude: 2.2901 },
      expectedLoad: { kg: 100, m3: 1, crates: 0, items: 0 },
      goods: [
        {
          kind: 'lot',
          materialFamily: 'oak parquet',
          quantity: '10',
          unit: 'm2',
          conditionGrade: 'B',
          wasteCode: '17 02 01',
        },
      ],
      lot: { goodId: offered, mustBeGoneBy: lotGoneBy },
    });
    const { pointId } = (await done('POST', '/v1/collection-points', bearer['shop']!, {
      name: `${name}, comptoir consigne`,
      kind: 'shop',
      address: '8 rue des Vergeaux, 80000 Amiens',
      position: { latitude: 49.8937, longitude: 2.2989 },
      locality: 'Amiens',
      expectedLoad: { kg: 150, m3: 0.8, crates: 10, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 120, depositCents: 20 }],
      deliverTo,
      threshold: { fullCrates: 10 },
    })) as { pointId: string };
    mine.point.push(pointId);
    await done('POST', `/v1/collection-points/${pointId}/schedule`, bearer['shop']!, {
      schedule: {
        weekdays: [2],
        startingOn: parisDay(),
        windowFrom: '09:00',
        windowUntil: '12:00',
      },
    });
    await done('POST', '/v1/vehicles', operator, {
      name: `Fourgon ${name}`,
      // One bulky item a van: each member's donor pickup takes a van, so both get a round.
      capacity: { kg: 2_000, m3: 20, crates: 100, items: 1 },
      skills: ['two-person', 'tail-lift', 'pallet-jack', 'heavy-licence'],
      depot: { latitude: 49.9031, longitude: 2.3278 },
      workFrom: '07:00',
      workUntil: '19:00',
    });
    return { organisationId, members, operator };
  };
  const members = await Promise.all([
    member('Ressourcerie du Quai', 'reuse-village'),
    member('Atelier Solidaire', 'workshop'),
  ]);
  persons.push(...members.flatMap((m) => m.members));
  // Tomorrow planned: each member's van gets a round, given to the member's driver.
  await done('POST', '/v1/day-plans', coordinator, { day: tomorrow });
  const rounds = await eventually(
    async () => {
      const { body } = await system.call('GET', `/v1/rounds?day=${tomorrow}`, coordinator);
      const planned = (body['rounds'] ?? []) as { roundId: string; organisationId: string }[];
      expect(planned).toHaveLength(members.length);
      return planned;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  for (const { organisationId, operator } of members) {
    for (const round of rounds.filter((r) => r.organisationId === organisationId)) {
      await done('POST', `/v1/rounds/${round.roundId}/driver`, operator, {
        driverId: driverOf(organisationId),
      });
      own(organisationId).round.push(round.roundId);
    }
  }
  const order = [null, ...members.map((m) => m.organisationId)];
  const all = (kind: keyof Ids) => order.flatMap((organisation) => own(organisation)[kind]);
  const known: Record<string, fc.Arbitrary<unknown>> = {
    fromState: fc.constantFrom(...STATES),
    toState: fc.constantFrom(...STATES),
    state: fc.constantFrom(...STATES),
    make: fc.constantFrom(MAKE, 'Sunrise'),
    model: fc.constantFrom(MODEL, 'Quickie'),
    serialNumber: fc.constantFrom('FZ-0', 'FZ-new'),
    steps: fc.constant(CHECKLIST.map((step) => ({ step, done: true }))),
    quantity: fc.constantFrom('1', '2', '5', '0.5', '10', '60'),
    holderId: fc.constantFrom('ben-7', 'firm-b'),
    beneficiaryRef: fc.constantFrom('ben-7', 'ben-8', ...refs),
    operatorId: fc.constant('staff-1'),
    wasteCode: fc.constantFrom('17 02 01', '17 01 03'),
    instructionsRef: fc.constant(INSTRUCTIONS),
    newUseMonths: fc.constantFrom(12, 24),
    ttlSeconds: fc.constantFrom(60, 3_600),
    // Moments and weights that the rules beyond the schema accept (a window still open, a
    // net weight that covers the goods', a day not in the future), so that more get past them.
    availableFrom: fc.constant(new Date(Date.now() - 3_600_000).toISOString()),
    mustBeGoneBy: fc.constant(new Date(Date.now() + 2 * 86_400_000).toISOString()),
    receivedAt: fc.constant(new Date(Date.now() - 3_600_000).toISOString()),
    from: fc.constant(new Date(Date.now() - 30 * 86_400_000).toISOString()),
    to: fc.constant(new Date(Date.now() + 86_400_000).toISOString()),
    performedOn: fc.constant(parisDay()),
    validFrom: fc.constant('2025-01-01'),
    validUntil: fc.constant('2030-12-31'),
    grossWeightKg: fc.constantFrom(50, 400),
    tareKg: fc.constantFrom(0, 2),
    weightKg: fc.constantFrom(1, 5, 20),
    serialFrom: fc.constantFrom('A', 'FZ-'),
    serialTo: fc.constantFrom('FZ-z', 'Z'),
    // Collection: a day near now, windows still to come, the members' drivers.
    day: fc.constantFrom(parisDay(), tomorrow, nextDay(tomorrow)),
    windows: fc.constant([windowOn(tomorrow, '09:00', '12:00')]),
    driverId: fc.constantFrom(...members.map((m) => driverOf(m.organisationId)), 'driver-x'),
    'Idempotency-Key': fc.oneof(
      fc.uuid().map((id) => `fuzz-${id}`),
      // Keys used again, by the same person, with another request or the same one.
      fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c'),
    ),
    // Revisions start at 1: these are sometimes the one the object has.
    'If-Match': fc.constantFrom('"1"', '"2"', '"3"', '*'),
  };
  return {
    persons,
    forgeries: await forgeries(system, members[0].organisationId),
    hintsFor(organisation) {
      const mine = own(organisation);
      return (name) => {
        const kind = KIND_OF[name];
        if (!kind) return known[name];
        const mineOrAll = organisation === null ? all(kind) : mine[kind];
        const others = all(kind).filter((id) => !mineOrAll.includes(id));
        // A transfer goes to another member: there, the other member's id is the one that exists.
        const [ours, theirs] =
          name === 'toOrganisationId' ? [others, mineOrAll] : [mineOrAll, others];
        return fc.oneof(
          ...(ours.length ? [{ arbitrary: fc.constantFrom(...ours), weight: 8 }] : []),
          ...(theirs.length ? [{ arbitrary: fc.constantFrom(...theirs), weight: 1 }] : []),
          { arbitrary: fc.uuid({ version: 4 }), weight: 1 },
        );
      };
    },
  };
}

/** Authorization headers no person of the cluster sends: each must be a 401. */
async function forgeries(system: GatewaySystem, organisationId: string): Promise<Persona[]> {
  const now = Math.floor(Date.now() / 1000);
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const valid = await system.person('operator', organisationId, 'operator-forged');
  const signed = (claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (j) => j) =>
    edit(
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m'),
    ).sign(system.provider.privateKey);
  const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({
      sub: 'x',
      boucle_role: 'coordinator',
      iss: ISSUER,
      aud: AUDIENCE,
      exp: now + 60,
    }),
  ).toString('base64url')}.`;
  const cases: [string, string | undefined][] = [
    ['no Authorization', undefined],
    ['an empty Authorization', ''],
    ['Bearer alone', 'Bearer'],
    ['a garbage bearer', 'Bearer garbage'],
    ['a three-part garbage bearer', 'Bearer a.b.c'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['a lower-case scheme', `bearer ${valid}`],
    ['a token with more after it', `Bearer ${valid} extra`],
    ['a tampered signature', `Bearer ${valid.slice(0, -4)}AAAA`],
    ['an unsigned token', `Bearer ${unsigned}`],
    ['an 8 kB bearer', `Bearer ${'A'.repeat(8_000)}`],
    [
      'a token of an unknown key',
      `Bearer ${await system.token({ sub: 'x', boucle_role: 'coordinator' }, stranger.privateKey)}`,
    ],
    [
      'an expired token',
      `Bearer ${await signed({ sub: 'x', boucle_role: 'coordinator' }, (j) => j.setExpirationTime(now - 3_600))}`,
    ],
    [
      'a token for another audience',
      `Bearer ${await signed({ sub: 'x', boucle_role: 'coordinator' }, (j) => j.setAudience('other'))}`,
    ],
    ['a token speaking as system', `Bearer ${await system.person('system', null)}`],
    ['a token of an unknown role', `Bearer ${await system.person('admin', null)}`],
    [
      'a token with no subject',
      `Bearer ${await system.token({ boucle_role: 'coordinator', boucle_org: null })}`,
    ],
    [
      'a token whose organisation is a number',
      `Bearer ${await system.token({ sub: 'x', boucle_role: 'operator', boucle_org: 42 })}`,
    ],
  ];
  return cases.map(([label, authorization]) => ({ label, organisation: null, authorization }));
}
