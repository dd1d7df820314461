import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { currentWorkContext, runInWorkContext } from '@boucle/messaging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a job payload carries beside its ids: the correlation of the work that scheduled it. */
export interface JobCorrelation {
  correlationId?: string;
}

/** The correlation to put in a job's payload when scheduling it from the work under way. */
export function jobCorrelation(): JobCorrelation {
  const correlationId = currentWorkContext()?.correlationId;
  return correlationId ? { correlationId } : {};
}

/**
 * Runs a job in a work context of its own, continuing the correlation of the work that
 * scheduled it (or a new one for scheduled sweeps), so that its logs and the events it
 * records are followed like those of a request.
 */
export function runJob<T>(job: Job, work: () => Promise<T>): Promise<T> {
  const carried = (job.data as JobCorrelation | undefined)?.correlationId;
  const correlationId =
    typeof carried === 'string' && UUID.test(carried) ? carried.toLowerCase() : randomUUID();
  return runInWorkContext({ correlationId }, work);
}
