import { Module } from '@nestjs/common';
import { SitesHandlers } from './sites.handlers.js';
import { SitesService } from './sites.service.js';

@Module({ controllers: [SitesHandlers], providers: [SitesService], exports: [SitesService] })
export class SitesModule {}
