import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module.js';
import { LotsModule } from '../lots/lots.module.js';
import { CompletedPickupsConsumer } from './collections.consumer.js';
import { CollectionsService } from './collections.service.js';

/** What collection's rounds bring in, taken in automatically; a firm's lot, collected. */
@Module({
  imports: [IntakeModule, LotsModule],
  providers: [CollectionsService, CompletedPickupsConsumer],
})
export class CollectionsModule {}
