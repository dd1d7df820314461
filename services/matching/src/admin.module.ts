import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceModule } from '@boucle/service';
import { CatalogueCoreModule } from './catalogue/catalogue.module.js';
import { MATCHING_CONFIG, type MatchingConfig } from './config/matching.config.js';
import { matchingMigrations } from './database/migrations.js';
import { NeedsModule } from './needs/needs.module.js';

/**
 * What the admin commands run on: the service's database, broker and logic, without its
 * consumers and without publishing; nothing answers requests in an admin process.
 */
@Module({})
export class AdminModule {
  static forRoot(config: MatchingConfig): DynamicModule {
    return {
      module: AdminModule,
      global: true,
      imports: [
        ServiceModule.forRoot({
          service: 'matching',
          config,
          migrations: matchingMigrations,
          queuePrefix: config.QUEUE_PREFIX,
          messaging: { runRelay: false },
        }),
        CatalogueCoreModule,
        NeedsModule,
      ],
      providers: [{ provide: MATCHING_CONFIG, useValue: config }],
      exports: [MATCHING_CONFIG],
    };
  }
}
