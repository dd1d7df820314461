import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { LotsHandlers } from './lots.handlers.js';
import { LOTS_QUEUE } from './lots.jobs.js';
import { LotsProcessor } from './lots.processor.js';
import { LotsService } from './lots.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: LOTS_QUEUE }), SitesModule, GoodsModule],
  controllers: [LotsHandlers],
  providers: [LotsService, LotsProcessor],
})
export class LotsModule {}
