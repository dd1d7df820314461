import type { JobCorrelation } from '@boucle/service';

/**
 * The lots queue. Never change these names: jobs already in Redis carry them.
 */
export const LOTS_QUEUE = 'inventory-lots';

export const LotJob = {
  /** At `mustBeGoneBy`, diverts what nobody took; its job id derives from the lot id. */
  divertUntaken: 'divert-untaken-lot',
  /** Diverts what is offered past its window: stock released from a hold after it closed, or a missed job. */
  sweep: 'sweep-overdue-lots',
} as const;

export const LOTS_SWEEP_SCHEDULER_ID = 'sweep-overdue-lots';

export type LotJobName = (typeof LotJob)[keyof typeof LotJob];

/** Ids only, and the correlation of the work that scheduled it. */
export interface DivertUntakenPayload extends JobCorrelation {
  goodId: string;
}

export const divertJobOptions = (goodId: string, delayMs: number) => ({
  jobId: `divert-${goodId}`,
  delay: Math.max(0, delayMs),
  attempts: 10,
  backoff: { type: 'exponential' as const, delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
});
