import fc from 'fast-check';
import { COLLECTION_SKILLS, UNPLANNED_REASONS } from '@boucle/contracts';
import { UNPLANNED_REASONS as ROUTING_UNPLANNED_REASONS } from '@boucle/routing';
import { parisDayBounds, parisInstant } from '../common/paris-time.js';
import {
  checkPlan,
  type PlanningProblem,
  type PlanningStop,
  type PlanningVehicle,
} from './planner.js';
import {
  ROUTING_REASONS,
  RoutingPlanner,
  toRoutingProblem,
  type RoutingPlannerOptions,
} from './routing-planner.js';

const MINUTE = 60_000;
const DAY = '2026-07-01';
const at = (time: string, day = DAY) => parisInstant(day, time).getTime();
const AMIENS = { latitude: 49.8941, longitude: 2.2958 };
const YARD = { latitude: 49.8763, longitude: 2.2614 };

function van(overrides: Partial<PlanningVehicle> = {}): PlanningVehicle {
  return {
    id: 'van',
    depot: YARD,
    capacity: { kg: 1200, m3: 12, crates: 60, items: 6 },
    skills: ['two-person', 'tail-lift'],
    shiftStart: at('08:00'),
    shiftEnd: at('17:00'),
    serviceMs: 15 * MINUTE,
    break: null,
    ...overrides,
  };
}

function stop(id: string, overrides: Partial<PlanningStop> = {}): PlanningStop {
  return {
    id,
    position: AMIENS,
    windows: [{ from: at('09:00'), until: at('12:00') }],
    demand: { kg: 22, m3: 0.4, crates: 0, items: 1 },
    skills: [],
    ...overrides,
  };
}

const QUICK: RoutingPlannerOptions = { timeLimitMs: 50, detourFactor: 1.3, speedKmh: 30 };

describe(RoutingPlanner.name, () => {
  describe(toRoutingProblem.name, () => {
    it("should give times in seconds since the Paris day's midnight, loads in libs/routing's dimensions, one depot per yard", () => {
      const problem: PlanningProblem = {
        day: DAY,
        vehicles: [
          van({
            break: {
              earliestStart: at('12:00'),
              latestStart: at('13:00'),
              durationMs: 30 * MINUTE,
            },
          }),
          van({ id: 'truck', serviceMs: 25 * MINUTE, skills: ['heavy-licence'] }),
        ],
        stops: [stop('chair', { skills: ['tail-lift'] }), stop('parquet')],
      };

      const { problem: sut, unplanned } = toRoutingProblem(problem);

      expect(unplanned).toEqual([]);
      expect(sut.depots).toEqual([{ id: 'depot-0', location: { lat: 49.8763, lon: 2.2614 } }]);
      expect(sut.vehicles[0]).toEqual({
        id: 'van',
        depotId: 'depot-0',
        capacity: { kg: 1200, m3: 12, crates: 60, tailLiftPlaces: 6 },
        skills: ['two-person', 'tail-lift'],
        workingHours: { start: 8 * 3600, end: 17 * 3600 },
        break: { window: { start: 12 * 3600, end: 13.5 * 3600 }, duration: 1800 },
      });
      expect(sut.vehicles[1]!.break).toBeUndefined();
      expect(sut.pickups).toEqual([
        expect.objectContaining({
          id: 'chair',
          location: { lat: 49.8941, lon: 2.2958 },
          // Only the van has a tail-lift: its crew's time on site.
          serviceDuration: 15 * 60,
          demand: { kg: 22, m3: 0.4, crates: 0, tailLiftPlaces: 1 },
          requiredSkills: ['tail-lift'],
          timeWindows: [{ start: 9 * 3600, end: 12 * 3600 }],
        }),
        // Either crew may take it: the slower one's time, so that both keep the plan.
        expect.objectContaining({ id: 'parquet', serviceDuration: 25 * 60 }),
      ]);
    });

    it('should keep one clock on the day the clocks go back', () => {
      const day = '2026-10-25';
      const { problem } = toRoutingProblem({
        day,
        vehicles: [van({ shiftStart: at('08:00', day), shiftEnd: at('17:00', day) })],
        stops: [],
      });

      // 25 hours that day: 08:00 is nine hours after midnight.
      expect(problem.vehicles[0]!.workingHours).toEqual({ start: 9 * 3600, end: 18 * 3600 });
    });
  });

  it('should map every reason libs/routing gives to a reason of the contract', () => {
    for (const reason of ROUTING_UNPLANNED_REASONS)
      expect(UNPLANNED_REASONS).toContain(ROUTING_REASONS[reason]);
  });

  it('should report every pickup as no-vehicle when no vehicle works that day', async () => {
    const sut = new RoutingPlanner(QUICK);

    const result = await sut.plan({ day: DAY, vehicles: [], stops: [stop('a'), stop('b')] });

    expect(result).toEqual({
      rounds: [],
      unplanned: [
        { id: 'a', reason: 'no-vehicle' },
        { id: 'b', reason: 'no-vehicle' },
      ],
    });
  });

  it('should plan in a thread of its own and give etas in epoch ms, inside the windows, and kilometres', async () => {
    let threads = 0;
    const sut = new RoutingPlanner({ ...QUICK, onWorker: () => threads++ });
    const problem: PlanningProblem = {
      day: DAY,
      vehicles: [van()],
      stops: [
        stop('glass', { windows: [{ from: at('08:00'), until: at('09:00') }] }),
        stop('chair', { windows: [{ from: at('10:00'), until: at('12:00') }] }),
        stop('pallets', { skills: ['pallet-jack'] }),
        stop('piano', { demand: { kg: 2000, m3: 3, crates: 0, items: 1 } }),
      ],
    };

    const result = await sut.plan(problem);

    expect(threads).toBe(1);
    expect(checkPlan(problem, result)).toEqual([]);
    expect(result.rounds).toEqual([
      {
        vehicleId: 'van',
        stops: [
          { id: 'glass', eta: expect.any(Number) },
          { id: 'chair', eta: expect.any(Number) },
        ],
        distanceKm: expect.any(Number),
      },
    ]);
    // The yard and Amiens are about 3 km apart: there and back, twice over the detour.
    expect(result.rounds[0]!.distanceKm).toBeGreaterThan(5);
    expect(result.rounds[0]!.distanceKm).toBeLessThan(20);
    expect(result.unplanned).toEqual([
      { id: 'pallets', reason: 'no-vehicle-with-skills' },
      { id: 'piano', reason: 'over-capacity' },
    ]);
  });

  it('should plan on road distances from OSRM when it answers', async () => {
    const asked: string[] = [];
    // 2 locations: the yard and the pickup, 40 km apart by road.
    const osrm = (input: string | URL | Request) => {
      asked.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(
        Response.json({
          code: 'Ok',
          distances: [
            [0, 40_000],
            [40_000, 0],
          ],
          durations: [
            [0, 1800],
            [1800, 0],
          ],
        }),
      );
    };
    const sut = new RoutingPlanner({ ...QUICK, osrmUrl: 'http://osrm.test:5000', fetch: osrm });

    const result = await sut.plan({ day: DAY, vehicles: [van()], stops: [stop('chair')] });

    expect(asked).toEqual([expect.stringContaining('http://osrm.test:5000/table/v1/driving/')]);
    expect(result.rounds[0]!.distanceKm).toBeCloseTo(80, 6);
  });

  it('should plan on great circles when OSRM fails', async () => {
    const down = () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));
    const sut = new RoutingPlanner({ ...QUICK, osrmUrl: 'http://osrm.test:5000', fetch: down });
    const problem: PlanningProblem = { day: DAY, vehicles: [van()], stops: [stop('chair')] };

    const result = await sut.plan(problem);

    expect(checkPlan(problem, result)).toEqual([]);
    expect(result.rounds[0]!.stops.map((s) => s.id)).toEqual(['chair']);
    expect(result.rounds[0]!.distanceKm).toBeLessThan(20);
  });

  it('should end the planning thread and reject with the reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let exited: Promise<number> | undefined;
    const sut = new RoutingPlanner({
      ...QUICK,
      // Far longer than the test may run: only the abort can end it.
      timeLimitMs: 3_600_000,
      onWorker: (thread) => {
        exited = new Promise((resolve) => thread.once('exit', resolve));
        thread.once('online', () => controller.abort(reason));
      },
    });

    const planning = sut.plan(
      {
        day: DAY,
        vehicles: [van()],
        stops: Array.from({ length: 20 }, (_, i) => stop(`p${i}`, { demand: DEMAND })),
      },
      controller.signal,
    );

    await expect(planning).rejects.toBe(reason);
    // Terminated: a thread that ends on its own exits 0.
    await expect(exited).resolves.toBe(1);
  });

  it('should account for every pickup, planned within every rule or reported with a reason of the contract, on generated days of 1–80 pickups', async () => {
    const sut = new RoutingPlanner(QUICK);
    await fc.assert(
      fc.asyncProperty(dayArb(), async (problem) => {
        const result = await sut.plan(problem);

        expect(checkPlan(problem, result)).toEqual([]);
        for (const { reason } of result.unplanned) expect(UNPLANNED_REASONS).toContain(reason);
      }),
      { numRuns: 20, seed: 20_261_203 },
    );
  });
});

const DEMAND = { kg: 10, m3: 0.1, crates: 0, items: 0 };

/**
 * A Paris day of 1–80 pickups around Amiens (some days those of a change of hour) and
 * 0–4 vehicles out of one or two yards: various capacities, skills, hours, breaks and
 * times on site; pickups with one or two windows, loads now and then larger than any
 * vehicle, skills now and then none has.
 */
function dayArb(): fc.Arbitrary<PlanningProblem> {
  const skills = fc.subarray([...COLLECTION_SKILLS], { maxLength: 2 });
  const minutes = (min: number, max: number) => fc.integer({ min, max });
  const vehicle = fc.record({
    yard: fc.nat(1),
    kg: fc.integer({ min: 300, max: 3500 }),
    m3: fc.integer({ min: 3, max: 30 }),
    crates: fc.integer({ min: 0, max: 80 }),
    items: fc.integer({ min: 0, max: 8 }),
    skills: fc.subarray([...COLLECTION_SKILLS]),
    from: minutes(6 * 60, 9 * 60),
    length: minutes(4 * 60, 10 * 60),
    serviceMinutes: minutes(5, 30),
    break: fc.option(
      fc.record({ offset: minutes(120, 300), slack: minutes(0, 90), minutes: minutes(15, 45) }),
      { nil: undefined },
    ),
  });
  const pickup = fc.record({
    dLat: fc.integer({ min: -900, max: 900 }),
    dLon: fc.integer({ min: -1300, max: 1300 }),
    kg: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 200 }), weight: 8 },
      { arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 1 },
    ),
    m3: fc.integer({ min: 0, max: 300 }),
    crates: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
    items: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 2 })),
    skills: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 3 },
      { arbitrary: skills, weight: 1 },
    ),
    windows: fc.array(fc.record({ from: minutes(6 * 60, 17 * 60), length: minutes(10, 300) }), {
      minLength: 1,
      maxLength: 2,
    }),
  });
  return fc
    .record({
      day: fc.constantFrom('2026-07-01', '2026-12-03', '2026-03-29', '2026-10-25'),
      vehicles: fc.oneof(
        { arbitrary: fc.array(vehicle, { minLength: 1, maxLength: 4 }), weight: 9 },
        { arbitrary: fc.array(vehicle, { maxLength: 0 }), weight: 1 },
      ),
      pickups: fc.array(pickup, { minLength: 1, maxLength: 80, size: 'max' }),
    })
    .map(({ day, vehicles, pickups }) => {
      const { start, end } = parisDayBounds(day);
      const midnight = start.getTime();
      const clock = (minutesAfterMidnight: number) => midnight + minutesAfterMidnight * MINUTE;
      return {
        day,
        vehicles: vehicles.map((v, k) => ({
          id: `vehicle-${k}`,
          depot: v.yard === 0 ? YARD : { latitude: 49.92, longitude: 2.33 },
          capacity: { kg: v.kg, m3: v.m3, crates: v.crates, items: v.items },
          skills: v.skills,
          shiftStart: clock(v.from),
          shiftEnd: clock(v.from + v.length),
          serviceMs: v.serviceMinutes * MINUTE,
          break: v.break
            ? {
                earliestStart: clock(v.from + v.break.offset),
                latestStart: clock(v.from + v.break.offset + v.break.slack),
                durationMs: v.break.minutes * MINUTE,
              }
            : null,
        })),
        stops: pickups.map((p, j) => ({
          id: `pickup-${j}`,
          position: {
            latitude: AMIENS.latitude + p.dLat / 10_000,
            longitude: AMIENS.longitude + p.dLon / 10_000,
          },
          windows: p.windows.map((w) => ({
            from: clock(w.from),
            until: Math.min(clock(w.from + w.length), end.getTime()),
          })),
          demand: { kg: p.kg, m3: p.m3 / 100, crates: p.crates, items: p.items },
          skills: p.skills,
        })),
      };
    });
}
