import { Module } from '@nestjs/common';
import { CorrectionsRepository } from '../corrections/corrections.repository.js';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { CustodyHandlers } from './custody.handlers.js';
import { CustodyRepository } from './custody.repository.js';
import { CustodyService } from './custody.service.js';

@Module({
  imports: [SitesModule, GoodsModule, LedgerModule],
  controllers: [CustodyHandlers],
  // The corrections' repository (stateless): a part weighed on receipt settles its mass as a
  // weight correction does.
  providers: [CustodyService, CustodyRepository, CorrectionsRepository],
  // For lots/, whose pickups pass part of a lot to the member that collected it.
  exports: [CustodyService],
})
export class CustodyModule {}
