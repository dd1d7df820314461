import { type RouteAccumulator } from './accumulator.js';
import { type CoreInstance, EPSILON } from './instance.js';

/** Successor / predecessor value of a client that ends or starts a route. */
export const DEPOT = -1;
/** Successor / predecessor value of a client left unserved. */
export const UNSERVED = -2;

/**
 * A solution of the genetic search: its giant tour (every client once, the order the
 * crossover works on), its routes per vehicle, the clients it leaves unserved, and
 * the window chosen for each client that has several.
 */
export class Individual {
  readonly tour: Int32Array;
  routes: number[][];
  /** Where each route's break sits (index into the route, before that client; route length = at the end); -1 for none. */
  breakAt: Int32Array;
  unserved: number[] = [];
  /** The vehicles in the order their routes appear in the giant tour (the split follows it). */
  readonly vehicleOrder: Int32Array;
  readonly window: Uint8Array;
  readonly successor: Int32Array;
  readonly predecessor: Int32Array;

  penalizedCost = Infinity;
  distance = 0;
  excess = 0;
  timeWarp = 0;
  routeCount = 0;
  feasible = false;
  biasedFitness = 0;
  /** Other members of the same subpopulation with their broken-pairs distance, closest first. */
  proximity: { distance: number; other: Individual }[] = [];

  constructor(inst: CoreInstance) {
    this.tour = new Int32Array(inst.n);
    this.routes = Array.from({ length: inst.k }, () => []);
    this.breakAt = new Int32Array(inst.k).fill(-1);
    this.vehicleOrder = new Int32Array(inst.k);
    for (let v = 0; v < inst.k; v++) this.vehicleOrder[v] = v;
    this.window = new Uint8Array(inst.n);
    this.successor = new Int32Array(inst.n);
    this.predecessor = new Int32Array(inst.n);
  }

  copyFrom(other: Individual): void {
    this.tour.set(other.tour);
    this.routes = other.routes.map((r) => r.slice());
    this.breakAt = other.breakAt.slice();
    this.unserved = other.unserved.slice();
    this.vehicleOrder.set(other.vehicleOrder);
    this.window.set(other.window);
    this.successor.set(other.successor);
    this.predecessor.set(other.predecessor);
    this.penalizedCost = other.penalizedCost;
    this.distance = other.distance;
    this.excess = other.excess;
    this.timeWarp = other.timeWarp;
    this.routeCount = other.routeCount;
    this.feasible = other.feasible;
  }

  clone(inst: CoreInstance): Individual {
    const copy = new Individual(inst);
    copy.copyFrom(this);
    return copy;
  }

  /**
   * Recomputes cost, feasibility and neighbours from the routes. Routes are evaluated
   * from scratch here, independently of the local search's incremental data.
   */
  evaluate(
    inst: CoreInstance,
    acc: RouteAccumulator,
    penaltyLoad: number,
    penaltyTime: number,
  ): void {
    this.distance = 0;
    this.excess = 0;
    this.timeWarp = 0;
    this.routeCount = 0;
    for (let v = 0; v < inst.k; v++) {
      const route = this.routes[v]!;
      evaluateRoute(inst, acc, v, route, this.breakAt[v]!, this.window);
      if (route.length === 0 && inst.vHasStart[v]! === 0) continue;
      this.routeCount++;
      this.distance += acc.dist;
      this.excess += acc.excess(v);
      this.timeWarp += acc.timeWarp;
      for (let p = 0; p < route.length; p++) {
        const c = route[p]!;
        this.predecessor[c] = p === 0 ? DEPOT : route[p - 1]!;
        this.successor[c] = p === route.length - 1 ? DEPOT : route[p + 1]!;
      }
    }
    for (const c of this.unserved) {
      this.predecessor[c] = UNSERVED;
      this.successor[c] = UNSERVED;
    }
    this.penalizedCost =
      this.distance +
      penaltyLoad * this.excess +
      penaltyTime * this.timeWarp +
      inst.unplannedCost * this.unserved.length;
    this.feasible = this.excess < EPSILON && this.timeWarp < EPSILON;
  }

  rescore(inst: CoreInstance, penaltyLoad: number, penaltyTime: number): void {
    this.penalizedCost =
      this.distance +
      penaltyLoad * this.excess +
      penaltyTime * this.timeWarp +
      inst.unplannedCost * this.unserved.length;
  }

  /** Rebuilds the giant tour and the vehicle order from the routes (routes in the given order, unserved last). */
  writeTour(order: readonly number[]): void {
    let pos = 0;
    for (let r = 0; r < order.length; r++) {
      this.vehicleOrder[r] = order[r]!;
      for (const c of this.routes[order[r]!]!) this.tour[pos++] = c;
    }
    for (const c of this.unserved) this.tour[pos++] = c;
  }
}

/** Evaluates one route into `acc` (distance, load, time data, closed at the end depot). */
export function evaluateRoute(
  inst: CoreInstance,
  acc: RouteAccumulator,
  v: number,
  route: readonly number[],
  breakAt: number,
  window: Uint8Array,
): void {
  acc.begin(v);
  for (let p = 0; p < route.length; p++) {
    if (p === breakAt) acc.pause(v);
    const c = route[p]!;
    const w = inst.winOffset[c]! + window[c]!;
    acc.client(c, inst.winOpen[w]!, inst.winLatest[w]!);
  }
  if (breakAt >= route.length) acc.pause(v);
  acc.finish(v);
}

/**
 * Gives each client of a route the earliest of its windows that the route's
 * earliest schedule can make (the last one if none): what a forward schedule would
 * do, and the choice that decides feasibility exactly.
 */
export function chooseWindows(
  inst: CoreInstance,
  acc: RouteAccumulator,
  v: number,
  route: readonly number[],
  breakAt: number,
  window: Uint8Array,
): void {
  acc.begin(v);
  for (let p = 0; p < route.length; p++) {
    if (p === breakAt) acc.pause(v);
    window[route[p]!] = acc.clientAny(route[p]!);
  }
}
