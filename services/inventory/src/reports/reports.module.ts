import { Module } from '@nestjs/common';
import { ReportsHandlers } from './reports.handlers.js';
import { ReportsService } from './reports.service.js';

@Module({ controllers: [ReportsHandlers], providers: [ReportsService] })
export class ReportsModule {}
