import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { PickupsModule } from '../pickups/pickups.module.js';
import { PointSchedulesConsumer } from './points.consumer.js';
import { PointsHandlers } from './points.handlers.js';
import { POINTS_QUEUE } from './points.jobs.js';
import { PointsProcessor } from './points.processor.js';
import { PointsRepository } from './points.repository.js';
import { PointsService } from './points.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: POINTS_QUEUE }), PickupsModule],
  controllers: [PointsHandlers],
  providers: [PointsService, PointsRepository, PointsProcessor, PointSchedulesConsumer],
  // BullModule: its queue, for the queue depth on /metrics.
  exports: [BullModule],
})
export class PointsModule {}
