import type { CollectionLoad, GeoPoint, UNPLANNED_REASONS } from '@boucle/contracts';

/*
 * What the service asks of a round planner, and what it expects back. The planner itself
 * (hybrid genetic search, libs/routing) is a pure library; this is the only place the
 * service meets it, so that planning can run wherever it is cheapest (a worker thread)
 * without the rest of the service knowing. Times are epoch milliseconds.
 */

export const DIMENSIONS = [
  'kg',
  'm3',
  'crates',
  'items',
] as const satisfies readonly (keyof CollectionLoad)[];

export interface PlanningStop {
  /** The pickup's id. */
  id: string;
  position: GeoPoint;
  /** When the crew may arrive, clipped to the day; at least one. */
  windows: { from: number; until: number }[];
  demand: CollectionLoad;
  skills: string[];
}

export interface PlanningVehicle {
  id: string;
  depot: GeoPoint;
  capacity: CollectionLoad;
  skills: string[];
  /** The crew's day: leaves the depot no earlier than this, back no later than `shiftEnd`. */
  shiftStart: number;
  shiftEnd: number;
  /** Time on site at each stop, loading included. */
  serviceMs: number;
  break: { earliestStart: number; latestStart: number; durationMs: number } | null;
}

export interface PlanningProblem {
  day: string;
  stops: PlanningStop[];
  vehicles: PlanningVehicle[];
  /**
   * The day's current plan for these vehicles, if it was planned before: a planner starts
   * from it, so that a pickup added or cancelled leaves the other stops mostly where they
   * were (each stop that moves is a new message to the people waiting for the crew).
   */
  previous?: { vehicleId: string; stops: string[] }[];
}

/** Why a pickup could not be planned: the reasons of the contract (and of libs/routing). */
export type UnplannedReason = (typeof UNPLANNED_REASONS)[number];

export interface PlannedRound {
  vehicleId: string;
  /** In driving order; `eta` is when the crew starts at the stop, inside one of its windows. */
  stops: { id: string; eta: number }[];
  distanceKm: number;
}

export interface PlanningResult {
  rounds: PlannedRound[];
  unplanned: { id: string; reason: UnplannedReason }[];
}

export interface RoundPlanner {
  /** Stops when `signal` aborts (a shutdown), throwing its reason. */
  plan(problem: PlanningProblem, signal?: AbortSignal): Promise<PlanningResult>;
}

/** The planner the service uses; AppModule provides it. */
export const ROUND_PLANNER = Symbol('ROUND_PLANNER');

/**
 * What is wrong with a planner's answer, if anything: a plan is stored only when every
 * pickup is planned once or reported with a reason, and no round exceeds a capacity, lacks
 * a skill, misses a window or leaves its working hours. A planner's bug then fails the
 * planning job loudly instead of sending a crew on an impossible round.
 */
export function checkPlan(problem: PlanningProblem, result: PlanningResult): string[] {
  const problems: string[] = [];
  const stops = new Map(problem.stops.map((s) => [s.id, s]));
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const seen = new Set<string>();
  const once = (id: string) => {
    if (seen.has(id)) problems.push(`pickup ${id} is placed twice`);
    seen.add(id);
  };
  for (const round of result.rounds) {
    const vehicle = vehicles.get(round.vehicleId);
    if (!vehicle) {
      problems.push(`round for unknown vehicle ${round.vehicleId}`);
      continue;
    }
    const load = { kg: 0, m3: 0, crates: 0, items: 0 };
    let previousEta = -Infinity;
    for (const { id, eta } of round.stops) {
      once(id);
      const stop = stops.get(id);
      if (!stop) {
        problems.push(`round of ${vehicle.id} has unknown pickup ${id}`);
        continue;
      }
      for (const d of DIMENSIONS) load[d] += stop.demand[d];
      for (const skill of stop.skills)
        if (!vehicle.skills.includes(skill))
          problems.push(`pickup ${id} needs ${skill}, which vehicle ${vehicle.id} lacks`);
      if (!stop.windows.some((w) => eta >= w.from && eta <= w.until))
        problems.push(
          `pickup ${id} is planned at ${new Date(eta).toISOString()}, outside its windows`,
        );
      if (eta < vehicle.shiftStart || eta + vehicle.serviceMs > vehicle.shiftEnd)
        problems.push(`pickup ${id} is planned outside the working hours of ${vehicle.id}`);
      if (eta < previousEta) problems.push(`round of ${vehicle.id} goes back in time at ${id}`);
      previousEta = eta;
    }
    for (const d of DIMENSIONS)
      if (load[d] > vehicle.capacity[d] + 1e-9)
        problems.push(
          `round of ${vehicle.id} carries ${load[d]} ${d}, over its ${vehicle.capacity[d]}`,
        );
  }
  for (const { id } of result.unplanned) once(id);
  for (const id of stops.keys())
    if (!seen.has(id)) problems.push(`pickup ${id} is neither planned nor reported unplanned`);
  return problems;
}
