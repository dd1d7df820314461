import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob } from '@boucle/service';
import {
  RESERVATIONS_QUEUE,
  ReservationJob,
  type ReservationJobName,
} from './reservations.jobs.js';
import { ReservationsService } from './reservations.service.js';

/** BullMQ in, thin: each job name goes to the service. */
@Processor(RESERVATIONS_QUEUE, { concurrency: 1 })
export class ReservationsProcessor extends WorkerHost {
  constructor(private readonly reservations: ReservationsService) {
    super();
  }

  override process(job: Job<object, unknown, ReservationJobName>): Promise<unknown> {
    return runJob(job, () => this.dispatch(job));
  }

  private async dispatch(job: Job<object, unknown, ReservationJobName>): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case ReservationJob.sweepUnanswered:
        return this.reservations.sweepUnanswered();
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${RESERVATIONS_QUEUE}`);
      }
    }
  }
}
