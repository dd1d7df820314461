import { RouteAccumulator } from './accumulator.js';
import { Individual } from './individual.js';
import { CoreInstance, EPSILON, type VrpInstance } from './instance.js';
import { LocalSearch } from './local-search.js';
import {
  DEFAULT_PARAMETERS,
  type HgsParameters,
  type Penalties,
  Population,
} from './population.js';
import { Rng } from './rng.js';
import { Split, placeBreak } from './split.js';

export interface SolveOptions {
  /** Same seed, same instance, same limits without a time limit: same solution. */
  readonly seed?: number;
  /**
   * Wall-clock budget (`Infinity` for none). With it the search restarts after each stretch of
   * `maxIterationsWithoutImprovement` and keeps the best solution of all restarts;
   * the result then depends on the machine's speed.
   */
  readonly timeLimitMs?: number;
  /** Hard cap on genetic iterations (crossover + education), whatever the clock says. */
  readonly maxIterations?: number;
  /** Stops (or, with a time limit, restarts) after this many iterations without a better solution. Default 20 000. */
  readonly maxIterationsWithoutImprovement?: number;
  /** Solutions to start from (a previous plan), one route per vehicle, client indices. */
  readonly initialSolutions?: readonly (readonly (readonly number[])[])[];
  readonly parameters?: Partial<HgsParameters>;
  /** Clock in milliseconds; `performance.now` unless given. */
  readonly now?: () => number;
}

export interface VrpSolution {
  /** Per vehicle, the clients served in order (empty for an unused vehicle). */
  readonly routes: number[][];
  /** Per vehicle, the index in its route before which the break is taken (the route length: after the last client); -1 without a break. */
  readonly breakAt: number[];
  /** Per client, the index of the window its service was planned in. */
  readonly windows: number[];
  /** Clients left unserved. */
  readonly unserved: number[];
  readonly distance: number;
  /** Whether every route respects capacities, windows and working hours (always true unless fixed stops alone break them). */
  readonly feasible: boolean;
  readonly iterations: number;
  readonly elapsedMs: number;
}

/**
 * Hybrid genetic search (Vidal 2022): a population of solutions, each child made by
 * ordered crossover of two parents' giant tours, cut into routes by the split, then
 * educated by local search; infeasible children are kept under adaptive penalties
 * and half of them repaired with ten times the penalty.
 */
export function solveVrp(instance: VrpInstance, options: SolveOptions = {}): VrpSolution {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const inst = new CoreInstance(instance);
  const params: HgsParameters = { ...DEFAULT_PARAMETERS, ...options.parameters };
  const rng = new Rng(options.seed ?? 0);
  const acc = new RouteAccumulator(inst);
  const split = new Split(inst, acc);
  const ls = new LocalSearch(inst, rng, params.granularity);
  const population = new Population(inst, params, rng);
  const maxNoImprove = options.maxIterationsWithoutImprovement ?? 20_000;
  const maxIterations = options.maxIterations ?? Infinity;
  // An infinite limit is no limit: the run then stops on iterations alone, deterministically.
  const timeLimit =
    options.timeLimitMs !== undefined && Number.isFinite(options.timeLimitMs)
      ? options.timeLimitMs
      : undefined;
  const timeUp = (): boolean => timeLimit !== undefined && now() - started >= timeLimit;

  const loadPenalty = inst.maxDist / inst.maxDemandFraction;
  const timePenalty = inst.maxDist / inst.maxTravelTime;
  const penalties: Penalties = {
    load: loadPenalty,
    time: timePenalty,
    loadBounds: [loadPenalty / 100, loadPenalty * 1e5],
    timeBounds: [timePenalty / 100, timePenalty * 1e5],
  };

  if (inst.n === 0) {
    const empty = new Individual(inst);
    for (let v = 0; v < inst.k; v++) placeBreak(inst, acc, v, empty, 1, 1);
    empty.evaluate(inst, acc, 1, 1);
    return toSolution(empty, 0, now() - started);
  }

  const educate = (indiv: Individual): boolean => {
    ls.run(indiv, penalties.load, penalties.time, penalties.load, penalties.time);
    let isNewBest = population.add(indiv, true);
    // Half of the infeasible children get a second chance with ten times the penalty;
    // when even that leaves them infeasible (more demand than the fleet can take), the
    // repair leaves clients unserved, so that the feasible subpopulation is never empty.
    if (!indiv.feasible && rng.below(2) === 0) {
      ls.run(indiv, penalties.load * 10, penalties.time * 10, penalties.load, penalties.time);
      if (!indiv.feasible) ls.repair(indiv, penalties.load, penalties.time);
      if (indiv.feasible) isNewBest = population.add(indiv, false) || isNewBest;
    }
    return isNewBest;
  };

  const randomIndividual = (): Individual => {
    const indiv = new Individual(inst);
    for (let i = 0; i < inst.n; i++) {
      indiv.tour[i] = i;
      const windows = inst.winOffset[i + 1]! - inst.winOffset[i]!;
      indiv.window[i] = windows > 1 ? rng.below(windows) : 0;
    }
    rng.shuffle(indiv.tour);
    rng.shuffle(indiv.vehicleOrder);
    split.run(indiv, inst.k, penalties.load, penalties.time);
    return indiv;
  };

  // A population of 4μ educated random solutions, as in HGS; under a tight clock the
  // initial population stops at a fifth of the budget so that the crossover gets the rest.
  const generate = (): void => {
    const from = now();
    const budget = timeLimit !== undefined ? timeLimit / 5 : Infinity;
    for (
      let i = 0;
      i < 4 * params.mu && (i < 2 || now() - from < budget) && (i === 0 || !timeUp());
      i++
    )
      educate(randomIndividual());
  };

  for (const routes of options.initialSolutions ?? []) {
    const indiv = fromRoutes(inst, routes);
    for (let v = 0; v < inst.k; v++)
      placeBreak(inst, acc, v, indiv, penalties.load, penalties.time);
    indiv.evaluate(inst, acc, penalties.load, penalties.time);
    educate(indiv);
  }
  generate();

  const offspring = new Individual(inst);
  const used = new Uint8Array(inst.n);
  let iterations = 0;
  let nonProductive = 1;
  while (nonProductive <= maxNoImprove && iterations < maxIterations && !timeUp()) {
    const parent1 = population.tournament();
    const parent2 = population.tournament();
    crossover(inst, rng, offspring, parent1, parent2, used);
    split.run(offspring, parent1.routeCount, penalties.load, penalties.time);
    const isNewBest = educate(offspring);
    nonProductive = isNewBest ? 1 : nonProductive + 1;
    iterations++;
    if (iterations % params.penaltyInterval === 0) population.managePenalties(penalties);
    if (timeLimit !== undefined && nonProductive === maxNoImprove) {
      population.restart();
      generate();
      nonProductive = 1;
    }
  }

  let best = population.bestOverall;
  if (best === null) {
    // No feasible solution found: repair the least violating one by leaving clients unserved.
    const candidate = population.infeasible[0]! ?? randomIndividual();
    best = candidate.clone(inst);
    ls.repair(best, penalties.load, penalties.time);
  }
  return toSolution(best, iterations, now() - started);
}

/** Ordered crossover (OX) of two giant tours; the child keeps parent 1's windows and vehicle order. */
function crossover(
  inst: CoreInstance,
  rng: Rng,
  child: Individual,
  parent1: Individual,
  parent2: Individual,
  used: Uint8Array,
): void {
  const n = inst.n;
  child.window.set(parent1.window);
  child.vehicleOrder.set(parent1.vehicleOrder);
  if (n < 2) {
    child.tour.set(parent1.tour);
    return;
  }
  used.fill(0);
  const start = rng.below(n);
  let end = rng.below(n);
  while (end === start) end = rng.below(n);
  let j = start;
  while (j % n !== (end + 1) % n) {
    const c = parent1.tour[j % n]!;
    child.tour[j % n] = c;
    used[c] = 1;
    j++;
  }
  for (let i = 1; i <= n; i++) {
    const c = parent2.tour[(end + i) % n]!;
    if (used[c]! === 0) {
      child.tour[j % n] = c;
      j++;
    }
  }
}

function fromRoutes(inst: CoreInstance, routes: readonly (readonly number[])[]): Individual {
  const indiv = new Individual(inst);
  const seen = new Uint8Array(inst.n);
  const order: number[] = [];
  for (let v = 0; v < inst.k; v++) {
    const route = (routes[v]! ?? []).filter(
      (c) => c >= 0 && c < inst.n && seen[c]! === 0 && inst.compatible(c, v),
    );
    for (const c of route) seen[c] = 1;
    indiv.routes[v] = route;
    order.push(v);
  }
  indiv.unserved = [];
  for (let c = 0; c < inst.n; c++) if (seen[c]! === 0) indiv.unserved.push(c);
  indiv.writeTour(order);
  return indiv;
}

function toSolution(best: Individual, iterations: number, elapsedMs: number): VrpSolution {
  return {
    routes: best.routes.map((r) => r.slice()),
    breakAt: Array.from(best.breakAt),
    windows: Array.from(best.window),
    unserved: best.unserved.slice().sort((a, b) => a - b),
    distance: best.distance,
    feasible: best.excess < EPSILON && best.timeWarp < EPSILON,
    iterations,
    elapsedMs,
  };
}
