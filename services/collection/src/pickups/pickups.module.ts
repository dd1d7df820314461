import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { FOLLOWUPS_QUEUE } from '../followups/followups.jobs.js';
import { PlansModule } from '../plans/plans.module.js';
import { PickupsHandlers } from './pickups.handlers.js';
import { PickupsRepository } from './pickups.repository.js';
import { PickupsService } from './pickups.service.js';

@Module({
  imports: [PlansModule, BullModule.registerQueue({ name: FOLLOWUPS_QUEUE })],
  controllers: [PickupsHandlers],
  providers: [PickupsService, PickupsRepository],
  exports: [PickupsService, PickupsRepository],
})
export class PickupsModule {}
