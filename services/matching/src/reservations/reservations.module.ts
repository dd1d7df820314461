import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MATCHING_CONFIG, type MatchingConfig } from '../config/matching.config.js';
import { NeedsModule } from '../needs/needs.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { NextInLine } from './next-in-line.js';
import { ReservationStoreModule } from './reservation-store.module.js';
import { HoldAnswersConsumer } from './reservations.consumer.js';
import { ReservationsHandlers } from './reservations.handlers.js';
import { RESERVATIONS_QUEUE, ReservationJob, SWEEP_SCHEDULER_ID } from './reservations.jobs.js';
import { ReservationsProcessor } from './reservations.processor.js';
import { ReservationsService } from './reservations.service.js';
import { Reserving } from './reserving.js';

class SweepSchedule implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(RESERVATIONS_QUEUE) private readonly queue: Queue,
    @Inject(MATCHING_CONFIG) private readonly config: MatchingConfig,
  ) {}

  /** An upsert: every replica may run it, the schedule exists once. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: this.config.RESERVATION_SWEEP_INTERVAL_MS },
      {
        name: ReservationJob.sweepUnanswered,
        opts: { removeOnComplete: true, removeOnFail: 100 },
      },
    );
  }
}

@Module({
  imports: [
    BullModule.registerQueue({ name: RESERVATIONS_QUEUE }),
    NeedsModule,
    ProposalsModule,
    ReservationStoreModule,
  ],
  controllers: [ReservationsHandlers],
  providers: [
    ReservationsService,
    Reserving,
    NextInLine,
    HoldAnswersConsumer,
    ReservationsProcessor,
    SweepSchedule,
  ],
  // BullModule: its queue, for the queue depth on /metrics.
  exports: [NextInLine, BullModule],
})
export class ReservationsModule {}
