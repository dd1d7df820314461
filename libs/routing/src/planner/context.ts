import { type VrpInstance, type VrpStart, type VrpVehicle } from '../core/instance.js';
import {
  DIMENSIONS,
  type Dimension,
  type Load,
  type PlanningProblem,
  type TravelMatrix,
  type Vehicle,
} from './model.js';
import { max, min } from '../core/math.js';

const EPS = 1e-6;

/** Time data of a sequence (see `core/accumulator.ts`): minimal duration, lateness, start interval. */
interface Segment {
  duration: number;
  timeWarp: number;
  open: number;
  latest: number;
}

function concat(a: Segment, travel: number, b: Segment): Segment {
  const delta = a.duration - a.timeWarp + travel;
  const wait = max(b.open - delta - a.latest, 0);
  const warp = max(a.open + delta - b.latest, 0);
  return {
    duration: a.duration + b.duration + travel + wait,
    timeWarp: a.timeWarp + b.timeWarp + warp,
    open: max(b.open - delta, a.open) - wait,
    latest: min(b.latest - delta, a.latest) + warp,
  };
}

export interface Violation {
  readonly pickupId: string | null;
  readonly rule: string;
  readonly kind: 'capacity' | 'time' | 'skill';
}

export interface SimulatedStop {
  readonly pickup: number;
  readonly arrival: number;
  readonly start: number;
  readonly end: number;
  /** Index into the pickup's own windows; -1 when none could be met. */
  readonly window: number;
  readonly distanceFromPrevious: number;
  readonly loadAfter: number[];
}

export interface Simulation {
  readonly start: number;
  readonly stops: SimulatedStop[];
  readonly breakStart: number | null;
  readonly breakEnd: number | null;
  readonly end: number;
  /** Free part only: from the start point (depot or last stop done) back to the depot. */
  readonly distance: number;
  readonly load: number[];
  readonly violations: Violation[];
}

interface FixedState {
  readonly done: readonly number[];
  readonly locked: readonly number[];
  /** Departure from the last stop done, or null when nothing is done yet. */
  readonly departedAt: number | null;
  readonly doneDistance: number;
  readonly doneLoad: number[];
  /** Distance from the depot to each stop done, each from the previous one. */
  readonly doneLegs: number[];
  /** Load after each stop done. */
  readonly doneLoads: number[][];
}

/**
 * The problem in matrix indices, with what the planner, its checks and the
 * reasons for unplanned pickups share: demands per dimension, skill bits, what each
 * vehicle has already done, and an exact forward simulation of a route.
 */
export class PlanningContext {
  readonly nDepots: number;
  readonly depotIndex = new Map<string, number>();
  readonly pickupIndex = new Map<string, number>();
  readonly vehicleIndex = new Map<string, number>();
  /** The dimensions some pickup or stop actually uses; the others cannot constrain anything. */
  readonly dims: Dimension[];
  readonly skillBit = new Map<string, number>();
  readonly fixed: FixedState[];
  readonly fixedPickups = new Set<number>();

  constructor(
    readonly problem: PlanningProblem,
    readonly matrix: TravelMatrix,
  ) {
    this.nDepots = problem.depots.length;
    problem.depots.forEach((d, i) => this.depotIndex.set(d.id, i));
    problem.pickups.forEach((p, i) => this.pickupIndex.set(p.id, i));
    problem.vehicles.forEach((v, i) => this.vehicleIndex.set(v.id, i));
    const used = new Set<Dimension>();
    const note = (load: Load | undefined): void => {
      for (const d of DIMENSIONS) if ((load?.[d] ?? 0) > 0) used.add(d);
    };
    for (const p of problem.pickups) note(p.demand);
    for (const v of problem.vehicles) for (const s of v.fixedStops ?? []) note(s.collected);
    this.dims = DIMENSIONS.filter((d) => used.has(d));
    if (this.dims.length === 0) this.dims = ['kg'];
    for (const p of problem.pickups)
      for (const s of p.requiredSkills)
        if (!this.skillBit.has(s)) this.skillBit.set(s, this.skillBit.size);
    this.fixed = problem.vehicles.map((v) => this.fixedState(v));
  }

  pickupLoc(j: number): number {
    return this.nDepots + j;
  }

  vehicleDepotLoc(v: number): number {
    return this.depotIndex.get(this.problem.vehicles[v]!.depotId)!;
  }

  dist(a: number, b: number): number {
    return this.matrix.distance[a * this.matrix.size + b]!;
  }

  time(a: number, b: number): number {
    return this.matrix.duration[a * this.matrix.size + b]!;
  }

  vector(load: Load | undefined): number[] {
    return this.dims.map((d) => load?.[d] ?? 0);
  }

  toLoad(values: readonly number[]): Load {
    const load: Partial<Record<Dimension, number>> = {};
    this.dims.forEach((d, i) => (load[d] = values[i]!));
    return load;
  }

  skillMask(skills: readonly string[]): number {
    let mask = 0;
    for (const s of skills) {
      const bit = this.skillBit.get(s);
      if (bit !== undefined) mask |= 1 << bit;
    }
    return mask;
  }

  missingSkills(j: number, v: number): string[] {
    const have = new Set(this.problem.vehicles[v]!.skills);
    return this.problem.pickups[j]!.requiredSkills.filter((s) => !have.has(s));
  }

  private fixedState(vehicle: Vehicle): FixedState {
    const stops = vehicle.fixedStops ?? [];
    const done: number[] = [];
    const locked: number[] = [];
    let departedAt: number | null = null;
    let loc = this.depotIndex.get(vehicle.depotId)!;
    let doneDistance = 0;
    const doneLoad = this.dims.map(() => 0);
    const doneLegs: number[] = [];
    const doneLoads: number[][] = [];
    for (const s of stops) {
      const j = this.pickupIndex.get(s.pickupId)!;
      this.fixedPickups.add(j);
      if (s.departedAt !== undefined) {
        done.push(j);
        departedAt = s.departedAt;
        const leg = this.dist(loc, this.pickupLoc(j));
        doneLegs.push(leg);
        doneDistance += leg;
        loc = this.pickupLoc(j);
        const q = this.vector(s.collected ?? this.problem.pickups[j]!.demand);
        q.forEach((x, d) => (doneLoad[d]! += x));
        doneLoads.push(doneLoad.slice());
      } else locked.push(j);
    }
    return { done, locked, departedAt, doneDistance, doneLoad, doneLegs, doneLoads };
  }

  /** Where the planned part of vehicle v's route starts, and from when. */
  startPoint(v: number): { loc: number; earliest: number; latest: number } {
    const f = this.fixed[v]!;
    const hours = this.problem.vehicles[v]!.workingHours;
    if (f.done.length === 0)
      return { loc: this.vehicleDepotLoc(v), earliest: hours.start, latest: hours.end };
    const at = f.departedAt!;
    return {
      loc: this.pickupLoc(f.done[f.done.length - 1]!),
      earliest: max(at, hours.start),
      latest: max(at, hours.end),
    };
  }

  /**
   * Drives vehicle v through its locked stops then `free` (pickup indices), taking its
   * break before `free[breakAt]` (at the end when `breakAt === free.length`; -1: no
   * break), leaving at `departure` (the earliest possible when omitted). Each service
   * starts as early as it can, in the earliest window it fits; waiting is allowed.
   * From the earliest departure this decides feasibility exactly.
   */
  simulate(v: number, free: readonly number[], breakAt: number, departure?: number): Simulation {
    const vehicle = this.problem.vehicles[v]!;
    const f = this.fixed[v]!;
    const sp = this.startPoint(v);
    const start = departure ?? sp.earliest;
    let t = start;
    let loc = sp.loc;
    let distance = 0;
    const load = f.doneLoad.slice();
    const cap = this.vector(vehicle.capacity);
    const violations: Violation[] = [];
    const stops: SimulatedStop[] = [];
    let breakStart: number | null = null;
    let breakEnd: number | null = null;
    const takeBreak = (): void => {
      const b = vehicle.break!;
      breakStart = max(t, b.window.start);
      breakEnd = breakStart + b.duration;
      if (breakEnd > b.window.end + EPS)
        violations.push({
          pickupId: null,
          kind: 'time',
          rule: 'the break cannot be taken inside its window',
        });
      t = breakEnd;
    };
    const sequence = [...f.locked, ...free];
    const breakPos = breakAt < 0 ? -1 : f.locked.length + breakAt;
    const used = f.done.length + sequence.length > 0;
    if (vehicle.break && used && breakAt < 0)
      violations.push({ pickupId: null, kind: 'time', rule: 'the vehicle’s break is not planned' });
    const mask = this.skillMask(vehicle.skills);
    this.dims.forEach((dim, d) => {
      if (load[d]! > cap[d]! + EPS)
        violations.push({
          pickupId: null,
          kind: 'capacity',
          rule: `${dim} already on board ${load[d]!} exceeds the capacity ${cap[d]!}`,
        });
    });
    for (let k = 0; k <= sequence.length; k++) {
      if (k === breakPos && vehicle.break && used) takeBreak();
      if (k === sequence.length) break;
      const j = sequence[k]!;
      const pickup = this.problem.pickups[j]!;
      const to = this.pickupLoc(j);
      const leg = this.dist(loc, to);
      const arrival = t + this.time(loc, to);
      let window = -1;
      let begin = arrival;
      let bestStart = Infinity;
      pickup.timeWindows.forEach((w, i) => {
        const s = max(arrival, w.start);
        if (s + pickup.serviceDuration <= w.end + EPS && s < bestStart) {
          bestStart = s;
          window = i;
        }
      });
      if (window >= 0) begin = bestStart;
      else
        violations.push({ pickupId: pickup.id, kind: 'time', rule: 'no time window can be met' });
      if (k >= f.locked.length && (this.skillMask(pickup.requiredSkills) & ~mask) !== 0)
        violations.push({
          pickupId: pickup.id,
          kind: 'skill',
          rule: `the vehicle lacks ${this.missingSkills(j, v).join(', ')}`,
        });
      const q = this.vector(pickup.demand);
      q.forEach((x, d) => (load[d]! += x));
      this.dims.forEach((dim, d) => {
        if (load[d]! > cap[d]! + EPS)
          violations.push({
            pickupId: pickup.id,
            kind: 'capacity',
            rule: `${dim} on board ${load[d]!} exceeds the capacity ${cap[d]!}`,
          });
      });
      const end = begin + pickup.serviceDuration;
      stops.push({
        pickup: j,
        arrival,
        start: begin,
        end,
        window,
        distanceFromPrevious: leg,
        loadAfter: load.slice(),
      });
      distance += leg;
      t = end;
      loc = to;
    }
    const depot = this.vehicleDepotLoc(v);
    let end = t;
    if (used) {
      distance += this.dist(loc, depot);
      end = t + this.time(loc, depot);
      if (end > vehicle.workingHours.end + EPS)
        violations.push({
          pickupId: null,
          kind: 'time',
          rule: 'the vehicle is back after its working hours',
        });
    }
    if (start < vehicle.workingHours.start - EPS)
      violations.push({
        pickupId: null,
        kind: 'time',
        rule: 'the vehicle leaves before its working hours',
      });
    return { start, stops, breakStart, breakEnd, end, distance, load, violations };
  }

  /**
   * The latest departure that keeps the route's minimal duration, for windows chosen
   * per pickup (`windows[k]` for `free[k]`; locked stops take the earliest that fits):
   * the crew then waits as little as possible.
   */
  departure(
    v: number,
    free: readonly number[],
    windows: readonly number[],
    breakAt: number,
  ): number {
    const vehicle = this.problem.vehicles[v]!;
    const f = this.fixed[v]!;
    const sp = this.startPoint(v);
    let seg: Segment = { duration: 0, timeWarp: 0, open: sp.earliest, latest: sp.latest };
    let loc = sp.loc;
    const first = this.simulate(v, [], -1);
    const sequence = [...f.locked, ...free];
    const breakPos = breakAt < 0 ? -1 : f.locked.length + breakAt;
    for (let k = 0; k <= sequence.length; k++) {
      if (k === breakPos && vehicle.break) {
        const b = vehicle.break;
        seg = concat(seg, 0, {
          duration: b.duration,
          timeWarp: 0,
          open: b.window.start,
          latest: b.window.end - b.duration,
        });
      }
      if (k === sequence.length) break;
      const j = sequence[k]!;
      const pickup = this.problem.pickups[j]!;
      const w =
        k < f.locked.length ? max(first.stops[k]?.window ?? 0, 0) : windows[k - f.locked.length]!;
      const win = pickup.timeWindows[w]!;
      const to = this.pickupLoc(j);
      seg = concat(seg, this.time(loc, to), {
        duration: pickup.serviceDuration,
        timeWarp: 0,
        open: win.start,
        latest: win.end - pickup.serviceDuration,
      });
      loc = to;
    }
    const hours = vehicle.workingHours;
    seg = concat(seg, this.time(loc, this.vehicleDepotLoc(v)), {
      duration: 0,
      timeWarp: 0,
      open: hours.start,
      latest: hours.end,
    });
    return seg.open;
  }

  /** The solver's view of the problem, its clients being `clients` (pickup indices). */
  toInstance(clients: readonly number[]): { instance: VrpInstance; windowMap: number[][] } {
    const { problem, matrix } = this;
    const windowMap: number[][] = [];
    const vrpClients = clients.map((j) => {
      const p = problem.pickups[j]!;
      const windows: { open: number; latestStart: number }[] = [];
      const map: number[] = [];
      p.timeWindows.forEach((w, i) => {
        if (w.end - p.serviceDuration >= w.start) {
          windows.push({ open: w.start, latestStart: w.end - p.serviceDuration });
          map.push(i);
        }
      });
      const order = windows.map((_, i) => i).sort((a, b) => windows[a]!.open - windows[b]!.open);
      windowMap.push(order.map((i) => map[i]!));
      return {
        location: this.pickupLoc(j),
        service: p.serviceDuration,
        demand: this.vector(p.demand),
        skills: this.skillMask(p.requiredSkills),
        windows: order.map((i) => windows[i]!),
      };
    });
    const vehicles: VrpVehicle[] = problem.vehicles.map((v, k) => {
      const depot = this.vehicleDepotLoc(k);
      const start = this.vrpStart(k);
      return {
        startLocation: depot,
        endLocation: depot,
        capacity: this.vector(v.capacity),
        skills: this.skillMask(v.skills),
        shiftStart: v.workingHours.start,
        shiftEnd: v.workingHours.end,
        ...(v.break
          ? {
              break: {
                earliestStart: v.break.window.start,
                latestStart: v.break.window.end - v.break.duration,
                duration: v.break.duration,
              },
            }
          : {}),
        ...(start ? { start } : {}),
      };
    });
    // Planar coordinates in metres around the first depot, for SWAP*'s sectors only.
    const points = [
      ...problem.depots.map((d) => d.location),
      ...problem.pickups.map((p) => p.location),
    ];
    const lat0 = points[0]!.lat;
    const lon0 = points[0]!.lon;
    const k = (Math.PI / 180) * 6_371_000;
    const x = Float64Array.from(
      points,
      (p) => (p.lon - lon0) * k * Math.cos((lat0 * Math.PI) / 180),
    );
    const y = Float64Array.from(points, (p) => (p.lat - lat0) * k);
    return {
      instance: {
        dimensions: this.dims.length,
        locations: matrix.size,
        distance: matrix.distance,
        duration: matrix.duration,
        x,
        y,
        clients: vrpClients,
        vehicles,
        hasTime: true,
      },
      windowMap,
    };
  }

  private vrpStart(v: number): VrpStart | undefined {
    const f = this.fixed[v]!;
    if (f.done.length === 0 && f.locked.length === 0) return undefined;
    const sp = this.startPoint(v);
    let seg: Segment = { duration: 0, timeWarp: 0, open: sp.earliest, latest: sp.latest };
    let loc = sp.loc;
    let distance = f.doneDistance;
    const load = f.doneLoad.slice();
    const sim = this.simulate(v, [], -1);
    f.locked.forEach((j, k) => {
      const p = this.problem.pickups[j]!;
      const win = p.timeWindows[max(sim.stops[k]!.window, 0)]!;
      const to = this.pickupLoc(j);
      seg = concat(seg, this.time(loc, to), {
        duration: p.serviceDuration,
        timeWarp: 0,
        open: win.start,
        latest: win.end - p.serviceDuration,
      });
      distance += this.dist(loc, to);
      this.vector(p.demand).forEach((q, d) => (load[d]! += q));
      loc = to;
    });
    return {
      location: loc,
      distance,
      load,
      duration: seg.duration,
      timeWarp: seg.timeWarp,
      earliestStart: seg.open,
      latestStart: seg.latest,
    };
  }
}
