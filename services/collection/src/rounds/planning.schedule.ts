import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { COLLECTION_CONFIG, type CollectionConfig } from '../config/collection.config.js';
import { PLAN_NEXT_DAY_SCHEDULER_ID, PLANNING_QUEUE, PlanningJob } from '../plans/plans.jobs.js';

/** The nightly plan's cron pattern: every day at PLAN_NEXT_DAY_AT, Paris time. */
export function nextDayPattern(at: string): string {
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  return `${minute} ${hour} * * *`;
}

/**
 * The nightly planning scheduler is upserted only when what Redis holds differs from the
 * configuration: once per change of PLAN_NEXT_DAY_AT, not by every replica at every start
 * (each upsert recomputes the next run and replaces the pending job, and replicas of two
 * versions in a rolling update would take turns rewriting it).
 */
@Injectable()
export class PlanningSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlanningSchedule.name);

  constructor(
    @InjectQueue(PLANNING_QUEUE) private readonly queue: Queue,
    @Inject(COLLECTION_CONFIG) private readonly config: CollectionConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pattern = nextDayPattern(this.config.PLAN_NEXT_DAY_AT);
    const existing = await this.queue.getJobScheduler(PLAN_NEXT_DAY_SCHEDULER_ID);
    if (existing?.pattern === pattern && existing.tz === 'Europe/Paris') return;
    await this.queue.upsertJobScheduler(
      PLAN_NEXT_DAY_SCHEDULER_ID,
      { pattern, tz: 'Europe/Paris' },
      {
        name: PlanningJob.planNextDay,
        opts: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 5_000 },
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      },
    );
    this.logger.log(`next-day planning scheduled at ${this.config.PLAN_NEXT_DAY_AT} (Paris)`);
  }
}
