import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { RefurbishmentHandlers } from './refurbishment.handlers.js';
import { RefurbishmentRepository } from './refurbishment.repository.js';
import { RefurbishmentService } from './refurbishment.service.js';

@Module({
  imports: [GoodsModule, LedgerModule, SitesModule],
  controllers: [RefurbishmentHandlers],
  providers: [RefurbishmentService, RefurbishmentRepository],
})
export class RefurbishmentModule {}
