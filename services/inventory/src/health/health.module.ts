import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }],
})
export class HealthModule {}
