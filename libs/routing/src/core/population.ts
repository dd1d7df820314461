import { type Individual } from './individual.js';
import { type CoreInstance, EPSILON } from './instance.js';
import { type Rng } from './rng.js';

export interface HgsParameters {
  /** Minimum subpopulation size (μ). */
  readonly mu: number;
  /** Generation size (λ): a subpopulation is culled back to μ when it reaches μ + λ. */
  readonly lambda: number;
  /** Elite individuals, protected by the biased fitness. */
  readonly nbElite: number;
  /** Neighbours an individual's diversity contribution is measured against. */
  readonly nbClose: number;
  /** Granular neighbourhood size of the local search. */
  readonly granularity: number;
  /** Fraction of feasible children the penalty adaptation aims for. */
  readonly targetFeasible: number;
  readonly penaltyIncrease: number;
  readonly penaltyDecrease: number;
  /** Iterations between penalty adaptations. */
  readonly penaltyInterval: number;
}

/** The values of Vidal (2022), Table 1. */
export const DEFAULT_PARAMETERS: HgsParameters = {
  mu: 25,
  lambda: 40,
  nbElite: 4,
  nbClose: 5,
  granularity: 20,
  targetFeasible: 0.2,
  penaltyIncrease: 1.2,
  penaltyDecrease: 0.85,
  penaltyInterval: 100,
};

export interface Penalties {
  load: number;
  time: number;
  readonly loadBounds: readonly [number, number];
  readonly timeBounds: readonly [number, number];
}

/**
 * Two subpopulations (feasible, infeasible) ranked by biased fitness: a mix of cost
 * rank and diversity rank, diversity being the broken-pairs distance to the closest
 * individuals. Survivors are chosen by removing clones first, then the worst
 * biased fitness, which keeps the search from collapsing on one basin.
 */
export class Population {
  feasible: Individual[] = [];
  infeasible: Individual[] = [];
  bestOverall: Individual | null = null;
  bestRestart: Individual | null = null;
  private readonly loadHistory: boolean[];
  private readonly timeHistory: boolean[];
  private historyAt = 0;

  constructor(
    private readonly inst: CoreInstance,
    private readonly params: HgsParameters,
    private readonly rng: Rng,
  ) {
    this.loadHistory = new Array<boolean>(params.penaltyInterval).fill(true);
    this.timeHistory = new Array<boolean>(params.penaltyInterval).fill(true);
  }

  /** Adds a copy of `indiv`; returns whether it is a new best feasible solution of this restart. */
  add(indiv: Individual, updateFeasibility: boolean): boolean {
    if (updateFeasibility) {
      this.loadHistory[this.historyAt] = indiv.excess < EPSILON;
      this.timeHistory[this.historyAt] = indiv.timeWarp < EPSILON;
      this.historyAt = (this.historyAt + 1) % this.loadHistory.length;
    }
    const pop = indiv.feasible ? this.feasible : this.infeasible;
    const copy = indiv.clone(this.inst);
    copy.proximity = [];
    for (const other of pop) {
      const distance = brokenPairsDistance(this.inst.n, copy, other);
      insertProximity(other, distance, copy);
      insertProximity(copy, distance, other);
    }
    let place = pop.length;
    while (place > 0 && pop[place - 1]!.penalizedCost > copy.penalizedCost - EPSILON) place--;
    pop.splice(place, 0, copy);
    if (pop.length > this.params.mu + this.params.lambda)
      while (pop.length > this.params.mu) this.removeWorst(pop);

    if (
      indiv.feasible &&
      (this.bestRestart === null || indiv.penalizedCost < this.bestRestart.penalizedCost - EPSILON)
    ) {
      this.bestRestart = indiv.clone(this.inst);
      if (
        this.bestOverall === null ||
        indiv.penalizedCost < this.bestOverall.penalizedCost - EPSILON
      )
        this.bestOverall = indiv.clone(this.inst);
      return true;
    }
    return false;
  }

  tournament(): Individual {
    const total = this.feasible.length + this.infeasible.length;
    const pick = (): Individual => {
      const i = this.rng.below(total);
      return i < this.feasible.length
        ? this.feasible[i]!
        : this.infeasible[i - this.feasible.length]!;
    };
    const a = pick();
    const b = pick();
    this.updateBiasedFitness(this.feasible);
    this.updateBiasedFitness(this.infeasible);
    return a.biasedFitness < b.biasedFitness ? a : b;
  }

  /** Adapts the penalties towards the target share of feasible children, and re-sorts the infeasible. */
  managePenalties(penalties: Penalties): void {
    const adapt = (
      history: boolean[],
      value: number,
      [low, high]: readonly [number, number],
    ): number => {
      const fraction = history.filter(Boolean).length / history.length;
      if (fraction < this.params.targetFeasible - 0.05)
        return Math.min(value * this.params.penaltyIncrease, high);
      if (fraction > this.params.targetFeasible + 0.05)
        return Math.max(value * this.params.penaltyDecrease, low);
      return value;
    };
    penalties.load = adapt(this.loadHistory, penalties.load, penalties.loadBounds);
    penalties.time = adapt(this.timeHistory, penalties.time, penalties.timeBounds);
    for (const indiv of this.infeasible) indiv.rescore(this.inst, penalties.load, penalties.time);
    this.infeasible.sort((a, b) => a.penalizedCost - b.penalizedCost);
  }

  restart(): void {
    this.feasible = [];
    this.infeasible = [];
    this.bestRestart = null;
  }

  private updateBiasedFitness(pop: Individual[]): void {
    if (pop.length === 0) return;
    if (pop.length === 1) {
      pop[0]!.biasedFitness = 0;
      return;
    }
    const ranking = pop.map((indiv, i) => ({
      diversity: -averageClosest(indiv, this.params.nbClose),
      i,
    }));
    ranking.sort((a, b) => a.diversity - b.diversity || a.i - b.i);
    const size = pop.length;
    for (let r = 0; r < size; r++) {
      const divRank = r / (size - 1);
      const fitRank = ranking[r]!.i / (size - 1);
      pop[ranking[r]!.i]!.biasedFitness =
        size <= this.params.nbElite
          ? fitRank
          : fitRank + (1 - this.params.nbElite / size) * divRank;
    }
  }

  private removeWorst(pop: Individual[]): void {
    this.updateBiasedFitness(pop);
    let worst = -1;
    let worstIsClone = false;
    let worstFitness = -Infinity;
    for (let i = 1; i < pop.length; i++) {
      const isClone = averageClosest(pop[i]!, 1) < EPSILON;
      if (
        (isClone && !worstIsClone) ||
        (isClone === worstIsClone && pop[i]!.biasedFitness > worstFitness)
      ) {
        worstFitness = pop[i]!.biasedFitness;
        worstIsClone = isClone;
        worst = i;
      }
    }
    const [removed] = pop.splice(worst, 1);
    for (const other of pop) {
      const k = other.proximity.findIndex((p) => p.other === removed);
      if (k >= 0) other.proximity.splice(k, 1);
    }
  }
}

function insertProximity(indiv: Individual, distance: number, other: Individual): void {
  const list = indiv.proximity;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.distance <= distance) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, { distance, other });
}

function averageClosest(indiv: Individual, count: number): number {
  const size = Math.min(count, indiv.proximity.length);
  if (size === 0) return 1;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += indiv.proximity[i]!.distance;
  return sum / size;
}

/** The share of clients whose neighbours differ between the two solutions (Prins 2009). */
export function brokenPairsDistance(n: number, a: Individual, b: Individual): number {
  if (n === 0) return 0;
  let differences = 0;
  for (let j = 0; j < n; j++) {
    if (a.successor[j]! !== b.successor[j]! && a.successor[j]! !== b.predecessor[j]!) differences++;
    if (a.predecessor[j]! === -1 && b.predecessor[j]! !== -1 && b.successor[j]! !== -1)
      differences++;
  }
  return differences / n;
}
