import { Module } from '@nestjs/common';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { ReservationStoreModule } from '../reservations/reservation-store.module.js';
import { NeedsHandlers } from './needs.handlers.js';
import { NeedsRepository } from './needs.repository.js';
import { NeedsService } from './needs.service.js';
import { ResealService } from './reseal.service.js';

@Module({
  imports: [PrivacyModule, ProposalsModule, ReservationStoreModule],
  controllers: [NeedsHandlers],
  providers: [NeedsService, NeedsRepository, ResealService],
  exports: [NeedsService, NeedsRepository, ResealService],
})
export class NeedsModule {}
