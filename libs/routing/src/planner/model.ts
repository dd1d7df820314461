/**
 * The round planner's problem and plan, in the collection service's terms. Times are
 * seconds on one clock for the whole day (for example seconds since local midnight
 * of the planning day); durations are seconds; distances are metres.
 */

/** The dimensions a load is measured in. */
export const DIMENSIONS = ['kg', 'm3', 'crates', 'tailLiftPlaces'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A load or a capacity; a missing dimension is 0 (a vehicle cannot carry what it has no room for). */
export type Load = { readonly [D in Dimension]?: number };

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export interface Depot {
  readonly id: string;
  readonly location: GeoPoint;
}

export interface VehicleBreak {
  /** The break is taken wholly inside this window. */
  readonly window: TimeWindow;
  readonly duration: number;
}

/**
 * A stop a vehicle has made or is bound to make, at the start of its route. Stops
 * with `departedAt` are done; those without are locked: the planner keeps them in
 * this order, first, and plans the rest of the day after them.
 */
export interface FixedStop {
  readonly pickupId: string;
  /** When the vehicle left the stop, for a stop already done. */
  readonly departedAt?: number;
  /** What was actually loaded, for a stop already done (otherwise the pickup's demand). */
  readonly collected?: Load;
}

export interface Vehicle {
  readonly id: string;
  /** Where the vehicle starts and ends its day. */
  readonly depotId: string;
  readonly capacity: Load;
  /** What the vehicle and its crew can do (tail-lift, two-person crew, ...). */
  readonly skills: readonly string[];
  /** The vehicle leaves its depot no earlier than `start` and is back no later than `end`. */
  readonly workingHours: TimeWindow;
  readonly break?: VehicleBreak;
  readonly fixedStops?: readonly FixedStop[];
}

export interface Pickup {
  readonly id: string;
  readonly location: GeoPoint;
  /** Time on site (loading, paperwork). */
  readonly serviceDuration: number;
  readonly demand: Load;
  readonly requiredSkills: readonly string[];
  /** The service must start and end inside one of these windows. */
  readonly timeWindows: readonly TimeWindow[];
}

export interface PlanningProblem {
  readonly depots: readonly Depot[];
  readonly vehicles: readonly Vehicle[];
  readonly pickups: readonly Pickup[];
}

/**
 * Distances (m) and travel times (s) between the problem's locations, row-major, in
 * the order `planningLocations(problem)` gives: the depots, then the pickups.
 */
export interface TravelMatrix {
  readonly size: number;
  readonly distance: Float64Array;
  readonly duration: Float64Array;
}

export type StopStatus = 'done' | 'locked' | 'planned';

export interface PlannedStop {
  readonly pickupId: string;
  readonly status: StopStatus;
  /** Null for a stop already done (the plan does not know when the crew arrived). */
  readonly arrival: number | null;
  readonly serviceStart: number | null;
  readonly serviceEnd: number;
  /** Index of the pickup's time window the service falls in (null for a stop already done). */
  readonly timeWindow: number | null;
  readonly distanceFromPrevious: number;
  readonly loadAfter: Load;
}

export interface PlannedBreak {
  readonly start: number;
  readonly end: number;
  /** Index in `stops` of the stop after which the break is taken; -1: before the first stop, at the depot. */
  readonly afterStop: number;
}

export interface PlannedRoute {
  readonly vehicleId: string;
  readonly depotId: string;
  /** When the planned part starts: departure from the depot, or from the last stop already done. */
  readonly start: number;
  /** Back at the depot. */
  readonly end: number;
  /** The whole route's distance, the part already driven included. */
  readonly distance: number;
  readonly stops: readonly PlannedStop[];
  readonly break: PlannedBreak | null;
  readonly load: Load;
}

export const UNPLANNED_REASONS = [
  'no-vehicle-with-skills',
  'window-too-short',
  'over-capacity',
  'window-unreachable',
  'fleet-capacity-exhausted',
  'fleet-time-exhausted',
  'fleet-exhausted',
] as const;
export type UnplannedReason = (typeof UNPLANNED_REASONS)[number];

export interface UnplannedPickup {
  readonly pickupId: string;
  readonly reason: UnplannedReason;
  readonly message: string;
}

export interface RoundPlan {
  /** One route per vehicle that has at least one stop. */
  readonly routes: readonly PlannedRoute[];
  readonly unplanned: readonly UnplannedPickup[];
  readonly totalDistance: number;
  readonly stats: { readonly iterations: number; readonly elapsedMs: number };
}
