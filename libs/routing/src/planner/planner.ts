import { solveVrp } from '../core/hgs.js';
import { type HgsParameters } from '../core/population.js';
import { PlanningContext, type Simulation, type Violation } from './context.js';
import {
  type PlannedRoute,
  type PlannedStop,
  type PlanningProblem,
  type RoundPlan,
  type TravelMatrix,
  type UnplannedPickup,
  type UnplannedReason,
} from './model.js';
import { PlanningInputError, validateProblem } from './validation.js';

export interface PlanOptions {
  /** Same problem, seed and iteration limits without a time limit: same plan. */
  readonly seed?: number;
  /** Wall-clock budget of the search; 5 s unless given, `Infinity` for none (the iteration limits then decide, deterministically). */
  readonly timeLimitMs?: number;
  readonly maxIterations?: number;
  readonly maxIterationsWithoutImprovement?: number;
  readonly parameters?: Partial<HgsParameters>;
  /**
   * The day's previous plan: the search starts from it as well as from random
   * solutions, so that adding or cancelling one pickup leaves the rest mostly as it was.
   */
  readonly previousPlan?: {
    readonly routes: readonly {
      readonly vehicleId: string;
      readonly stops: readonly { readonly pickupId: string }[];
    }[];
  };
}

/**
 * Plans a day: assigns the pickups to vehicles and orders the stops, respecting
 * capacities in every dimension, time windows, skills, working hours and breaks, at
 * the least total distance. Stops already done or locked stay first on their
 * vehicle, in their order. A pickup that cannot be planned comes back with its reason.
 * Pure and synchronous, so that it can run in a worker thread.
 */
export function planRounds(
  problem: PlanningProblem,
  matrix: TravelMatrix,
  options: PlanOptions = {},
): RoundPlan {
  const started = performance.now();
  validateProblem(problem, matrix);
  const ctx = new PlanningContext(problem, matrix);
  checkFixedStops(ctx);
  const K = problem.vehicles.length;

  const unplanned: UnplannedPickup[] = [];
  const clients: number[] = [];
  problem.pickups.forEach((_, j) => {
    if (ctx.fixedPickups.has(j)) return;
    const reason = individualReason(ctx, j);
    if (reason) unplanned.push(reason);
    else clients.push(j);
  });

  const routes: number[][] = Array.from({ length: K }, () => []);
  const breakAt: number[] = problem.vehicles.map((v) => (v.break ? 0 : -1));
  let unserved: number[] = [];
  let iterations = 0;
  if (clients.length > 0) {
    const { instance } = ctx.toInstance(clients);
    const clientOf = new Map(clients.map((j, c) => [j, c]));
    const warm = options.previousPlan
      ? [
          problem.vehicles.map((v) => {
            const previous = options.previousPlan!.routes.find((r) => r.vehicleId === v.id);
            return (previous?.stops ?? [])
              .map((s) => clientOf.get(ctx.pickupIndex.get(s.pickupId) ?? -1))
              .filter((c): c is number => c !== undefined);
          }),
        ]
      : [];
    const solution = solveVrp(instance, {
      seed: options.seed ?? 1,
      timeLimitMs: options.timeLimitMs ?? 5000,
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      ...(options.maxIterationsWithoutImprovement !== undefined
        ? { maxIterationsWithoutImprovement: options.maxIterationsWithoutImprovement }
        : {}),
      ...(options.parameters ? { parameters: options.parameters } : {}),
      initialSolutions: warm,
    });
    iterations = solution.iterations;
    for (let v = 0; v < K; v++) {
      routes[v] = solution.routes[v]!.map((c) => clients[c]!);
      if (problem.vehicles[v]!.break)
        breakAt[v] = Math.max(0, Math.min(solution.breakAt[v]!, routes[v]!.length));
    }
    unserved = solution.unserved.map((c) => clients[c]!);
  }

  // The search leaves a pickup out only when it finds no room; each one is tried
  // again everywhere, and the reason reported is what blocked every attempt.
  for (const j of unserved) {
    const outcome = tryInsert(ctx, routes, breakAt, j);
    if (outcome !== null) unplanned.push(outcome);
  }

  const planned: PlannedRoute[] = [];
  let totalDistance = 0;
  for (let v = 0; v < K; v++) {
    const f = ctx.fixed[v]!;
    if (routes[v]!.length + f.done.length + f.locked.length === 0) continue;
    const { route, violations } = buildRoute(ctx, v, routes[v]!, breakAt[v]!);
    if (violations.length > 0)
      throw new Error(
        `round planner produced an infeasible route for ${problem.vehicles[v]!.id}: ${violations[0]!.rule}`,
      );
    planned.push(route);
    totalDistance += route.distance;
  }
  const order = new Map(problem.pickups.map((p, j) => [p.id, j]));
  unplanned.sort((a, b) => order.get(a.pickupId)! - order.get(b.pickupId)!);
  return {
    routes: planned,
    unplanned,
    totalDistance,
    stats: { iterations, elapsedMs: performance.now() - started },
  };
}

export interface RouteCheck {
  readonly feasible: boolean;
  readonly violations: readonly Omit<Violation, 'kind'>[];
  readonly route: PlannedRoute;
}

/**
 * Re-checks a route arranged by hand: vehicle `vehicleId` makes its fixed stops,
 * then `pickupIds` in this order. The break goes where it breaks the fewest rules.
 */
export function checkRoute(
  problem: PlanningProblem,
  matrix: TravelMatrix,
  vehicleId: string,
  pickupIds: readonly string[],
): RouteCheck {
  validateProblem(problem, matrix);
  const ctx = new PlanningContext(problem, matrix);
  const v = ctx.vehicleIndex.get(vehicleId);
  if (v === undefined)
    throw new PlanningInputError([
      { path: 'vehicleId', rule: `must name one of the vehicles, got "${vehicleId}"` },
    ]);
  const free = pickupIds.map((id, k) => {
    const j = ctx.pickupIndex.get(id);
    if (j === undefined)
      throw new PlanningInputError([
        { path: `pickupIds[${k}]`, rule: `must name one of the pickups, got "${id}"` },
      ]);
    if (ctx.fixedPickups.has(j))
      throw new PlanningInputError([
        {
          path: `pickupIds[${k}]`,
          rule: `"${id}" is a fixed stop; list only the stops after them`,
        },
      ]);
    return j;
  });
  if (new Set(free).size !== free.length)
    throw new PlanningInputError([{ path: 'pickupIds', rule: 'must not list a pickup twice' }]);
  let bestBreak = -1;
  let best: Simulation | null = null;
  for (const bp of breakPositions(ctx, v, free.length)) {
    const sim = ctx.simulate(v, free, bp);
    if (best === null || sim.violations.length < best.violations.length) {
      best = sim;
      bestBreak = bp;
    }
  }
  const { route, violations } = buildRoute(ctx, v, free, bestBreak);
  return {
    feasible: violations.length === 0,
    violations: violations.map(({ pickupId, rule }) => ({ pickupId, rule })),
    route,
  };
}

function breakPositions(ctx: PlanningContext, v: number, length: number): number[] {
  if (!ctx.problem.vehicles[v]!.break) return [-1];
  return Array.from({ length: length + 1 }, (_, k) => k);
}

/** Fixed stops are facts or a planner's decision: if they alone break a rule, nothing can be planned around them. */
function checkFixedStops(ctx: PlanningContext): void {
  const issues: { path: string; rule: string }[] = [];
  ctx.problem.vehicles.forEach((vehicle, v) => {
    const f = ctx.fixed[v]!;
    if (f.done.length + f.locked.length === 0) return;
    const violations = ctx.simulate(v, [], vehicle.break ? 0 : -1).violations;
    if (violations.length > 0)
      issues.push({
        path: `vehicles[${v}].fixedStops`,
        rule: `the fixed stops alone break a rule: ${violations[0]!.rule}`,
      });
  });
  if (issues.length > 0) throw new PlanningInputError(issues);
}

function describeLoad(ctx: PlanningContext, j: number): string {
  const p = ctx.problem.pickups[j]!;
  return ctx.dims
    .filter((d) => (p.demand[d] ?? 0) > 0)
    .map((d) => `${p.demand[d]} ${d}`)
    .join(', ');
}

/** Why pickup j cannot be planned on any vehicle even alone, or null if some vehicle could take it. */
function individualReason(ctx: PlanningContext, j: number): UnplannedPickup | null {
  const { problem } = ctx;
  const p = problem.pickups[j]!;
  const unplanned = (reason: UnplannedReason, message: string): UnplannedPickup => ({
    pickupId: p.id,
    reason,
    message,
  });
  if (problem.vehicles.length === 0)
    return unplanned('no-vehicle-with-skills', 'there is no vehicle in the fleet');
  const suitable = problem.vehicles
    .map((_, v) => v)
    .filter((v) => ctx.missingSkills(j, v).length === 0);
  if (suitable.length === 0)
    return unplanned(
      'no-vehicle-with-skills',
      `no vehicle has all of the required skills (${p.requiredSkills.join(', ')})`,
    );
  if (p.timeWindows.every((w) => w.end - w.start < p.serviceDuration))
    return unplanned(
      'window-too-short',
      `every time window is shorter than the ${p.serviceDuration} s the pickup takes`,
    );
  let capacityEverywhere = true;
  for (const v of suitable) {
    let capacityHere = true;
    for (const bp of breakPositions(ctx, v, 1)) {
      const violations = ctx.simulate(v, [j], bp).violations;
      if (violations.length === 0) return null;
      if (!violations.some((x) => x.kind === 'capacity')) capacityHere = false;
    }
    if (!capacityHere) capacityEverywhere = false;
  }
  if (capacityEverywhere)
    return unplanned(
      'over-capacity',
      `its load (${describeLoad(ctx, j)}) exceeds what any vehicle with the skills can carry`,
    );
  return unplanned(
    'window-unreachable',
    'no vehicle with the skills and room for it can serve it inside its time windows and be back within its working hours',
  );
}

/**
 * Inserts pickup j where it adds the least distance without breaking any rule, and
 * returns null; or, when it fits nowhere, the reason.
 */
function tryInsert(
  ctx: PlanningContext,
  routes: number[][],
  breakAt: number[],
  j: number,
): UnplannedPickup | null {
  const p = ctx.problem.pickups[j]!;
  let best: { v: number; q: number; bp: number; added: number } | null = null;
  let attempts = 0;
  let capacityFailures = 0;
  let timeOnlyFailures = 0;
  for (let v = 0; v < ctx.problem.vehicles.length; v++) {
    if (ctx.missingSkills(j, v).length > 0) continue;
    const route = routes[v]!;
    const before = ctx.simulate(v, route, breakAt[v]!).distance;
    for (let q = 0; q <= route.length; q++) {
      const next = [...route.slice(0, q), j, ...route.slice(q)];
      for (const bp of breakPositions(ctx, v, next.length)) {
        attempts++;
        const sim = ctx.simulate(v, next, bp);
        if (sim.violations.length === 0) {
          const added = sim.distance - before;
          if (best === null || added < best.added - 1e-9) best = { v, q, bp, added };
        } else if (sim.violations.some((x) => x.kind === 'capacity')) capacityFailures++;
        else timeOnlyFailures++;
      }
    }
  }
  if (best !== null) {
    const { v, q, bp } = best;
    routes[v]!.splice(q, 0, j);
    breakAt[v] = bp;
    return null;
  }
  const unplanned = (reason: UnplannedReason, message: string): UnplannedPickup => ({
    pickupId: p.id,
    reason,
    message,
  });
  if (attempts > 0 && capacityFailures === attempts)
    return unplanned(
      'fleet-capacity-exhausted',
      'every vehicle with the skills for it is already full',
    );
  if (attempts > 0 && timeOnlyFailures === attempts)
    return unplanned(
      'fleet-time-exhausted',
      'no vehicle with the skills for it has time left inside its windows and working hours',
    );
  return unplanned(
    'fleet-exhausted',
    'the vehicles with the skills for it are full or have no time left inside its windows',
  );
}

/** The route as reported, scheduled to wait as little as possible; with the rules it breaks, if any. */
function buildRoute(
  ctx: PlanningContext,
  v: number,
  free: readonly number[],
  breakAt: number,
): { route: PlannedRoute; violations: Violation[] } {
  const vehicle = ctx.problem.vehicles[v]!;
  const f = ctx.fixed[v]!;
  const bp = vehicle.break ? Math.max(0, Math.min(breakAt, free.length)) : -1;
  const earliest = ctx.simulate(v, free, bp);
  let sim = earliest;
  if (earliest.violations.length === 0) {
    const windows = earliest.stops.slice(f.locked.length).map((s) => s.window);
    const later = ctx.simulate(v, free, bp, ctx.departure(v, free, windows, bp));
    if (later.violations.length === 0) sim = later;
  }
  const stops: PlannedStop[] = [];
  f.done.forEach((j, k) => {
    const fixedStop = vehicle.fixedStops![k]!;
    stops.push({
      pickupId: ctx.problem.pickups[j]!.id,
      status: 'done',
      arrival: null,
      serviceStart: null,
      serviceEnd: fixedStop.departedAt!,
      timeWindow: null,
      distanceFromPrevious: f.doneLegs[k]!,
      loadAfter: ctx.toLoad(f.doneLoads[k]!),
    });
  });
  sim.stops.forEach((s, k) => {
    stops.push({
      pickupId: ctx.problem.pickups[s.pickup]!.id,
      status: k < f.locked.length ? 'locked' : 'planned',
      arrival: s.arrival,
      serviceStart: s.start,
      serviceEnd: s.end,
      timeWindow: s.window >= 0 ? s.window : null,
      distanceFromPrevious: s.distanceFromPrevious,
      loadAfter: ctx.toLoad(s.loadAfter),
    });
  });
  const route: PlannedRoute = {
    vehicleId: vehicle.id,
    depotId: vehicle.depotId,
    start: sim.start,
    end: sim.end,
    distance: f.doneDistance + sim.distance,
    stops,
    break:
      sim.breakStart !== null && sim.breakEnd !== null
        ? {
            start: sim.breakStart,
            end: sim.breakEnd,
            afterStop: f.done.length + f.locked.length + bp - 1,
          }
        : null,
    load: ctx.toLoad(sim.load),
  };
  return { route, violations: sim.violations };
}
