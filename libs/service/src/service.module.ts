import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Producer } from '@boucle/contracts';
import { DatabaseModule, type NamedMigration } from '@boucle/database';
import { MessagingModule, type MessagingModuleOptions } from '@boucle/messaging';
import { HealthController } from './health.controller.js';
import { loggerParams, type LogLevel } from './logging.js';
import { metricsRegistryProvider } from './metrics.js';
import { RedisPolicyCheck, redisConnection } from './redis.js';
import { METRICS_REGISTRY, REDIS, SERVICE_OPTIONS } from './tokens.js';

/** The settings every service has (see `serviceShape` in @boucle/config). */
export interface ServiceConfig {
  LOG_LEVEL: LogLevel;
  DATABASE_URL: string;
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  REDIS_URL: string;
  SUBJECT_PREFIX: string;
  STREAM_REPLICAS?: number | undefined;
  GROUP_COMMIT_LANES?: number | undefined;
}

export interface ServiceOptions {
  /** The service this process is: its stream, its metrics label, its log lines. */
  service: Producer;
  config: ServiceConfig;
  migrations: readonly NamedMigration[];
  /** Prefix of the service's BullMQ keys in Redis; tests give each file its own. */
  queuePrefix: string;
  /** Queues whose depth `/metrics` shows. */
  queues?: readonly string[];
  poolSize?: number;
  messaging?: Partial<
    Omit<MessagingModuleOptions, 'producer' | 'natsUrl' | 'natsCredentials' | 'databaseUrl'>
  >;
  /** Where log lines go; standard output by default. */
  logDestination?: DestinationStream;
}

/**
 * What every service has, in one import: its database (migrated at start), the event
 * backbone, BullMQ, a Redis connection with its policy checked, JSON logs with the
 * correlation id, `/health/live`, `/health/ready` and `/metrics`. A service's own
 * module then lists only its features.
 */
@Global()
@Module({})
export class ServiceModule {
  static forRoot(options: ServiceOptions): DynamicModule {
    const { config } = options;
    return {
      module: ServiceModule,
      imports: [
        LoggerModule.forRoot(
          loggerParams(options.service, config.LOG_LEVEL, options.logDestination),
        ),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          entities: [],
          migrations: options.migrations,
          poolSize: options.poolSize ?? 20,
        }),
        MessagingModule.forRoot({
          producer: options.service,
          natsUrl: config.NATS_URL,
          natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD },
          databaseUrl: config.DATABASE_URL,
          subjectPrefix: config.SUBJECT_PREFIX,
          ...(config.STREAM_REPLICAS && { stream: { replicas: config.STREAM_REPLICAS } }),
          ...options.messaging,
        }),
        BullModule.forRoot({
          connection: redisConnection(config.REDIS_URL),
          prefix: options.queuePrefix,
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        {
          provide: REDIS,
          useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 }),
        },
        RedisPolicyCheck,
        metricsRegistryProvider,
      ],
      exports: [SERVICE_OPTIONS, REDIS, METRICS_REGISTRY],
    };
  }
}
