import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { PLANNING_QUEUE } from './plans.jobs.js';
import { PlansRepository } from './plans.repository.js';
import { PlanRequests } from './plans.service.js';

/** Which plan of a day is asked for and which is in the rounds; the planning queue. */
@Module({
  imports: [BullModule.registerQueue({ name: PLANNING_QUEUE })],
  providers: [PlansRepository, PlanRequests],
  exports: [PlansRepository, PlanRequests, BullModule],
})
export class PlansModule {}
