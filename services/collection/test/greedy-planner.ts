import type {
  PlanningProblem,
  PlanningResult,
  RoundPlanner,
  UnplannedReason,
} from '../src/rounds/planner.js';
import { DIMENSIONS } from '../src/rounds/planner.js';

/**
 * A stand-in for the round planner in tests of the service (not of planning): stops by
 * earliest window, each on the first vehicle that has the skills, the room and the time,
 * with no travel between stops. Enough to give the service plans it can store and check.
 */
export const greedyPlanner: RoundPlanner = {
  plan(problem: PlanningProblem): Promise<PlanningResult> {
    const rounds = problem.vehicles.map((v) => ({
      vehicle: v,
      cursor: v.shiftStart,
      load: { kg: 0, m3: 0, crates: 0, items: 0 },
      stops: [] as { id: string; eta: number }[],
    }));
    const unplanned: PlanningResult['unplanned'] = [];
    const stops = [...problem.stops].sort(
      (a, b) =>
        Math.min(...a.windows.map((w) => w.from)) - Math.min(...b.windows.map((w) => w.from)),
    );
    for (const stop of stops) {
      let reason: UnplannedReason =
        problem.vehicles.length === 0 ? 'no-vehicle' : 'no-vehicle-with-skills';
      let placed = false;
      for (const round of rounds) {
        const v = round.vehicle;
        if (!stop.skills.every((s) => v.skills.includes(s))) continue;
        if (DIMENSIONS.some((d) => round.load[d] + stop.demand[d] > v.capacity[d])) {
          reason = 'over-capacity';
          continue;
        }
        const eta = stop.windows
          .map((w) => ({ w, eta: Math.max(round.cursor, w.from) }))
          .find(({ w, eta }) => eta <= w.until && eta + v.serviceMs <= v.shiftEnd)?.eta;
        if (eta === undefined) {
          reason = 'window-unreachable';
          continue;
        }
        round.stops.push({ id: stop.id, eta });
        round.cursor = eta + v.serviceMs;
        for (const d of DIMENSIONS) round.load[d] += stop.demand[d];
        placed = true;
        break;
      }
      if (!placed) unplanned.push({ id: stop.id, reason });
    }
    return Promise.resolve({
      rounds: rounds.map((r) => ({
        vehicleId: r.vehicle.id,
        stops: r.stops,
        distanceKm: r.stops.length * 2.5,
      })),
      unplanned,
    });
  },
};
