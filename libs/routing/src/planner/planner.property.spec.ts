import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { dayArb } from '../test-support/generators.js';
import { findPlanErrors } from '../test-support/plan-checker.js';
import { greatCircleMatrix, planningLocations } from './matrix.js';
import { planRounds } from './planner.js';

// Small budgets: the property is about soundness, which must hold after any number of iterations.
const QUICK = {
  seed: 7,
  timeLimitMs: Infinity,
  maxIterations: 25,
  maxIterationsWithoutImprovement: 15,
  parameters: { mu: 4, lambda: 6 },
};

describe(planRounds.name, () => {
  it('should never break a capacity, a window, a skill, working hours or a break, and should account for every pickup, on generated days of 1–80 pickups', () => {
    fc.assert(
      fc.property(dayArb(80), fc.integer({ min: 1, max: 1000 }), (day, seed) => {
        const matrix = greatCircleMatrix(planningLocations(day));
        const plan = planRounds(day, matrix, { ...QUICK, seed });
        expect(findPlanErrors(day, matrix, plan)).toEqual([]);
      }),
      { numRuns: 40, seed: 20_261_201 },
    );
  });
});
