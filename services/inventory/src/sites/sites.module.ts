import { Module } from '@nestjs/common';
import { SitesHandlers } from './sites.handlers.js';
import { SitesRepository } from './sites.repository.js';
import { SitesService } from './sites.service.js';

@Module({
  controllers: [SitesHandlers],
  providers: [SitesService, SitesRepository],
  exports: [SitesService, SitesRepository],
})
export class SitesModule {}
