import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { CorrectionsHandlers } from './corrections.handlers.js';
import { CorrectionsRepository } from './corrections.repository.js';
import { CorrectionsService } from './corrections.service.js';

@Module({
  imports: [SitesModule, GoodsModule, LedgerModule],
  controllers: [CorrectionsHandlers],
  providers: [CorrectionsService, CorrectionsRepository],
})
export class CorrectionsModule {}
