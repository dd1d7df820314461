import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { solveVrp } from './hgs.js';
import { type VrpInstance } from './instance.js';

const QUICK = {
  seed: 5,
  timeLimitMs: Infinity,
  maxIterations: 400,
  maxIterationsWithoutImprovement: 200,
} as const;

/** A planar CVRP: node 0 is the depot, distances rounded as in CVRPLIB. */
function cvrp(
  points: readonly [number, number][],
  demands: readonly number[],
  capacity: number,
  fleet: number,
  skills?: { client: number[]; vehicle: number[] },
): VrpInstance {
  const n = points.length;
  const distance = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      distance[i * n + j] = Math.round(
        Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]),
      );
  return {
    dimensions: 1,
    locations: n,
    distance,
    x: Float64Array.from(points, (p) => p[0]),
    y: Float64Array.from(points, (p) => p[1]),
    clients: demands.map((q, i) => ({
      location: i + 1,
      service: 0,
      demand: [q],
      skills: skills?.client[i] ?? 0,
      windows: [],
    })),
    vehicles: Array.from({ length: fleet }, (_, v) => ({
      startLocation: 0,
      endLocation: 0,
      capacity: [capacity],
      skills: skills?.vehicle[v] ?? 0,
      shiftStart: 0,
      shiftEnd: 0,
    })),
    hasTime: false,
  };
}

/** The optimum by dynamic programming over subsets: the best tour of each feasible subset, then the best partition. */
function optimum(instance: VrpInstance, capacity: number): number {
  const n = instance.clients.length;
  const L = instance.locations;
  const d = (a: number, b: number): number => instance.distance[a * L + b]!;
  const full = 1 << n;
  // Held–Karp: path[mask][last] = shortest path from the depot through mask ending at last.
  const path = Array.from({ length: full }, () => new Array<number>(n).fill(Infinity));
  for (let i = 0; i < n; i++) path[1 << i]![i] = d(0, i + 1);
  for (let mask = 1; mask < full; mask++)
    for (let last = 0; last < n; last++) {
      const here = path[mask]![last]!;
      if (!((mask >> last) & 1) || here === Infinity) continue;
      for (let next = 0; next < n; next++)
        if (!((mask >> next) & 1)) {
          const m = mask | (1 << next);
          path[m]![next] = Math.min(path[m]![next]!, here + d(last + 1, next + 1));
        }
    }
  const tour = new Array<number>(full).fill(Infinity);
  tour[0] = 0;
  for (let mask = 1; mask < full; mask++) {
    let load = 0;
    for (let i = 0; i < n; i++) if ((mask >> i) & 1) load += instance.clients[i]!.demand[0]!;
    if (load > capacity) continue;
    for (let last = 0; last < n; last++)
      if ((mask >> last) & 1)
        tour[mask] = Math.min(tour[mask]!, path[mask]![last]! + d(last + 1, 0));
  }
  const best = new Array<number>(full).fill(Infinity);
  best[0] = 0;
  for (let mask = 1; mask < full; mask++) {
    const low = mask & -mask;
    // Each partition once: the route holding the lowest client.
    for (let sub = mask; sub > 0; sub = (sub - 1) & mask)
      if (sub & low) best[mask] = Math.min(best[mask]!, tour[sub]! + best[mask & ~sub]!);
  }
  return best[full - 1]!;
}

const point = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }));

describe(solveVrp.name, () => {
  it('should find the optimum of small CVRPs that dynamic programming finds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(point, fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 9 }),
        point,
        fc.integer({ min: 10, max: 30 }),
        (clients, depot, capacity) => {
          const instance = cvrp(
            [depot, ...clients.map((c) => c[0])],
            clients.map((c) => c[1]),
            capacity,
            clients.length,
          );
          const solution = solveVrp(instance, QUICK);
          expect(solution.unserved).toEqual([]);
          expect(solution.distance).toBe(optimum(instance, capacity));
        },
      ),
      { numRuns: 40, seed: 77 },
    );
  });

  it('should give the same solution for the same seed and iteration limits', () => {
    const points: [number, number][] = Array.from({ length: 40 }, (_, i) => [
      (i * 37) % 101,
      (i * 61) % 97,
    ]);
    const instance = cvrp(
      points,
      points.slice(1).map((_, i) => 1 + (i % 7)),
      20,
      15,
    );
    const { elapsedMs: _a, ...first } = solveVrp(instance, QUICK);
    const { elapsedMs: _b, ...second } = solveVrp(instance, QUICK);
    expect(second).toEqual(first);
  });

  it('should leave unserved a client no vehicle can carry, and serve the others', () => {
    const instance = cvrp(
      [
        [0, 0],
        [10, 0],
        [0, 10],
        [5, 5],
      ],
      [5, 50, 5],
      20,
      2,
    );
    const solution = solveVrp(instance, QUICK);
    expect(solution.unserved).toEqual([1]);
    expect(solution.feasible).toBe(true);
    expect(solution.routes.flat().sort()).toEqual([0, 2]);
  });

  it('should put a client needing a skill only on a vehicle that has it', () => {
    // Client 0 needs skill bit 0, which only vehicle 1 has; it is nearest to the others.
    const instance = cvrp(
      [
        [0, 0],
        [10, 0],
        [11, 0],
        [12, 0],
      ],
      [1, 1, 1],
      10,
      2,
      { client: [1, 0, 0], vehicle: [0, 1] },
    );
    const solution = solveVrp(instance, QUICK);
    expect(solution.routes[1]!).toContain(0);
    expect(solution.routes[0]!).not.toContain(0);
  });

  it('should respect each vehicle’s own capacity in a mixed fleet', () => {
    const base = cvrp(
      [
        [0, 0],
        [10, 0],
        [10, 1],
        [10, 2],
      ],
      [6, 6, 6],
      100,
      2,
    );
    const instance: VrpInstance = {
      ...base,
      vehicles: [
        { ...base.vehicles[0]!, capacity: [12] },
        { ...base.vehicles[1]!, capacity: [6] },
      ],
    };
    const solution = solveVrp(instance, QUICK);
    expect(solution.routes[0]!).toHaveLength(2);
    expect(solution.routes[1]!).toHaveLength(1);
  });
});
