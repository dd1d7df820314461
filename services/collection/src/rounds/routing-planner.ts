import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import {
  checkRoute,
  PlanningInputError,
  travelMatrix,
  type Depot,
  type Pickup,
  type RoundPlan,
  type PlanningProblem as RoutingProblem,
  type UnplannedReason as RoutingReason,
  type TimeWindow,
  type TravelMatrix,
  type Vehicle,
  type VehicleBreak,
} from '@boucle/routing';
import { parisDayBounds } from '../common/paris-time.js';
import type { CollectionConfig } from '../config/collection.config.js';
import type {
  PlannedRound,
  PlanningProblem,
  PlanningResult,
  PlanningStop,
  PlanningVehicle,
  RoundPlanner,
  UnplannedReason,
} from './planner.js';
import type { PlannerWorkerAnswer, PlannerWorkerInput } from './planner.worker.js';

/*
 * The round planner of libs/routing behind the service's seam. The seam speaks epoch
 * milliseconds, kilometres and the contract's loads; libs/routing speaks seconds on one
 * clock for the day (here: since the start of the Paris day, so that a day with a change
 * of hour is still one clock), metres and its own dimensions.
 */

export interface RoutingPlannerOptions {
  /** The search's wall-clock budget per day's plan; it runs that long (restarting), then answers. */
  timeLimitMs: number;
  /** Road distance over the great circle, when there is no OSRM server or it fails. */
  detourFactor: number;
  /** Average speed door to door, for travel times from great circles. */
  speedKmh: number;
  /** An OSRM server for road distances and durations. */
  osrmUrl?: string | undefined;
  /** The `fetch` OSRM is asked through; the global one unless given. */
  fetch?: typeof fetch;
  /** Told of each planning thread once it is started (to follow it: its exit, its id). */
  onWorker?: (worker: Worker) => void;
}

export function routingPlannerOptions(config: CollectionConfig): RoutingPlannerOptions {
  return {
    timeLimitMs: config.PLANNER_TIME_LIMIT_MS,
    detourFactor: config.DETOUR_FACTOR,
    speedKmh: config.AVERAGE_SPEED_KMH,
    osrmUrl: config.OSRM_URL,
  };
}

/** Every reason libs/routing gives, as the contract says it (a new one fails the type-check here). */
export const ROUTING_REASONS = {
  'no-vehicle-with-skills': 'no-vehicle-with-skills',
  'window-too-short': 'window-too-short',
  'over-capacity': 'over-capacity',
  'window-unreachable': 'window-unreachable',
  'fleet-capacity-exhausted': 'fleet-capacity-exhausted',
  'fleet-time-exhausted': 'fleet-time-exhausted',
  'fleet-exhausted': 'fleet-exhausted',
} as const satisfies Record<RoutingReason, UnplannedReason>;

/**
 * Plans a day with the hybrid genetic search of libs/routing, in a worker thread of its
 * own per plan, so that the service keeps answering while a day is planned.
 */
export class RoutingPlanner implements RoundPlanner {
  private readonly logger = new Logger(RoutingPlanner.name);

  constructor(private readonly options: RoutingPlannerOptions) {}

  async plan(problem: PlanningProblem, signal?: AbortSignal): Promise<PlanningResult> {
    signal?.throwIfAborted();
    const mapped = toRoutingProblem(problem);
    if (mapped.problem.pickups.length === 0) return { rounds: [], unplanned: mapped.unplanned };
    const matrix = await dayMatrix(problem.day, mapped.problem, this.options, this.logger);
    signal?.throwIfAborted();
    const plan = await planInWorker(
      {
        problem: mapped.problem,
        matrix,
        options: {
          timeLimitMs: this.options.timeLimitMs,
          ...(problem.previous && { previousPlan: previousPlan(problem.previous) }),
        },
      },
      signal,
      this.options.onWorker,
    );
    return fromRoundPlan(problem, plan, mapped.origin, mapped.unplanned);
  }
}

/** The day's travel matrix: road distances from OSRM, or great circles when there is none or it fails. */
export async function dayMatrix(
  day: string,
  problem: RoutingProblem,
  options: RoutingPlannerOptions,
  logger: Logger,
): Promise<TravelMatrix> {
  const greatCircle = { detourFactor: options.detourFactor, speedKmh: options.speedKmh };
  if (!options.osrmUrl) return travelMatrix(problem, greatCircle);
  try {
    return await travelMatrix(problem, {
      ...greatCircle,
      osrmUrl: options.osrmUrl,
      ...(options.fetch && { fetch: options.fetch }),
    });
  } catch (error) {
    // Crews need their rounds whatever the routing server does: a plan on great circles
    // times the detour factor keeps every rule on estimated times, where failing the job
    // would leave the day unplanned until OSRM is back. Said loudly, so that someone looks.
    logger.warn(
      `${day}: road distances unavailable, planned on great circles × ${options.detourFactor}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return travelMatrix(problem, greatCircle);
  }
}

/** The seam's problem in libs/routing's terms, with the stops nobody could take whatever the plan. */
export function toRoutingProblem(problem: PlanningProblem): {
  problem: RoutingProblem;
  origin: number;
  unplanned: PlanningResult['unplanned'];
} {
  const origin = parisDayBounds(problem.day).start.getTime();
  const seconds = (ms: number) => (ms - origin) / 1000;
  const unplanned: PlanningResult['unplanned'] = [];
  if (problem.vehicles.length === 0) {
    for (const stop of problem.stops) unplanned.push({ id: stop.id, reason: 'no-vehicle' });
    return { problem: { depots: [], vehicles: [], pickups: [] }, origin, unplanned };
  }

  // Vehicles out of one yard share its depot, and the matrix one row for it.
  const depots = new Map<string, Depot>();
  const vehicles: Vehicle[] = problem.vehicles.map((v) => {
    const key = `${v.depot.latitude},${v.depot.longitude}`;
    let depot = depots.get(key);
    if (!depot) {
      depot = {
        id: `depot-${depots.size}`,
        location: { lat: v.depot.latitude, lon: v.depot.longitude },
      };
      depots.set(key, depot);
    }
    const workingHours = { start: seconds(v.shiftStart), end: seconds(v.shiftEnd) };
    const taken = v.break && breakOf(v.break, workingHours, seconds);
    return {
      id: v.id,
      depotId: depot.id,
      capacity: loadOf(v.capacity),
      skills: v.skills,
      workingHours,
      ...(taken && { break: taken }),
    };
  });

  const pickups: Pickup[] = [];
  for (const stop of problem.stops) {
    if (stop.windows.length === 0) {
      unplanned.push({ id: stop.id, reason: 'window-unreachable' });
      continue;
    }
    pickups.push({
      id: stop.id,
      location: { lat: stop.position.latitude, lon: stop.position.longitude },
      serviceDuration: serviceMs(problem, stop) / 1000,
      demand: loadOf(stop.demand),
      requiredSkills: stop.skills,
      // The crew is done on site within the window, not merely there: the contract's
      // `window-too-short` is a window shorter than the time on site.
      timeWindows: stop.windows.map((w) => ({ start: seconds(w.from), end: seconds(w.until) })),
    });
  }
  return { problem: { depots: [...depots.values()], vehicles, pickups }, origin, unplanned };
}

/** The crew's break in libs/routing's terms, or none when it falls outside the crew's day. */
function breakOf(
  brk: NonNullable<PlanningVehicle['break']>,
  hours: TimeWindow,
  seconds: (ms: number) => number,
): VehicleBreak | undefined {
  // The break may start as late as `latestStart`, so it may end `durationMs` after that.
  const window = {
    start: seconds(brk.earliestStart),
    end: seconds(brk.latestStart + brk.durationMs),
  };
  if (window.end <= hours.start || window.start >= hours.end || brk.durationMs <= 0)
    return undefined;
  return { window, duration: brk.durationMs / 1000 };
}

/**
 * Time on site belongs to the crew in the seam and to the pickup in libs/routing: a stop
 * is given the longest of the crews that could serve it, so that any of them keeps the
 * plan's times (a quicker crew waits a little before its next stop).
 */
function serviceMs(problem: PlanningProblem, stop: PlanningStop): number {
  const able = problem.vehicles.filter((v) => stop.skills.every((s) => v.skills.includes(s)));
  return Math.max(...(able.length > 0 ? able : problem.vehicles).map((v) => v.serviceMs));
}

function loadOf(load: PlanningStop['demand']) {
  return { kg: load.kg, m3: load.m3, crates: load.crates, tailLiftPlaces: load.items };
}

function previousPlan(previous: NonNullable<PlanningProblem['previous']>) {
  return {
    routes: previous.map((r) => ({
      vehicleId: r.vehicleId,
      stops: r.stops.map((pickupId) => ({ pickupId })),
    })),
  };
}

/** libs/routing's plan in the seam's terms: start of service as the eta, kilometres, the contract's reasons. */
export function fromRoundPlan(
  problem: PlanningProblem,
  plan: RoundPlan,
  origin: number,
  unplanned: PlanningResult['unplanned'] = [],
): PlanningResult {
  const stops = new Map(problem.stops.map((s) => [s.id, s]));
  return {
    rounds: plan.routes.map((route) => ({
      vehicleId: route.vehicleId,
      stops: route.stops.map((s) => {
        const window = stops.get(s.pickupId)?.windows[s.timeWindow ?? -1];
        const eta = Math.round(origin + (s.serviceStart ?? s.serviceEnd) * 1000);
        // Seconds come back as floating point; a millisecond of rounding stays in its window.
        return {
          id: s.pickupId,
          eta: window ? Math.min(Math.max(eta, window.from), window.until) : eta,
        };
      }),
      distanceKm: route.distance / 1000,
    })),
    unplanned: [
      ...unplanned,
      ...plan.unplanned.map((u) => ({ id: u.pickupId, reason: ROUTING_REASONS[u.reason] })),
    ],
  };
}

export interface RoundCheck {
  feasible: boolean;
  /** Each rule the round breaks, in libs/routing's words; `pickupId` null for the round as a whole. */
  violations: readonly { pickupId: string | null; rule: string }[];
  /** The round as it would be driven: its stops timed as the planner times them. */
  round: PlannedRound;
}

/**
 * Re-checks one round arranged by hand with the planner's own rules (libs/routing's
 * `checkRoute`) and times it. Only that vehicle and its stops are put to the library, so
 * that the matrix (an OSRM call) stays the size of the round, not of the day; time on
 * site is still taken from the whole day's fleet, as a plan would.
 */
export async function checkRound(
  problem: PlanningProblem,
  vehicleId: string,
  stopIds: readonly string[],
  options: RoutingPlannerOptions,
  logger: Logger,
): Promise<RoundCheck> {
  const mapped = toRoutingProblem(problem);
  const vehicle = mapped.problem.vehicles.find((v) => v.id === vehicleId);
  if (!vehicle) throw new Error(`vehicle ${vehicleId} is not in the day's problem`);
  const wanted = new Set(stopIds);
  const routing: RoutingProblem = {
    depots: mapped.problem.depots.filter((d) => d.id === vehicle.depotId),
    vehicles: [vehicle],
    pickups: mapped.problem.pickups.filter((p) => wanted.has(p.id)),
  };
  const matrix = await dayMatrix(problem.day, routing, options, logger);
  const check = checkRoute(routing, matrix, vehicleId, stopIds);
  const [round] = fromRoundPlan(
    problem,
    {
      routes: [check.route],
      unplanned: [],
      totalDistance: 0,
      stats: { iterations: 0, elapsedMs: 0 },
    },
    mapped.origin,
  ).rounds;
  return { feasible: check.feasible, violations: check.violations, round: round! };
}

/*
 * Built, the worker is planner.worker.js beside main.js (scripts/build-service.mjs makes
 * every *.worker.ts an entry point of its own); from sources (tests, `node --import
 * @swc-node/register/esm-register`), it is the .ts file, compiled on load by the same
 * loader. The sources' way needs @swc/core already loaded in the main thread, as it is
 * there: a native addon first loaded by a thread that ends is unloaded with it, and the
 * next thread to load it crashes the process.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./planner.worker.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url);
const WORKER_EXEC_ARGV = FROM_SOURCES
  ? { execArgv: ['--import', '@swc-node/register/esm-register'] }
  : {};

/** Runs the plan in a thread of its own; an abort ends the thread and rejects with its reason. */
function planInWorker(
  input: PlannerWorkerInput,
  signal: AbortSignal | undefined,
  onWorker: ((worker: Worker) => void) | undefined,
): Promise<RoundPlan> {
  return new Promise<RoundPlan>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      ...WORKER_EXEC_ARGV,
      workerData: input,
      // The matrix (n² distances and durations) moves to the thread rather than being
      // copied; libs/routing makes it of plain (not shared) buffers.
      transferList: [
        input.matrix.distance.buffer as ArrayBuffer,
        input.matrix.duration.buffer as ArrayBuffer,
      ],
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      // Settled once the thread is gone, so that a cancelled job hands back no work still running.
      worker.terminate().then(outcome, outcome);
    };
    const abort = () => settle(() => reject(signal!.reason as Error));
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    worker.once('message', (answer: PlannerWorkerAnswer) =>
      settle(() => ('plan' in answer ? resolve(answer.plan) : reject(workerError(answer.error)))),
    );
    worker.once('error', (error: unknown) =>
      settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(new Error(`the planning thread stopped (exit ${code}) before answering`)),
      ),
    );
    onWorker?.(worker);
  });
}

function workerError(error: Extract<PlannerWorkerAnswer, { error: unknown }>['error']): Error {
  return error.issues ? new PlanningInputError(error.issues) : new Error(error.message);
}
