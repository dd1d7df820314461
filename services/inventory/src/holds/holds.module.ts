import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { INVENTORY_CONFIG, type InventoryConfig } from '../config/inventory.config.js';
import { GoodsModule } from '../goods/goods.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ReservationRequestsConsumer } from './holds.consumer.js';
import { HoldsHandlers } from './holds.handlers.js';
import { HOLDS_QUEUE, HoldJob, SWEEP_SCHEDULER_ID } from './holds.jobs.js';
import { HoldsProcessor } from './holds.processor.js';
import { HoldsRepository } from './holds.repository.js';
import { HoldsService } from './holds.service.js';

class SweepSchedule implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(HOLDS_QUEUE) private readonly queue: Queue,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  /** An upsert: every replica may run it, the schedule exists once. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: this.config.HOLD_SWEEP_INTERVAL_MS },
      { name: HoldJob.sweep, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}

@Module({
  imports: [BullModule.registerQueue({ name: HOLDS_QUEUE }), GoodsModule, LedgerModule],
  controllers: [HoldsHandlers],
  providers: [
    HoldsService,
    HoldsRepository,
    HoldsProcessor,
    SweepSchedule,
    ReservationRequestsConsumer,
  ],
  // BullModule: its queue, for the queue depth on /metrics.
  exports: [HoldsService, BullModule],
})
export class HoldsModule {}
