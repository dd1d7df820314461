import {
  CollectionPickupScheduledV1,
  CollectionRoundPlannedV1,
  CollectionRpc,
  type Actor,
  type RpcResponse,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { addDays } from '../src/common/paris-time.js';
import { MoveStopService } from '../src/rounds/move-stop.service.js';
import type { RoundPlanner } from '../src/rounds/planner.js';
import { greedyPlanner } from './greedy-planner.js';
import {
  refusal,
  registerVan,
  requestHomePickup,
  startCollection,
  tomorrow,
  windowOn,
  type CollectionHarness,
  type Member,
} from './harness.js';

type Rounds = RpcResponse<typeof CollectionRpc.listRounds>;

describe(MoveStopService.name, () => {
  let h: CollectionHarness;
  let village: Member;
  let day: string;

  /** Pickups the test planner leaves out of the plan, as if no vehicle had time for them. */
  const leftOut = new Set<string>();
  const planner: RoundPlanner = {
    async plan(problem) {
      const result = await greedyPlanner.plan({
        ...problem,
        stops: problem.stops.filter((s) => !leftOut.has(s.id)),
      });
      const unplanned = problem.stops
        .filter((s) => leftOut.has(s.id))
        .map((s) => ({ id: s.id, reason: 'fleet-exhausted' as const }));
      return { ...result, unplanned: [...result.unplanned, ...unplanned] };
    },
  };

  beforeEach(async () => {
    leftOut.clear();
    h = await startCollection({}, { planner });
    village = h.member();
    day = tomorrow();
  });

  afterEach(async () => {
    await h?.close();
  });

  async function listRounds(): Promise<Rounds> {
    return h.rpc.request(CollectionRpc.listRounds, { actor: h.coordinator, day });
  }

  /**
   * A van (two-person, tail-lift, 12 crates) and a truck (also a heavy licence, 60 crates),
   * registered in that order so that the greedy test planner fills the van first. The van
   * gets three homes (09:00–12:00, 10:00–12:00, 14:00–16:00); the truck the 20 crates of
   * glass the van has no room for, and a heavy pickup the van has no licence for.
   */
  async function aPlannedDay(options: { leaveOut?: 'glass' } = {}) {
    const van = await registerVan(h, village.operator, {
      skills: ['two-person', 'tail-lift'],
      capacity: { kg: 1200, m3: 12, crates: 12, items: 6 },
    });
    const truck = await registerVan(h, village.operator);
    const home1 = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '09:00', '12:00')],
    });
    const home3 = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '10:00', '12:00')],
    });
    const home2 = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '14:00', '16:00')],
    });
    const glass = await requestHomePickup(h, village.shop, {
      kind: 'shop',
      skills: [],
      windows: [windowOn(day, '08:00', '12:00')],
      expectedLoad: { kg: 300, m3: 1.6, crates: 20, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 240, depositCents: 20 }],
    });
    if (options.leaveOut === 'glass') leftOut.add(glass.pickupId);
    const heavy = await requestHomePickup(h, village.shop, {
      kind: 'business',
      skills: ['heavy-licence'],
      windows: [windowOn(day, '13:00', '16:00')],
    });
    const { requestedRevision } = await h.rpc.request(CollectionRpc.planDay, {
      actor: h.coordinator,
      day,
    });
    const rounds = await eventually(async () => {
      const listed = await listRounds();
      expect(listed.plannedRevision).toBeGreaterThanOrEqual(requestedRevision);
      return listed;
    });
    expect(rounds.rounds.map((r) => r.vehicleId).sort()).toEqual(
      [van.vehicleId, truck.vehicleId].sort(),
    );
    const roundOf = (vehicleId: string) => rounds.rounds.find((r) => r.vehicleId === vehicleId)!;
    const vanRound = roundOf(van.vehicleId);
    const truckRound = roundOf(truck.vehicleId);
    expect(vanRound.stops.map((s) => s.pickupId)).toEqual([
      home1.pickupId,
      home3.pickupId,
      home2.pickupId,
    ]);
    expect(truckRound.stops.map((s) => s.pickupId)).toEqual(
      options.leaveOut ? [heavy.pickupId] : [glass.pickupId, heavy.pickupId],
    );
    return { rounds, vanRound, truckRound, home1, home2, home3, glass, heavy };
  }

  function move(roundId: string, pickupId: string, sequence: number, actor: Actor = h.coordinator) {
    return h.rpc.request(CollectionRpc.moveStop, { actor, roundId, pickupId, sequence });
  }

  const inside = (eta: string, window: { from: string; until: string }) =>
    new Date(eta) >= new Date(window.from) && new Date(eta) <= new Date(window.until);

  describe('move', () => {
    it('should renumber and re-time the round when a stop moves within it, and tell of the change', async () => {
      const { rounds, vanRound, home1, home2, home3 } = await aPlannedDay();
      const before = new Map(vanRound.stops.map((s) => [s.pickupId, s]));

      const moved = await move(vanRound.roundId, home3.pickupId, 1);

      expect(moved.planRevision).toBe(rounds.plannedRevision + 1);
      expect(moved.rounds).toHaveLength(1);
      expect(moved.rounds[0]!.stops.map((s) => [s.pickupId, s.sequence])).toEqual([
        [home3.pickupId, 1],
        [home1.pickupId, 2],
        [home2.pickupId, 3],
      ]);
      const after = await listRounds();
      const round = after.rounds.find((r) => r.roundId === vanRound.roundId)!;
      expect(after.plannedRevision).toBe(moved.planRevision);
      expect(round.planRevision).toBe(moved.planRevision);
      expect(round.distanceKm).toBeGreaterThan(0);
      for (const stop of round.stops) expect(inside(stop.eta, stop.windows[0]!)).toBe(true);
      expect(round.stops.map((s) => s.eta)).toEqual(moved.rounds[0]!.stops.map((s) => s.eta));
      // The ETAs are the library's, with travel, not the test planner's.
      expect(round.stops[0]!.eta).not.toBe(before.get(home3.pickupId)!.eta);

      await eventually(async () => {
        const planned = (await h.events(CollectionRoundPlannedV1.subject)).filter(
          (e) => (e.data as { planRevision: number }).planRevision === moved.planRevision,
        );
        expect(planned).toEqual([
          expect.objectContaining({
            actor: h.coordinator,
            data: expect.objectContaining({
              roundId: vanRound.roundId,
              stops: moved.rounds[0]!.stops,
            }),
          }),
        ]);
        const scheduled = (await h.events(CollectionPickupScheduledV1.subject))
          .map((e) => e.data as { pickupId: string; sequence: number; eta: string })
          .filter((d) => moved.rounds[0]!.stops.some((s) => s.eta === d.eta));
        expect(scheduled).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ pickupId: home3.pickupId, sequence: 1 }),
            expect.objectContaining({ pickupId: home1.pickupId, sequence: 2 }),
          ]),
        );
      });
    });

    it('should move a stop to another round of the day, re-timing both', async () => {
      const { vanRound, truckRound, home1, home2, home3, glass, heavy } = await aPlannedDay();

      const moved = await move(truckRound.roundId, home2.pickupId, 2);

      const after = await listRounds();
      const van = after.rounds.find((r) => r.roundId === vanRound.roundId)!;
      const truck = after.rounds.find((r) => r.roundId === truckRound.roundId)!;
      expect(van.stops.map((s) => [s.pickupId, s.sequence])).toEqual([
        [home1.pickupId, 1],
        [home3.pickupId, 2],
      ]);
      expect(truck.stops.map((s) => [s.pickupId, s.sequence])).toEqual([
        [glass.pickupId, 1],
        [home2.pickupId, 2],
        [heavy.pickupId, 3],
      ]);
      expect(moved.rounds.map((r) => r.roundId).sort()).toEqual(
        [vanRound.roundId, truckRound.roundId].sort(),
      );
      const mine = await h.rpc.request(CollectionRpc.getPickup, {
        actor: village.operator,
        pickupId: home2.pickupId,
      });
      expect(mine.plan).toMatchObject({ roundId: truckRound.roundId, sequence: 2 });
      await eventually(async () => {
        const scheduled = (await h.events(CollectionPickupScheduledV1.subject)).map(
          (e) => e.data as { pickupId: string; roundId: string },
        );
        expect(scheduled).toContainEqual(
          expect.objectContaining({ pickupId: home2.pickupId, roundId: truckRound.roundId }),
        );
        const planned = (await h.events(CollectionRoundPlannedV1.subject))
          .map((e) => e.data as { roundId: string; planRevision: number })
          .filter((d) => d.planRevision === moved.planRevision)
          .map((d) => d.roundId)
          .sort();
        expect(planned).toEqual([vanRound.roundId, truckRound.roundId].sort());
      });
    });

    it.each([
      ['capacity', 'glass', "over the vehicle's capacity in crates"],
      ['a window', 'home2', "outside the pickup's window 09:00–12:00"],
      ['a skill', 'heavy', 'needs heavy-licence, which the vehicle lacks'],
    ] as const)(
      'should refuse a move that breaks %s, naming it, and change nothing',
      async (_rule, which, words) => {
        const day0 = await aPlannedDay();
        const pickupId = day0[which].pickupId;

        const error = await refusal(move(day0.vanRound.roundId, pickupId, 1));

        expect(error.code).toBe('validation');
        expect(error.message).toContain(words);
        expect(error.body.issues).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ message: expect.stringContaining(words) }),
          ]),
        );
        expect(await listRounds()).toEqual(day0.rounds);
      },
    );

    it('should refuse a move in or out of a round that has started', async () => {
      const { rounds, vanRound, truckRound, home2, heavy, glass } = await aPlannedDay();
      await h.rpc.request(CollectionRpc.startRound, {
        actor: h.coordinator,
        roundId: truckRound.roundId,
      });

      const within = await refusal(move(truckRound.roundId, heavy.pickupId, 1));
      const into = await refusal(move(truckRound.roundId, home2.pickupId, 2));
      const out = await refusal(move(vanRound.roundId, glass.pickupId, 1));

      for (const error of [within, into, out]) {
        expect(error.code).toBe('invalid-transition');
        expect(error.body).toMatchObject({ currentState: 'started' });
      }
      const after = await listRounds();
      expect(after.plannedRevision).toBe(rounds.plannedRevision);
      expect(after.rounds.find((r) => r.roundId === vanRound.roundId)).toEqual(
        expect.objectContaining({ stops: vanRound.stops }),
      );
    });

    it('should put a pickup the plan left out into a round', async () => {
      const { rounds, truckRound, glass, heavy } = await aPlannedDay({ leaveOut: 'glass' });
      expect(rounds.unplanned).toEqual([{ pickupId: glass.pickupId, reason: 'fleet-exhausted' }]);

      await move(truckRound.roundId, glass.pickupId, 1);

      const after = await listRounds();
      expect(after.unplanned).toEqual([]);
      expect(
        after.rounds.find((r) => r.roundId === truckRound.roundId)!.stops.map((s) => s.pickupId),
      ).toEqual([glass.pickupId, heavy.pickupId]);
      const mine = await h.rpc.request(CollectionRpc.getPickup, {
        actor: village.shop,
        pickupId: glass.pickupId,
      });
      expect(mine).toMatchObject({ status: 'scheduled', unplannedReason: null });
    });

    it('should refuse a move while a newer plan of the day is asked for, so that neither is lost', async () => {
      const { rounds, vanRound, home3 } = await aPlannedDay();
      // A plan asked for whose job has not written it yet (it would overwrite the move).
      await h.orm.em
        .fork()
        .getConnection()
        .execute('UPDATE day_plan SET requested_revision = requested_revision + 1 WHERE day = ?', [
          day,
        ]);

      const error = await refusal(move(vanRound.roundId, home3.pickupId, 1));

      expect(error.code).toBe('conflict');
      expect(error.message).toContain('a new plan of');
      const after = await listRounds();
      expect(after.rounds).toEqual(rounds.rounds);
      expect(after.plannedRevision).toBe(rounds.plannedRevision);
    });

    it("should refuse a move to another day's round", async () => {
      const { vanRound, home1 } = await aPlannedDay();
      const later = addDays(day, 1);
      await requestHomePickup(h, village.operator, {
        windows: [windowOn(later, '09:00', '12:00')],
      });
      const { requestedRevision } = await h.rpc.request(CollectionRpc.planDay, {
        actor: h.coordinator,
        day: later,
      });
      const other = await eventually(async () => {
        const listed = await h.rpc.request(CollectionRpc.listRounds, {
          actor: h.coordinator,
          day: later,
        });
        expect(listed.plannedRevision).toBeGreaterThanOrEqual(requestedRevision);
        return listed.rounds[0]!;
      });

      const error = await refusal(move(other.roundId, home1.pickupId, 1));

      expect(error.code).toBe('validation');
      expect(error.message).toContain(`waits on a round of ${day}`);
      expect((await listRounds()).rounds.find((r) => r.roundId === vanRound.roundId)).toEqual(
        vanRound,
      );
    });

    it('should refuse a position past the end of the round', async () => {
      const { vanRound, home1 } = await aPlannedDay();

      const error = await refusal(move(vanRound.roundId, home1.pickupId, 5));

      expect(error.code).toBe('validation');
      expect(error.body.issues).toEqual([expect.objectContaining({ path: 'sequence' })]);
    });

    it('should refuse drivers and firms', async () => {
      const { vanRound, home1 } = await aPlannedDay();

      for (const actor of [village.driver, village.firm, village.operator]) {
        const error = await refusal(move(vanRound.roundId, home1.pickupId, 2, actor));
        expect(error.code).toBe('forbidden');
      }
    });
  });
});
