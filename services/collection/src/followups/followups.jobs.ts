import type { JobCorrelation } from '@boucle/service';

/**
 * The follow-up queue of pickups. Never change these names: jobs already in Redis carry
 * them. Every job id derives from what it is about, so adding one twice keeps one.
 */
export const FOLLOWUPS_QUEUE = 'collection-followups';

export const FollowUpJob = {
  /** The day before a scheduled pickup: the reminder event. */
  remind: 'remind-pickup',
  /** After a stop's window: a lateness alert if it was neither collected nor missed. */
  checkLate: 'check-late-stop',
  /** After a miss, with backoff: the pickup is offered to planning again. */
  reschedule: 'reschedule-missed-pickup',
  /** Two days before a lot's mustBeGoneBy: a warning if its pickup is on no round. */
  checkLot: 'check-lot-pickup',
} as const;

export type FollowUpJobName = (typeof FollowUpJob)[keyof typeof FollowUpJob];

export interface RemindPayload extends JobCorrelation {
  pickupId: string;
  day: string;
}
export interface CheckLatePayload extends JobCorrelation {
  pickupId: string;
  roundId: string;
}
export interface ReschedulePayload extends JobCorrelation {
  pickupId: string;
  attempt: number;
}
export interface CheckLotPayload extends JobCorrelation {
  pickupId: string;
}

export type FollowUpPayload =
  RemindPayload | CheckLatePayload | ReschedulePayload | CheckLotPayload;

const retries = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
};

export const remindJobOptions = (pickupId: string, day: string, delayMs: number) => ({
  ...retries,
  jobId: `remind-${pickupId}-${day}`,
  delay: Math.max(0, delayMs),
});

export const checkLateJobOptions = (pickupId: string, roundId: string, delayMs: number) => ({
  ...retries,
  jobId: `late-${pickupId}-${roundId}`,
  delay: Math.max(0, delayMs),
});

export const rescheduleJobOptions = (pickupId: string, attempt: number, delayMs: number) => ({
  ...retries,
  jobId: `reschedule-${pickupId}-${attempt}`,
  delay: Math.max(0, delayMs),
});

export const checkLotJobOptions = (pickupId: string, delayMs: number) => ({
  ...retries,
  jobId: `lot-${pickupId}`,
  delay: Math.max(0, delayMs),
});
