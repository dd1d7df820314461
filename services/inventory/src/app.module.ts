import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ServiceModule } from '@boucle/service';
import { INVENTORY_CONFIG, type InventoryConfig } from './config/inventory.config.js';
import { inventoryMigrations } from './database/migrations.js';
import { CollectionsModule } from './collections/collections.module.js';
import { CorrectionsModule } from './corrections/corrections.module.js';
import { CustodyModule } from './custody/custody.module.js';
import { GoodsModule } from './goods/goods.module.js';
import { HOLDS_QUEUE } from './holds/holds.jobs.js';
import { HoldsModule } from './holds/holds.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { LOTS_QUEUE } from './lots/lots.jobs.js';
import { LotsModule } from './lots/lots.module.js';
import { QuarantineModule } from './quarantine/quarantine.module.js';
import { RefurbishmentModule } from './refurbishment/refurbishment.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SitesModule } from './sites/sites.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';

@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceModule.forRoot({
          service: 'inventory',
          config,
          migrations: inventoryMigrations,
          queuePrefix: config.QUEUE_PREFIX,
          queues: [HOLDS_QUEUE, LOTS_QUEUE],
          ...(logDestination && { logDestination }),
        }),
        SitesModule,
        GoodsModule,
        IntakeModule,
        RefurbishmentModule,
        HoldsModule,
        QuarantineModule,
        LotsModule,
        TransformationsModule,
        ReportsModule,
        CorrectionsModule,
        CustodyModule,
        CollectionsModule,
      ],
      providers: [{ provide: INVENTORY_CONFIG, useValue: config }],
      exports: [INVENTORY_CONFIG],
    };
  }
}
