import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { IntakeHandlers } from './intake.handlers.js';
import { IntakeRepository } from './intake.repository.js';
import { IntakeService } from './intake.service.js';

@Module({
  imports: [SitesModule, GoodsModule, LedgerModule],
  controllers: [IntakeHandlers],
  providers: [IntakeService, IntakeRepository],
  // For collections/, which takes in what a pickup brought.
  exports: [IntakeService],
})
export class IntakeModule {}
