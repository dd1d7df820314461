/**
 * A plan checker for the tests, written plainly and apart from the planner: it
 * shares no code with the solver or the planner's own simulation, only the input
 * types, so that a bug in the solver's pricing cannot hide itself here.
 */
import {
  DIMENSIONS,
  type Pickup,
  type PlanningProblem,
  type RoundPlan,
  type TravelMatrix,
  type Vehicle,
  UNPLANNED_REASONS,
} from '../planner/model.js';

const TOLERANCE = 1e-6;

interface Lookup {
  pickup: Map<string, { pickup: Pickup; loc: number }>;
  depotLoc: Map<string, number>;
}

function lookup(problem: PlanningProblem): Lookup {
  const depotLoc = new Map(problem.depots.map((d, i) => [d.id, i]));
  const pickup = new Map(
    problem.pickups.map((p, j) => [p.id, { pickup: p, loc: problem.depots.length + j }]),
  );
  return { pickup, depotLoc };
}

function fitsSomeWindow(p: Pickup, start: number): boolean {
  return p.timeWindows.some(
    (w) => start >= w.start - TOLERANCE && start + p.serviceDuration <= w.end + TOLERANCE,
  );
}

/** Every rule a plan breaks, in words; empty when the plan is sound. */
export function findPlanErrors(
  problem: PlanningProblem,
  matrix: TravelMatrix,
  plan: RoundPlan,
): string[] {
  const errors: string[] = [];
  const { pickup, depotLoc } = lookup(problem);
  const n = matrix.size;
  const dist = (a: number, b: number): number => matrix.distance[a * n + b]!;
  const travel = (a: number, b: number): number => matrix.duration[a * n + b]!;

  const seen = new Set<string>();
  const note = (id: string, where: string): void => {
    if (!pickup.has(id)) errors.push(`${where}: unknown pickup ${id}`);
    if (seen.has(id)) errors.push(`${where}: pickup ${id} appears twice`);
    seen.add(id);
  };
  for (const route of plan.routes)
    for (const stop of route.stops) note(stop.pickupId, `route ${route.vehicleId}`);
  for (const u of plan.unplanned) {
    note(u.pickupId, 'unplanned');
    if (!(UNPLANNED_REASONS as readonly string[]).includes(u.reason))
      errors.push(`unplanned ${u.pickupId}: unknown reason ${u.reason}`);
    if (typeof u.message !== 'string' || u.message.length === 0)
      errors.push(`unplanned ${u.pickupId}: no message`);
  }
  for (const p of problem.pickups)
    if (!seen.has(p.id)) errors.push(`pickup ${p.id} is neither planned nor unplanned`);

  const vehiclesUsed = new Set<string>();
  let total = 0;
  for (const route of plan.routes) {
    const vehicle: Vehicle | undefined = problem.vehicles.find((v) => v.id === route.vehicleId);
    const where = `route ${route.vehicleId}`;
    if (!vehicle) {
      errors.push(`${where}: no such vehicle`);
      continue;
    }
    if (vehiclesUsed.has(vehicle.id)) errors.push(`${where}: vehicle used twice`);
    vehiclesUsed.add(vehicle.id);
    const depot = depotLoc.get(vehicle.depotId)!;
    const fixed = vehicle.fixedStops ?? [];
    fixed.forEach((f, k) => {
      const stop = route.stops[k]!;
      const status = f.departedAt !== undefined ? 'done' : 'locked';
      if (!stop || stop.pickupId !== f.pickupId || stop.status !== status)
        errors.push(`${where}: fixed stop ${k} should be ${f.pickupId} (${status})`);
    });
    for (let k = fixed.length; k < route.stops.length; k++)
      if (route.stops[k]!.status !== 'planned')
        errors.push(`${where}: stop ${k} is not a fixed stop but is ${route.stops[k]!.status}`);

    // Capacity, in every dimension; a pickup only adds to the load.
    for (const dim of DIMENSIONS) {
      let onBoard = 0;
      route.stops.forEach((stop, k) => {
        const p = pickup.get(stop.pickupId)?.pickup;
        const collected = fixed[k]?.departedAt !== undefined ? fixed[k].collected : undefined;
        onBoard += (collected ?? p?.demand)?.[dim] ?? 0;
      });
      const capacity = vehicle.capacity[dim] ?? 0;
      if (onBoard > capacity + TOLERANCE)
        errors.push(`${where}: ${onBoard} ${dim} on board, capacity ${capacity}`);
    }

    // Skills of every stop the planner placed.
    for (let k = fixed.length; k < route.stops.length; k++) {
      const p = pickup.get(route.stops[k]!.pickupId)?.pickup;
      for (const s of p?.requiredSkills ?? [])
        if (!vehicle.skills.includes(s))
          errors.push(`${where}: ${p!.id} needs ${s}, the vehicle lacks it`);
    }

    // Distance, from the depot through every stop and back.
    let length = 0;
    let at = depot;
    for (const stop of route.stops) {
      const loc = pickup.get(stop.pickupId)?.loc ?? at;
      length += dist(at, loc);
      at = loc;
    }
    if (route.stops.length > 0) length += dist(at, depot);
    if (Math.abs(length - route.distance) > TOLERANCE * Math.max(1, length))
      errors.push(`${where}: reported distance ${route.distance}, the stops make ${length}`);
    total += length;

    // Time: departure, travel, windows, break, return, working hours.
    const done = fixed.filter((f) => f.departedAt !== undefined);
    let t: number;
    let loc: number;
    if (done.length > 0) {
      t = done[done.length - 1]!.departedAt!;
      loc = pickup.get(done[done.length - 1]!.pickupId)!.loc;
      if (route.start < t - TOLERANCE)
        errors.push(
          `${where}: starts at ${route.start}, before leaving its last stop done at ${t}`,
        );
    } else {
      loc = depot;
      if (route.start < vehicle.workingHours.start - TOLERANCE)
        errors.push(`${where}: leaves before its working hours`);
    }
    t = Math.max(route.start, done.length > 0 ? done[done.length - 1]!.departedAt! : route.start);
    const checkBreak = (): void => {
      const b = route.break!;
      const rule = vehicle.break!;
      if (b.start < t - TOLERANCE)
        errors.push(`${where}: break starts before the previous stop ends`);
      if (b.end - b.start < rule.duration - TOLERANCE)
        errors.push(`${where}: break shorter than ${rule.duration} s`);
      if (b.start < rule.window.start - TOLERANCE || b.end > rule.window.end + TOLERANCE)
        errors.push(`${where}: break outside its window`);
      t = b.end;
    };
    if (vehicle.break && route.stops.length > 0 && route.break === null)
      errors.push(`${where}: the break is missing`);
    if (route.break !== null && !vehicle.break)
      errors.push(`${where}: a break the vehicle does not have`);
    if (route.break !== null && route.break.afterStop < done.length - 1)
      errors.push(`${where}: break placed among stops already done`);
    for (let k = done.length; k < route.stops.length; k++) {
      if (route.break !== null && route.break.afterStop === k - 1) checkBreak();
      const stop = route.stops[k]!;
      const entry = pickup.get(stop.pickupId);
      if (!entry) continue;
      const p = entry.pickup;
      if (stop.arrival === null || stop.serviceStart === null) {
        errors.push(`${where}: stop ${p.id} has no times`);
        continue;
      }
      if (stop.arrival < t + travel(loc, entry.loc) - TOLERANCE)
        errors.push(`${where}: arrives at ${p.id} faster than the travel time`);
      if (stop.serviceStart < stop.arrival - TOLERANCE)
        errors.push(`${where}: serves ${p.id} before arriving`);
      if (!fitsSomeWindow(p, stop.serviceStart))
        errors.push(`${where}: serves ${p.id} at ${stop.serviceStart}, outside its windows`);
      if (stop.serviceEnd < stop.serviceStart + p.serviceDuration - TOLERANCE)
        errors.push(`${where}: service of ${p.id} too short`);
      t = stop.serviceEnd;
      loc = entry.loc;
    }
    if (route.break !== null && route.break.afterStop === route.stops.length - 1) checkBreak();
    if (route.end < t + travel(loc, depot) - TOLERANCE)
      errors.push(`${where}: back at the depot faster than the travel time`);
    if (route.end > vehicle.workingHours.end + TOLERANCE)
      errors.push(`${where}: back at ${route.end}, after its working hours`);
  }
  if (Math.abs(total - plan.totalDistance) > TOLERANCE * Math.max(1, total))
    errors.push(`total distance reported ${plan.totalDistance}, routes make ${total}`);
  return errors;
}

/**
 * The shortest feasible distance of one vehicle serving exactly `ids` in some order
 * (its break anywhere), by trying every order: the brute force the exact tests
 * compare the solver with. Infinity when no order is feasible.
 */
export function bestRouteByEnumeration(
  problem: PlanningProblem,
  matrix: TravelMatrix,
  vehicle: Vehicle,
  ids: readonly string[],
): number {
  const { pickup, depotLoc } = lookup(problem);
  const n = matrix.size;
  const depot = depotLoc.get(vehicle.depotId)!;
  let best = Infinity;
  const capacityOk = DIMENSIONS.every(
    (d) =>
      ids.reduce((sum, id) => sum + (pickup.get(id)!.pickup.demand[d] ?? 0), 0) <=
      (vehicle.capacity[d] ?? 0) + TOLERANCE,
  );
  if (!capacityOk) return Infinity;
  if (
    ids.some((id) => pickup.get(id)!.pickup.requiredSkills.some((s) => !vehicle.skills.includes(s)))
  )
    return Infinity;
  if (ids.length === 0) return 0;
  const order = [...ids];
  const permute = (k: number): void => {
    if (k === order.length) {
      const breaks = vehicle.break ? Array.from({ length: order.length + 1 }, (_, b) => b) : [-1];
      for (const b of breaks) {
        // Earliest departure, earliest service in the earliest window that fits: exact for feasibility.
        let t = vehicle.workingHours.start;
        let loc = depot;
        let length = 0;
        let ok = true;
        for (let s = 0; s <= order.length && ok; s++) {
          if (s === b) {
            const start = Math.max(t, vehicle.break!.window.start);
            if (start + vehicle.break!.duration > vehicle.break!.window.end + TOLERANCE) ok = false;
            t = start + vehicle.break!.duration;
          }
          if (s === order.length) break;
          const { pickup: p, loc: to } = pickup.get(order[s]!)!;
          const arrival = t + matrix.duration[loc * n + to]!;
          const starts = p.timeWindows
            .map((w) => Math.max(arrival, w.start))
            .filter((start, w) => start + p.serviceDuration <= p.timeWindows[w]!.end + TOLERANCE);
          if (starts.length === 0) ok = false;
          else t = Math.min(...starts) + p.serviceDuration;
          length += matrix.distance[loc * n + to]!;
          loc = to;
        }
        if (!ok) continue;
        length += matrix.distance[loc * n + depot]!;
        if (t + matrix.duration[loc * n + depot]! > vehicle.workingHours.end + TOLERANCE) continue;
        best = Math.min(best, length);
      }
      return;
    }
    for (let i = k; i < order.length; i++) {
      [order[k], order[i]] = [order[i]!, order[k]!];
      permute(k + 1);
      [order[k], order[i]] = [order[i]!, order[k]];
    }
  };
  permute(0);
  return best;
}
