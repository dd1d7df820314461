import { checkPlan, type PlanningProblem, type PlanningResult } from './planner.js';

const HOUR = 3_600_000;
const day0 = Date.parse('2026-12-03T07:00:00Z');

const problem: PlanningProblem = {
  day: '2026-12-03',
  vehicles: [
    {
      id: 'van',
      depot: { latitude: 49.87, longitude: 2.26 },
      capacity: { kg: 500, m3: 5, crates: 20, items: 2 },
      skills: ['tail-lift'],
      shiftStart: day0,
      shiftEnd: day0 + 9 * HOUR,
      serviceMs: 15 * 60_000,
      break: null,
    },
  ],
  stops: [
    {
      id: 'chair',
      position: { latitude: 49.89, longitude: 2.29 },
      windows: [{ from: day0 + HOUR, until: day0 + 3 * HOUR }],
      demand: { kg: 22, m3: 0.4, crates: 0, items: 1 },
      skills: ['tail-lift'],
    },
    {
      id: 'glass',
      position: { latitude: 49.9, longitude: 2.3 },
      windows: [{ from: day0, until: day0 + HOUR }],
      demand: { kg: 150, m3: 0.8, crates: 10, items: 0 },
      skills: [],
    },
  ],
};

const good: PlanningResult = {
  rounds: [
    {
      vehicleId: 'van',
      stops: [
        { id: 'glass', eta: day0 + 30 * 60_000 },
        { id: 'chair', eta: day0 + 2 * HOUR },
      ],
      distanceKm: 12,
    },
  ],
  unplanned: [],
};

describe(checkPlan.name, () => {
  it('should find nothing wrong with a plan that keeps every rule', () => {
    expect(checkPlan(problem, good)).toEqual([]);
  });

  it('should name a capacity exceeded, a skill missing, a window missed and working hours overrun', () => {
    const tight: PlanningProblem = {
      ...problem,
      vehicles: [
        { ...problem.vehicles[0]!, capacity: { kg: 100, m3: 5, crates: 20, items: 2 }, skills: [] },
      ],
    };
    const late: PlanningResult = {
      ...good,
      rounds: [
        {
          ...good.rounds[0]!,
          stops: [
            { id: 'glass', eta: day0 + 30 * 60_000 },
            { id: 'chair', eta: day0 + 9 * HOUR },
          ],
        },
      ],
    };

    expect(checkPlan(tight, late)).toEqual([
      'pickup chair needs tail-lift, which vehicle van lacks',
      expect.stringContaining('pickup chair is planned at'),
      'pickup chair is planned outside the working hours of van',
      'round of van carries 172 kg, over its 100',
    ]);
  });

  it('should refuse a pickup left out, or placed twice', () => {
    const missing: PlanningResult = {
      rounds: [{ vehicleId: 'van', stops: [{ id: 'glass', eta: day0 }], distanceKm: 1 }],
      unplanned: [{ id: 'glass', reason: 'over-capacity' }],
    };

    expect(checkPlan(problem, missing)).toEqual([
      'pickup glass is placed twice',
      'pickup chair is neither planned nor reported unplanned',
    ]);
  });
});
