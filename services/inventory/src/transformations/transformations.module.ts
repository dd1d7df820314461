import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { TransformationsHandlers } from './transformations.handlers.js';
import { TransformationsRepository } from './transformations.repository.js';
import { TransformationsService } from './transformations.service.js';

@Module({
  imports: [SitesModule, GoodsModule, LedgerModule],
  controllers: [TransformationsHandlers],
  providers: [TransformationsService, TransformationsRepository],
})
export class TransformationsModule {}
