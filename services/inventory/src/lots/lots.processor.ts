import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob } from '@boucle/service';
import { LOTS_QUEUE, LotJob, type DivertUntakenPayload, type LotJobName } from './lots.jobs.js';
import { LotsService } from './lots.service.js';

/** BullMQ in, thin: each job name goes to the service. */
@Processor(LOTS_QUEUE, { concurrency: 4 })
export class LotsProcessor extends WorkerHost {
  constructor(private readonly lots: LotsService) {
    super();
  }

  override process(job: Job<DivertUntakenPayload, unknown, LotJobName>): Promise<unknown> {
    return runJob(job, () => this.dispatch(job));
  }

  private async dispatch(job: Job<DivertUntakenPayload, unknown, LotJobName>): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case LotJob.divertUntaken: {
        const outcome = await this.lots.divertUntaken(job.data.goodId);
        // Thrown so that BullMQ retries it with backoff, until the window has closed.
        if (outcome === 'not-yet') throw new Error(`lot ${job.data.goodId} is not due yet`);
        return outcome;
      }
      case LotJob.sweep:
        return this.lots.sweepOverdue();
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${LOTS_QUEUE}`);
      }
    }
  }
}
