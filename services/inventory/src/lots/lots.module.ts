import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { INVENTORY_CONFIG, type InventoryConfig } from '../config/inventory.config.js';
import { CustodyModule } from '../custody/custody.module.js';
import { GoodsModule } from '../goods/goods.module.js';
import { HoldsModule } from '../holds/holds.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { LotsHandlers } from './lots.handlers.js';
import { LOTS_QUEUE, LOTS_SWEEP_SCHEDULER_ID, LotJob } from './lots.jobs.js';
import { LotsProcessor } from './lots.processor.js';
import { LotsRepository } from './lots.repository.js';
import { LotsService } from './lots.service.js';

class LotsSweepSchedule implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(LOTS_QUEUE) private readonly queue: Queue,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  /** An upsert: every replica may run it, the schedule exists once. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      LOTS_SWEEP_SCHEDULER_ID,
      { every: this.config.HOLD_SWEEP_INTERVAL_MS },
      { name: LotJob.sweep, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}

@Module({
  imports: [
    BullModule.registerQueue({ name: LOTS_QUEUE }),
    SitesModule,
    GoodsModule,
    LedgerModule,
    HoldsModule,
    CustodyModule,
  ],
  controllers: [LotsHandlers],
  providers: [LotsService, LotsRepository, LotsProcessor, LotsSweepSchedule],
  // Its queue, for the queue depth on /metrics; the service, for collections/, whose pickups
  // collect lots.
  exports: [BullModule, LotsService],
})
export class LotsModule {}
