/**
 * The solver's own view of a routing problem: numbers and matrices only, no ids,
 * dates or coordinates on the Earth. The round planner (`planner/`) and the CVRPLIB
 * benchmark (`tsplib/`) both translate into this, so both run the same search.
 */

/** A window for the start of a service: it may start at `open`, and no later than `latestStart`. */
export interface VrpWindow {
  readonly open: number;
  readonly latestStart: number;
}

export interface VrpClient {
  /** Row/column of the client in the matrices. */
  readonly location: number;
  readonly service: number;
  /** One value per dimension, in the same order as the vehicles' capacities. */
  readonly demand: readonly number[];
  /** Bit mask of required skills (bits 0–29). */
  readonly skills: number;
  /** At least one window when the instance has time; ignored otherwise. */
  readonly windows: readonly VrpWindow[];
}

/**
 * What a vehicle has already done or is bound to do before the free part of its
 * route: stops already made or locked by a planner. The search never moves them;
 * it plans what follows, starting from this state.
 */
export interface VrpStart {
  /** Where the vehicle is when the free part of its route begins. */
  readonly location: number;
  /** Distance already driven (counted in the route's total, not optimised). */
  readonly distance: number;
  /** Load already on board, per dimension. */
  readonly load: readonly number[];
  /** Time data of the fixed part, as a segment (see `accumulator.ts`). */
  readonly duration: number;
  readonly timeWarp: number;
  readonly earliestStart: number;
  readonly latestStart: number;
}

export interface VrpBreak {
  readonly earliestStart: number;
  readonly latestStart: number;
  readonly duration: number;
}

export interface VrpVehicle {
  readonly startLocation: number;
  readonly endLocation: number;
  readonly capacity: readonly number[];
  /** Bit mask of the skills the vehicle and its crew have. */
  readonly skills: number;
  readonly shiftStart: number;
  readonly shiftEnd: number;
  readonly break?: VrpBreak;
  readonly start?: VrpStart;
}

export interface VrpInstance {
  readonly dimensions: number;
  readonly locations: number;
  /** Cost of each arc (row-major, `locations × locations`); the objective is its sum. */
  readonly distance: Float64Array;
  /** Travel time of each arc; needed only when `hasTime`. */
  readonly duration?: Float64Array;
  /** Planar coordinates of the locations, used to prune SWAP* to routes that overlap. */
  readonly x?: Float64Array;
  readonly y?: Float64Array;
  readonly clients: readonly VrpClient[];
  readonly vehicles: readonly VrpVehicle[];
  /** Whether windows, working hours, breaks and service durations apply. */
  readonly hasTime: boolean;
  /**
   * Cost of leaving a client unserved; by default 10 × the longest arc. It exceeds any
   * detour one client can cause (at most 2 arcs), so a client is left out only when it
   * fits nowhere; and it exceeds the whole distance of any plan with fewer than 10
   * arcs. It is not made larger still on purpose: the search explores overloaded and
   * late routes under penalties, and an unserved client must become the cheaper
   * choice within a few penalty adaptations, not thousands of iterations.
   */
  readonly unplannedCost?: number;
}

export const MAX_SKILLS = 30;
/** A break carries this bit so that no vehicle (whose skills use bits 0–29) can take another's break. */
export const BREAK_BIT = 1 << 30;
export const EPSILON = 1e-6;

/** The instance flattened into typed arrays, with what the search derives from it. */
export class CoreInstance {
  readonly n: number;
  readonly k: number;
  readonly dims: number;
  readonly nLoc: number;
  readonly dist: Float64Array;
  readonly time: Float64Array;
  readonly hasTime: boolean;
  readonly symmetric: boolean;

  readonly clientLoc: Int32Array;
  readonly service: Float64Array;
  readonly demand: Float64Array;
  readonly skills: Int32Array;
  readonly winOffset: Int32Array;
  readonly winOpen: Float64Array;
  readonly winLatest: Float64Array;
  /** Hull of the windows of each client, for the correlation measure. */
  readonly hullOpen: Float64Array;
  readonly hullLatest: Float64Array;

  readonly vStartLoc: Int32Array;
  readonly vEndLoc: Int32Array;
  readonly vCap: Float64Array;
  readonly vSkills: Int32Array;
  readonly vShiftStart: Float64Array;
  readonly vShiftEnd: Float64Array;
  readonly vHasBreak: Uint8Array;
  readonly vBreakDur: Float64Array;
  readonly vBreakOpen: Float64Array;
  readonly vBreakLatest: Float64Array;
  readonly vHasStart: Uint8Array;
  readonly vStartLast: Int32Array;
  readonly vStartDist: Float64Array;
  readonly vStartLoad: Float64Array;
  readonly vStartDur: Float64Array;
  readonly vStartTw: Float64Array;
  readonly vStartOpen: Float64Array;
  readonly vStartLatest: Float64Array;
  /** Vehicles that are interchangeable share a class: one empty route per class is tried. */
  readonly vClass: Int32Array;
  readonly classCount: number;

  readonly capWeight: Float64Array;
  readonly maxDist: number;
  readonly unplannedCost: number;
  readonly polar: Int32Array;
  readonly hasCoordinates: boolean;
  readonly centerX: number = 0;
  readonly centerY: number = 0;
  /** A lower bound on the number of routes, from the total demand and the largest capacity. */
  readonly routesLowerBound: number;
  readonly maxDemandFraction: number;
  readonly maxTravelTime: number;

  constructor(readonly source: VrpInstance) {
    const { clients, vehicles, dimensions } = source;
    validateInstance(source);
    this.n = clients.length;
    this.k = vehicles.length;
    this.dims = dimensions;
    this.nLoc = source.locations;
    this.dist = source.distance;
    this.hasTime = source.hasTime;
    this.time = source.hasTime ? source.duration! : source.distance;
    const L = this.nLoc;
    let symmetric = true;
    let maxDist = 0;
    let maxTravel = 0;
    for (let i = 0; i < L && symmetric; i++)
      for (let j = i + 1; j < L; j++)
        if (this.dist[i * L + j]! !== this.dist[j * L + i]!) {
          symmetric = false;
          break;
        }
    for (let i = 0; i < L * L; i++) {
      if (this.dist[i]! > maxDist) maxDist = this.dist[i]!;
      if (this.time[i]! > maxTravel) maxTravel = this.time[i]!;
    }
    this.symmetric = symmetric;
    this.maxDist = Math.max(maxDist, EPSILON);
    this.maxTravelTime = Math.max(maxTravel, EPSILON);

    const n = this.n;
    const D = dimensions;
    this.clientLoc = new Int32Array(n);
    this.service = new Float64Array(n);
    this.demand = new Float64Array(n * D);
    this.skills = new Int32Array(n);
    this.winOffset = new Int32Array(n + 1);
    this.hullOpen = new Float64Array(n);
    this.hullLatest = new Float64Array(n);
    let windowCount = 0;
    for (const c of clients) windowCount += source.hasTime ? c.windows.length : 1;
    this.winOpen = new Float64Array(windowCount);
    this.winLatest = new Float64Array(windowCount);
    let w = 0;
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      this.clientLoc[i] = c.location;
      this.service[i] = source.hasTime ? c.service : 0;
      for (let d = 0; d < D; d++) this.demand[i * D + d] = c.demand[d]!;
      this.skills[i] = c.skills;
      this.winOffset[i] = w;
      if (source.hasTime) {
        const sorted = [...c.windows].sort((a, b) => a.open - b.open);
        for (const win of sorted) {
          this.winOpen[w] = win.open;
          this.winLatest[w] = win.latestStart;
          w++;
        }
        this.hullOpen[i] = sorted[0]!.open;
        this.hullLatest[i] = Math.max(...sorted.map((s) => s.latestStart));
      } else {
        this.winOpen[w] = -Infinity;
        this.winLatest[w] = Infinity;
        this.hullOpen[i] = -Infinity;
        this.hullLatest[i] = Infinity;
        w++;
      }
    }
    this.winOffset[n] = w;

    const K = this.k;
    this.vStartLoc = new Int32Array(K);
    this.vEndLoc = new Int32Array(K);
    this.vCap = new Float64Array(K * D);
    this.vSkills = new Int32Array(K);
    this.vShiftStart = new Float64Array(K);
    this.vShiftEnd = new Float64Array(K);
    this.vHasBreak = new Uint8Array(K);
    this.vBreakDur = new Float64Array(K);
    this.vBreakOpen = new Float64Array(K);
    this.vBreakLatest = new Float64Array(K);
    this.vHasStart = new Uint8Array(K);
    this.vStartLast = new Int32Array(K);
    this.vStartDist = new Float64Array(K);
    this.vStartLoad = new Float64Array(K * D);
    this.vStartDur = new Float64Array(K);
    this.vStartTw = new Float64Array(K);
    this.vStartOpen = new Float64Array(K);
    this.vStartLatest = new Float64Array(K);
    this.vClass = new Int32Array(K);
    const classes = new Map<string, number>();
    for (let v = 0; v < K; v++) {
      const veh = vehicles[v]!;
      this.vStartLoc[v] = veh.startLocation;
      this.vEndLoc[v] = veh.endLocation;
      for (let d = 0; d < D; d++) this.vCap[v * D + d] = veh.capacity[d]!;
      this.vSkills[v] = veh.skills;
      this.vShiftStart[v] = source.hasTime ? veh.shiftStart : -Infinity;
      this.vShiftEnd[v] = source.hasTime ? veh.shiftEnd : Infinity;
      if (source.hasTime && veh.break) {
        this.vHasBreak[v] = 1;
        this.vBreakDur[v] = veh.break.duration;
        this.vBreakOpen[v] = veh.break.earliestStart;
        this.vBreakLatest[v] = veh.break.latestStart;
      }
      const start = veh.start;
      if (start) {
        this.vHasStart[v] = 1;
        this.vStartLast[v] = start.location;
        this.vStartDist[v] = start.distance;
        for (let d = 0; d < D; d++) this.vStartLoad[v * D + d] = start.load[d]!;
        this.vStartDur[v] = source.hasTime ? start.duration : 0;
        this.vStartTw[v] = source.hasTime ? start.timeWarp : 0;
        this.vStartOpen[v] = source.hasTime ? start.earliestStart : -Infinity;
        this.vStartLatest[v] = source.hasTime ? start.latestStart : Infinity;
      } else {
        this.vStartLast[v] = veh.startLocation;
        this.vStartOpen[v] = this.vShiftStart[v]!;
        this.vStartLatest[v] = this.vShiftEnd[v]!;
      }
      // Vehicles with fixed stops are unique: their start differs from any other's.
      const signature = start
        ? `fixed:${v}`
        : JSON.stringify([
            veh.startLocation,
            veh.endLocation,
            veh.capacity,
            veh.skills,
            this.vShiftStart[v]!,
            this.vShiftEnd[v]!,
            veh.break ?? null,
          ]);
      let cls = classes.get(signature);
      if (cls === undefined) {
        cls = classes.size;
        classes.set(signature, cls);
      }
      this.vClass[v] = cls;
    }
    this.classCount = classes.size;

    // Loads are compared in fractions of the largest capacity in each dimension, so
    // that one penalty weighs a kilogram and a crate on the same scale.
    this.capWeight = new Float64Array(D);
    let maxDemandFraction = 0;
    let lowerBound = 1;
    for (let d = 0; d < D; d++) {
      let maxCap = 0;
      for (let v = 0; v < K; v++) maxCap = Math.max(maxCap, this.vCap[v * D + d]!);
      this.capWeight[d] = maxCap > 0 ? 1 / maxCap : 1;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const q = this.demand[i * D + d]!;
        total += q;
        maxDemandFraction = Math.max(maxDemandFraction, q * this.capWeight[d]!);
      }
      if (maxCap > 0) lowerBound = Math.max(lowerBound, Math.ceil(total / maxCap - EPSILON));
    }
    this.maxDemandFraction = Math.max(maxDemandFraction, EPSILON);
    this.routesLowerBound = Math.min(lowerBound, K);
    this.unplannedCost = source.unplannedCost ?? 10 * this.maxDist;

    this.hasCoordinates = source.x !== undefined && source.y !== undefined;
    this.polar = new Int32Array(n);
    if (this.hasCoordinates) {
      const xs = source.x!;
      const ys = source.y!;
      // The centre of the depots: with several depots the sectors only prune, so an
      // approximate centre costs a few missed SWAP* evaluations, never a wrong move.
      let cx = 0;
      let cy = 0;
      for (let v = 0; v < K; v++) {
        cx += xs[this.vStartLoc[v]!]!;
        cy += ys[this.vStartLoc[v]!]!;
      }
      cx /= Math.max(K, 1);
      cy /= Math.max(K, 1);
      this.centerX = cx;
      this.centerY = cy;
      for (let i = 0; i < n; i++) {
        const loc = this.clientLoc[i]!;
        const angle = Math.atan2(ys[loc]! - cy, xs[loc]! - cx);
        this.polar[i] = positiveMod(Math.floor((32768 * angle) / Math.PI));
      }
    }
  }

  /** Whether client `i` may ride on vehicle `v` (skills only). */
  compatible(i: number, v: number): boolean {
    return (this.skills[i]! & ~this.vSkills[v]!) === 0;
  }
}

export function positiveMod(i: number): number {
  return ((i % 65536) + 65536) % 65536;
}

function validateInstance(instance: VrpInstance): void {
  const fail = (field: string, rule: string): never => {
    throw new RangeError(`${field}: ${rule}`);
  };
  const { locations, dimensions } = instance;
  if (!Number.isInteger(dimensions) || dimensions < 1) fail('dimensions', 'must be an integer ≥ 1');
  if (!Number.isInteger(locations) || locations < 1) fail('locations', 'must be an integer ≥ 1');
  if (instance.distance.length !== locations * locations)
    fail('distance', `must hold locations² = ${locations * locations} values`);
  if (instance.hasTime && instance.duration?.length !== locations * locations)
    fail(
      'duration',
      `must hold locations² = ${locations * locations} values when the instance has time`,
    );
  if (instance.vehicles.length === 0) fail('vehicles', 'at least one vehicle is needed');
  const loc = (field: string, value: number): void => {
    if (!Number.isInteger(value) || value < 0 || value >= locations)
      fail(field, `must be a location index in [0, ${locations})`);
  };
  instance.clients.forEach((c, i) => {
    loc(`clients[${i}].location`, c.location);
    if (c.demand.length !== dimensions)
      fail(`clients[${i}].demand`, `must have ${dimensions} values`);
    if (c.demand.some((q) => !(q >= 0))) fail(`clients[${i}].demand`, 'must be ≥ 0');
    if (instance.hasTime && c.windows.length === 0)
      fail(`clients[${i}].windows`, 'at least one window');
    if ((c.skills & ~((1 << MAX_SKILLS) - 1)) !== 0)
      fail(`clients[${i}].skills`, `only bits 0–${MAX_SKILLS - 1}`);
  });
  instance.vehicles.forEach((v, i) => {
    loc(`vehicles[${i}].startLocation`, v.startLocation);
    loc(`vehicles[${i}].endLocation`, v.endLocation);
    if (v.capacity.length !== dimensions)
      fail(`vehicles[${i}].capacity`, `must have ${dimensions} values`);
    if (v.start) {
      loc(`vehicles[${i}].start.location`, v.start.location);
      if (v.start.load.length !== dimensions)
        fail(`vehicles[${i}].start.load`, `must have ${dimensions} values`);
    }
  });
}
