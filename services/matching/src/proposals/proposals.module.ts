import { Module } from '@nestjs/common';
import { ReservationStoreModule } from '../reservations/reservation-store.module.js';
import { ProposalsHandlers } from './proposals.handlers.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ProposalsService } from './proposals.service.js';

@Module({
  imports: [ReservationStoreModule],
  controllers: [ProposalsHandlers],
  providers: [ProposalsService, ProposalsRepository],
  exports: [ProposalsService],
})
export class ProposalsModule {}
