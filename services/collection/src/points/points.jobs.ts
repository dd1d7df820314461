import type { JobCorrelation } from '@boucle/service';

/**
 * The collection points queue. Never change these names: schedulers and jobs already in
 * Redis carry them.
 */
export const POINTS_QUEUE = 'collection-points';

export const PointJob = {
  /** Fired by a point's scheduler the day before each collection day: opens that day's pickup. */
  openScheduled: 'open-scheduled-pickup',
} as const;

export type PointJobName = (typeof PointJob)[keyof typeof PointJob];

export interface OpenScheduledPayload extends JobCorrelation {
  pointId: string;
  /** The schedule revision the scheduler was made from (for the logs; the point's own is read). */
  revision: number;
}

/** One scheduler per point: upserting it again replaces it, never adds a second. */
export const pointSchedulerId = (pointId: string) => `point-${pointId}`;

export const openScheduledJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: 100,
  removeOnFail: 1_000,
};
