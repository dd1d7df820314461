import { type RouteAccumulator } from './accumulator.js';
import { type Individual, chooseWindows, evaluateRoute } from './individual.js';
import { type CoreInstance } from './instance.js';
import { max, min } from './math.js';

const BIN = -1;
const SKIP = -2;

/**
 * Cuts a giant tour into routes (Prins 2004; Vidal 2016 for the fleet limit): a
 * shortest path over the tour where an arc (i, j) is "vehicle k serves clients
 * i+1..j". The vehicles are taken in the individual's vehicle order, each may be
 * skipped (left unused), and a client may be left unserved at the unplanned cost, so
 * that a heterogeneous fleet with skills always has a solution to cut into.
 * Only the first `maxRoutes` vehicles of that order are used, as HGS limits the split
 * to the parent's number of routes; the local search may open further ones.
 */
export class Split {
  private pot: Float64Array;
  private pred: Int32Array;
  private routeCount: Int32Array;
  /** One class of vehicles, none with fixed stops, every client allowed on them. */
  private readonly homogeneous: boolean;

  constructor(
    private readonly inst: CoreInstance,
    private readonly acc: RouteAccumulator,
  ) {
    this.pot = new Float64Array((inst.k + 1) * (inst.n + 1));
    this.pred = new Int32Array((inst.k + 1) * (inst.n + 1));
    this.routeCount = new Int32Array(inst.n + 1);
    let allowed = true;
    for (let i = 0; i < inst.n; i++) if (!inst.compatible(i, 0)) allowed = false;
    this.homogeneous = inst.classCount === 1 && inst.vHasStart[0]! === 0 && allowed;
  }

  run(indiv: Individual, maxRoutes: number, penaltyLoad: number, penaltyTime: number): void {
    const m = min(this.inst.k, max(maxRoutes, this.inst.routesLowerBound));
    if (!(this.homogeneous && this.simple(indiv, m, penaltyLoad, penaltyTime)))
      this.limitedFleet(indiv, m, penaltyLoad, penaltyTime);
    const { inst, acc } = this;
    for (let v = 0; v < inst.k; v++) {
      if (!inst.hasTime) break;
      chooseWindows(inst, acc, v, indiv.routes[v]!, -1, indiv.window);
      placeBreak(inst, acc, v, indiv, penaltyLoad, penaltyTime);
      chooseWindows(inst, acc, v, indiv.routes[v]!, indiv.breakAt[v]!, indiv.window);
    }
    indiv.evaluate(inst, acc, penaltyLoad, penaltyTime);
  }

  /**
   * With identical vehicles the vehicle index does not matter: Bellman over the tour
   * positions alone (HGS's first attempt). Fails when it needs more than m routes.
   */
  private simple(indiv: Individual, m: number, penaltyLoad: number, penaltyTime: number): boolean {
    const inst = this.inst;
    const acc = this.acc;
    const n = inst.n;
    const D = inst.dims;
    const pot = this.pot;
    const pred = this.pred;
    const routes = this.routeCount;
    pot.fill(Infinity, 0, n + 1);
    pot[0] = 0;
    routes[0] = 0;
    const M = inst.unplannedCost;
    const tour = indiv.tour;
    const v = 0;
    const shift = inst.vShiftEnd[v]! - inst.vShiftStart[v]!;
    for (let i = 0; i <= n; i++) {
      const base = pot[i]!;
      if (base === Infinity) continue;
      if (i < n && base + M < pot[i + 1]!) {
        pot[i + 1] = base + M;
        pred[i + 1] = BIN;
        routes[i + 1] = routes[i]!;
      }
      acc.begin(v);
      for (let j = i + 1; j <= n; j++) {
        acc.clientAny(tour[j - 1]!);
        const cost = base + acc.closedCost(v, penaltyLoad, penaltyTime);
        if (cost < pot[j]!) {
          pot[j] = cost;
          pred[j] = i;
          routes[j] = routes[i]! + 1;
        }
        let over = false;
        for (let d = 0; d < D; d++) if (acc.load[d]! > 1.5 * inst.vCap[d]! + 1e-9) over = true;
        if (over || acc.timeWarp > shift) break;
      }
    }
    if (routes[n]! > m) return false;
    for (let k = 0; k < inst.k; k++) {
      indiv.routes[k] = [];
      indiv.breakAt[k] = -1;
    }
    indiv.unserved = [];
    let j = n;
    let r = routes[n]!;
    while (j > 0) {
      const p = pred[j]!;
      if (p === BIN) {
        indiv.unserved.push(tour[j - 1]!);
        j--;
      } else {
        indiv.routes[indiv.vehicleOrder[--r]!] = Array.from(tour.subarray(p, j));
        j = p;
      }
    }
    return true;
  }

  private limitedFleet(
    indiv: Individual,
    m: number,
    penaltyLoad: number,
    penaltyTime: number,
  ): void {
    const inst = this.inst;
    const acc = this.acc;
    const n = inst.n;
    const D = inst.dims;
    const width = n + 1;
    const pot = this.pot;
    const pred = this.pred;
    pot.fill(Infinity, 0, (m + 1) * width);
    pot[0] = 0;
    const M = inst.unplannedCost;
    const tour = indiv.tour;

    for (let k = 0; k <= m; k++) {
      const v = k < m ? indiv.vehicleOrder[k]! : -1;
      const row = k * width;
      for (let i = 0; i <= n; i++) {
        const base = pot[row + i]!;
        if (base === Infinity) continue;
        if (i < n && base + M < pot[row + i + 1]!) {
          pot[row + i + 1] = base + M;
          pred[row + i + 1] = BIN;
        }
        if (k === m) continue;
        const next = row + width;
        if (base < pot[next + i]!) {
          pot[next + i] = base;
          pred[next + i] = SKIP;
        }
        acc.begin(v);
        const shift = inst.vShiftEnd[v]! - inst.vShiftStart[v]!;
        for (let j = i + 1; j <= n; j++) {
          const c = tour[j - 1]!;
          if (!inst.compatible(c, v)) break;
          acc.clientAny(c);
          const cost = base + acc.closedCost(v, penaltyLoad, penaltyTime);
          if (cost < pot[next + j]!) {
            pot[next + j] = cost;
            pred[next + j] = i;
          }
          // Longer routes than this are hopeless; stopping keeps the split near linear.
          let over = false;
          for (let d = 0; d < D; d++)
            if (acc.load[d]! > 1.5 * inst.vCap[v * D + d]! + 1e-9) over = true;
          if (over || acc.timeWarp > shift) break;
        }
      }
    }

    for (let v = 0; v < inst.k; v++) {
      indiv.routes[v] = [];
      indiv.breakAt[v] = -1;
    }
    indiv.unserved = [];
    let k = m;
    let j = n;
    while (j > 0) {
      const p = pred[k * width + j]!;
      if (p === BIN) {
        indiv.unserved.push(tour[j - 1]!);
        j--;
      } else if (p === SKIP) {
        k--;
      } else {
        indiv.routes[indiv.vehicleOrder[k - 1]!] = Array.from(tour.subarray(p, j));
        j = p;
        k--;
      }
    }
  }
}

/** Puts vehicle `v`'s break where it costs least in its current route. */
export function placeBreak(
  inst: CoreInstance,
  acc: RouteAccumulator,
  v: number,
  indiv: Individual,
  penaltyLoad: number,
  penaltyTime: number,
): void {
  if (inst.vHasBreak[v]! === 0) {
    indiv.breakAt[v] = -1;
    return;
  }
  const route = indiv.routes[v]!;
  let best = 0;
  let bestCost = Infinity;
  for (let p = 0; p <= route.length; p++) {
    evaluateRoute(inst, acc, v, route, p, indiv.window);
    const cost = acc.cost(v, penaltyLoad, penaltyTime);
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      best = p;
    }
  }
  indiv.breakAt[v] = best;
}
