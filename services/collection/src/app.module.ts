import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { ServiceModule } from '@boucle/service';
import { WorkerGrace } from './common/worker-grace.js';
import { COLLECTION_CONFIG, type CollectionConfig } from './config/collection.config.js';
import { collectionMigrations } from './database/migrations.js';
import { FOLLOWUPS_QUEUE } from './followups/followups.jobs.js';
import { FollowUpsModule } from './followups/followups.module.js';
import { PickupsModule } from './pickups/pickups.module.js';
import { PLANNING_QUEUE } from './plans/plans.jobs.js';
import { PlansModule } from './plans/plans.module.js';
import { POINTS_QUEUE } from './points/points.jobs.js';
import { PointsModule } from './points/points.module.js';
import { ROUND_PLANNER, type RoundPlanner } from './rounds/planner.js';
import { RoundsModule } from './rounds/rounds.module.js';
import { RoutingPlanner, routingPlannerOptions } from './rounds/routing-planner.js';
import { VehiclesModule } from './vehicles/vehicles.module.js';

export interface CollectionAppOptions {
  logDestination?: DestinationStream;
  /** The round planner; libs/routing's, in a worker thread, unless a test gives another. */
  planner?: RoundPlanner;
}

@Module({})
export class AppModule {
  static forRoot(config: CollectionConfig, options: CollectionAppOptions = {}): DynamicModule {
    const planner: Provider = options.planner
      ? { provide: ROUND_PLANNER, useValue: options.planner }
      : { provide: ROUND_PLANNER, useValue: new RoutingPlanner(routingPlannerOptions(config)) };
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceModule.forRoot({
          service: 'collection',
          config,
          migrations: collectionMigrations,
          queuePrefix: config.QUEUE_PREFIX,
          queues: [PLANNING_QUEUE, POINTS_QUEUE, FOLLOWUPS_QUEUE],
          ...(options.logDestination && { logDestination: options.logDestination }),
        }),
        DiscoveryModule,
        PlansModule,
        PickupsModule,
        PointsModule,
        VehiclesModule,
        FollowUpsModule,
        RoundsModule,
      ],
      providers: [{ provide: COLLECTION_CONFIG, useValue: config }, planner, WorkerGrace],
      exports: [COLLECTION_CONFIG, ROUND_PLANNER],
    };
  }
}
