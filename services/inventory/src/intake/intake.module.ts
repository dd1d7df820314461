import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { IntakeHandlers } from './intake.handlers.js';
import { IntakeService } from './intake.service.js';

@Module({
  imports: [SitesModule, GoodsModule],
  controllers: [IntakeHandlers],
  providers: [IntakeService],
})
export class IntakeModule {}
