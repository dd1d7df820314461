import { type CoreInstance, EPSILON } from './instance.js';
import { max, min } from './math.js';

/**
 * A violation within the tolerance costs nothing: rounding leaves lateness of 1e-12 s
 * on routes that are exactly on time, and under the near-infinite penalties of a
 * repair such noise would make equal routes look different and moves cycle.
 */
export function penalty(weight: number, violation: number): number {
  return violation > EPSILON ? weight * violation : 0;
}

/**
 * Builds a route from its start, piece by piece, and gives its distance, load and
 * time data in O(1) per piece. The time data is the segment summary of Vidal et al.
 * (2013, "A hybrid genetic algorithm with adaptive diversity management for a large
 * class of vehicle routing problems with time-windows"), in the form PyVRP uses:
 * the minimal duration of the sequence, its unavoidable lateness ("time warp"), and
 * the interval of start times that achieve both. Lateness is penalised during the
 * search and forbidden in a final plan.
 *
 * A break has no place of its own: it is taken where the vehicle stands after its
 * previous stop (or at the depot before leaving), so an arc never starts or ends at
 * a break; the travel that crosses it is charged after it.
 */
export class RouteAccumulator {
  /** Location of the last stop appended (a break leaves it unchanged). */
  last = 0;
  dist = 0;
  /** Free clients appended (fixed stops and breaks excluded). */
  count = 0;
  readonly load: Float64Array;
  duration = 0;
  timeWarp = 0;
  open = 0;
  latest = 0;

  constructor(private readonly inst: CoreInstance) {
    this.load = new Float64Array(inst.dims);
  }

  /** Starts at vehicle `v`'s start: its depot, or where its fixed stops left it. */
  begin(v: number): void {
    const inst = this.inst;
    const D = inst.dims;
    this.last = inst.vStartLast[v]!;
    this.dist = inst.vStartDist[v]!;
    this.count = 0;
    for (let d = 0; d < D; d++) this.load[d] = inst.vStartLoad[v * D + d]!;
    this.duration = inst.vStartDur[v]!;
    this.timeWarp = inst.vStartTw[v]!;
    this.open = inst.vStartOpen[v]!;
    this.latest = inst.vStartLatest[v]!;
  }

  /** Appends client `i`, served in the window [open, latestStart]. */
  client(i: number, open: number, latestStart: number): void {
    const inst = this.inst;
    const loc = inst.clientLoc[i]!;
    const arc = this.last * inst.nLoc + loc;
    this.dist += inst.dist[arc]!;
    if (inst.hasTime) this.merge(inst.time[arc]!, inst.service[i]!, 0, open, latestStart);
    const D = inst.dims;
    for (let d = 0; d < D; d++) this.load[d]! += inst.demand[i * D + d]!;
    this.last = loc;
    this.count++;
  }

  /**
   * Appends client `i` in the earliest of its windows that the vehicle can still
   * make (the last one if none); returns that window's index among the client's.
   * Choosing the earliest window that fits is what a forward schedule does, and it
   * never makes a later stop harder to reach.
   */
  clientAny(i: number): number {
    const inst = this.inst;
    const from = inst.winOffset[i]!;
    const to = inst.winOffset[i + 1]!;
    if (to - from === 1 || !inst.hasTime) {
      this.client(i, inst.winOpen[from]!, inst.winLatest[from]!);
      return 0;
    }
    const arrival =
      this.open +
      this.duration -
      this.timeWarp +
      inst.time[this.last * inst.nLoc + inst.clientLoc[i]!]!;
    let w = to - 1;
    for (let k = from; k < to; k++)
      if (inst.winLatest[k]! >= arrival) {
        w = k;
        break;
      }
    this.client(i, inst.winOpen[w]!, inst.winLatest[w]!);
    return w - from;
  }

  /** Appends vehicle `v`'s break, taken where the vehicle stands. */
  pause(v: number): void {
    const inst = this.inst;
    this.merge(0, inst.vBreakDur[v]!, 0, inst.vBreakOpen[v]!, inst.vBreakLatest[v]!);
  }

  /** Appends the return to vehicle `v`'s end depot, which closes with its working hours. */
  finish(v: number): void {
    const inst = this.inst;
    const loc = inst.vEndLoc[v]!;
    const arc = this.last * inst.nLoc + loc;
    this.dist += inst.dist[arc]!;
    if (inst.hasTime) this.merge(inst.time[arc]!, 0, 0, inst.vShiftStart[v]!, inst.vShiftEnd[v]!);
    this.last = loc;
  }

  /** Concatenates a segment (duration, time warp, start interval) reached after `travel`. */
  merge(travel: number, duration: number, timeWarp: number, open: number, latest: number): void {
    const delta = this.duration - this.timeWarp + travel;
    const wait = max(open - delta - this.latest, 0);
    const warp = max(this.open + delta - latest, 0);
    const newOpen = max(open - delta, this.open) - wait;
    const newLatest = min(latest - delta, this.latest) + warp;
    this.duration += duration + travel + wait;
    this.timeWarp += timeWarp + warp;
    this.open = newOpen;
    this.latest = newLatest;
  }

  /**
   * The penalised cost the route would have if it returned to vehicle `v`'s depot now,
   * without changing the accumulator (the split extends one route client by client).
   */
  closedCost(v: number, penaltyLoad: number, penaltyTime: number): number {
    const inst = this.inst;
    if (this.count === 0 && inst.vHasStart[v]! === 0) return 0;
    const arc = this.last * inst.nLoc + inst.vEndLoc[v]!;
    let warp = this.timeWarp;
    if (inst.hasTime) {
      const delta = this.duration - this.timeWarp + inst.time[arc]!;
      warp += max(this.open + delta - inst.vShiftEnd[v]!, 0);
    }
    return (
      this.dist +
      inst.dist[arc]! +
      penalty(penaltyLoad, this.excess(v)) +
      penalty(penaltyTime, warp)
    );
  }

  /** Capacity excess on vehicle `v`, summed over dimensions in fractions of the largest capacity. */
  excess(v: number): number {
    const inst = this.inst;
    const D = inst.dims;
    let excess = 0;
    for (let d = 0; d < D; d++) {
      const over = this.load[d]! - inst.vCap[v * D + d]!;
      if (over > 0) excess += over * inst.capWeight[d]!;
    }
    return excess;
  }

  /** The penalised cost of the finished route on vehicle `v`; an unused vehicle costs nothing. */
  cost(v: number, penaltyLoad: number, penaltyTime: number): number {
    if (this.count === 0 && this.inst.vHasStart[v]! === 0) return 0;
    return this.dist + penalty(penaltyLoad, this.excess(v)) + penalty(penaltyTime, this.timeWarp);
  }
}
