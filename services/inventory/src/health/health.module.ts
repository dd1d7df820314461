import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { METRICS_REGISTRY } from '../common/metrics.js';
import { HoldsModule } from '../holds/holds.module.js';
import { LotsModule } from '../lots/lots.module.js';
import { HealthController } from './health.controller.js';
import { metricsRegistryProvider } from './metrics.js';

/**
 * Global for its registry, which features add their own metrics to (hold expiry
 * lateness); imports the features whose queues it counts.
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), HoldsModule, LotsModule],
  controllers: [HealthController],
  providers: [metricsRegistryProvider],
  exports: [METRICS_REGISTRY],
})
export class HealthModule {}
