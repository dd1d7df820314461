import { CollectionPickupUnplannedV1, CollectionRpc, type RpcResponse } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { parisInstant } from '../src/common/paris-time.js';
import {
  checkPlan,
  ROUND_PLANNER,
  type PlanningProblem,
  type PlanningResult,
  type RoundPlanner,
} from '../src/rounds/planner.js';
import { RoutingPlanner } from '../src/rounds/routing-planner.js';
import {
  collectedAt,
  registerVan,
  requestHomePickup,
  requestLotPickup,
  startCollection,
  tomorrow,
  windowOn,
  type CollectionHarness,
  type Member,
} from './harness.js';

/*
 * Days planned by the round planner of libs/routing (hybrid genetic search, in a worker
 * thread), through the service: what it plans keeps every rule, what it cannot plan comes
 * back with its reason, the service answers while it plans, and a shutdown ends it.
 */
describe(RoutingPlanner.name, () => {
  let h: CollectionHarness | undefined;
  let village: Member;
  let firm: Member;
  let day: string;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** The service with the planner it runs in production (AppModule's), on a short budget. */
  async function withTheRealPlanner() {
    h = await startCollection({ PLANNER_TIME_LIMIT_MS: '300' }, { planner: undefined });
    village = h.member();
    firm = h.member();
    day = tomorrow();
    const planner = h.app.get<RoundPlanner>(ROUND_PLANNER, { strict: false });
    expect(planner).toBeInstanceOf(RoutingPlanner);
    // What the service asked and was answered, to check the answer against the rules.
    const answered: { problem: PlanningProblem; result: PlanningResult }[] = [];
    const plan = planner.plan.bind(planner);
    planner.plan = async (problem, signal) => {
      const result = await plan(problem, signal);
      answered.push({ problem, result });
      return result;
    };
    return { h, answered };
  }

  /** Asks for a plan of the day and waits for it. */
  async function planned(h: CollectionHarness) {
    const { requestedRevision } = await h.rpc.request(CollectionRpc.planDay, {
      actor: h.coordinator,
      day,
    });
    return plannedUpTo(h, requestedRevision);
  }

  /** Waits until the newest plan asked for (by a command or a change) is the day's plan. */
  async function settled(h: CollectionHarness, after: number) {
    const { requestedRevision } = await h.rpc.request(CollectionRpc.listRounds, {
      actor: h.coordinator,
      day,
    });
    expect(requestedRevision).toBeGreaterThan(after);
    return plannedUpTo(h, requestedRevision);
  }

  async function plannedUpTo(
    h: CollectionHarness,
    revision: number,
  ): Promise<RpcResponse<typeof CollectionRpc.listRounds>> {
    return eventually(async () => {
      const rounds = await h.rpc.request(CollectionRpc.listRounds, { actor: h.coordinator, day });
      expect(rounds.plannedRevision).toBeGreaterThanOrEqual(revision);
      return rounds;
    });
  }

  const at = (time: string) => parisInstant(day, time).toISOString();
  /** Home pickups around Amiens, `k` hundred metres apart. */
  const near = (k: number) => ({ latitude: 49.8941 + k * 0.001, longitude: 2.2958 - k * 0.0012 });

  it('should plan a day of pickups with windows, skills and loads on two vehicles within every rule, and give each one it cannot plan with the reason', async () => {
    const { h, answered } = await withTheRealPlanner();
    // A van for people's homes and shops, a truck for construction sites.
    const { vehicleId: van } = await registerVan(h, village.operator, {
      capacity: { kg: 600, m3: 8, crates: 40, items: 4 },
      skills: ['two-person', 'tail-lift'],
    });
    const { vehicleId: truck } = await registerVan(h, firm.operator, {
      capacity: { kg: 3000, m3: 20, crates: 0, items: 0 },
      skills: ['heavy-licence'],
      break: { earliestStart: '12:00', latestStart: '13:00', minutes: 30 },
    });
    const chair = (k: number, from: string, until: string) =>
      requestHomePickup(h, village.operator, {
        position: near(k),
        windows: [windowOn(day, from, until)],
      });
    const chairs = [
      await chair(1, '09:00', '12:00'),
      await chair(4, '10:00', '12:00'),
      await chair(7, '14:00', '16:00'),
    ];
    const glass = await requestHomePickup(h, village.operator, {
      kind: 'shop',
      position: near(2),
      skills: [],
      windows: [windowOn(day, '08:00', '09:00')],
      expectedLoad: { kg: 150, m3: 0.8, crates: 10, items: 0 },
      goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 120, depositCents: 20 }],
    });
    const gone = at('18:00');
    const lots = [
      await requestLotPickup(h, firm.firm, gone),
      await requestLotPickup(h, firm.firm, gone, {
        position: near(-5),
        windows: [windowOn(day, '13:00', '16:00')],
      }),
    ];
    const pallets = await requestHomePickup(h, village.operator, { skills: ['pallet-jack'] });
    const rubble = await requestLotPickup(h, firm.firm, gone, {
      expectedLoad: { kg: 5000, m3: 6, crates: 0, items: 0 },
    });
    // Ten minutes to be there and done, when a stop takes fifteen.
    const hurried = await requestHomePickup(h, village.operator, {
      windows: [windowOn(day, '09:00', '09:10')],
    });

    const rounds = await planned(h);

    const { problem, result } = answered.at(-1)!;
    expect(problem.vehicles.map((v) => v.id).sort()).toEqual([van, truck].sort());
    expect(problem.stops).toHaveLength(9);
    expect(checkPlan(problem, result)).toEqual([]);
    const stopsOf = (vehicleId: string) =>
      (rounds.rounds.find((r) => r.vehicleId === vehicleId)?.stops ?? []).map((s) => s.pickupId);
    const ids = (pickups: { pickupId: string }[]) => pickups.map((p) => p.pickupId).sort();
    // The van: glass (08:00–09:00) first, the afternoon's chair (14:00–16:00) last.
    expect(stopsOf(van)[0]).toBe(glass.pickupId);
    expect(stopsOf(van).at(-1)).toBe(chairs[2]!.pickupId);
    expect([...stopsOf(van)].sort()).toEqual(ids([glass, ...chairs]));
    // The truck: the construction sites, none of which the van may take.
    expect([...stopsOf(truck)].sort()).toEqual(ids(lots));
    for (const round of rounds.rounds) {
      expect(round.distanceKm).toBeGreaterThan(0);
      for (const stop of round.stops)
        expect(
          stop.windows.some((w) => w.from <= stop.eta && stop.eta <= w.until) ||
            `${stop.eta} outside ${JSON.stringify(stop.windows)}`,
        ).toBe(true);
    }
    expect(rounds.unplanned).toHaveLength(3);
    expect(rounds.unplanned).toEqual(
      expect.arrayContaining([
        { pickupId: pallets.pickupId, reason: 'no-vehicle-with-skills' },
        { pickupId: rubble.pickupId, reason: 'over-capacity' },
        { pickupId: hurried.pickupId, reason: 'window-too-short' },
      ]),
    );
    await eventually(async () => {
      const reasons = (await h.events(CollectionPickupUnplannedV1.subject)).map((e) => e.data);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pickupId: rubble.pickupId, reason: 'over-capacity', day }),
          expect.objectContaining({ pickupId: hurried.pickupId, reason: 'window-too-short' }),
        ]),
      );
    });
  });

  it('should plan a pickup added or cancelled without moving the stops of a round already out', async () => {
    const { h, answered } = await withTheRealPlanner();
    const { vehicleId: first } = await registerVan(h, village.operator);
    const { vehicleId: second } = await registerVan(h, village.operator);
    for (const k of [1, 3, 6]) await requestHomePickup(h, village.operator, { position: near(k) });
    const before = await planned(h);
    const out = before.rounds.find((r) => r.stops.length > 0)!;
    await h.rpc.request(CollectionRpc.assignDriver, {
      actor: village.operator,
      roundId: out.roundId,
      driverId: village.driver.userId,
    });
    await h.rpc.request(CollectionRpc.startRound, { actor: village.driver, roundId: out.roundId });
    const done = out.stops[0]!.pickupId;
    await h.rpc.request(CollectionRpc.recordCollected, {
      actor: village.driver,
      ...collectedAt(out.roundId, done),
    });
    const asOut = (rounds: typeof before) =>
      rounds.rounds
        .find((r) => r.roundId === out.roundId)!
        .stops.map((s) => [s.pickupId, s.sequence, s.eta]);

    // Two more come in the afternoon: only the vehicle still at the yard may take them.
    const afternoon = [
      await requestHomePickup(h, village.operator, {
        position: near(2),
        windows: [windowOn(day, '14:00', '16:00')],
      }),
      await requestHomePickup(h, village.operator, {
        position: near(5),
        windows: [windowOn(day, '14:00', '17:00')],
      }),
    ];
    const added = await settled(h, before.plannedRevision);
    await h.rpc.request(CollectionRpc.cancelPickup, {
      actor: village.operator,
      pickupId: afternoon[0]!.pickupId,
    });
    const cancelled = await settled(h, added.plannedRevision);

    const other = out.vehicleId === first ? second : first;
    for (const after of [added, cancelled]) {
      expect(asOut(after)).toEqual(out.stops.map((s) => [s.pickupId, s.sequence, s.eta]));
      expect(after.rounds.find((r) => r.roundId === out.roundId)!.stops[0]!.status).toBe(
        'collected',
      );
      expect(after.unplanned).toEqual([]);
    }
    const stopsOfOther = (rounds: typeof before) =>
      rounds.rounds.find((r) => r.vehicleId === other)!.stops.map((s) => s.pickupId);
    expect(stopsOfOther(added)).toEqual(expect.arrayContaining(afternoon.map((p) => p.pickupId)));
    expect(stopsOfOther(cancelled)).toContain(afternoon[1]!.pickupId);
    expect(stopsOfOther(cancelled)).not.toContain(afternoon[0]!.pickupId);
    // The round already out was not asked about: its van is not in the problem.
    for (const { problem, result } of answered.slice(1)) {
      expect(problem.vehicles.map((v) => v.id)).toEqual([other]);
      expect(checkPlan(problem, result)).toEqual([]);
    }
  });

  it('should answer requests while a day is planned, and end the planning thread at shutdown', async () => {
    const threads: { online: Promise<void>; exited: Promise<number> }[] = [];
    const outcomes: Promise<PlanningResult>[] = [];
    const sut = new RoutingPlanner({
      // Far longer than the test runs: the plan is still going when the requests come.
      timeLimitMs: 600_000,
      detourFactor: 1.3,
      speedKmh: 30,
      onWorker: (thread) =>
        threads.push({
          online: new Promise((resolve) => thread.once('online', () => resolve())),
          exited: new Promise((resolve) => thread.once('exit', resolve)),
        }),
    });
    let settledPlans = 0;
    const planner: RoundPlanner = {
      plan(problem, signal) {
        const outcome = sut.plan(problem, signal);
        outcomes.push(outcome);
        outcome.then(
          () => settledPlans++,
          () => settledPlans++,
        );
        return outcome;
      },
    };
    const service = (h = await startCollection({ WORKER_GRACE_MS: '200' }, { planner }));
    village = service.member();
    day = tomorrow();
    await registerVan(service, village.operator);
    for (let k = 0; k < 12; k++)
      await requestHomePickup(service, village.operator, { position: near(k) });
    const { requestedRevision } = await service.rpc.request(CollectionRpc.planDay, {
      actor: service.coordinator,
      day,
    });
    await eventually(() => expect(threads).toHaveLength(1));
    await threads[0]!.online;

    const vehicles = await service.rpc.request(CollectionRpc.listVehicles, {
      actor: village.operator,
    });
    const rounds = await service.rpc.request(CollectionRpc.listRounds, {
      actor: service.coordinator,
      day,
    });

    expect(vehicles.vehicles).toHaveLength(1);
    expect(rounds).toMatchObject({ requestedRevision, plannedRevision: 0 });
    expect(settledPlans).toBe(0);

    // Shutdown: the worker's grace passes, the job is cancelled, the thread terminated.
    await service.close();
    h = undefined;
    await expect(outcomes[0]).rejects.toBe('shutdown');
    await expect(threads[0]!.exited).resolves.toBe(1);
  });
});
