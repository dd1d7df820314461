import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ServiceModule } from '@boucle/service';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { MATCHING_CONFIG, type MatchingConfig } from './config/matching.config.js';
import { matchingMigrations } from './database/migrations.js';
import { NeedsModule } from './needs/needs.module.js';
import { RESERVATIONS_QUEUE } from './reservations/reservations.jobs.js';
import { ReservationsModule } from './reservations/reservations.module.js';

export interface MatchingAppOptions {
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: MatchingConfig, options: MatchingAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceModule.forRoot({
          service: 'matching',
          config,
          migrations: matchingMigrations,
          queuePrefix: config.QUEUE_PREFIX,
          queues: [RESERVATIONS_QUEUE],
          ...(options.logDestination && { logDestination: options.logDestination }),
        }),
        CatalogueModule,
        NeedsModule,
        ReservationsModule,
      ],
      providers: [{ provide: MATCHING_CONFIG, useValue: config }],
      exports: [MATCHING_CONFIG],
    };
  }
}
