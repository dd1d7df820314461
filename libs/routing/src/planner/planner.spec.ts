import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { H, day, depot, near, pickup, vehicle } from '../test-support/factories.js';
import { dayArb } from '../test-support/generators.js';
import { bestRouteByEnumeration, findPlanErrors } from '../test-support/plan-checker.js';
import { greatCircleMatrix, planningLocations } from './matrix.js';
import { type PlannedStop, type PlanningProblem, type RoundPlan } from './model.js';
import { checkRoute, planRounds } from './planner.js';
import { PlanningInputError } from './validation.js';

const BUDGET = {
  seed: 3,
  timeLimitMs: Infinity,
  maxIterations: 300,
  maxIterationsWithoutImprovement: 150,
  parameters: { mu: 10, lambda: 20 },
};

function plan(problem: PlanningProblem, options = {}): { plan: RoundPlan; errors: string[] } {
  const matrix = greatCircleMatrix(planningLocations(problem));
  const result = planRounds(problem, matrix, { ...BUDGET, ...options });
  return { plan: result, errors: findPlanErrors(problem, matrix, result) };
}

function reasonOf(result: RoundPlan, id: string): string | undefined {
  return result.unplanned.find((u) => u.pickupId === id)?.reason;
}

/**
 * The best plan by enumeration: the most pickups served, then the least distance,
 * over every split of the pickups between the vehicles (or none) and every order.
 */
function optimumByEnumeration(problem: PlanningProblem): { served: number; distance: number } {
  const matrix = greatCircleMatrix(planningLocations(problem));
  const ids = problem.pickups.map((p) => p.id);
  const full = (1 << ids.length) - 1;
  const cache = problem.vehicles.map(() => new Map<number, number>());
  const route = (v: number, mask: number): number => {
    let value = cache[v]!.get(mask);
    if (value === undefined) {
      value = bestRouteByEnumeration(
        problem,
        matrix,
        problem.vehicles[v]!,
        ids.filter((_, i) => (mask >> i) & 1),
      );
      cache[v]!.set(mask, value);
    }
    return value;
  };
  const count = (mask: number): number => (mask === 0 ? 0 : (mask & 1) + count(mask >>> 1));
  let best = { served: 0, distance: 0 };
  const spread = (v: number, left: number, served: number, distance: number): void => {
    if (v === problem.vehicles.length) {
      if (served > best.served || (served === best.served && distance < best.distance - 1e-9))
        best = { served, distance };
      return;
    }
    for (let sub = left; ; sub = (sub - 1) & left) {
      const d = route(v, sub);
      if (d < Infinity) spread(v + 1, left & ~sub, served + count(sub), distance + d);
      if (sub === 0) break;
    }
  };
  spread(0, full, 0, 0);
  return best;
}

describe(planRounds.name, () => {
  describe('exact on small days', () => {
    it('should serve as many pickups as enumeration can, at the least distance, on days of ≤ 7 pickups', () => {
      let everyoneServed = 0;
      fc.assert(
        fc.property(dayArb(7, { minPickups: 2, maxVehicles: 2, fixedStops: false }), (problem) => {
          const optimum = optimumByEnumeration(problem);
          const { plan: result, errors } = plan(problem, {
            maxIterations: 1500,
            maxIterationsWithoutImprovement: 800,
          });
          expect(errors).toEqual([]);
          expect(problem.pickups.length - result.unplanned.length).toBe(optimum.served);
          expect(result.totalDistance).toBeCloseTo(optimum.distance, 3);
          if (optimum.served === problem.pickups.length) everyoneServed++;
        }),
        { numRuns: 40, seed: 4242 },
      );
      expect(everyoneServed).toBeGreaterThanOrEqual(5);
    });
  });

  describe('unplanned pickups', () => {
    it('should give each pickup that cannot be planned the reason that blocks it', () => {
      const problem = day(
        [vehicle({ id: 'van', capacity: { kg: 300 }, skills: ['tail-lift'] })],
        [
          pickup('cold', { requiredSkills: ['refrigerated'] }),
          pickup('hurried', {
            serviceDuration: 1800,
            timeWindows: [{ start: 9 * H, end: 9 * H + 600 }],
          }),
          pickup('heavy', { demand: { kg: 5000 } }),
          pickup('dawn', { timeWindows: [{ start: 5 * H, end: 6 * H }] }),
          pickup('crates', { demand: { crates: 2 } }),
          pickup('a', { demand: { kg: 200 }, location: near(3) }),
          pickup('b', { demand: { kg: 200 }, location: near(-3) }),
        ],
      );
      const { plan: result, errors } = plan(problem);
      expect(errors).toEqual([]);
      expect(reasonOf(result, 'cold')).toBe('no-vehicle-with-skills');
      expect(reasonOf(result, 'hurried')).toBe('window-too-short');
      expect(reasonOf(result, 'heavy')).toBe('over-capacity');
      // The van has no room for crates at all: a capacity of 0 in that dimension.
      expect(reasonOf(result, 'crates')).toBe('over-capacity');
      expect(reasonOf(result, 'dawn')).toBe('window-unreachable');
      // Either a or b fits, not both.
      expect([reasonOf(result, 'a'), reasonOf(result, 'b')].sort()).toEqual(
        ['fleet-capacity-exhausted', undefined].sort(),
      );
      for (const u of result.unplanned) expect(u.message.length).toBeGreaterThan(10);
    });

    it('should report fleet-time-exhausted when the working day is full', () => {
      const stops = Array.from({ length: 5 }, (_, i) =>
        pickup(`p${i}`, { serviceDuration: 50 * 60, location: near(2, i - 2) }),
      );
      const { plan: result, errors } = plan(
        day([vehicle({ workingHours: { start: 8 * H, end: 11 * H } })], stops),
      );
      expect(errors).toEqual([]);
      expect(result.routes[0]!.stops.length).toBeGreaterThanOrEqual(2);
      expect(result.unplanned.length).toBeGreaterThan(0);
      for (const u of result.unplanned) expect(u.reason).toBe('fleet-time-exhausted');
    });

    it('should report every pickup unplanned when there is no vehicle', () => {
      const { plan: result, errors } = plan(day([], [pickup('p')]));
      expect(errors).toEqual([]);
      expect(result.unplanned).toEqual([
        expect.objectContaining({ pickupId: 'p', reason: 'no-vehicle-with-skills' }),
      ]);
    });
  });

  describe('constraints', () => {
    it('should put a pickup needing a tail-lift on the vehicle that has one', () => {
      const problem = day(
        [vehicle({ id: 'plain' }), vehicle({ id: 'lift', skills: ['tail-lift'] })],
        [
          pickup('bed', { requiredSkills: ['tail-lift'], demand: { kg: 90, tailLiftPlaces: 1 } }),
          pickup('box', { location: near(-4) }),
        ],
      );
      const { plan: result, errors } = plan(problem);
      expect(errors).toEqual([]);
      const bedRoute = result.routes.find((r) => r.stops.some((s) => s.pickupId === 'bed'));
      expect(bedRoute?.vehicleId).toBe('lift');
    });

    it('should take the break inside its window', () => {
      const stops = Array.from({ length: 8 }, (_, i) =>
        pickup(`p${i}`, { serviceDuration: 40 * 60, location: near(3, i - 4) }),
      );
      const problem = day(
        [vehicle({ break: { window: { start: 12 * H, end: 13.5 * H }, duration: 45 * 60 } })],
        stops,
      );
      const { plan: result, errors } = plan(problem);
      expect(errors).toEqual([]);
      const brk = result.routes[0]!.break!;
      expect(brk.start).toBeGreaterThanOrEqual(12 * H);
      expect(brk.end).toBeLessThanOrEqual(13.5 * H);
      expect(brk.end - brk.start).toBeGreaterThanOrEqual(45 * 60);
    });

    it('should serve a pickup in its second window when the first cannot be reached', () => {
      const problem = day(
        [vehicle({ workingHours: { start: 9 * H, end: 17 * H } })],
        [
          pickup('shop', {
            timeWindows: [
              { start: 7 * H, end: 8 * H },
              { start: 14 * H, end: 15 * H },
            ],
          }),
        ],
      );
      const { plan: result, errors } = plan(problem);
      expect(errors).toEqual([]);
      const stop = result.routes[0]!.stops[0]!;
      expect(stop.timeWindow).toBe(1);
      expect(stop.serviceStart).toBeGreaterThanOrEqual(14 * H);
    });

    it('should leave the depot as late as the first window allows, rather than wait on site', () => {
      const problem = day(
        [vehicle()],
        [pickup('late', { timeWindows: [{ start: 15 * H, end: 16 * H }] })],
      );
      const { plan: result } = plan(problem);
      const route = result.routes[0]!;
      expect(route.start).toBeGreaterThan(14 * H);
      expect(route.stops[0]!.arrival).toBeCloseTo(15 * H, 3);
    });

    it('should use each vehicle from its own depot', () => {
      const problem = day(
        [
          vehicle({ id: 'north-van', depotId: 'north' }),
          vehicle({ id: 'south-van', depotId: 'south' }),
        ],
        [
          pickup('n1', { location: near(0, 19) }),
          pickup('n2', { location: near(1, 21) }),
          pickup('s1', { location: near(0, -19) }),
          pickup('s2', { location: near(1, -21) }),
        ],
        [
          depot({ id: 'north', location: near(0, 20) }),
          depot({ id: 'south', location: near(0, -20) }),
        ],
      );
      const { plan: result, errors } = plan(problem);
      expect(errors).toEqual([]);
      const ids = (vehicleId: string): string[] =>
        result.routes
          .find((r) => r.vehicleId === vehicleId)!
          .stops.map((s) => s.pickupId)
          .sort();
      expect(ids('north-van')).toEqual(['n1', 'n2']);
      expect(ids('south-van')).toEqual(['s1', 's2']);
    });
  });

  describe('replanning', () => {
    const base = (): PlanningProblem =>
      day(
        [vehicle({ id: 'a' }), vehicle({ id: 'b', capacity: { kg: 400 } })],
        Array.from({ length: 10 }, (_, i) =>
          pickup(`p${i}`, { location: near(6 * Math.cos(i), 6 * Math.sin(i)), demand: { kg: 80 } }),
        ),
      );

    it('should keep the stops already done and locked first, in their order, when a pickup is added and another cancelled', () => {
      const first = plan(base()).plan;
      const routeA = first.routes.find((r) => r.stops.length >= 3)!;
      const [done1, done2, locked] = routeA.stops as [PlannedStop, PlannedStop, PlannedStop];
      const cancelled = first.routes
        .flatMap((r) => r.stops)
        .find((s) => ![done1, done2, locked].includes(s))!.pickupId;
      const problem = base();
      const changed: PlanningProblem = {
        ...problem,
        vehicles: problem.vehicles.map((v) =>
          v.id === routeA.vehicleId
            ? {
                ...v,
                fixedStops: [
                  { pickupId: done1.pickupId, departedAt: done1.serviceEnd, collected: { kg: 95 } },
                  { pickupId: done2.pickupId, departedAt: done2.serviceEnd },
                  { pickupId: locked.pickupId },
                ],
              }
            : v,
        ),
        pickups: [
          ...problem.pickups.filter((p) => p.id !== cancelled),
          pickup('new', { location: near(-2, 7) }),
        ],
      };
      const { plan: second, errors } = plan(changed, { previousPlan: first });
      expect(errors).toEqual([]);
      const again = second.routes.find((r) => r.vehicleId === routeA.vehicleId)!;
      expect(again.stops.slice(0, 3).map((s) => [s.pickupId, s.status])).toEqual([
        [done1.pickupId, 'done'],
        [done2.pickupId, 'done'],
        [locked.pickupId, 'locked'],
      ]);
      expect(again.stops[0]!.loadAfter.kg).toBe(95);
      expect(again.start).toBeGreaterThanOrEqual(done2.serviceEnd);
      expect(second.routes.flatMap((r) => r.stops).some((s) => s.pickupId === cancelled)).toBe(
        false,
      );
      expect(second.routes.flatMap((r) => r.stops).some((s) => s.pickupId === 'new')).toBe(true);
    });

    it('should refuse fixed stops that alone break a rule, naming the vehicle', () => {
      const problem = day(
        [
          vehicle({
            capacity: { kg: 50 },
            fixedStops: [{ pickupId: 'p', departedAt: 9 * H, collected: { kg: 80 } }],
          }),
        ],
        [pickup('p')],
      );
      expect(() =>
        planRounds(problem, greatCircleMatrix(planningLocations(problem)), BUDGET),
      ).toThrow(
        expect.objectContaining({
          issues: [expect.objectContaining({ path: 'vehicles[0].fixedStops' })],
        }),
      );
    });
  });

  describe('input', () => {
    it('should name the field and the rule of each bad value', () => {
      const problem = day(
        [vehicle({ depotId: 'nowhere', workingHours: { start: 10 * H, end: 9 * H } })],
        [
          pickup('p', { timeWindows: [{ start: 9 * H, end: 8 * H }], demand: { kg: -1 } }),
          pickup('p'),
        ],
      );
      let error: unknown;
      try {
        planRounds(problem, greatCircleMatrix(planningLocations(problem)));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PlanningInputError);
      const paths = (error as PlanningInputError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'vehicles[0].depotId',
          'vehicles[0].workingHours.end',
          'pickups[0].timeWindows[0].end',
          'pickups[0].demand.kg',
          'pickups[1].id',
        ]),
      );
    });

    it('should refuse a matrix that does not match the problem', () => {
      const problem = day([vehicle()], [pickup('p')]);
      expect(() => planRounds(problem, greatCircleMatrix([near(0)]))).toThrow(/matrix\.size/);
    });
  });

  it('should give the same plan for the same seed and iteration limits', () => {
    const problem = fc.sample(dayArb(40, { minPickups: 30 }), { numRuns: 1, seed: 99 })[0]!;
    const matrix = greatCircleMatrix(planningLocations(problem));
    const strip = (p: RoundPlan): unknown => ({ ...p, stats: null });
    expect(strip(planRounds(problem, matrix, BUDGET))).toEqual(
      strip(planRounds(problem, matrix, BUDGET)),
    );
  });
});

describe(checkRoute.name, () => {
  it('should report the stop whose window a hand-made order misses', () => {
    const problem = day(
      [vehicle()],
      [
        pickup('early', { timeWindows: [{ start: 8 * H, end: 9 * H }] }),
        pickup('later', { location: near(-8) }),
      ],
    );
    const matrix = greatCircleMatrix(planningLocations(problem));
    const wrong = checkRoute(problem, matrix, 'van', ['later', 'early']);
    const right = checkRoute(problem, matrix, 'van', ['early', 'later']);
    expect(right.feasible).toBe(true);
    expect(wrong.feasible).toBe(false);
    expect(wrong.violations).toEqual([expect.objectContaining({ pickupId: 'early' })]);
  });

  it('should report a missing skill and an overload', () => {
    const problem = day(
      [vehicle({ capacity: { kg: 100 } })],
      [pickup('bed', { requiredSkills: ['tail-lift'], demand: { kg: 150 } })],
    );
    const check = checkRoute(problem, greatCircleMatrix(planningLocations(problem)), 'van', [
      'bed',
    ]);
    expect(check.violations.map((v) => v.rule)).toEqual([
      expect.stringMatching(/tail-lift/),
      expect.stringMatching(/kg on board 150/),
    ]);
  });
});
