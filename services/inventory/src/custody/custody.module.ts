import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { CustodyHandlers } from './custody.handlers.js';
import { CustodyRepository } from './custody.repository.js';
import { CustodyService } from './custody.service.js';

@Module({
  imports: [SitesModule, GoodsModule, LedgerModule],
  controllers: [CustodyHandlers],
  providers: [CustodyService, CustodyRepository],
})
export class CustodyModule {}
