import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob } from '@boucle/service';
import {
  FOLLOWUPS_QUEUE,
  FollowUpJob,
  type CheckLatePayload,
  type FollowUpJobName,
  type FollowUpPayload,
  type RemindPayload,
  type ReschedulePayload,
} from './followups.jobs.js';
import { FollowUpsService } from './followups.service.js';

/** BullMQ in, thin: each job name goes to the service. */
@Processor(FOLLOWUPS_QUEUE, { concurrency: 8 })
export class FollowUpsProcessor extends WorkerHost {
  constructor(private readonly followUps: FollowUpsService) {
    super();
  }

  override process(job: Job<FollowUpPayload, unknown, FollowUpJobName>): Promise<unknown> {
    return runJob(job, () => this.dispatch(job));
  }

  private async dispatch(job: Job<FollowUpPayload, unknown, FollowUpJobName>): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case FollowUpJob.remind: {
        const data = job.data as RemindPayload;
        return this.followUps.remind(data.pickupId, data.day);
      }
      case FollowUpJob.checkLate: {
        const data = job.data as CheckLatePayload;
        return this.followUps.checkLate(data.pickupId, data.roundId);
      }
      case FollowUpJob.reschedule: {
        const data = job.data as ReschedulePayload;
        return this.followUps.reschedule(data.pickupId, data.attempt);
      }
      case FollowUpJob.checkLot:
        return this.followUps.checkLot(job.data.pickupId);
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${FOLLOWUPS_QUEUE}`);
      }
    }
  }
}
