import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { PickupsModule } from '../pickups/pickups.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { FOLLOWUPS_QUEUE } from './followups.jobs.js';
import { FollowUpsProcessor } from './followups.processor.js';
import { FollowUpsRepository } from './followups.repository.js';
import { FollowUpsScheduler } from './followups.scheduler.js';
import { FollowUpsService } from './followups.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: FOLLOWUPS_QUEUE }), PickupsModule, PlansModule],
  providers: [FollowUpsService, FollowUpsRepository, FollowUpsScheduler, FollowUpsProcessor],
  // BullModule: its queue, for the queue depth on /metrics.
  exports: [FollowUpsScheduler, BullModule],
})
export class FollowUpsModule {}
