import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestNats, eventually } from '@boucle/testing';
import {
  AIDS_INTAKE,
  BOTTLE_CRATES,
  CARDBOARD,
  DONOR_PICKUPS,
  DOORS_LOT,
  HOSPITAL_DISCHARGE,
  PARQUET_LOT,
  SHOP_GLASS,
  SITES,
  WANTED_PARQUET,
} from '../demo/amiens.dataset.js';
import type { TokenSource } from '../demo/client.js';
import { EventTap } from '../demo/events.js';
import { quietReporter } from '../demo/printer.js';
import { dischargeScenario } from '../demo/scenarios/discharge.scenario.js';
import { glassScenario } from '../demo/scenarios/glass.scenario.js';
import { litterScenario } from '../demo/scenarios/litter.scenario.js';
import { lotScenario } from '../demo/scenarios/lot.scenario.js';
import { medicalAidScenario } from '../demo/scenarios/medical-aid.scenario.js';
import { roundsScenario } from '../demo/scenarios/rounds.scenario.js';
import { tonnageScenario } from '../demo/scenarios/tonnage.scenario.js';
import { wantedScenario } from '../demo/scenarios/wanted.scenario.js';
import { DemoSession } from '../demo/session.js';
import { registerCluster, type Cluster } from '../demo/setup.js';
import { startGatewaySystem, type GatewaySystem } from './harness.js';

/*
 * `npm run demo` end to end: each scenario of the demonstration played over HTTP into a
 * real gateway and real inventory, collection and matching processes, with the test's own sign-in
 * provider. The
 * scenarios check each answer's status as they go; these tests check the end state each
 * leaves (stock, holds, passport, tonnage) over HTTP, and the events it got published.
 */
describe('npm run demo', () => {
  let system: GatewaySystem;
  let nc: NatsConnection;
  let events: EventTap;
  let cluster: Cluster;
  let runs = 0;

  const tokens: TokenSource = (person) =>
    system.person(person.role, person.organisationId, person.userId);
  /** A play of its own: its serial numbers and idempotency keys are its own. */
  const session = () =>
    new DemoSession({
      http: system,
      tokens,
      events,
      reporter: quietReporter(),
      runId: `T${Date.now().toString(36).toUpperCase()}${++runs}`,
    });
  const get = async (who: keyof Cluster['people'], url: string) => {
    const answer = await system.call('GET', url, await tokens(cluster.people[who]));
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const typesAbout = (id: string) => events.concerning([id]).map((e) => e.envelope.type);
  const balances = (good: Record<string, unknown>) =>
    (good['balances'] as { state: string; quantity: string }[]).map((b) => [b.state, b.quantity]);

  beforeAll(async () => {
    system = await startGatewaySystem();
    nc = await connectTestNats(system.nats.url);
    events = await EventTap.listen(nc, system.nats.prefix);
    cluster = await registerCluster(session());
  }, 120_000);

  afterAll(async () => {
    await events?.close();
    await nc?.close();
    await system?.close();
  }, 30_000);

  it('should register the cluster once, a second play finding the same members, sites and certificate', async () => {
    const again = await registerCluster(session());

    expect(again).toEqual(cluster);
    expect(Object.keys(cluster.sites)).toEqual(Object.keys(SITES));
    expect(cluster.sites.atelier.locations).toEqual(
      Object.fromEntries(SITES.atelier.locations.map((name) => [name, expect.any(String)])),
    );
  });

  it('should take a wheelchair from its weighing through every gate to its beneficiary', async () => {
    const made = await medicalAidScenario(session(), cluster);

    const wheelchair = await get('operateurAtelier', `/v1/goods/${made.wheelchairId}`);
    expect(wheelchair).toMatchObject({ state: 'handed-over', activeHolds: [] });
    expect(balances(wheelchair)).toEqual([['handed-over', '1']]);
    expect((await get('operateurAtelier', `/v1/goods/${made.liftId}`))['state']).toBe('received');
    const passport = await get('technicienRbeu', `/v1/goods/${made.wheelchairId}/passport`);
    expect(
      (passport['movements'] as { to: { state: string } | null }[]).map((m) => m.to?.state),
    ).toEqual([
      'received',
      'triaged',
      'refurbishing',
      'quality-checked',
      'disinfected',
      'certified',
      'available',
      'held',
      'handed-over',
    ]);
    expect((passport['refurbishment'] as { gate: string }[]).map((r) => r.gate)).toEqual([
      'triage',
      'checklist',
      'quality-check',
      'disinfection',
      'certification',
    ]);
    expect(passport['fitForUseUntil']).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
    expect(typesAbout(made.wheelchairId)).toEqual(
      expect.arrayContaining([
        'inventory.intake.recorded',
        'inventory.item.triaged',
        'inventory.item.refurbishment-recorded',
        'inventory.item.certified',
        'inventory.item.available',
        'inventory.hold.placed',
        'inventory.hold.handed-over',
      ]),
    );
    expect(typesAbout(made.wheelchairId).filter((t) => t === 'inventory.stock.moved')).toHaveLength(
      9,
    );
    const handedOver = events
      .concerning([made.holdId])
      .find((e) => e.envelope.type === 'inventory.hold.handed-over');
    expect(handedOver?.envelope.data).toMatchObject({ beneficiaryRef: made.beneficiaryRef });
  });

  it("should split a firm's lot between two takers' holds and divert the rest", async () => {
    const made = await lotScenario(session(), cluster);

    const [first, second] = PARQUET_LOT.takers;
    const taken = first!.quantity + second!.quantity;
    const lot = await get('conducteurTravaux', `/v1/goods/${made.lotId}`);
    expect(balances(lot)).toEqual([
      ['diverted', String(PARQUET_LOT.quantity - taken)],
      ['handed-over', String(taken)],
    ]);
    expect(lot['activeHolds']).toEqual([]);
    const types = typesAbout(made.lotId);
    expect(types.filter((t) => t === 'inventory.hold.placed')).toHaveLength(2);
    expect(types.filter((t) => t === 'inventory.hold.handed-over')).toHaveLength(2);
    expect(
      events.concerning([made.lotId]).find((e) => e.envelope.type === 'inventory.lot.diverted')
        ?.envelope.data,
    ).toMatchObject({
      quantity: String(PARQUET_LOT.quantity - taken),
      route: PARQUET_LOT.fallback.route,
      facility: PARQUET_LOT.fallback.facility,
      automatic: false,
    });
  });

  it('should find a certified wheelchair for someone leaving hospital, have it approved and handed over, and close the need as fulfilled', async () => {
    const made = await dischargeScenario(session(), cluster);

    const need = await get('travailleuseSociale', `/v1/needs/${made.needId}`);
    expect(need).toMatchObject({
      status: 'fulfilled',
      kind: 'medical-aid',
      isoClass: HOSPITAL_DISCHARGE.isoClass,
      urgency: 'urgent',
      organisationId: cluster.organisations.autonomie,
      beneficiaryRef: made.beneficiaryRef,
      beneficiary: { name: HOSPITAL_DISCHARGE.beneficiary.name },
      closedAt: expect.any(String),
    });
    const reservation = await get('travailleuseSociale', `/v1/reservations/${made.reservationId}`);
    expect(reservation).toMatchObject({
      goodId: made.wheelchairId,
      needId: made.needId,
      status: 'handed-over',
      holdId: made.holdId,
      holderRef: made.beneficiaryRef,
      approvalRequired: true,
      approval: { decision: 'approved', by: cluster.people.technicienRbeu.userId },
    });
    const wheelchair = await get('operateurAtelier', `/v1/goods/${made.wheelchairId}`);
    expect(wheelchair).toMatchObject({ state: 'handed-over', activeHolds: [] });
    expect(balances(wheelchair)).toEqual([['handed-over', '1']]);
    // The hold matching asked for is the one handed over, to the need's beneficiary.
    expect(
      events.concerning([made.holdId]).find((e) => e.envelope.type === 'inventory.hold.handed-over')
        ?.envelope.data,
    ).toMatchObject({ beneficiaryRef: made.beneficiaryRef, reservationId: made.reservationId });
    const statuses = events
      .concerning([made.reservationId])
      .filter((e) => e.envelope.type === 'matching.reservation.status-changed')
      .map((e) => e.envelope.data['status']);
    expect(statuses).toEqual(['held', 'confirmed', 'handed-over']);
    expect(
      events.concerning([made.needId]).find((e) => e.envelope.type === 'matching.need.closed')
        ?.envelope.data,
    ).toMatchObject({ reason: 'fulfilled' });
    // The person is known to events by reference only: neither name nor health travels.
    const told = JSON.stringify(events.all());
    expect(told).not.toContain(HOSPITAL_DISCHARGE.beneficiary.name);
    expect(told).not.toContain(HOSPITAL_DISCHARGE.health.notes);
  });

  it("should let a firm's wanted list take part of another firm's lot, held for it and seen by the lot's firm", async () => {
    const made = await wantedScenario(session(), cluster);

    const { lot: offer, wanted } = WANTED_PARQUET;
    const left = String(offer.quantity - wanted.quantity);
    const lot = await get('conducteurTravaux', `/v1/goods/${made.lotId}`);
    expect(balances(lot)).toEqual([
      ['held', String(wanted.quantity)],
      ['offered', left],
    ]);
    expect(lot['activeHolds']).toEqual([
      expect.objectContaining({
        holdId: made.holdId,
        quantity: String(wanted.quantity),
        holderId: cluster.organisations.renovation,
      }),
    ]);
    const reservation = await get(
      'conductriceRenovation',
      `/v1/reservations/${made.reservationId}`,
    );
    expect(reservation).toMatchObject({
      goodId: made.lotId,
      needId: made.needId,
      status: 'confirmed',
      quantity: String(wanted.quantity),
      unit: 'm2',
      approvalRequired: false,
      approval: null,
      organisationId: cluster.organisations.renovation,
    });
    // Part taken, not handed over yet: the wanted list entry stays open.
    expect(await get('conductriceRenovation', `/v1/needs/${made.needId}`)).toMatchObject({
      status: 'open',
      kind: 'material',
      organisationId: cluster.organisations.renovation,
    });
    // What is left is still on offer to others.
    await eventually(async () =>
      expect(await get('conductriceRenovation', `/v1/catalogue/${made.lotId}`)).toMatchObject({
        availableQuantity: left,
      }),
    );
  });

  it('should play the matching scenarios again with goods, needs and reservations of their own', async () => {
    const first = await dischargeScenario(session(), cluster);
    const again = await dischargeScenario(session(), cluster);
    const lots = [
      await wantedScenario(session(), cluster),
      await wantedScenario(session(), cluster),
    ];

    expect(again.wheelchairId).not.toBe(first.wheelchairId);
    expect(again.needId).not.toBe(first.needId);
    expect(again.beneficiaryRef).not.toBe(first.beneficiaryRef);
    expect([again.need.status, again.reservation.status]).toEqual(['fulfilled', 'handed-over']);
    expect(lots[1]!.lotId).not.toBe(lots[0]!.lotId);
    expect(lots.map((made) => made.reservation.status)).toEqual(['confirmed', 'confirmed']);
    // Each lot holds its own part only.
    for (const made of lots)
      expect(balances(await get('conducteurTravaux', `/v1/goods/${made.lotId}`))).toEqual([
        ['held', String(WANTED_PARQUET.wanted.quantity)],
        ['offered', String(WANTED_PARQUET.lot.quantity - WANTED_PARQUET.wanted.quantity)],
      ]);
  }, 120_000);

  it("should wash a shop's crates and deliver the bottles to a producer", async () => {
    const made = await glassScenario(session(), cluster);

    const pool = await get('operateurLaverie', `/v1/goods/${made.poolId}`);
    expect(balances(pool)).toEqual([
      ['available', String(BOTTLE_CRATES.washed - BOTTLE_CRATES.delivered)],
      ['broken', String(BOTTLE_CRATES.broken)],
      ['delivered', String(BOTTLE_CRATES.delivered)],
    ]);
    const washing = events
      .concerning([made.transformationId])
      .find((e) => e.envelope.type === 'inventory.good.transformed');
    expect(washing?.envelope.data).toMatchObject({ kind: 'washing', inputGoodIds: [made.poolId] });
    expect(typesAbout(made.poolId)).toEqual(
      expect.arrayContaining(['inventory.hold.placed', 'inventory.hold.handed-over']),
    );
  });

  it('should shred cardboard into litter bales with its mass balance and deliver some', async () => {
    const made = await litterScenario(session(), cluster);

    const cardboard = await get('encadrantLitiere', `/v1/goods/${made.cardboardId}`);
    expect(balances(cardboard)).toEqual([['transformed', String(CARDBOARD.weightKg)]]);
    const baledKg = CARDBOARD.bales * CARDBOARD.baleKg;
    const deliveredKg = CARDBOARD.deliveredBales * CARDBOARD.baleKg;
    expect(balances(made.bales)).toEqual([
      ['available', String(baledKg - deliveredKg)],
      ['delivered', String(deliveredKg)],
    ]);
    expect(
      events
        .concerning([made.transformationId])
        .find((e) => e.envelope.type === 'inventory.good.transformed')?.envelope.data,
    ).toMatchObject({
      kind: 'cardboard-to-litter',
      inputKg: CARDBOARD.weightKg,
      outputKg: baledKg,
      lossKg: CARDBOARD.lossKg,
    });
  });

  it("should plan a day of donors', a firm's and shops' pickups and take what the driver collects into inventory", async () => {
    const made = await roundsScenario(session(), cluster);

    const pickups = Object.values(made.pickups);
    expect(new Set(pickups).size).toBe(5);
    for (const pickupId of pickups)
      expect(await get('coordinatrice', `/v1/pickups/${pickupId}`)).toMatchObject({
        status: 'collected',
        plan: { day: made.day },
      });
    // One van for the day, all five stops on it, each collected.
    expect(made.rounds).toHaveLength(1);
    expect(made.rounds[0]).toMatchObject({
      status: 'completed',
      driverId: cluster.people.chauffeurVillage.userId,
    });
    expect(made.rounds[0]!.stops.map((s) => [s.pickupId, s.status]).sort()).toEqual(
      pickups.map((id) => [id, 'collected']).sort(),
    );
    // The wheelchair and the lift needed two people and the tail-lift: the van has both.
    const skilled = made.rounds[0]!.stops.filter((s) => s.skills.includes('tail-lift'));
    expect(skilled.map((s) => s.pickupId).sort()).toEqual(
      [made.pickups.wheelchair, made.pickups.lift].sort(),
    );

    // Each load taken in by inventory where it was delivered.
    expect(made.intakes.atelier.map((g) => g.serialNumber)).toEqual(
      expect.arrayContaining([made.serials.wheelchair, made.serials.lift]),
    );
    // The doors are a part of the firm's lot passed to the village, not goods taken in anew.
    const doors = made.intakes.village.find((g) => g.description['fromLotId'] === made.lotId);
    expect(doors).toMatchObject({
      kind: 'lot',
      organisationId: cluster.organisations.village,
      description: { materialFamily: DOORS_LOT.materialFamily, pickupId: made.pickups.doors },
    });
    expect(doors?.balances).toEqual([
      expect.objectContaining({
        state: 'collected',
        locationId: cluster.sites.village.locations['matériauthèque'],
        quantity: String(DOORS_LOT.held),
      }),
    ]);
    const counts = Object.fromEntries(
      made.intakes.laverie.map((g) => [g.description['containerType'], g.balances[0]?.quantity]),
    );
    expect(counts).toMatchObject({
      [SHOP_GLASS.point.containerType]: String(
        SHOP_GLASS.point.reportedCrates * SHOP_GLASS.point.perCrate,
      ),
      [SHOP_GLASS.request.containerType]: String(SHOP_GLASS.request.count),
    });
    // The firm's lot: the doors held for the village handed over once fetched, the rest on offer.
    const lot = await get('conducteurTravaux', `/v1/goods/${made.lotId}`);
    expect(balances(lot)).toEqual([
      ['handed-over', String(DOORS_LOT.held)],
      ['offered', String(DOORS_LOT.quantity - DOORS_LOT.held)],
    ]);
    expect(lot['activeHolds']).toEqual([]);
    expect(typesAbout(made.holdId)).toEqual(
      expect.arrayContaining(['inventory.hold.placed', 'inventory.hold.handed-over']),
    );

    const roundId = made.rounds[0]!.roundId;
    expect(typesAbout(roundId)).toEqual(
      expect.arrayContaining([
        'collection.round.planned',
        'collection.round.started',
        'collection.round.completed',
      ]),
    );
    for (const pickupId of pickups)
      expect(typesAbout(pickupId)).toEqual(
        expect.arrayContaining([
          'collection.pickup.requested',
          'collection.pickup.scheduled',
          'collection.pickup.completed',
        ]),
      );
    // Donors are known by their pseudonymous reference only: no event names an address.
    for (const donor of Object.values(DONOR_PICKUPS))
      expect(JSON.stringify(events.all())).not.toContain(donor.address);
  }, 120_000);

  it('should plan the next free day when played again the same day', async () => {
    const first = await roundsScenario(session(), cluster);
    const again = await roundsScenario(session(), cluster);

    expect(again.day > first.day).toBe(true);
    expect(again.rounds[0]).toMatchObject({ status: 'completed' });
  }, 180_000);

  it("should report the play's tonnes in by mode and flow and out by destination, balanced", async () => {
    const play = session();
    const from = new Date();
    await medicalAidScenario(play, cluster);
    await lotScenario(play, cluster);
    await glassScenario(play, cluster);
    await litterScenario(play, cluster);

    const { cluster: report, firm } = await tonnageScenario(play, cluster, { from });

    const t = (kg: number) => Math.round(kg) / 1000;
    const aidsKg = AIDS_INTAKE.wheelchair.weightKg + AIDS_INTAKE.lift.weightKg;
    const takenM2 = PARQUET_LOT.takers.reduce((sum, taker) => sum + taker.quantity, 0);
    const lotKgPerM2 = PARQUET_LOT.weightKg / PARQUET_LOT.quantity;
    const bottleKg = BOTTLE_CRATES.weightKg / BOTTLE_CRATES.count;
    const sort = <T extends object>(rows: T[]) =>
      [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sort(report.in)).toEqual(
      sort([
        { collectionMode: AIDS_INTAKE.collectionMode, kind: 'item', tonnes: t(aidsKg) },
        { collectionMode: 'construction-site', kind: 'lot', tonnes: t(PARQUET_LOT.weightKg) },
        { collectionMode: 'shop', kind: 'pool', tonnes: t(BOTTLE_CRATES.weightKg) },
        { collectionMode: 'pickup', kind: 'bulk', tonnes: t(CARDBOARD.weightKg) },
      ]),
    );
    expect(sort(report.out)).toEqual(
      sort([
        { destination: 'reuse', kind: 'item', tonnes: t(AIDS_INTAKE.wheelchair.weightKg) },
        { destination: 'reuse', kind: 'lot', tonnes: t(takenM2 * lotKgPerM2) },
        {
          destination: PARQUET_LOT.fallback.route,
          kind: 'lot',
          tonnes: t((PARQUET_LOT.quantity - takenM2) * lotKgPerM2),
        },
        { destination: 'reuse', kind: 'pool', tonnes: t(BOTTLE_CRATES.delivered * bottleKg) },
        { destination: 'disposal', kind: 'pool', tonnes: t(BOTTLE_CRATES.broken * bottleKg) },
        { destination: 'loss', kind: 'bulk', tonnes: t(CARDBOARD.lossKg) },
        {
          destination: 'recycling',
          kind: 'bulk',
          tonnes: t(CARDBOARD.deliveredBales * CARDBOARD.baleKg),
        },
      ]),
    );
    expect(report.inTonnes).toBeCloseTo(
      report.stockEndTonnes - report.stockStartTonnes + report.outTonnes,
      6,
    );
    expect(firm).toMatchObject({
      scope: cluster.organisations.deconstruction,
      in: [{ collectionMode: 'construction-site', kind: 'lot', tonnes: t(PARQUET_LOT.weightKg) }],
    });
  });
});
