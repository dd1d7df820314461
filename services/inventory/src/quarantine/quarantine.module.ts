import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { HoldsModule } from '../holds/holds.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { QuarantineHandlers } from './quarantine.handlers.js';
import { QuarantineRepository } from './quarantine.repository.js';
import { QuarantineService } from './quarantine.service.js';

@Module({
  imports: [GoodsModule, LedgerModule, HoldsModule, SitesModule],
  controllers: [QuarantineHandlers],
  providers: [QuarantineService, QuarantineRepository],
})
export class QuarantineModule {}
