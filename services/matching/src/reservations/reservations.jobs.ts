/**
 * The reservations queue. Never change these names: jobs already in Redis carry them.
 */
export const RESERVATIONS_QUEUE = 'matching-reservations';

export const ReservationJob = {
  /** Ends every reservation inventory has not answered in time. */
  sweepUnanswered: 'sweep-unanswered-reservations',
} as const;

export type ReservationJobName = (typeof ReservationJob)[keyof typeof ReservationJob];

export const SWEEP_SCHEDULER_ID = 'sweep-unanswered-reservations';
