import type { JobCorrelation } from '@boucle/service';

/**
 * The planning queue. Never change these names: jobs and schedulers already in Redis
 * carry them.
 */
export const PLANNING_QUEUE = 'collection-planning';

export const PlanningJob = {
  /** Plans one day at one requested revision; its job id says which, so it runs once. */
  planDay: 'plan-day',
  /** Fired by a scheduler at PLAN_NEXT_DAY_AT: requests the plan of the next Paris day. */
  planNextDay: 'plan-next-day',
} as const;

export type PlanningJobName = (typeof PlanningJob)[keyof typeof PlanningJob];

export const PLAN_NEXT_DAY_SCHEDULER_ID = 'plan-next-day';

export interface PlanDayPayload extends JobCorrelation {
  day: string;
  revision: number;
}

export const planDayJobOptions = (day: string, revision: number) => ({
  jobId: `plan-${day}-r${revision}`,
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: 1_000,
  removeOnFail: 1_000,
});
