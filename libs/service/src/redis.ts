import {
  Inject,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from './tokens.js';

/** BullMQ's connection settings from a `redis://` or `rediss://` URL. */
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

/**
 * BullMQ loses scheduled jobs if Redis may evict keys or forget them on restart:
 * say so at start.
 */
export class RedisPolicyCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationBootstrap(): Promise<void> {
    const [, policy] = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
    const [, aof] = (await this.redis.config('GET', 'appendonly')) as string[];
    if (policy !== 'noeviction') {
      this.logger.warn(
        `maxmemory-policy is ${policy}: use noeviction or scheduled jobs may be lost`,
      );
    }
    if (aof !== 'yes')
      this.logger.warn('appendonly is off: scheduled jobs do not survive a Redis restart');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
