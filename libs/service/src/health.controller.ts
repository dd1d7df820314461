import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { MikroORM } from '@boucle/database';
import { MessagingRuntime, NATS_CONNECTION } from '@boucle/messaging';
import { METRICS_REGISTRY, REDIS } from './tokens.js';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly messaging: MessagingRuntime,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** The process answers: nothing more is checked, so a slow dependency never gets it restarted. */
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: PostgreSQL, NATS (with every consumer pulling) and Redis answer. */
  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.check('postgresql', async () => void (await this.orm.em.fork().execute('SELECT 1'))),
      () =>
        this.check(
          'nats',
          async () => {
            await this.nc.flush();
            if (!this.messaging.ready) throw new Error('consumers are not all pulling yet');
          },
          // A consumer waiting for another service's stream is normal at start; say so here.
          () => ({ consumers: this.messaging.consumers }),
        ),
      () => this.check('redis', async () => void (await this.redis.ping())),
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics() {
    return this.registry.metrics();
  }

  private async check(
    name: string,
    probe: () => Promise<void>,
    details: () => Record<string, unknown> = () => ({}),
  ) {
    const indicator = this.indicator.check(name);
    try {
      await probe();
      return indicator.up(details());
    } catch (error) {
      return indicator.down({
        message: error instanceof Error ? error.message : String(error),
        ...details(),
      });
    }
  }
}
