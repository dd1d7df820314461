import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob } from '@boucle/service';
import {
  POINTS_QUEUE,
  PointJob,
  type OpenScheduledPayload,
  type PointJobName,
} from './points.jobs.js';
import { PointsService } from './points.service.js';

/** BullMQ in, thin: each job name goes to the service. */
@Processor(POINTS_QUEUE, { concurrency: 4 })
export class PointsProcessor extends WorkerHost {
  constructor(private readonly points: PointsService) {
    super();
  }

  override process(job: Job<OpenScheduledPayload, unknown, PointJobName>): Promise<unknown> {
    return runJob(job, () => this.dispatch(job));
  }

  private async dispatch(job: Job<OpenScheduledPayload, unknown, PointJobName>): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case PointJob.openScheduled:
        // When the scheduler meant it to run, so that a late retry opens the same day's pickup.
        return this.points.openScheduled(
          job.data.pointId,
          new Date(job.timestamp + (job.opts.delay ?? 0)),
        );
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${POINTS_QUEUE}`);
      }
    }
  }
}
