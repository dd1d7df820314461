import type { JobCorrelation } from '@boucle/service';

/**
 * The holds queue. Never change these names: jobs already in Redis carry them.
 */
export const HOLDS_QUEUE = 'inventory-holds';

export const HoldJob = {
  /** Releases one hold at its expiry; its job id is the hold id, so it is scheduled once. */
  expire: 'expire-hold',
  /** Releases every overdue hold: the backstop for an expiry job that was never added. */
  sweep: 'sweep-expired-holds',
} as const;

export type HoldJobName = (typeof HoldJob)[keyof typeof HoldJob];

/** Ids only, and the correlation of the work that scheduled it. */
export interface ExpireHoldPayload extends JobCorrelation {
  holdId: string;
}

export const SWEEP_SCHEDULER_ID = 'sweep-expired-holds';

export const expireJobOptions = (holdId: string, delayMs: number) => ({
  jobId: `expire-${holdId}`,
  delay: Math.max(0, delayMs),
  attempts: 10,
  backoff: { type: 'exponential' as const, delay: 500 },
  removeOnComplete: true,
  removeOnFail: 1_000,
});
