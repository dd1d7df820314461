import { RouteAccumulator, penalty } from './accumulator.js';
import { type Individual, chooseWindows } from './individual.js';
import { BREAK_BIT, type CoreInstance, EPSILON } from './instance.js';
import { type Rng } from './rng.js';
import { max, min } from './math.js';

const END = -1;
const NONE = -1;

/**
 * The education step of HGS (Vidal 2022, "Hybrid genetic search for the CVRP:
 * open-source implementation and SWAP* neighborhood"): RELOCATE, SWAP, 2-OPT and
 * 2-OPT* between each client and its granular neighbours, then SWAP* between routes
 * whose circle sectors overlap, until no move improves the penalised cost.
 *
 * Extended beyond the CVRP: each move is priced by concatenating the prefix and
 * suffix summaries of the routes it touches (distance, load per dimension, time
 * data; see `RouteAccumulator`), so windows, working hours, breaks and a fleet of
 * different vehicles cost O(1) per inter-route move. Skills are hard: a move that
 * would put a client on a vehicle without its skills is never evaluated. Clients
 * may sit in an "unserved" bin at a fixed cost, with moves in and out of it.
 *
 * Routes are arrays with sentinels (`[START, ...nodes, END]`); node ids are clients
 * `0..n-1` and one break per vehicle `n + v`. Route `r` is driven by vehicle `r`.
 */
export class LocalSearch {
  private readonly inst: CoreInstance;
  readonly acc: RouteAccumulator;
  private readonly n: number;
  private readonly K: number;
  private readonly S: number;
  private readonly D: number;
  private readonly L: number;
  private readonly BIN: number;
  private readonly correlated: Int32Array[];

  private readonly nodeRoute: Int32Array;
  private readonly nodePos: Int32Array;
  private readonly nodeOpen: Float64Array;
  private readonly nodeLatest: Float64Array;
  private readonly nodeMask: Int32Array;
  private readonly lastTested: Int32Array;
  private readonly window: Uint8Array;
  private readonly multiWindow: Uint8Array;

  private readonly seq: number[][];
  private bin: number[] = [];

  private readonly locAt: Int32Array;
  private readonly cumDist: Float64Array;
  private readonly cumRev: Float64Array;
  private readonly cumLoad: Float64Array;
  private readonly cnt: Int32Array;
  private readonly pMask: Int32Array;
  private readonly sMask: Int32Array;
  private readonly fDur: Float64Array;
  private readonly fTw: Float64Array;
  private readonly fOpen: Float64Array;
  private readonly fLatest: Float64Array;
  private readonly bFirst: Int32Array;
  private readonly bLast: Int32Array;
  private readonly bDist: Float64Array;
  private readonly bDur: Float64Array;
  private readonly bTw: Float64Array;
  private readonly bOpen: Float64Array;
  private readonly bLatest: Float64Array;
  private readonly bLb: Uint8Array;

  private readonly len: Int32Array;
  private readonly cost: Float64Array;
  private readonly penalty: Float64Array;
  private readonly modified: Int32Array;
  private readonly testedSwapStar: Int32Array;
  private readonly sectorStart: Int32Array;
  private readonly sectorEnd: Int32Array;
  private readonly barycenter: Float64Array;
  private readonly emptyOfClass: Int32Array;
  private emptyDirty = true;

  private readonly biCost: Float64Array;
  private readonly biPos: Int32Array;
  private readonly biWhen: Int32Array;
  private readonly deltaRemoval: Float64Array;
  private readonly scratchLoadU: Float64Array;
  private readonly scratchLoadV: Float64Array;

  private readonly orderNodes: number[];
  private readonly orderRoutes: Int32Array;
  private readonly exactSwapStar: boolean;

  private pl = 1;
  private pt = 1;
  private nbMoves = 0;
  private searchCompleted = false;
  private loopID = 0;

  // The pair under evaluation: U (with X after it) and V (with Y after it).
  private U = 0;
  private X = 0;
  private V = 0;
  private Y = 0;
  private rU = 0;
  private rV = 0;
  private pu = 0;
  private pv = 0;
  private uPrevLoc = 0;
  private uLoc = 0;
  private xLoc = 0;
  private xNextLoc = 0;
  private vPrevLoc = 0;
  private vLoc = 0;
  private yLoc = 0;
  private yNextLoc = 0;
  private intra = false;

  // Scratch output of `merge2`.
  private mDur = 0;
  private mTw = 0;
  private mOpen = 0;
  private mLatest = 0;
  private bestBreakSeq: number[] = [];
  // Scratch output of `cheapestInsertWithRemoval`.
  private ciCost = 0;
  private ciPos = 0;

  constructor(
    inst: CoreInstance,
    private readonly rng: Rng,
    private readonly granularity: number,
  ) {
    this.inst = inst;
    this.acc = new RouteAccumulator(inst);
    const n = inst.n;
    const K = inst.k;
    this.n = n;
    this.K = K;
    this.D = inst.dims;
    this.L = inst.nLoc;
    this.BIN = K;
    const N = n + K;
    const S = N + 2;
    this.S = S;
    this.correlated = correlatedVertices(inst, granularity);

    this.nodeRoute = new Int32Array(N);
    this.nodePos = new Int32Array(N);
    this.nodeOpen = new Float64Array(N);
    this.nodeLatest = new Float64Array(N);
    this.nodeMask = new Int32Array(N);
    this.lastTested = new Int32Array(N);
    this.window = new Uint8Array(n);
    this.multiWindow = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      this.multiWindow[i] = inst.hasTime && inst.winOffset[i + 1]! - inst.winOffset[i]! > 1 ? 1 : 0;
    for (let i = 0; i < n; i++) this.nodeMask[i] = inst.skills[i]!;
    for (let v = 0; v < K; v++) {
      this.nodeMask[n + v] = BREAK_BIT;
      this.nodeOpen[n + v] = inst.vBreakOpen[v]!;
      this.nodeLatest[n + v] = inst.vBreakLatest[v]!;
    }
    this.seq = Array.from({ length: K }, () => [NONE, END]);

    const RS = K * S;
    this.locAt = new Int32Array(RS);
    this.cumDist = new Float64Array(RS);
    this.cumRev = new Float64Array(RS);
    this.cumLoad = new Float64Array(RS * this.D);
    this.cnt = new Int32Array(RS);
    this.pMask = new Int32Array(RS);
    this.sMask = new Int32Array(RS);
    this.fDur = new Float64Array(RS);
    this.fTw = new Float64Array(RS);
    this.fOpen = new Float64Array(RS);
    this.fLatest = new Float64Array(RS);
    this.bFirst = new Int32Array(RS);
    this.bLast = new Int32Array(RS);
    this.bDist = new Float64Array(RS);
    this.bDur = new Float64Array(RS);
    this.bTw = new Float64Array(RS);
    this.bOpen = new Float64Array(RS);
    this.bLatest = new Float64Array(RS);
    this.bLb = new Uint8Array(RS);

    this.len = new Int32Array(K);
    this.cost = new Float64Array(K);
    this.penalty = new Float64Array(K);
    this.modified = new Int32Array(K);
    this.testedSwapStar = new Int32Array(K);
    this.sectorStart = new Int32Array(K);
    this.sectorEnd = new Int32Array(K);
    this.barycenter = new Float64Array(K);
    this.emptyOfClass = new Int32Array(inst.classCount);

    this.biCost = new Float64Array(K * n * 3);
    this.biPos = new Int32Array(K * n * 3);
    this.biWhen = new Int32Array(K * n);
    this.deltaRemoval = new Float64Array(N);
    this.scratchLoadU = new Float64Array(this.D);
    this.scratchLoadV = new Float64Array(this.D);

    this.orderNodes = [];
    for (let i = 0; i < n; i++) this.orderNodes.push(i);
    for (let v = 0; v < K; v++) if (inst.vHasBreak[v]!) this.orderNodes.push(n + v);
    this.orderRoutes = new Int32Array(K);
    for (let v = 0; v < K; v++) this.orderRoutes[v] = v;
    let multiDepot = false;
    for (let v = 0; v < K; v++)
      if (inst.vStartLoc[v]! !== inst.vStartLoc[0]! || inst.vEndLoc[v]! !== inst.vStartLoc[0])
        multiDepot = true;
    // SWAP* estimates moves by distance and load only; where time or distinct depots
    // matter, the chosen move is re-priced exactly before it is applied.
    this.exactSwapStar = inst.hasTime || multiDepot;
  }

  /** Improves `indiv` in place under the given penalty weights; it is then re-evaluated under `scorePenalties`. */
  run(
    indiv: Individual,
    penaltyLoad: number,
    penaltyTime: number,
    scoreLoad: number,
    scoreTime: number,
  ): void {
    this.pl = penaltyLoad;
    this.pt = penaltyTime;
    this.load(indiv);
    const rng = this.rng;
    rng.shuffle(this.orderNodes);
    rng.shuffle(this.orderRoutes);
    // O(n / granularity) reshuffles per run keep the neighbour order varied at linear cost.
    for (let i = 0; i < this.n; i++)
      if (rng.below(this.granularity) === 0) rng.shuffle(this.correlated[i]!);

    this.descend();
    this.export(indiv, scoreLoad, scoreTime);
  }

  /**
   * Makes `indiv` feasible whatever the penalties. First the local search runs with
   * penalties so high that it takes any move that reduces a violation and then only
   * moves that keep every route feasible; if some route is still violating, clients
   * are taken out of it into the unserved bin (the one whose removal helps most
   * first), and the search runs again, putting unserved clients back wherever they fit.
   */
  repair(indiv: Individual, scoreLoad: number, scoreTime: number): void {
    // Any violation above the tolerance then costs more than ten unserved clients.
    const strict = (10 * this.inst.unplannedCost) / EPSILON;
    this.pl = strict;
    this.pt = strict;
    this.load(indiv);
    this.descend();
    let removed = false;
    for (let r = 0; r < this.K; r++) {
      while (this.penalty[r]! > 0 && this.cnt[r * this.S + this.len[r]!]! > 0) {
        let best = -1;
        let bestCost = Infinity;
        for (let p = 1; p <= this.len[r]!; p++) {
          const x = this.seq[r]![p]!;
          if (x >= this.n) continue;
          const c = this.inst.vHasBreak[r]!
            ? this.priceWithBestBreak(r, this.build(r, p - 1, [], r, p + 1))
            : this.evalPS(r, p - 1, NONE, NONE, r, p + 1);
          if (c < bestCost) {
            bestCost = c;
            best = x;
          }
        }
        this.removeToBin(best);
        this.optimizeBreak(r);
        removed = true;
      }
    }
    if (removed) this.descend();
    this.export(indiv, scoreLoad, scoreTime);
  }

  /** The local search proper: route improvement then SWAP*, until a full pass improves nothing. */
  private descend(): void {
    // Every applied move lowers the penalised cost, so the search ends; the cap is a
    // guard against a pricing bug turning into an endless loop in production.
    const maxMoves = this.nbMoves + 200 * (this.n + this.K) + 1000;
    this.searchCompleted = false;
    for (this.loopID = 0; !this.searchCompleted && this.nbMoves < maxMoves; this.loopID++) {
      // At least two loops: moves into empty routes are skipped in the first one,
      // which would otherwise open too many routes.
      if (this.loopID > 1) this.searchCompleted = true;
      this.routeImprovement();
      if (this.inst.hasCoordinates) this.swapStarPhase();
    }
  }

  // ---------------------------------------------------------------- loading, exporting

  private load(indiv: Individual): void {
    const inst = this.inst;
    const n = this.n;
    this.window.set(indiv.window);
    // Within a run each client keeps one window, so that a move is priced exactly as
    // it is applied; between runs the window follows the route's earliest schedule.
    if (inst.hasTime)
      for (let r = 0; r < this.K; r++)
        chooseWindows(inst, this.acc, r, indiv.routes[r]!, indiv.breakAt[r]!, this.window);
    for (let i = 0; i < n; i++) {
      const w = inst.winOffset[i]! + this.window[i]!;
      this.nodeOpen[i] = inst.winOpen[w]!;
      this.nodeLatest[i] = inst.winLatest[w]!;
    }
    this.nbMoves = 0;
    for (let r = 0; r < this.K; r++) {
      const s: number[] = [NONE];
      const route = indiv.routes[r]!;
      const b = inst.vHasBreak[r]! ? min(max(indiv.breakAt[r]!, 0), route.length) : -1;
      for (let p = 0; p < route.length; p++) {
        if (p === b) s.push(n + r);
        s.push(route[p]!);
      }
      if (b === route.length) s.push(n + r);
      s.push(END);
      this.seq[r] = s;
    }
    for (let r = 0; r < this.K; r++) {
      this.updateRoute(r);
      this.testedSwapStar[r] = -1;
    }
    this.bin = indiv.unserved.slice();
    for (let i = 0; i < this.bin.length; i++) {
      this.nodeRoute[this.bin[i]!] = this.BIN;
      this.nodePos[this.bin[i]!] = i;
    }
    this.biWhen.fill(-1);
    this.lastTested.fill(-1);
    this.emptyDirty = true;
  }

  private export(indiv: Individual, scoreLoad: number, scoreTime: number): void {
    const n = this.n;
    const order: number[] = [];
    for (let r = 0; r < this.K; r++) order.push(r);
    order.sort((a, b) => this.barycenter[a]! - this.barycenter[b]! || a - b);
    for (let r = 0; r < this.K; r++) {
      const s = this.seq[r]!;
      const route: number[] = [];
      let breakAt = -1;
      for (let p = 1; p < s.length - 1; p++) {
        if (s[p]! >= n) breakAt = route.length;
        else route.push(s[p]!);
      }
      indiv.routes[r] = route;
      indiv.breakAt[r] = breakAt;
    }
    indiv.unserved = this.bin.slice();
    indiv.window.set(this.window);
    indiv.writeTour(order);
    indiv.evaluate(this.inst, this.acc, scoreLoad, scoreTime);
  }

  // ---------------------------------------------------------------- route data

  private merge2(
    aDur: number,
    aTw: number,
    aOpen: number,
    aLatest: number,
    travel: number,
    bDur: number,
    bTw: number,
    bOpen: number,
    bLatest: number,
  ): void {
    const delta = aDur - aTw + travel;
    const wait = max(bOpen - delta - aLatest, 0);
    const warp = max(aOpen + delta - bLatest, 0);
    this.mOpen = max(bOpen - delta, aOpen) - wait;
    this.mLatest = min(bLatest - delta, aLatest) + warp;
    this.mDur = aDur + bDur + travel + wait;
    this.mTw = aTw + bTw + warp;
  }

  private updateRoute(r: number): void {
    const inst = this.inst;
    const n = this.n;
    const D = this.D;
    const L = this.L;
    const S = this.S;
    const o = r * S;
    const s = this.seq[r]!;
    const len = s.length - 2;
    const hasTime = inst.hasTime;
    const dist = inst.dist;
    const time = inst.time;
    const { locAt, cumDist, cumRev, cumLoad, cnt, pMask, fDur, fTw, fOpen, fLatest } = this;
    this.len[r] = len;

    locAt[o] = inst.vStartLast[r]!;
    cumDist[o] = inst.vStartDist[r]!;
    cumRev[o] = 0;
    cnt[o] = 0;
    pMask[o] = 0;
    for (let d = 0; d < D; d++) cumLoad[o * D + d] = inst.vStartLoad[r * D + d]!;
    fDur[o] = inst.vStartDur[r]!;
    fTw[o] = inst.vStartTw[r]!;
    fOpen[o] = inst.vStartOpen[r]!;
    fLatest[o] = inst.vStartLatest[r]!;

    let sumX = 0;
    let sumY = 0;
    let first = true;
    for (let p = 1; p <= len + 1; p++) {
      const q = o + p;
      const x = s[p]!;
      const isEnd = p === len + 1;
      if (!isEnd) {
        this.nodeRoute[x] = r;
        this.nodePos[x] = p;
      }
      for (let d = 0; d < D; d++) cumLoad[q * D + d] = cumLoad[(q - 1) * D + d]!;
      if (!isEnd && x >= n) {
        locAt[q] = locAt[q - 1]!;
        cumDist[q] = cumDist[q - 1]!;
        cumRev[q] = cumRev[q - 1]!;
        cnt[q] = cnt[q - 1]!;
        pMask[q] = pMask[q - 1]! | BREAK_BIT;
        this.merge2(
          fDur[q - 1]!,
          fTw[q - 1]!,
          fOpen[q - 1]!,
          fLatest[q - 1]!,
          0,
          inst.vBreakDur[r]!,
          0,
          inst.vBreakOpen[r]!,
          inst.vBreakLatest[r]!,
        );
      } else {
        const loc = isEnd ? inst.vEndLoc[r]! : inst.clientLoc[x]!;
        const prev = locAt[q - 1]!;
        locAt[q] = loc;
        cumDist[q] = cumDist[q - 1]! + dist[prev * L + loc]!;
        cumRev[q] = cumRev[q - 1]! + dist[loc * L + prev]! - dist[prev * L + loc]!;
        if (isEnd) {
          cnt[q] = cnt[q - 1]!;
          pMask[q] = pMask[q - 1]!;
          if (hasTime)
            this.merge2(
              fDur[q - 1]!,
              fTw[q - 1]!,
              fOpen[q - 1]!,
              fLatest[q - 1]!,
              time[prev * L + loc]!,
              0,
              0,
              inst.vShiftStart[r]!,
              inst.vShiftEnd[r]!,
            );
        } else {
          cnt[q] = cnt[q - 1]! + 1;
          pMask[q] = pMask[q - 1]! | inst.skills[x]!;
          for (let d = 0; d < D; d++) cumLoad[q * D + d]! += inst.demand[x * D + d]!;
          if (hasTime)
            this.merge2(
              fDur[q - 1]!,
              fTw[q - 1]!,
              fOpen[q - 1]!,
              fLatest[q - 1]!,
              time[prev * L + loc]!,
              inst.service[x]!,
              0,
              this.nodeOpen[x]!,
              this.nodeLatest[x]!,
            );
          if (inst.hasCoordinates) {
            const angle = inst.polar[x]!;
            if (first) {
              this.sectorStart[r] = angle;
              this.sectorEnd[r] = angle;
              first = false;
            } else extendSector(this.sectorStart, this.sectorEnd, r, angle);
            sumX += inst.source.x![loc]!;
            sumY += inst.source.y![loc]!;
          }
        }
      }
      if (hasTime) {
        fDur[q] = this.mDur;
        fTw[q] = this.mTw;
        fOpen[q] = this.mOpen;
        fLatest[q] = this.mLatest;
      }
    }

    // Suffixes: positions p..len, the end depot excluded (it belongs to whichever vehicle ends the route).
    const { bFirst, bLast, bDist, bDur, bTw, bOpen, bLatest, bLb, sMask } = this;
    const e = o + len + 1;
    bFirst[e] = -1;
    bLast[e] = -1;
    bDist[e] = 0;
    bLb[e] = 0;
    sMask[e] = 0;
    for (let p = len; p >= 1; p--) {
      const q = o + p;
      const x = s[p]!;
      if (x >= n) {
        bLb[q] = 1;
        bFirst[q] = bFirst[q + 1]!;
        bLast[q] = bLast[q + 1]!;
        bDist[q] = bDist[q + 1]!;
        bDur[q] = bDur[q + 1]!;
        bTw[q] = bTw[q + 1]!;
        bOpen[q] = bOpen[q + 1]!;
        bLatest[q] = bLatest[q + 1]!;
        sMask[q] = sMask[q + 1]! | BREAK_BIT;
        continue;
      }
      const loc = inst.clientLoc[x]!;
      sMask[q] = sMask[q + 1]! | inst.skills[x]!;
      bLb[q] = 0;
      bFirst[q] = loc;
      const nextFirst = bFirst[q + 1]!;
      if (nextFirst >= 0) {
        bDist[q] = dist[loc * L + nextFirst]! + bDist[q + 1]!;
        bLast[q] = bLast[q + 1]!;
      } else {
        bDist[q] = 0;
        bLast[q] = loc;
      }
      if (hasTime) {
        let cDur = inst.service[x]!;
        let cTw = 0;
        let cOpen = this.nodeOpen[x]!;
        let cLatest = this.nodeLatest[x]!;
        if (bLb[q + 1]!) {
          this.merge2(
            cDur,
            cTw,
            cOpen,
            cLatest,
            0,
            inst.vBreakDur[r]!,
            0,
            inst.vBreakOpen[r]!,
            inst.vBreakLatest[r]!,
          );
          cDur = this.mDur;
          cTw = this.mTw;
          cOpen = this.mOpen;
          cLatest = this.mLatest;
        }
        if (nextFirst >= 0) {
          this.merge2(
            cDur,
            cTw,
            cOpen,
            cLatest,
            time[loc * L + nextFirst]!,
            bDur[q + 1]!,
            bTw[q + 1]!,
            bOpen[q + 1]!,
            bLatest[q + 1]!,
          );
          cDur = this.mDur;
          cTw = this.mTw;
          cOpen = this.mOpen;
          cLatest = this.mLatest;
        }
        bDur[q] = cDur;
        bTw[q] = cTw;
        bOpen[q] = cOpen;
        bLatest[q] = cLatest;
      }
    }

    const count = cnt[o + len]!;
    const routeDist = cumDist[o + len + 1]!;
    if (count === 0 && inst.vHasStart[r]! === 0) {
      this.cost[r] = 0;
      this.penalty[r] = 0;
    } else {
      let excess = 0;
      for (let d = 0; d < D; d++) {
        const over = cumLoad[(o + len) * D + d]! - inst.vCap[r * D + d]!;
        if (over > 0) excess += over * inst.capWeight[d]!;
      }
      const warp = hasTime ? fTw[o + len + 1]! : 0;
      this.penalty[r] = penalty(this.pl, excess) + penalty(this.pt, warp);
      this.cost[r] = routeDist + this.penalty[r];
    }
    this.modified[r] = this.nbMoves;
    if (count === 0 || !inst.hasCoordinates) this.barycenter[r] = count === 0 ? 1e30 : r;
    else this.barycenter[r] = Math.atan2(sumY / count - inst.centerY, sumX / count - inst.centerX);
    this.emptyDirty = true;
  }

  /** Gives client x the earliest of its windows it can still make when inserted after position q of route r. */
  private windowAt(x: number, r: number, q: number): void {
    const inst = this.inst;
    const o = r * this.S + q;
    const arrival =
      this.fOpen[o]! +
      this.fDur[o]! -
      this.fTw[o]! +
      inst.time[this.locAt[o]! * this.L + inst.clientLoc[x]!]!;
    const from = inst.winOffset[x]!;
    const to = inst.winOffset[x + 1]!;
    let w = to - 1;
    for (let k = from; k < to; k++)
      if (inst.winLatest[k]! >= arrival) {
        w = k;
        break;
      }
    this.window[x] = w - from;
    this.nodeOpen[x] = inst.winOpen[w]!;
    this.nodeLatest[x] = inst.winLatest[w]!;
  }

  private refreshEmpty(): void {
    if (!this.emptyDirty) return;
    this.emptyOfClass.fill(-1);
    for (let r = 0; r < this.K; r++)
      if (this.cnt[r * this.S + this.len[r]!]! === 0) {
        const c = this.inst.vClass[r]!;
        if (this.emptyOfClass[c]! < 0) this.emptyOfClass[c] = r;
      }
    this.emptyDirty = false;
  }

  // ---------------------------------------------------------------- pricing pieces

  /** Starts the accumulator with route r's positions 0..p. */
  private accPrefix(r: number, p: number): void {
    const acc = this.acc;
    const q = r * this.S + p;
    const D = this.D;
    acc.last = this.locAt[q]!;
    acc.dist = this.cumDist[q]!;
    acc.count = this.cnt[q]!;
    for (let d = 0; d < D; d++) acc.load[d] = this.cumLoad[q * D + d]!;
    if (this.inst.hasTime) {
      acc.duration = this.fDur[q]!;
      acc.timeWarp = this.fTw[q]!;
      acc.open = this.fOpen[q]!;
      acc.latest = this.fLatest[q]!;
    }
  }

  private accNode(x: number): void {
    if (x >= this.n) this.acc.pause(x - this.n);
    else this.acc.client(x, this.nodeOpen[x]!, this.nodeLatest[x]!);
  }

  /** Appends route r's positions i..j in order. */
  private accRange(r: number, i: number, j: number): void {
    if (i > j) return;
    if (this.inst.hasTime) {
      const s = this.seq[r]!;
      for (let p = i; p <= j; p++) this.accNode(s[p]!);
      return;
    }
    const acc = this.acc;
    const o = r * this.S;
    const D = this.D;
    acc.dist +=
      this.inst.dist[acc.last * this.L + this.locAt[o + i]!]! +
      this.cumDist[o + j]! -
      this.cumDist[o + i]!;
    for (let d = 0; d < D; d++)
      acc.load[d]! += this.cumLoad[(o + j) * D + d]! - this.cumLoad[(o + i - 1) * D + d]!;
    acc.count += this.cnt[o + j]! - this.cnt[o + i - 1]!;
    acc.last = this.locAt[o + j]!;
  }

  /** Appends route r's positions j down to i (j ≥ i). */
  private accRangeReversed(r: number, j: number, i: number): void {
    if (i > j) return;
    if (this.inst.hasTime) {
      const s = this.seq[r]!;
      for (let p = j; p >= i; p--) this.accNode(s[p]!);
      return;
    }
    const acc = this.acc;
    const o = r * this.S;
    const D = this.D;
    acc.dist +=
      this.inst.dist[acc.last * this.L + this.locAt[o + j]!]! +
      (this.cumDist[o + j]! - this.cumDist[o + i]!) +
      (this.cumRev[o + j]! - this.cumRev[o + i]!);
    for (let d = 0; d < D; d++)
      acc.load[d]! += this.cumLoad[(o + j) * D + d]! - this.cumLoad[(o + i - 1) * D + d]!;
    acc.count += this.cnt[o + j]! - this.cnt[o + i - 1]!;
    acc.last = this.locAt[o + i]!;
  }

  /** Appends route r's positions p..len, returns to vehicle v's depot and gives the penalised cost. */
  private accSuffixEnd(r: number, p: number, v: number): number {
    const acc = this.acc;
    const inst = this.inst;
    const o = r * this.S;
    const q = o + p;
    const len = this.len[r]!;
    const D = this.D;
    if (p <= len) {
      if (inst.hasTime) {
        if (this.bLb[q]!) acc.pause(r);
        const first = this.bFirst[q]!;
        if (first >= 0) {
          const arc = acc.last * this.L + first;
          acc.dist += inst.dist[arc]! + this.bDist[q]!;
          acc.merge(inst.time[arc]!, this.bDur[q]!, this.bTw[q]!, this.bOpen[q]!, this.bLatest[q]!);
          acc.last = this.bLast[q]!;
        }
      } else {
        acc.dist +=
          inst.dist[acc.last * this.L + this.locAt[q]!]! +
          this.cumDist[o + len]! -
          this.cumDist[q]!;
        acc.last = this.locAt[o + len]!;
      }
      for (let d = 0; d < D; d++)
        acc.load[d]! += this.cumLoad[(o + len) * D + d]! - this.cumLoad[(q - 1) * D + d]!;
      acc.count += this.cnt[o + len]! - this.cnt[q - 1]!;
    }
    acc.finish(v);
    return acc.cost(v, this.pl, this.pt);
  }

  /** Cost of route rp's positions 0..a, then x1 and x2 (NONE to omit), then route rs's positions b..end, on vehicle rp. */
  private evalPS(rp: number, a: number, x1: number, x2: number, rs: number, b: number): number {
    this.accPrefix(rp, a);
    if (x1 !== NONE) this.accNode(x1);
    if (x2 !== NONE) this.accNode(x2);
    return this.accSuffixEnd(rs, b, rp);
  }

  /**
   * Without time, the cost of route r after a move that changes its distance by
   * `delta`, brings clients a1, a2 and takes away b1, b2 (NONE to omit): the
   * distance delta of HGS's moves is then exact, and the load is a sum.
   */
  private fastCost(
    r: number,
    delta: number,
    a1: number,
    a2: number,
    b1: number,
    b2: number,
  ): number {
    const inst = this.inst;
    const D = this.D;
    const end = r * this.S + this.len[r]!;
    const count =
      this.cnt[end]! +
      (a1 !== NONE ? 1 : 0) +
      (a2 !== NONE ? 1 : 0) -
      (b1 !== NONE ? 1 : 0) -
      (b2 !== NONE ? 1 : 0);
    if (count === 0 && inst.vHasStart[r]! === 0) return 0;
    let excess = 0;
    for (let d = 0; d < D; d++) {
      let q = this.cumLoad[end * D + d]!;
      if (a1 !== NONE) q += inst.demand[a1 * D + d]!;
      if (a2 !== NONE) q += inst.demand[a2 * D + d]!;
      if (b1 !== NONE) q -= inst.demand[b1 * D + d]!;
      if (b2 !== NONE) q -= inst.demand[b2 * D + d]!;
      const over = q - inst.vCap[r * D + d]!;
      if (over > 0) excess += over * inst.capWeight[d]!;
    }
    return this.cumDist[end + 1]! + delta + penalty(this.pl, excess);
  }

  private compatible(x: number, r: number): boolean {
    return (this.nodeMask[x]! & ~this.inst.vSkills[r]!) === 0;
  }

  private d(a: number, b: number): number {
    return this.inst.dist[a * this.L + b]!;
  }

  // ---------------------------------------------------------------- route improvement

  private routeImprovement(): void {
    const n = this.n;
    for (let k = 0; k < this.orderNodes.length; k++) {
      const u = this.orderNodes[k]!;
      if (u >= n) {
        this.tryBreak(u);
        continue;
      }
      if (this.nodeRoute[u]! === this.BIN) {
        this.tryFromBin(u);
        continue;
      }
      const lastTest = this.lastTested[u]!;
      this.lastTested[u] = this.nbMoves;
      const neighbours = this.correlated[u]!;
      for (let t = 0; t < neighbours.length; t++) {
        const v = neighbours[t]!;
        const rv = this.nodeRoute[v]!;
        if (rv === this.BIN) continue;
        if (
          this.loopID !== 0 &&
          max(this.modified[this.nodeRoute[u]!]!, this.modified[rv]!) <= lastTest
        )
          continue;
        this.setU(u);
        this.setV(v, rv, this.nodePos[v]!);
        if (this.move1() || this.move2() || this.move3()) continue;
        if (u <= v && this.move4()) continue;
        if (this.move5()) continue;
        if (u <= v && this.move6()) continue;
        if (this.intra) {
          if (this.move7()) continue;
        } else {
          if (this.move8() || this.move9()) continue;
        }
        if (this.pv === 1) {
          this.setV(NONE, rv, 0);
          if (this.move1() || this.move2() || this.move3()) continue;
          if (!this.intra && (this.move8() || this.move9())) continue;
        }
      }
      if (this.loopID > 0) {
        this.refreshEmpty();
        for (let c = 0; c < this.emptyOfClass.length; c++) {
          const r = this.emptyOfClass[c]!;
          if (r < 0 || this.nodeRoute[u]! === this.BIN) continue;
          this.setU(u);
          this.setV(NONE, r, 0);
          if (this.rU === r) continue;
          if (this.move1() || this.move2() || this.move3() || this.move9()) {
            this.refreshEmpty();
            continue;
          }
        }
      }
      if (this.nodeRoute[u]! !== this.BIN) this.tryToBin(u);
    }
  }

  private setU(u: number): void {
    const r = this.nodeRoute[u]!;
    const p = this.nodePos[u]!;
    const o = r * this.S;
    const s = this.seq[r]!;
    this.U = u;
    this.rU = r;
    this.pu = p;
    this.X = s[p + 1]!;
    this.uPrevLoc = this.locAt[o + p - 1]!;
    this.uLoc = this.locAt[o + p]!;
    this.xLoc = this.locAt[o + p + 1]!;
    this.xNextLoc = p + 1 <= this.len[r]! ? this.locAt[o + p + 2]! : -1;
  }

  private setV(v: number, r: number, p: number): void {
    const o = r * this.S;
    const s = this.seq[r]!;
    this.V = v;
    this.rV = r;
    this.pv = p;
    this.Y = s[p + 1]!;
    this.vPrevLoc = p >= 1 ? this.locAt[o + p - 1]! : -1;
    this.vLoc = this.locAt[o + p]!;
    this.yLoc = this.locAt[o + p + 1]!;
    this.yNextLoc = p + 1 <= this.len[r]! ? this.locAt[o + p + 2]! : -1;
    this.intra = this.rU === r;
  }

  private commit(r1: number, s1: number[], r2: number, s2: number[] | null): void {
    this.seq[r1] = s1;
    if (s2 !== null) this.seq[r2] = s2;
    this.nbMoves++;
    this.searchCompleted = false;
    this.updateRoute(r1);
    if (s2 !== null) this.updateRoute(r2);
  }

  /** [START, route r's positions 1..a, ...nodes, route r2's positions b..len, END]. */
  private build(r: number, a: number, nodes: number[], r2: number, b: number): number[] {
    const out = this.seq[r]!.slice(0, a + 1);
    for (const x of nodes) out.push(x);
    const s2 = this.seq[r2]!;
    for (let p = b; p < s2.length; p++) out.push(s2[p]!);
    return out;
  }

  private range(r: number, i: number, j: number): number[] {
    return this.seq[r]!.slice(i, j + 1);
  }

  /** Relocate U after V. */
  private move1(): boolean {
    const { U, V, Y, rU, rV, pu, pv } = this;
    if (U === Y) return false;
    const costU =
      this.d(this.uPrevLoc, this.xLoc) -
      this.d(this.uPrevLoc, this.uLoc) -
      this.d(this.uLoc, this.xLoc);
    const costV =
      this.d(this.vLoc, this.uLoc) + this.d(this.uLoc, this.yLoc) - this.d(this.vLoc, this.yLoc);
    if (!this.intra) {
      if (!this.compatible(U, rV)) return false;
      if (costU + costV >= this.penalty[rU]! + this.penalty[rV]!) return false;
      const fast = !this.inst.hasTime;
      const newU = fast
        ? this.fastCost(rU, costU, NONE, NONE, U, NONE)
        : this.evalPS(rU, pu - 1, NONE, NONE, rU, pu + 1);
      const newV = fast
        ? this.fastCost(rV, costV, U, NONE, NONE, NONE)
        : this.evalPS(rV, pv, U, NONE, rV, pv + 1);
      if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
      this.commit(
        rU,
        this.build(rU, pu - 1, [], rU, pu + 1),
        rV,
        this.build(rV, pv, [U], rV, pv + 1),
      );
      return true;
    }
    if (V === U) return false;
    if (costU + costV >= this.penalty[rU]!) return false;
    const c = this.relocateIntraCost(rU, pu, U, pv);
    if (c - this.cost[rU]! > -EPSILON) return false;
    this.commit(rU, this.relocateIntraSeq(rU, pu, [U], pv), rU, null);
    return true;
  }

  /** Cost of moving the node at position pu of route r to just after position q (same route). */
  private relocateIntraCost(r: number, pu: number, x: number, q: number): number {
    if (pu < q) {
      this.accPrefix(r, pu - 1);
      this.accRange(r, pu + 1, q);
      this.accNode(x);
      return this.accSuffixEnd(r, q + 1, r);
    }
    this.accPrefix(r, q);
    this.accNode(x);
    this.accRange(r, q + 1, pu - 1);
    return this.accSuffixEnd(r, pu + 1, r);
  }

  /** The route after moving the block of nodes at positions pu..pu+|block|-1 to just after position q. */
  private relocateIntraSeq(r: number, pu: number, block: number[], q: number): number[] {
    const s = this.seq[r]!;
    const k = block.length;
    if (pu < q) return [...s.slice(0, pu), ...s.slice(pu + k, q + 1), ...block, ...s.slice(q + 1)];
    return [...s.slice(0, q + 1), ...block, ...s.slice(q + 1, pu), ...s.slice(pu + k)];
  }

  /** Relocate the pair (U, X) after V, in order (move2) or reversed (move3). */
  private relocatePair(reversed: boolean): boolean {
    const { U, X, V, Y, rU, rV, pu, pv } = this;
    if (X === END || U === Y || V === X) return false;
    const first = reversed ? X : U;
    const second = reversed ? U : X;
    const firstLoc = reversed ? this.xLoc : this.uLoc;
    const secondLoc = reversed ? this.uLoc : this.xLoc;
    let costU =
      this.d(this.uPrevLoc, this.xNextLoc) -
      this.d(this.uPrevLoc, this.uLoc) -
      this.d(this.xLoc, this.xNextLoc);
    if (reversed) costU -= this.d(this.uLoc, this.xLoc);
    let costV =
      this.d(this.vLoc, firstLoc) + this.d(secondLoc, this.yLoc) - this.d(this.vLoc, this.yLoc);
    if (reversed) costV += this.d(this.xLoc, this.uLoc);
    if (!this.intra) {
      if (!this.compatible(U, rV) || !this.compatible(X, rV)) return false;
      if (costU + costV >= this.penalty[rU]! + this.penalty[rV]!) return false;
      const fast = !this.inst.hasTime;
      const newU = fast
        ? this.fastCost(rU, costU, NONE, NONE, U, X)
        : this.evalPS(rU, pu - 1, NONE, NONE, rU, pu + 2);
      const newV = fast
        ? this.fastCost(rV, costV, U, X, NONE, NONE)
        : this.evalPS(rV, pv, first, second, rV, pv + 1);
      if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
      this.commit(
        rU,
        this.build(rU, pu - 1, [], rU, pu + 2),
        rV,
        this.build(rV, pv, [first, second], rV, pv + 1),
      );
      return true;
    }
    if (costU + costV >= this.penalty[rU]!) return false;
    let c: number;
    if (pu < pv) {
      this.accPrefix(rU, pu - 1);
      this.accRange(rU, pu + 2, pv);
      this.accNode(first);
      this.accNode(second);
      c = this.accSuffixEnd(rU, pv + 1, rU);
    } else {
      this.accPrefix(rU, pv);
      this.accNode(first);
      this.accNode(second);
      this.accRange(rU, pv + 1, pu - 1);
      c = this.accSuffixEnd(rU, pu + 2, rU);
    }
    if (c - this.cost[rU]! > -EPSILON) return false;
    this.commit(rU, this.relocateIntraSeq(rU, pu, [first, second], pv), rU, null);
    return true;
  }

  private move2(): boolean {
    return this.relocatePair(false);
  }

  private move3(): boolean {
    return this.relocatePair(true);
  }

  /** Swap U and V. */
  private move4(): boolean {
    const { U, V, Y, rU, rV, pu, pv } = this;
    if (V === NONE || U === V) return false;
    if (this.intra && (pu === pv - 1 || pu === pv + 1)) return false;
    if (U === Y) return false;
    const costU =
      this.d(this.uPrevLoc, this.vLoc) +
      this.d(this.vLoc, this.xLoc) -
      this.d(this.uPrevLoc, this.uLoc) -
      this.d(this.uLoc, this.xLoc);
    const costV =
      this.d(this.vPrevLoc, this.uLoc) +
      this.d(this.uLoc, this.yLoc) -
      this.d(this.vPrevLoc, this.vLoc) -
      this.d(this.vLoc, this.yLoc);
    if (!this.intra) {
      if (!this.compatible(U, rV) || !this.compatible(V, rU)) return false;
      if (costU + costV >= this.penalty[rU]! + this.penalty[rV]!) return false;
      const fast = !this.inst.hasTime;
      const newU = fast
        ? this.fastCost(rU, costU, V, NONE, U, NONE)
        : this.evalPS(rU, pu - 1, V, NONE, rU, pu + 1);
      const newV = fast
        ? this.fastCost(rV, costV, U, NONE, V, NONE)
        : this.evalPS(rV, pv - 1, U, NONE, rV, pv + 1);
      if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
      this.commit(
        rU,
        this.build(rU, pu - 1, [V], rU, pu + 1),
        rV,
        this.build(rV, pv - 1, [U], rV, pv + 1),
      );
      return true;
    }
    if (costU + costV >= this.penalty[rU]!) return false;
    const a = min(pu, pv);
    const b = max(pu, pv);
    const s = this.seq[rU]!;
    const A = s[a]!;
    const B = s[b]!;
    this.accPrefix(rU, a - 1);
    this.accNode(B);
    this.accRange(rU, a + 1, b - 1);
    this.accNode(A);
    const c = this.accSuffixEnd(rU, b + 1, rU);
    if (c - this.cost[rU]! > -EPSILON) return false;
    this.commit(
      rU,
      [...s.slice(0, a), B, ...this.range(rU, a + 1, b - 1), A, ...s.slice(b + 1)],
      rU,
      null,
    );
    return true;
  }

  /** Swap the pair (U, X) with V. */
  private move5(): boolean {
    const { U, X, V, Y, rU, rV, pu, pv } = this;
    if (V === NONE || X === END || U === Y) return false;
    if (this.intra && (pu === pv - 1 || pu + 1 === pv - 1 || pu === pv + 1 || pu === pv))
      return false;
    const costU =
      this.d(this.uPrevLoc, this.vLoc) +
      this.d(this.vLoc, this.xNextLoc) -
      this.d(this.uPrevLoc, this.uLoc) -
      this.d(this.xLoc, this.xNextLoc);
    const costV =
      this.d(this.vPrevLoc, this.uLoc) +
      this.d(this.xLoc, this.yLoc) -
      this.d(this.vPrevLoc, this.vLoc) -
      this.d(this.vLoc, this.yLoc);
    if (!this.intra) {
      if (!this.compatible(U, rV) || !this.compatible(X, rV) || !this.compatible(V, rU))
        return false;
      if (costU + costV >= this.penalty[rU]! + this.penalty[rV]!) return false;
      const fast = !this.inst.hasTime;
      const newU = fast
        ? this.fastCost(rU, costU, V, NONE, U, X)
        : this.evalPS(rU, pu - 1, V, NONE, rU, pu + 2);
      const newV = fast
        ? this.fastCost(rV, costV, U, X, V, NONE)
        : this.evalPS(rV, pv - 1, U, X, rV, pv + 1);
      if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
      this.commit(
        rU,
        this.build(rU, pu - 1, [V], rU, pu + 2),
        rV,
        this.build(rV, pv - 1, [U, X], rV, pv + 1),
      );
      return true;
    }
    if (costU + costV >= this.penalty[rU]!) return false;
    const s = this.seq[rU]!;
    let c: number;
    let next: number[];
    if (pu < pv) {
      this.accPrefix(rU, pu - 1);
      this.accNode(V);
      this.accRange(rU, pu + 2, pv - 1);
      this.accNode(U);
      this.accNode(X);
      c = this.accSuffixEnd(rU, pv + 1, rU);
      next = [...s.slice(0, pu), V, ...this.range(rU, pu + 2, pv - 1), U, X, ...s.slice(pv + 1)];
    } else {
      this.accPrefix(rU, pv - 1);
      this.accNode(U);
      this.accNode(X);
      this.accRange(rU, pv + 1, pu - 1);
      this.accNode(V);
      c = this.accSuffixEnd(rU, pu + 2, rU);
      next = [...s.slice(0, pv), U, X, ...this.range(rU, pv + 1, pu - 1), V, ...s.slice(pu + 2)];
    }
    if (c - this.cost[rU]! > -EPSILON) return false;
    this.commit(rU, next, rU, null);
    return true;
  }

  /** Swap the pairs (U, X) and (V, Y). */
  private move6(): boolean {
    const { U, X, V, Y, rU, rV, pu, pv } = this;
    if (V === NONE || X === END || Y === END || U === Y || X === V) return false;
    if (this.intra && Math.abs(pu - pv) < 3) return false;
    const costU =
      this.d(this.uPrevLoc, this.vLoc) +
      this.d(this.yLoc, this.xNextLoc) -
      this.d(this.uPrevLoc, this.uLoc) -
      this.d(this.xLoc, this.xNextLoc);
    const costV =
      this.d(this.vPrevLoc, this.uLoc) +
      this.d(this.xLoc, this.yNextLoc) -
      this.d(this.vPrevLoc, this.vLoc) -
      this.d(this.yLoc, this.yNextLoc);
    if (!this.intra) {
      if (
        !this.compatible(U, rV) ||
        !this.compatible(X, rV) ||
        !this.compatible(V, rU) ||
        !this.compatible(Y, rU)
      )
        return false;
      if (costU + costV >= this.penalty[rU]! + this.penalty[rV]!) return false;
      const fast = !this.inst.hasTime;
      const newU = fast
        ? this.fastCost(rU, costU, V, Y, U, X)
        : this.evalPS(rU, pu - 1, V, Y, rU, pu + 2);
      const newV = fast
        ? this.fastCost(rV, costV, U, X, V, Y)
        : this.evalPS(rV, pv - 1, U, X, rV, pv + 2);
      if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
      this.commit(
        rU,
        this.build(rU, pu - 1, [V, Y], rU, pu + 2),
        rV,
        this.build(rV, pv - 1, [U, X], rV, pv + 2),
      );
      return true;
    }
    if (costU + costV >= this.penalty[rU]!) return false;
    const a = min(pu, pv);
    const b = max(pu, pv);
    const s = this.seq[rU]!;
    const A1 = s[a]!;
    const A2 = s[a + 1]!;
    const B1 = s[b]!;
    const B2 = s[b + 1]!;
    this.accPrefix(rU, a - 1);
    this.accNode(B1);
    this.accNode(B2);
    this.accRange(rU, a + 2, b - 1);
    this.accNode(A1);
    this.accNode(A2);
    const c = this.accSuffixEnd(rU, b + 2, rU);
    if (c - this.cost[rU]! > -EPSILON) return false;
    this.commit(
      rU,
      [...s.slice(0, a), B1, B2, ...this.range(rU, a + 2, b - 1), A1, A2, ...s.slice(b + 2)],
      rU,
      null,
    );
    return true;
  }

  /** 2-OPT: reverse the part X..V of one route. */
  private move7(): boolean {
    const { V, rU, pu, pv } = this;
    if (V === NONE || pu >= pv - 1) return false;
    const o = rU * this.S;
    const reversal = this.cumRev[o + pv]! - this.cumRev[o + pu + 1]!;
    const estimate =
      this.d(this.uLoc, this.vLoc) +
      this.d(this.xLoc, this.yLoc) -
      this.d(this.uLoc, this.xLoc) -
      this.d(this.vLoc, this.yLoc) +
      reversal;
    if (estimate >= this.penalty[rU]!) return false;
    this.accPrefix(rU, pu);
    this.accRangeReversed(rU, pv, pu + 1);
    const c = this.accSuffixEnd(rU, pv + 1, rU);
    if (c - this.cost[rU]! > -EPSILON) return false;
    const s = this.seq[rU]!;
    this.commit(
      rU,
      [...s.slice(0, pu + 1), ...this.range(rU, pu + 1, pv).reverse(), ...s.slice(pv + 1)],
      rU,
      null,
    );
    return true;
  }

  /**
   * 2-OPT* joining U to V and X to Y: both routes take a reversed part. Only without
   * time, where a reversed part costs its reversed distance and nothing else.
   */
  private move8(): boolean {
    if (this.inst.hasTime) return false;
    const { rU, rV, pu, pv } = this;
    const o = rV * this.S;
    if (
      !this.compatibleMask(this.pMask[o + pv]!, rU) ||
      !this.compatibleMask(this.sMask[rU * this.S + pu + 1]!, rV)
    )
      return false;
    const lenU = this.len[rU]!;
    if (pv >= 1 && pu < lenU) {
      // Exact distance of both new routes from prefix sums, to skip hopeless moves cheaply.
      const oU = rU * this.S;
      const lenV = this.len[rV]!;
      const { cumDist, cumRev, locAt } = this;
      const v1 = locAt[o + 1]!;
      const uLast = locAt[oU + lenU]!;
      const newDistU =
        cumDist[oU + pu]! +
        this.d(this.uLoc, this.vLoc) +
        (cumDist[o + pv]! - cumDist[o + 1]!) +
        (cumRev[o + pv]! - cumRev[o + 1]!) +
        this.d(v1, locAt[oU + lenU + 1]!);
      const newDistV =
        cumDist[o]! +
        this.d(locAt[o]!, uLast) +
        (cumDist[oU + lenU]! - cumDist[oU + pu + 1]!) +
        (cumRev[oU + lenU]! - cumRev[oU + pu + 1]!) +
        this.d(this.xLoc, this.yLoc) +
        (cumDist[o + lenV + 1]! - cumDist[o + pv + 1]!);
      const delta = newDistU + newDistV - cumDist[oU + lenU + 1]! - cumDist[o + lenV + 1]!;
      if (delta >= this.penalty[rU]! + this.penalty[rV]!) return false;
    }
    this.accPrefix(rU, pu);
    this.accRangeReversed(rV, pv, 1);
    const newU = this.accSuffixEnd(rU, lenU + 1, rU);
    this.accPrefix(rV, 0);
    this.accRangeReversed(rU, lenU, pu + 1);
    const newV = this.accSuffixEnd(rV, pv + 1, rV);
    if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
    const sU = this.seq[rU]!;
    const sV = this.seq[rV]!;
    const nextU = [...sU.slice(0, pu + 1), ...this.range(rV, 1, pv).reverse(), END];
    const nextV = [NONE, ...this.range(rU, pu + 1, lenU).reverse(), ...sV.slice(pv + 1)];
    this.commit(rU, nextU, rV, nextV);
    return true;
  }

  /** 2-OPT*: U's route continues with Y's tail, V's route with X's tail. */
  private move9(): boolean {
    const { rU, rV, pu, pv } = this;
    const S = this.S;
    if (
      !this.compatibleMask(this.sMask[rV * S + pv + 1]!, rU) ||
      !this.compatibleMask(this.sMask[rU * S + pu + 1]!, rV)
    )
      return false;
    if (this.inst.vEndLoc[rU]! === this.inst.vEndLoc[rV]!) {
      const estimate =
        this.d(this.uLoc, this.yLoc) +
        this.d(this.vLoc, this.xLoc) -
        this.d(this.uLoc, this.xLoc) -
        this.d(this.vLoc, this.yLoc);
      if (estimate >= this.penalty[rU]! + this.penalty[rV]!) return false;
    }
    const newU = this.evalPS(rU, pu, NONE, NONE, rV, pv + 1);
    const newV = this.evalPS(rV, pv, NONE, NONE, rU, pu + 1);
    if (newU + newV - this.cost[rU]! - this.cost[rV]! > -EPSILON) return false;
    this.commit(rU, this.build(rU, pu, [], rV, pv + 1), rV, this.build(rV, pv, [], rU, pu + 1));
    return true;
  }

  private compatibleMask(mask: number, r: number): boolean {
    return (mask & ~this.inst.vSkills[r]!) === 0;
  }

  // ---------------------------------------------------------------- breaks and the unserved bin

  private tryBreak(b: number): void {
    const r = this.nodeRoute[b]!;
    if (this.loopID !== 0 && this.modified[r]! <= this.lastTested[b]!) return;
    this.lastTested[b] = this.nbMoves;
    this.optimizeBreak(r);
  }

  /** Moves route r's break to its cheapest position. */
  private optimizeBreak(r: number): void {
    if (!this.inst.vHasBreak[r]!) return;
    const b = this.n + r;
    const pb = this.nodePos[b]!;
    let best = -1;
    let bestCost = this.cost[r]! - EPSILON;
    for (let q = 0; q <= this.len[r]!; q++) {
      if (q === pb || q === pb - 1) continue;
      const c = this.relocateIntraCost(r, pb, b, q);
      if (c < bestCost) {
        bestCost = c;
        best = q;
      }
    }
    if (best < 0) return;
    this.commit(r, this.relocateIntraSeq(r, pb, [b], best), r, null);
  }

  private tryToBin(u: number): void {
    const r = this.nodeRoute[u]!;
    const p = this.nodePos[u]!;
    const o = r * this.S;
    const prev = this.locAt[o + p - 1]!;
    const next = this.locAt[o + p + 1]!;
    const saving =
      this.d(prev, next) - this.d(prev, this.locAt[o + p]!) - this.d(this.locAt[o + p]!, next);
    if (this.inst.unplannedCost + saving >= this.penalty[r]!) return;
    const c = this.evalPS(r, p - 1, NONE, NONE, r, p + 1);
    if (c + this.inst.unplannedCost - this.cost[r]! > -EPSILON) return;
    this.removeToBin(u);
  }

  private removeToBin(u: number): void {
    const r = this.nodeRoute[u]!;
    const p = this.nodePos[u]!;
    this.nodeRoute[u] = this.BIN;
    this.nodePos[u] = this.bin.length;
    this.bin.push(u);
    this.commit(r, this.build(r, p - 1, [], r, p + 1), r, null);
  }

  private takeFromBin(u: number): void {
    const i = this.nodePos[u]!;
    const last = this.bin.pop()!;
    if (last !== u) {
      this.bin[i] = last;
      this.nodePos[last] = i;
    }
  }

  /**
   * An unserved client goes where it is cheapest next to one of its granular
   * neighbours (or into an empty route), or takes a neighbour's place, the
   * neighbour going unserved. Where the route has a break, the most promising
   * insertion and every exchange are priced with the break moved to its best place
   * too: a break in the wrong place would otherwise hide a client that fits.
   */
  private tryFromBin(u: number): void {
    const lastTest = this.lastTested[u]!;
    this.lastTested[u] = this.nbMoves;
    const M = this.inst.unplannedCost;
    let bestDelta = Infinity;
    let bestRoute = -1;
    let bestPos = -1;
    const consider = (r: number, q: number): void => {
      if (this.multiWindow[u]!) this.windowAt(u, r, q);
      const delta = this.evalPS(r, q, u, NONE, r, q + 1) - this.cost[r]! - M;
      if (delta < bestDelta) {
        bestDelta = delta;
        bestRoute = r;
        bestPos = q;
      }
    };
    const neighbours = this.correlated[u]!;
    for (let t = 0; t < neighbours.length; t++) {
      const r = this.nodeRoute[neighbours[t]!]!;
      if (r === this.BIN || !this.compatible(u, r)) continue;
      if (this.loopID !== 0 && this.modified[r]! <= lastTest) continue;
      const p = this.nodePos[neighbours[t]!]!;
      consider(r, p);
      if (p === 1) consider(r, 0);
    }
    this.refreshEmpty();
    for (let c = 0; c < this.emptyOfClass.length; c++) {
      const r = this.emptyOfClass[c]!;
      if (r >= 0 && this.compatible(u, r)) for (let q = 0; q <= this.len[r]!; q++) consider(r, q);
    }
    if (bestRoute >= 0 && this.multiWindow[u]!) this.windowAt(u, bestRoute, bestPos);
    if (bestRoute >= 0 && bestDelta < -EPSILON) {
      this.takeFromBin(u);
      this.commit(
        bestRoute,
        this.build(bestRoute, bestPos, [u], bestRoute, bestPos + 1),
        bestRoute,
        null,
      );
      return;
    }
    if (bestRoute >= 0 && this.inst.vHasBreak[bestRoute]!) {
      const s = this.build(bestRoute, bestPos, [u], bestRoute, bestPos + 1);
      if (this.priceWithBestBreak(bestRoute, s) - this.cost[bestRoute]! - M < -EPSILON) {
        this.takeFromBin(u);
        this.commit(bestRoute, this.bestBreakSeq, bestRoute, null);
        return;
      }
    }
    for (let t = 0; t < neighbours.length; t++) {
      const v = neighbours[t]!;
      const r = this.nodeRoute[v]!;
      if (r === this.BIN || !this.compatible(u, r)) continue;
      if (this.loopID !== 0 && this.modified[r]! <= lastTest) continue;
      const p = this.nodePos[v]!;
      if (this.multiWindow[u]!) this.windowAt(u, r, p - 1);
      let next = this.build(r, p - 1, [u], r, p + 1);
      let delta = this.evalPS(r, p - 1, u, NONE, r, p + 1) - this.cost[r]!;
      if (delta > -EPSILON && this.inst.vHasBreak[r]!) {
        delta = this.priceWithBestBreak(r, next) - this.cost[r]!;
        next = this.bestBreakSeq;
      }
      if (delta > -EPSILON) continue;
      this.takeFromBin(u);
      this.nodeRoute[v] = this.BIN;
      this.nodePos[v] = this.bin.length;
      this.bin.push(v);
      this.commit(r, next, r, null);
      return;
    }
  }

  /**
   * The cost of route r made of sequence `s` (`[START, ...nodes, END]`) with its
   * break moved to where it costs least; the sequence is left in `bestBreakSeq`.
   */
  private priceWithBestBreak(r: number, s: number[]): number {
    const brk = this.n + r;
    const clients = s.filter((x) => x !== brk && x !== NONE);
    let best = Infinity;
    let bestAt = 0;
    for (let b = 0; b <= clients.length; b++) {
      this.acc.begin(r);
      for (let p = 0; p <= clients.length; p++) {
        if (p === b) this.acc.pause(r);
        if (p < clients.length) this.accNode(clients[p]!);
      }
      this.acc.finish(r);
      const c = this.acc.cost(r, this.pl, this.pt);
      if (c < best - EPSILON) {
        best = c;
        bestAt = b;
      }
    }
    this.bestBreakSeq = [NONE, ...clients.slice(0, bestAt), brk, ...clients.slice(bestAt), END];
    return best;
  }

  // ---------------------------------------------------------------- SWAP*

  private swapStarPhase(): void {
    const K = this.K;
    const S = this.S;
    for (let a = 0; a < K; a++) {
      const ru = this.orderRoutes[a]!;
      const lastTest = this.testedSwapStar[ru]!;
      this.testedSwapStar[ru] = this.nbMoves;
      for (let b = 0; b < K; b++) {
        const rv = this.orderRoutes[b]!;
        if (ru >= rv) continue;
        if (this.cnt[ru * S + this.len[ru]!]! === 0 || this.cnt[rv * S + this.len[rv]!]! === 0)
          continue;
        if (this.loopID !== 0 && max(this.modified[ru]!, this.modified[rv]!) <= lastTest) continue;
        if (
          !sectorsOverlap(
            this.sectorStart[ru]!,
            this.sectorEnd[ru]!,
            this.sectorStart[rv]!,
            this.sectorEnd[rv]!,
          )
        )
          continue;
        this.swapStar(ru, rv);
      }
    }
  }

  private preprocessInsertions(r1: number, r2: number): void {
    const n = this.n;
    const S = this.S;
    const s1 = this.seq[r1]!;
    const s2 = this.seq[r2]!;
    const o1 = r1 * S;
    const o2 = r2 * S;
    const len2 = this.len[r2]!;
    for (let p = 1; p <= this.len[r1]!; p++) {
      const u = s1[p]!;
      if (u >= n) continue;
      const uLoc = this.locAt[o1 + p]!;
      const prev = this.locAt[o1 + p - 1]!;
      const next = this.locAt[o1 + p + 1]!;
      this.deltaRemoval[u] = this.d(prev, next) - this.d(prev, uLoc) - this.d(uLoc, next);
      const key = r2 * n + u;
      if (this.modified[r2]! > this.biWhen[key]!) {
        this.biWhen[key] = this.nbMoves;
        const base = key * 3;
        this.biCost[base] = 1e30;
        this.biCost[base + 1] = 1e30;
        this.biCost[base + 2] = 1e30;
        this.biPos[base] = -2;
        this.biPos[base + 1] = -2;
        this.biPos[base + 2] = -2;
        for (let q = 0; q <= len2; q++) {
          const a = this.locAt[o2 + q]!;
          const b = this.locAt[o2 + q + 1]!;
          const c = this.d(a, uLoc) + this.d(uLoc, b) - this.d(a, b);
          this.addInsert(base, c, q === 0 ? NONE : s2[q]!);
        }
      }
    }
  }

  private addInsert(base: number, cost: number, pos: number): void {
    const bc = this.biCost;
    const bp = this.biPos;
    if (cost >= bc[base + 2]!) return;
    if (cost >= bc[base + 1]!) {
      bc[base + 2] = cost;
      bp[base + 2] = pos;
    } else if (cost >= bc[base]!) {
      bc[base + 2] = bc[base + 1]!;
      bp[base + 2] = bp[base + 1]!;
      bc[base + 1] = cost;
      bp[base + 1] = pos;
    } else {
      bc[base + 2] = bc[base + 1]!;
      bp[base + 2] = bp[base + 1]!;
      bc[base + 1] = bc[base]!;
      bp[base + 1] = bp[base]!;
      bc[base] = cost;
      bp[base] = pos;
    }
  }

  private insertPosition(x: number): number {
    return x === NONE ? 0 : this.nodePos[x]!;
  }

  /**
   * Cheapest insertion of u into v's route with v taken out (HGS): among the three
   * best positions, the first not next to v, or v's own place. Sets `ciCost`, `ciPos`.
   */
  private cheapestInsertWithRemoval(u: number, v: number): void {
    const r = this.nodeRoute[v]!;
    const s = this.seq[r]!;
    const base = (r * this.n + u) * 3;
    let pos = -2;
    let cost = Infinity;
    for (let k = 0; k < 3; k++) {
      const p = this.biPos[base + k]!;
      if (p === -2) break;
      const next = s[this.insertPosition(p) + 1]!;
      if (p !== v && next !== v) {
        pos = p;
        cost = this.biCost[base + k]!;
        break;
      }
    }
    const o = r * this.S;
    const pv = this.nodePos[v]!;
    const uLoc = this.inst.clientLoc[u]!;
    const prev = this.locAt[o + pv - 1]!;
    const next = this.locAt[o + pv + 1]!;
    const inPlace = this.d(prev, uLoc) + this.d(uLoc, next) - this.d(prev, next);
    if (pos === -2 || inPlace < cost) {
      cost = inPlace;
      pos = pv - 1 === 0 ? NONE : s[pv - 1]!;
    }
    this.ciCost = cost;
    this.ciPos = pos;
  }

  /** Load penalty of route r if it carried `load` plus `add` times client a's demand minus client b's (either may be NONE). */
  private loadPenaltyWith(r: number, load: Float64Array, plus: number, minus: number): number {
    const inst = this.inst;
    const D = this.D;
    let excess = 0;
    for (let d = 0; d < D; d++) {
      let q = load[d]!;
      if (plus !== NONE) q += inst.demand[plus * D + d]!;
      if (minus !== NONE) q -= inst.demand[minus * D + d]!;
      const over = q - inst.vCap[r * D + d]!;
      if (over > 0) excess += over * inst.capWeight[d]!;
    }
    return penalty(this.pl, excess);
  }

  private swapStar(ru: number, rv: number): boolean {
    const n = this.n;
    const D = this.D;
    const S = this.S;
    this.preprocessInsertions(ru, rv);
    this.preprocessInsertions(rv, ru);
    const sU = this.seq[ru]!;
    const sV = this.seq[rv]!;
    const loadU = this.scratchLoadU;
    const loadV = this.scratchLoadV;
    const endU = (ru * S + this.len[ru]!) * D;
    const endV = (rv * S + this.len[rv]!) * D;
    for (let d = 0; d < D; d++) {
      loadU[d] = this.cumLoad[endU + d]!;
      loadV[d] = this.cumLoad[endV + d]!;
    }
    const penU = this.loadPenaltyWith(ru, loadU, NONE, NONE);
    const penV = this.loadPenaltyWith(rv, loadV, NONE, NONE);

    let bestCost = 1e30;
    let bestU = NONE;
    let bestPosU = NONE;
    let bestV = NONE;
    let bestPosV = NONE;
    for (let a = 1; a <= this.len[ru]!; a++) {
      const u = sU[a]!;
      if (u >= n || !this.compatible(u, rv)) continue;
      for (let b = 1; b <= this.len[rv]!; b++) {
        const v = sV[b]!;
        if (v >= n || !this.compatible(v, ru)) continue;
        const dPenU = this.loadPenaltyWith(ru, loadU, v, u) - penU;
        const dPenV = this.loadPenaltyWith(rv, loadV, u, v) - penV;
        if (dPenU + this.deltaRemoval[u]! + dPenV + this.deltaRemoval[v]! > 0) continue;
        this.cheapestInsertWithRemoval(u, v);
        const intoVCost = this.ciCost;
        const intoVPos = this.ciPos;
        this.cheapestInsertWithRemoval(v, u);
        const cost =
          dPenU + this.deltaRemoval[u]! + this.ciCost + dPenV + this.deltaRemoval[v]! + intoVCost;
        if (cost < bestCost) {
          bestCost = cost;
          bestU = u;
          bestPosU = intoVPos;
          bestV = v;
          bestPosV = this.ciPos;
        }
      }
    }
    // RELOCATE of one client into the other route comes for free with the insertion costs at hand.
    for (let a = 1; a <= this.len[ru]!; a++) {
      const u = sU[a]!;
      if (u >= n || !this.compatible(u, rv)) continue;
      const base = (rv * n + u) * 3;
      const cost =
        this.deltaRemoval[u]! +
        this.biCost[base]! +
        this.loadPenaltyWith(ru, loadU, NONE, u) -
        penU +
        this.loadPenaltyWith(rv, loadV, u, NONE) -
        penV;
      if (cost < bestCost) {
        bestCost = cost;
        bestU = u;
        bestPosU = this.biPos[base]!;
        bestV = NONE;
        bestPosV = NONE;
      }
    }
    for (let b = 1; b <= this.len[rv]!; b++) {
      const v = sV[b]!;
      if (v >= n || !this.compatible(v, ru)) continue;
      const base = (ru * n + v) * 3;
      const cost =
        this.deltaRemoval[v]! +
        this.biCost[base]! +
        this.loadPenaltyWith(rv, loadV, NONE, v) -
        penV +
        this.loadPenaltyWith(ru, loadU, v, NONE) -
        penU;
      if (cost < bestCost) {
        bestCost = cost;
        bestU = NONE;
        bestPosU = NONE;
        bestV = v;
        bestPosV = this.biPos[base]!;
      }
    }
    if (bestCost > -EPSILON) return false;

    // New routes: U leaves ru for rv after bestPosU; V leaves rv for ru after bestPosV.
    const nextU: number[] = [];
    for (let p = 0; p < sU.length; p++) {
      const x = sU[p]!;
      if (x !== bestU || p === 0 || p === sU.length - 1) nextU.push(x);
      if (bestV !== NONE && p < sU.length - 1 && (bestPosV === NONE ? p === 0 : x === bestPosV))
        nextU.push(bestV);
    }
    const nextV: number[] = [];
    for (let p = 0; p < sV.length; p++) {
      const x = sV[p]!;
      if (x !== bestV || p === 0 || p === sV.length - 1) nextV.push(x);
      if (bestU !== NONE && p < sV.length - 1 && (bestPosU === NONE ? p === 0 : x === bestPosU))
        nextV.push(bestU);
    }
    if (this.exactSwapStar) {
      const c =
        this.priceSequence(ru, nextU) +
        this.priceSequence(rv, nextV) -
        this.cost[ru]! -
        this.cost[rv]!;
      if (c > -EPSILON) return false;
    }
    this.commit(ru, nextU, rv, nextV);
    return true;
  }

  /** Prices a whole sequence `[START, ...nodes, END]` on vehicle r, from scratch. */
  private priceSequence(r: number, s: number[]): number {
    this.acc.begin(r);
    for (let p = 1; p < s.length - 1; p++) {
      const x = s[p]!;
      this.accNode(x);
    }
    this.acc.finish(r);
    return this.acc.cost(r, this.pl, this.pt);
  }
}

function extendSector(start: Int32Array, end: Int32Array, r: number, point: number): void {
  const enclosed = positiveMod(point - start[r]!) <= positiveMod(end[r]! - start[r]!);
  if (enclosed) return;
  if (positiveMod(point - end[r]!) <= positiveMod(start[r]! - point)) end[r] = point;
  else start[r] = point;
}

function sectorsOverlap(s1: number, e1: number, s2: number, e2: number): boolean {
  return (
    positiveMod(s2 - s1) <= positiveMod(e1 - s1) || positiveMod(s1 - s2) <= positiveMod(e2 - s2)
  );
}

function positiveMod(i: number): number {
  return ((i % 65536) + 65536) % 65536;
}

/**
 * The granular neighbourhood: for each client, the `granularity` clients most
 * correlated with it, symmetrised. Correlation is the distance, plus (with time) the
 * waiting and lateness that serving one right after the other would cause (Vidal et
 * al. 2013), converted to distance at the instance's fastest speed; pairs no vehicle
 * can serve together rank last.
 */
export function correlatedVertices(inst: CoreInstance, granularity: number): Int32Array[] {
  const n = inst.n;
  const L = inst.nLoc;
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const speed = inst.maxDist / inst.maxTravelTime;
  const share = (i: number, j: number): boolean => {
    for (let v = 0; v < inst.k; v++)
      if (inst.compatible(i, v) && inst.compatible(j, v)) return true;
    return false;
  };
  const candidates: { c: number; j: number }[] = [];
  for (let i = 0; i < n; i++) {
    candidates.length = 0;
    const li = inst.clientLoc[i]!;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const lj = inst.clientLoc[j]!;
      let c = inst.dist[li * L + lj]!;
      if (inst.hasTime) {
        const t = inst.time[li * L + lj]!;
        const wait = max(inst.hullOpen[j]! - inst.service[i]! - t - inst.hullLatest[i]!, 0);
        const late = max(inst.hullOpen[i]! + inst.service[i]! + t - inst.hullLatest[j]!, 0);
        c += speed * (0.2 * wait + late);
      }
      if (!share(i, j)) c += 1e12;
      candidates.push({ c, j });
    }
    candidates.sort((a, b) => a.c - b.c || a.j - b.j);
    const take = min(granularity, candidates.length);
    for (let t = 0; t < take; t++) {
      const j = candidates[t]!.j;
      sets[i]!.add(j);
      sets[j]!.add(i);
    }
  }
  return sets.map((s) => Int32Array.from([...s].sort((a, b) => a - b)));
}
