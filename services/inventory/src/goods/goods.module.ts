import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import { GoodsHandlers } from './goods.handlers.js';
import { GoodsService } from './goods.service.js';
import { StockService } from './stock.service.js';

@Module({
  imports: [SitesModule],
  controllers: [GoodsHandlers],
  providers: [GoodsService, StockService],
  exports: [StockService],
})
export class GoodsModule {}
