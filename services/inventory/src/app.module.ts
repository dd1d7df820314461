import { BullModule } from '@nestjs/bullmq';
import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { MessagingModule } from '@boucle/messaging';
import { REDIS } from './common/redis.js';
import { INVENTORY_CONFIG, type InventoryConfig } from './config/inventory.config.js';
import { DatabaseModule } from './database/database.module.js';
import { GoodsModule } from './goods/goods.module.js';
import { HealthModule } from './health/health.module.js';
import { HoldsModule } from './holds/holds.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { LotsModule } from './lots/lots.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';
import { RefurbishmentModule } from './refurbishment/refurbishment.module.js';
import { SitesModule } from './sites/sites.module.js';

/**
 * BullMQ loses scheduled jobs if Redis may evict keys or
 * forget them on restart: say so at start.
 */
class RedisPolicyCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationBootstrap(): Promise<void> {
    const [, policy] = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
    const [, aof] = (await this.redis.config('GET', 'appendonly')) as string[];
    if (policy !== 'noeviction') {
      this.logger.warn(
        `maxmemory-policy is ${policy}: use noeviction or hold expiries may be lost`,
      );
    }
    if (aof !== 'yes')
      this.logger.warn('appendonly is off: scheduled jobs do not survive a Redis restart');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

@Global()
@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config.DATABASE_URL),
        MessagingModule.forRoot({
          producer: 'inventory',
          natsUrl: config.NATS_URL,
          databaseUrl: config.DATABASE_URL,
          subjectPrefix: config.SUBJECT_PREFIX,
          ...(config.STREAM_REPLICAS && { stream: { replicas: config.STREAM_REPLICAS } }),
        }),
        BullModule.forRoot({
          connection: redisConnection(config.REDIS_URL),
          prefix: config.QUEUE_PREFIX,
        }),
        SitesModule,
        GoodsModule,
        IntakeModule,
        RefurbishmentModule,
        HoldsModule,
        LotsModule,
        TransformationsModule,
        ReportsModule,
        HealthModule,
      ],
      providers: [
        { provide: INVENTORY_CONFIG, useValue: config },
        {
          provide: REDIS,
          useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 }),
        },
        RedisPolicyCheck,
      ],
      exports: [INVENTORY_CONFIG, REDIS],
    };
  }
}
