import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { jobCorrelation } from '@boucle/service';
import { addDays, parisInstant } from '../common/paris-time.js';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';
import type { Pickup } from '../pickups/pickup.js';
import {
  checkLateJobOptions,
  FOLLOWUPS_QUEUE,
  FollowUpJob,
  remindJobOptions,
  rescheduleJobOptions,
  type FollowUpPayload,
} from './followups.jobs.js';

export interface ScheduledStop {
  pickup: Pickup;
  roundId: string;
  day: string;
  eta: string;
}

/**
 * Adds the follow-up jobs of a plan or a miss, once committed. Their ids derive from what
 * they are about, so a replan adds no second reminder; each job checks the pickup again
 * when it runs (a replan may have moved it), and the notice table gives each notice once.
 */
@Injectable()
export class FollowUpsScheduler {
  private readonly logger = new Logger(FollowUpsScheduler.name);

  constructor(
    @InjectQueue(FOLLOWUPS_QUEUE) private readonly queue: Queue<FollowUpPayload>,
    @Inject(COLLECTION_CONFIG) private readonly config: CollectionConfig,
  ) {}

  async afterPlan(stops: readonly ScheduledStop[]): Promise<void> {
    const now = Date.now();
    for (const { pickup, roundId, day, eta } of stops) {
      const remindAt = parisInstant(addDays(day, -1), this.config.REMINDER_AT).getTime();
      const etaMs = new Date(eta).getTime();
      const window = pickup.windows.find(
        (w) => etaMs >= new Date(w.from).getTime() && etaMs <= new Date(w.until).getTime(),
      );
      const lateAt =
        new Date(window?.until ?? eta).getTime() + this.config.LATE_AFTER_MINUTES * 60_000;
      await this.add(
        FollowUpJob.remind,
        { pickupId: pickup.id, day, ...jobCorrelation() },
        remindJobOptions(pickup.id, day, remindAt - now),
      );
      await this.add(
        FollowUpJob.checkLate,
        { pickupId: pickup.id, roundId, ...jobCorrelation() },
        checkLateJobOptions(pickup.id, roundId, lateAt - now),
      );
    }
  }

  async afterMiss(pickupId: string, attempt: number, rescheduleAt: Date): Promise<void> {
    await this.add(
      FollowUpJob.reschedule,
      { pickupId, attempt, ...jobCorrelation() },
      rescheduleJobOptions(pickupId, attempt, rescheduleAt.getTime() - Date.now()),
    );
  }

  private async add(name: string, data: FollowUpPayload, opts: { jobId: string }): Promise<void> {
    try {
      await this.queue.add(name, data, opts);
    } catch (error) {
      this.logger.error(`could not add ${name} (${opts.jobId}): ${String(error)}`);
    }
  }
}
