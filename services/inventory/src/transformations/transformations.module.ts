import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { TransformationsHandlers } from './transformations.handlers.js';
import { TransformationsService } from './transformations.service.js';

@Module({
  imports: [SitesModule, GoodsModule],
  controllers: [TransformationsHandlers],
  providers: [TransformationsService],
})
export class TransformationsModule {}
