import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from '@boucle/database';
import { jobCorrelation } from '@boucle/service';
import {
  PLANNING_QUEUE,
  PlanningJob,
  planDayJobOptions,
  type PlanDayPayload,
} from './plans.jobs.js';
import { PlansRepository } from './plans.repository.js';

export interface PlanRequest {
  day: string;
  revision: number;
}

/**
 * Asking for a day's plan: a new revision in the caller's transaction, then, once it has
 * committed, a job for that revision. A job whose revision is no longer the newest finds a
 * newer one asked for and leaves the day to it, so a burst of changes plans the day once
 * or twice, never once per change; a job lost between commit and queue is made good by
 * the next change or the nightly plan.
 */
@Injectable()
export class PlanRequests {
  private readonly logger = new Logger(PlanRequests.name);

  constructor(
    private readonly plans: PlansRepository,
    @InjectQueue(PLANNING_QUEUE) private readonly queue: Queue<PlanDayPayload>,
  ) {}

  /** A plan of `day` is asked for, in the caller's transaction. */
  async request(em: EntityManager, day: string): Promise<PlanRequest> {
    return { day, revision: await this.plans.bump(em, day) };
  }

  /** The days among these that were planned already are planned again (a pickup came or went). */
  async replanIfPlanned(em: EntityManager, days: readonly string[]): Promise<PlanRequest[]> {
    const planned = await this.plans.planned(em, [...new Set(days)]);
    const requests: PlanRequest[] = [];
    for (const day of planned) requests.push(await this.request(em, day));
    return requests;
  }

  /** Once committed: one job per requested revision. */
  async enqueue(requests: readonly PlanRequest[]): Promise<void> {
    for (const { day, revision } of requests) {
      try {
        await this.queue.add(
          PlanningJob.planDay,
          { day, revision, ...jobCorrelation() },
          planDayJobOptions(day, revision),
        );
      } catch (error) {
        this.logger.error(`could not queue the plan of ${day} (r${revision}): ${String(error)}`);
      }
    }
  }
}
