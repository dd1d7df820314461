import { Module } from '@nestjs/common';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { CatalogueConsumer } from './catalogue.consumer.js';
import { CatalogueHandlers } from './catalogue.handlers.js';
import { CatalogueRebuild } from './catalogue.rebuild.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { CatalogueSearchRepository } from './catalogue-search.repository.js';
import { CatalogueService } from './catalogue.service.js';

/** The catalogue's logic and its rebuild, without its adapters: what the admin commands use. */
@Module({
  providers: [CatalogueService, CatalogueRepository, CatalogueSearchRepository, CatalogueRebuild],
  exports: [CatalogueService, CatalogueRebuild],
})
export class CatalogueCoreModule {}

@Module({
  imports: [CatalogueCoreModule, ProposalsModule, ReservationsModule],
  controllers: [CatalogueHandlers],
  providers: [CatalogueConsumer],
})
export class CatalogueModule {}
