import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { runJob } from '@boucle/service';
import {
  PLANNING_QUEUE,
  PlanningJob,
  type PlanDayPayload,
  type PlanningJobName,
} from '../plans/plans.jobs.js';
import { PlanningService } from './planning.service.js';

/**
 * BullMQ in, thin: each job name goes to the service. Planning takes the abort signal
 * BullMQ gives when the worker cancels its jobs at shutdown (see WorkerGrace): the job
 * then goes back to the delayed set, without using up an attempt, instead of being left
 * active for the stall checker to find.
 */
@Processor(PLANNING_QUEUE, { concurrency: 1 })
export class PlanningProcessor extends WorkerHost {
  constructor(private readonly planning: PlanningService) {
    super();
  }

  override process(
    job: Job<PlanDayPayload, unknown, PlanningJobName>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    return runJob(job, async () => {
      try {
        return await this.dispatch(job, signal);
      } catch (error) {
        if (!signal?.aborted || !token) throw error;
        await job.moveToDelayed(Date.now() + 1_000, token);
        throw new DelayedError(`handed back at shutdown: ${String(signal.reason)}`);
      }
    });
  }

  private async dispatch(
    job: Job<PlanDayPayload, unknown, PlanningJobName>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const name = job.name;
    switch (name) {
      case PlanningJob.planDay:
        return this.planning.planDay(job.data.day, job.data.revision, signal);
      case PlanningJob.planNextDay:
        return this.planning.requestNextDay();
      default: {
        const unknown: never = name;
        throw new Error(`unknown job ${String(unknown)} on ${PLANNING_QUEUE}`);
      }
    }
  }
}
