import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window starts again. */
  resetSeconds: number;
}

/**
 * One counter per key and window, made and expired by Redis in one step: every gateway
 * replica counts into the same window, and a counter never outlives it.
 */
const COUNT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

/**
 * Requests per minute, per person and per address, counted in Redis. When Redis cannot
 * answer at once the request goes ahead: a limiter that takes the whole API down with it
 * would do more harm than the traffic it holds back. Each such miss is logged, once per
 * minute at most.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: Redis;
  private lastWarning = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.redis = new Redis(config.REDIS_URL, {
      // Fail at once rather than queue: a request must not wait for Redis to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      // Connected before the gateway listens: its first requests are counted like the rest.
      lazyConnect: true,
    });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  async onModuleInit(): Promise<void> {
    // Redis down at start does not keep the API down; the client keeps reconnecting.
    await this.redis.connect().catch((error: unknown) => this.warn(error as Error));
  }

  /** An address, before its person is known: guards the token check itself. */
  async byAddress(address: string): Promise<RateDecision> {
    return (await this.count([[`ip:${address}`, this.config.RATE_LIMIT_ADDRESS_PER_MINUTE]]))[0]!;
  }

  async byPerson(userId: string): Promise<RateDecision> {
    return (await this.count([[`user:${userId}`, this.config.RATE_LIMIT_PERSON_PER_MINUTE]]))[0]!;
  }

  /**
   * Both windows in one round trip, for a person already known (a token verified a moment
   * ago): the tighter of the two decides.
   */
  async byAddressAndPerson(address: string, userId: string): Promise<RateDecision> {
    const [byAddress, byPerson] = await this.count([
      [`ip:${address}`, this.config.RATE_LIMIT_ADDRESS_PER_MINUTE],
      [`user:${userId}`, this.config.RATE_LIMIT_PERSON_PER_MINUTE],
    ]);
    if (!byAddress!.allowed) return byAddress!;
    if (!byPerson!.allowed) return byPerson!;
    return byAddress!.limit > 0 && byAddress!.remaining < byPerson!.remaining
      ? byAddress!
      : byPerson!;
  }

  private async count(windows: [string, number][]): Promise<RateDecision[]> {
    const open = (limit: number) => ({ allowed: true, limit, remaining: limit, resetSeconds: 60 });
    const counted = windows.filter(([, limit]) => limit > 0);
    if (counted.length === 0) return windows.map(([, limit]) => open(limit));
    let replies: number[];
    try {
      replies = (await this.redis.eval(
        COUNT,
        counted.length,
        ...counted.map(([key]) => `${this.config.SUBJECT_PREFIX}gateway:rate:${key}`),
        '60000',
      )) as number[];
    } catch (error) {
      this.warn(error as Error);
      return windows.map(([, limit]) => open(limit));
    }
    return windows.map(([key, limit]) => {
      const at = counted.findIndex(([k]) => k === key);
      if (at < 0) return open(limit);
      const count = replies[2 * at]!;
      const ttl = replies[2 * at + 1]!;
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
      };
    });
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`rate limits not counted, Redis did not answer: ${error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
