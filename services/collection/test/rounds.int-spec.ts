import {
  CollectionPickupCompletedV1,
  CollectionPickupMissedV1,
  CollectionPickupUnplannedV1,
  CollectionRoundCompletedV1,
  CollectionRoundPlannedV1,
  CollectionRpc,
  type RpcResponse,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { PlanningService } from '../src/rounds/planning.service.js';
import {
  collectedAt,
  refusal,
  registerVan,
  requestHomePickup,
  startCollection,
  tomorrow,
  windowOn,
  type CollectionHarness,
  type Member,
} from './harness.js';

describe(PlanningService.name, () => {
  let h: CollectionHarness;
  let village: Member;
  let shop: Member;
  let day: string;

  // A service of its own per test: each plans a day from nothing.
  beforeEach(async () => {
    h = await startCollection();
    village = h.member();
    shop = h.member();
    day = tomorrow();
  });

  afterEach(async () => {
    await h?.close();
  });

  /** Plans the day as the coordinator and waits until that plan is in the rounds. */
  async function plan(): Promise<RpcResponse<typeof CollectionRpc.listRounds>> {
    const { requestedRevision } = await h.rpc.request(CollectionRpc.planDay, {
      actor: h.coordinator,
      day,
    });
    return waitForPlan(requestedRevision);
  }

  async function waitForPlan(revision: number) {
    return eventually(async () => {
      const rounds = await h.rpc.request(CollectionRpc.listRounds, { actor: h.coordinator, day });
      expect(rounds.plannedRevision).toBeGreaterThanOrEqual(revision);
      return rounds;
    });
  }

  async function eventsOf(subject: string, pickupId: string) {
    return (await h.events(subject)).filter(
      (e) => (e.data as { pickupId?: string }).pickupId === pickupId,
    );
  }

  /**
   * The village's van and three pickups of tomorrow: glass at a shop (08:00–09:00), a
   * wheelchair at a donor's home (10:00–12:00), and pallets no vehicle can take; planned.
   */
  async function aPlannedDay() {
    const { vehicleId } = await registerVan(h, village.operator);
    const home = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '10:00', '12:00')],
    });
    const glass = await requestHomePickup(h, shop.shop, {
      kind: 'shop',
      skills: [],
      windows: [windowOn(day, '08:00', '09:00')],
      expectedLoad: { kg: 150, m3: 0.8, crates: 10, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 120, depositCents: 20 }],
    });
    const pallets = await requestHomePickup(h, shop.shop, {
      kind: 'business',
      skills: ['pallet-jack'],
    });
    const rounds = await plan();
    return { vehicleId, home, glass, pallets, rounds, round: rounds.rounds[0]! };
  }

  /** A planned day whose round is given to the village's driver. */
  async function aRoundForTheDriver() {
    const planned = await aPlannedDay();
    await h.rpc.request(CollectionRpc.assignDriver, {
      actor: village.operator,
      roundId: planned.round.roundId,
      driverId: village.driver.userId,
    });
    return planned;
  }

  it("should plan a day's pickups on the vehicles that can take them and report the others with the reason", async () => {
    const { vehicleId, home, glass, pallets, rounds } = await aPlannedDay();

    expect(rounds.rounds).toEqual([
      expect.objectContaining({
        vehicleId,
        organisationId: village.organisationId,
        status: 'planned',
        stops: [
          expect.objectContaining({ pickupId: glass.pickupId, sequence: 1, status: 'pending' }),
          expect.objectContaining({ pickupId: home.pickupId, sequence: 2, status: 'pending' }),
        ],
      }),
    ]);
    expect(rounds.unplanned).toEqual([
      { pickupId: pallets.pickupId, reason: 'no-vehicle-with-skills' },
    ]);
    const mine = await h.rpc.request(CollectionRpc.getPickup, {
      actor: shop.shop,
      pickupId: glass.pickupId,
    });
    expect(mine).toMatchObject({ status: 'scheduled', plan: { day, sequence: 1 } });
    await eventually(async () => {
      expect(await eventsOf(CollectionPickupUnplannedV1.subject, pallets.pickupId)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ reason: 'no-vehicle-with-skills', day }),
        }),
      ]);
      const planned = (await h.events(CollectionRoundPlannedV1.subject)).map((e) => e.data);
      expect(planned).toContainEqual(
        expect.objectContaining({ vehicleId, day, planRevision: rounds.plannedRevision }),
      );
    });
  });

  it('should plan the day again when a pickup is added to it, keeping its rounds', async () => {
    const { rounds: before, round } = await aPlannedDay();

    const added = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '14:00', '16:00')],
    });

    const after = await waitForPlan(before.plannedRevision + 1);
    expect(after.rounds.map((r) => r.roundId)).toEqual([round.roundId]);
    expect(after.rounds[0]!.stops.map((s) => s.pickupId)).toEqual([
      ...round.stops.map((s) => s.pickupId),
      added.pickupId,
    ]);
  });

  it('should show a driver the rounds given to them and their stops, and nothing else', async () => {
    const { round, home } = await aRoundForTheDriver();
    const otherDriver = h.member().driver;

    const asDriver = await h.rpc.request(CollectionRpc.listRounds, { actor: village.driver, day });
    const asOther = await h.rpc.request(CollectionRpc.listRounds, { actor: otherDriver, day });
    const error = await refusal(
      h.rpc.request(CollectionRpc.getRound, { actor: otherDriver, roundId: round.roundId }),
    );
    const stop = await h.rpc.request(CollectionRpc.getPickup, {
      actor: village.driver,
      pickupId: home.pickupId,
    });
    const notOnHisRound = await refusal(
      h.rpc.request(CollectionRpc.getPickup, { actor: otherDriver, pickupId: home.pickupId }),
    );

    expect(asDriver.rounds.map((r) => r.roundId)).toEqual([round.roundId]);
    expect(asDriver.unplanned).toEqual([]);
    expect(asOther.rounds).toEqual([]);
    expect(error.code).toBe('not-found');
    expect(stop.address).toContain('rue des Lilas');
    expect(notOnHisRound.code).toBe('not-found');
  });

  it('should record each stop once and emit the completed pickup with what was collected', async () => {
    const { round, glass } = await aRoundForTheDriver();

    await h.rpc.request(CollectionRpc.startRound, {
      actor: village.driver,
      roundId: round.roundId,
    });
    const collected = await h.rpc.request(CollectionRpc.recordCollected, {
      actor: village.driver,
      ...collectedAt(round.roundId, glass.pickupId),
      actual: { kg: 182.5, m3: 0.9, crates: 12, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 144, depositCents: 20 }],
    });
    const twice = await refusal(
      h.rpc.request(CollectionRpc.recordCollected, {
        actor: village.driver,
        ...collectedAt(round.roundId, glass.pickupId),
      }),
    );

    expect(collected).toMatchObject({ status: 'collected', roundStatus: 'started' });
    expect(twice.body).toMatchObject({ code: 'invalid-transition', currentState: 'collected' });
    await eventually(async () =>
      expect(await eventsOf(CollectionPickupCompletedV1.subject, glass.pickupId)).toEqual([
        expect.objectContaining({
          actor: village.driver,
          data: expect.objectContaining({
            organisationId: shop.organisationId,
            roundId: round.roundId,
            mode: 'shop',
            actual: { kg: 182.5, m3: 0.9, crates: 12, items: 0 },
            goods: [
              { kind: 'pool', containerType: 'bouteille 75 cl', count: 144, depositCents: 20 },
            ],
            proof: { photoRefs: ['photo:test:1'], signatureRef: 'sig:test:1' },
            provenance: { locality: 'Amiens', donorRef: 'donor-42' },
          }),
        }),
      ]),
    );
  });

  it('should never move a started round when the day is planned again, and complete it when every stop is recorded', async () => {
    const { round, glass, home } = await aRoundForTheDriver();
    await h.rpc.request(CollectionRpc.startRound, {
      actor: village.driver,
      roundId: round.roundId,
    });

    // The only van is out on its round: a pickup added now goes to no vehicle.
    const late = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '15:00', '16:00')],
    });
    const replanned = await waitForPlan(round.planRevision + 1);

    expect(replanned.rounds[0]!.stops.map((s) => [s.pickupId, s.sequence, s.eta])).toEqual(
      round.stops.map((s) => [s.pickupId, s.sequence, s.eta]),
    );
    expect(replanned.unplanned).toContainEqual({ pickupId: late.pickupId, reason: 'no-vehicle' });

    await h.rpc.request(CollectionRpc.recordCollected, {
      actor: village.driver,
      ...collectedAt(round.roundId, glass.pickupId),
    });
    const missed = await h.rpc.request(CollectionRpc.recordMissed, {
      actor: village.driver,
      roundId: round.roundId,
      pickupId: home.pickupId,
      reason: 'nobody-there',
    });

    expect(missed).toMatchObject({ status: 'missed', roundStatus: 'completed' });
    await eventually(async () => {
      expect(await eventsOf(CollectionPickupMissedV1.subject, home.pickupId)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            reason: 'nobody-there',
            attempt: 1,
            rescheduleAt: expect.any(String),
          }),
        }),
      ]);
      expect((await h.events(CollectionRoundCompletedV1.subject)).map((e) => e.data)).toEqual([
        expect.objectContaining({ roundId: round.roundId, collected: 1, missed: 1 }),
      ]);
    });
  });

  it('should refuse a record for a stop not on the round, and any record from a driver the round is not given to', async () => {
    const { round, home } = await aRoundForTheDriver();
    const stranger = h.member().driver;

    const notOnRound = await refusal(
      h.rpc.request(CollectionRpc.recordCollected, {
        actor: village.driver,
        ...collectedAt(round.roundId, crypto.randomUUID()),
      }),
    );
    const notHis = await refusal(
      h.rpc.request(CollectionRpc.recordMissed, {
        actor: stranger,
        roundId: round.roundId,
        pickupId: home.pickupId,
        reason: 'other',
      }),
    );

    expect(notOnRound.code).toBe('not-found');
    expect(notHis.code).toBe('not-found');
    const still = await h.rpc.request(CollectionRpc.getRound, {
      actor: village.operator,
      roundId: round.roundId,
    });
    expect(still.status).toBe('planned');
  });
});
