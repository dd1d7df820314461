/*
 * The round planner's own thread. The hybrid genetic search is synchronous and runs for
 * its whole time budget: on the service's thread it would stop every request, event and
 * job lock renewal for that long. Here it gets the problem and its matrix, answers once
 * and ends; the service ends it early (terminate) when the planning job is cancelled.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  PlanningInputError,
  planRounds,
  type InputIssue,
  type PlanningProblem,
  type PlanOptions,
  type RoundPlan,
  type TravelMatrix,
} from '@boucle/routing';

export interface PlannerWorkerInput {
  problem: PlanningProblem;
  matrix: TravelMatrix;
  options: PlanOptions;
}

export type PlannerWorkerAnswer =
  { plan: RoundPlan } | { error: { message: string; issues?: readonly InputIssue[] } };

function answer(input: PlannerWorkerInput): PlannerWorkerAnswer {
  try {
    return { plan: planRounds(input.problem, input.matrix, input.options) };
  } catch (error) {
    if (error instanceof PlanningInputError)
      return { error: { message: error.message, issues: error.issues } };
    return { error: { message: error instanceof Error ? error.message : String(error) } };
  }
}

parentPort?.postMessage(answer(workerData as PlannerWorkerInput));
