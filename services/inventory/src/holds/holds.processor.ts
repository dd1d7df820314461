import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob } from '@boucle/service';
import { HOLDS_QUEUE, HoldJob, type ExpireHoldPayload, type HoldJobName } from './holds.jobs.js';
import { HoldsService } from './holds.service.js';

/** BullMQ in, thin: each job name goes to the service. */
@Processor(HOLDS_QUEUE, { concurrency: 16 })
export class HoldsProcessor extends WorkerHost {
  constructor(private readonly holds: HoldsService) {
    super();
  }

  override process(job: Job<ExpireHoldPayload, unknown, HoldJobName>): Promise<unknown> {
    return runJob(job, () => this.dispatch(job));
  }

  private async dispatch(job: Job<ExpireHoldPayload, unknown, HoldJobName>): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case HoldJob.expire: {
        const outcome = await this.holds.expire(job.data.holdId);
        // Thrown so that BullMQ retries it with backoff, until the hold is due.
        if (outcome === 'not-yet') throw new Error(`hold ${job.data.holdId} is not due yet`);
        return outcome;
      }
      case HoldJob.sweep:
        return this.holds.sweep();
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${HOLDS_QUEUE}`);
      }
    }
  }
}
