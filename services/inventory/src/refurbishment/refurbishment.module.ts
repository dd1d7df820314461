import { Module } from '@nestjs/common';
import { GoodsModule } from '../goods/goods.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { RefurbishmentHandlers } from './refurbishment.handlers.js';
import { RefurbishmentService } from './refurbishment.service.js';

@Module({
  imports: [GoodsModule, SitesModule],
  controllers: [RefurbishmentHandlers],
  providers: [RefurbishmentService],
})
export class RefurbishmentModule {}
