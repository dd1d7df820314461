import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { GoodsHandlers } from './goods.handlers.js';
import { GoodsRepository } from './goods.repository.js';
import { GoodsService } from './goods.service.js';

@Module({
  imports: [SitesModule, LedgerModule],
  controllers: [GoodsHandlers],
  providers: [GoodsService, GoodsRepository],
  exports: [GoodsRepository],
})
export class GoodsModule {}
